import { ts } from '@ts-morph/common';
import {
  isCallExpression, isIdentifier, isMethodDeclaration, isNewExpression, isObjectLiteralExpression, isPropertyAccessExpression, isPropertyAssignment,
  isShorthandPropertyAssignment, isStringLiteral, isStringLiteralLike, isTypeReferenceNode, Kind,
} from '../syntax.js';
import type { FrameworkId, Target } from '../../types.js';
import {
  bindingOf,
  calleeName,
  imports,
  locOf,
  resolveTarget,
  thisAssignments,
  type Analysis,
} from '../context.js';
import { functionValues } from '../flow.js';
import { isFunctionLike, unwrap, type Binding, type Role } from '../scope.js';
import { nodeHasText } from '../text-index.js';
import {
  CLIENT_LIBS,
  DENO_UPGRADE,
  IO_LIBS,
  IO_SERVER_NAMES,
  LISTEN_METHODS as LISTEN_METHOD_NAMES,
  SOCKET_NAMES,
  SOCKET_TYPES,
  WEBSOCKET_PAIR,
  WS_SERVER_LIBS,
  WS_SERVER_MEMBER,
  WS_SERVER_NAMES,
  WS_SERVER_TYPE,
} from './vocabulary.js';

/** One recogniser per framework: it looks at nodes and registers the functions that become WebSocket scope. */
export interface FrameworkRecognizer {
  id: FrameworkId;
  onCall?(a: Analysis, call: ts.CallExpression): void;
  onClass?(a: Analysis, cls: ts.ClassLikeDeclaration): void;
  onAssignment?(a: Analysis, assignment: ts.BinaryExpression): void;
  onObject?(a: Analysis, object: ts.ObjectLiteralExpression): void;
  /** Every function, for recognisers that go by a function's own shape (signature evidence). */
  onFunction?(a: Analysis, fn: ts.FunctionLikeDeclaration): void;
  /**
   * Set when `onCall` / `onAssignment` read roles (`roleOf`), which registrations give parameters
   * as the walk goes: those two run again on calls on a member and on assignments to one while
   * something new is learnt. The other hooks must not read roles: they run once.
   */
  readsRoles?: boolean;
}

export const LISTEN_METHODS: ReadonlySet<string> = new Set(LISTEN_METHOD_NAMES);

/** `X.on('event', handler)`: the receiver, event name and handler, or undefined. */
export function listenCall(call: ts.CallExpression): { receiver: ts.Expression; event: string; handler: ts.Expression } | undefined {
  const callee = unwrap(call.expression);
  if (!isPropertyAccessExpression(callee) || !LISTEN_METHODS.has(callee.name.text)) return undefined;
  const [event, handler] = call.arguments;
  if (!event || !handler || !isStringLiteralLike(event)) return undefined;
  return { receiver: callee.expression, event: event.text, handler };
}

export function methodCall(call: ts.CallExpression): { receiver: ts.Expression; method: string } | undefined {
  const callee = unwrap(call.expression);
  if (!isPropertyAccessExpression(callee)) return undefined;
  return { receiver: callee.expression, method: callee.name.text };
}

export function importsServerLib(a: Analysis): boolean {
  return imports(a, WS_SERVER_LIBS);
}

/** What a receiver expression is in WebSocket terms, from constructors, annotations, parameters or names. */
export function roleOf(a: Analysis, expr: ts.Expression): Role | undefined {
  const node = unwrap(expr);
  if (isCallExpression(node)) {
    const call = methodCall(node);
    if (call && (call.method === 'of' || call.method === 'to' || call.method === 'in') && roleOf(a, call.receiver) === 'io-server') return 'io-server';
    return roleOfCreation(a, node);
  }
  if (isNewExpression(node)) return roleOfCreation(a, node);
  if (isPropertyAccessExpression(node)) {
    // `this.wss`, `ctx.io`, `this._ws`: what the member was assigned in this file, else its name.
    if (node.expression.kind === Kind.ThisKeyword) {
      for (const init of thisAssignments(a, node.name.text)) {
        const role = init === node ? undefined : roleOfCreationOnly(a, init);
        if (role) return role;
      }
    }
    return roleOfName(a, node.name.text.replace(/^_+/, ''));
  }
  if (!isIdentifier(node)) return undefined;
  const binding = bindingOf(a, node);
  if (binding) {
    const known = roleOfBinding(a, binding);
    if (known) return known;
  }
  return a.oracle?.roleOf(node) ?? roleOfName(a, node.text);
}

/** Roles that an assigned value shows by itself (a constructor or factory), without following names. */
function roleOfCreationOnly(a: Analysis, expr: ts.Expression): Role | undefined {
  const node = unwrap(expr);
  return isNewExpression(node) || isCallExpression(node) ? roleOfCreation(a, node) : undefined;
}

/**
 * Bindings resolved by the current outermost `roleOf` (roles can be assigned between two queries,
 * so answers are not kept longer): `a = b; b = a` ends, and each binding is resolved once per query.
 */
let roleQuery: Map<Binding, Role | undefined> | undefined;

function roleOfBinding(a: Analysis, binding: Binding): Role | undefined {
  const outermost = roleQuery === undefined;
  const known = (roleQuery ??= new Map());
  if (known.has(binding)) return known.get(binding);
  // Until resolved, a cycle back to this binding adds nothing.
  known.set(binding, undefined);
  try {
    const role = resolveRoleOfBinding(a, binding);
    known.set(binding, role);
    return role;
  } finally {
    if (outermost) roleQuery = undefined;
  }
}

function resolveRoleOfBinding(a: Analysis, binding: Binding): Role | undefined {
  if (binding.role) return binding.role;
  if (binding.typeNode) {
    const typed = roleOfType(a, binding.typeNode);
    if (typed) return typed;
  }
  if (binding.destructured) {
    const { from, path } = binding.destructured;
    const source = unwrap(from);
    if (nodeHasText(a.sf, source, DENO_UPGRADE) && path[0] === 'socket') return 'whatwg-server-socket';
    if (nodeHasText(a.sf, source, WEBSOCKET_PAIR) || isPairValues(a, source)) return path[0] === 1 || path[0] === '1' ? 'whatwg-server-socket' : 'client';
  }
  for (const init of binding.inits) {
    const role = roleOf(a, init);
    if (role) return role;
  }
  return undefined;
}

function isPairValues(a: Analysis, node: ts.Expression): boolean {
  if (!isCallExpression(node) || calleeName(node.expression) !== 'Object.values') return false;
  const arg = node.arguments[0];
  if (!arg) return false;
  const inner = unwrap(arg);
  if (isNewExpression(inner)) return inner.expression.getText(a.sf) === WEBSOCKET_PAIR;
  if (!isIdentifier(inner)) return false;
  return bindingOf(a, inner)?.inits.some((init) => nodeHasText(a.sf, init, WEBSOCKET_PAIR)) ?? false;
}

function roleOfType(a: Analysis, type: ts.TypeNode): Role | undefined {
  if (!isTypeReferenceNode(type)) return undefined;
  const name = isIdentifier(type.typeName) ? type.typeName.text : type.typeName.right.text;
  const info = isIdentifier(type.typeName) ? bindingOf(a, type.typeName)?.importInfo : undefined;
  const imported = info && info.imported !== 'default' && info.imported !== '*' ? info.imported : name;
  const source = info?.source ?? '';
  if (/socket\.io$/.test(source) || source === 'socket.io') {
    if (imported === 'Socket') return 'io-socket';
    if (imported === 'Server' || imported === 'Namespace') return 'io-server';
  }
  if (imported === WS_SERVER_TYPE) return 'ws-server';
  if (SOCKET_TYPES.includes(imported)) return 'ws-socket';
  if (imported === 'WebSocket' && (source === 'ws' || source === 'isomorphic-ws' || importsServerLib(a))) return 'ws-socket';
  return undefined;
}

/** `const WebSocketServer = ws.Server; new WebSocketServer()`: a constructor read through a constant alias. */
function aliased(a: Analysis, callee: ts.Expression): ts.Expression {
  const inner = unwrap(callee);
  if (!isIdentifier(inner)) return callee;
  const binding = bindingOf(a, inner);
  const init = binding?.kind === 'var' && binding.inits.length === 1 ? binding.inits[0] : undefined;
  return init && isPropertyAccessExpression(unwrap(init)) ? unwrap(init) : callee;
}

function roleOfCreation(a: Analysis, node: ts.NewExpression | ts.CallExpression): Role | undefined {
  const callee = aliased(a, node.expression);
  const target = resolveTarget(a, callee);
  const text = calleeText(a, callee);
  if (target?.t === 'import') {
    const { source, imported } = target;
    if (source === 'ws' || source === 'isomorphic-ws') {
      if (imported === 'WebSocketServer' || imported === 'Server') return 'ws-server';
      if (imported === 'default' || imported === 'WebSocket') return isNewExpression(node) ? 'client' : undefined;
    }
    if (source === 'socket.io' && (imported === 'Server' || imported === 'default')) return 'io-server';
    if (CLIENT_LIBS.test(source)) return 'client';
    if ((source === 'http' || source === 'https' || source === 'node:http' || source === 'node:https') && imported === 'createServer') return 'http-server';
  }
  if (WS_SERVER_MEMBER.test(text)) return 'ws-server';
  if (text === 'WebSocket' && isNewExpression(node)) return 'client';
  if (/^https?\.createServer$/.test(text)) return 'http-server';
  if (isCallExpression(node) && isCallExpression(node.expression)) {
    const inner = node.expression;
    if (calleeName(inner.expression) === 'require' && inner.arguments[0]?.getText(a.sf).includes('socket.io')) return 'io-server';
  }
  return undefined;
}

/** Longer than any callee named below (`WebSocket.WebSocketServer`). */
const MAX_NAMED_CALLEE = 32;

/**
 * The callee's text when it is short enough to be one of the names above. Reading it whole would
 * read an immediately called function (`var Module = (function () {...})()`) once per use of the variable.
 */
function calleeText(a: Analysis, callee: ts.Expression): string {
  return callee.end - callee.getStart(a.sf) > MAX_NAMED_CALLEE ? '' : callee.getText(a.sf);
}

function roleOfName(a: Analysis, name: string): Role | undefined {
  if (imports(a, CLIENT_LIBS) && !importsServerLib(a)) return undefined;
  if (WS_SERVER_NAMES.test(name)) return 'ws-server';
  if (IO_SERVER_NAMES.test(name) && imports(a, IO_LIBS)) return 'io-server';
  if (SOCKET_NAMES.test(name)) {
    if (imports(a, IO_LIBS)) return 'io-socket';
    if (importsServerLib(a)) return 'ws-socket';
  }
  if (/server$/i.test(name) && importsServerLib(a)) return 'http-server';
  return undefined;
}

/** Functions an argument designates: inline functions, named functions, `this.method`, `fn.bind(x)`, values (`flow.ts`). */
export function handlerTargets(a: Analysis, expr: ts.Expression): { target: Target; node?: ts.Node }[] {
  const node = unwrap(expr);
  if (isObjectLiteralExpression(node)) return objectHandlers(a, node).flatMap(({ found }) => found);
  return functionValues(a, node);
}

/** Every function-valued property of a hooks object: `{ open, message(ws, msg) {}, close: onClose }`. */
export interface ObjectHandler {
  name: string;
  /** The method, function or identifier to register. */
  value: ts.Node;
  found: { target: Target; node?: ts.Node }[];
}

/** `only`: the names wanted; other properties are passed over before their values are followed. */
export function objectHandlers(a: Analysis, object: ts.ObjectLiteralExpression, only?: ReadonlySet<string>): ObjectHandler[] {
  const result: ObjectHandler[] = [];
  for (const prop of object.properties) {
    const name = prop.name && (isIdentifier(prop.name) || isStringLiteral(prop.name)) ? prop.name.text : undefined;
    if (!name || (only && !only.has(name))) continue;
    if (isMethodDeclaration(prop)) {
      const fn = a.scopes.fnIds.get(prop);
      if (fn !== undefined) result.push({ name, value: prop, found: [{ target: { t: 'fn', fn }, node: prop }] });
    } else if (isPropertyAssignment(prop)) {
      const value = unwrap(prop.initializer);
      if (isFunctionLike(value) || isIdentifier(value) || isPropertyAccessExpression(value) || isCallExpression(value)) {
        const found = handlerTargets(a, value);
        if (found.length) result.push({ name, value, found });
      }
    } else if (isShorthandPropertyAssignment(prop)) {
      const found = handlerTargets(a, prop.name);
      if (found.length) result.push({ name, value: prop.name, found });
    }
  }
  return result;
}

export interface RegisterOptions {
  framework: FrameworkId;
  event: string;
  handler: ts.Expression | ts.Node;
  at: ts.Node;
  /** Roles of the handler's parameters, by index; `genuine` marks the real handshake request. */
  params?: (Role | 'genuine' | undefined)[];
  /** Set when the registration itself was not seen: why the handler counts anyway. */
  evidence?: string;
}

/** Records a registration and gives the handler's parameters their roles. */
export function register(a: Analysis, options: RegisterOptions): void {
  const found = isFunctionLike(options.handler)
    ? [{ target: { t: 'fn' as const, fn: a.scopes.fnIds.get(options.handler) ?? -1 }, node: options.handler as ts.Node }]
    : handlerTargets(a, options.handler as ts.Expression);
  for (const { target, node } of found) {
    if (target.t === 'fn' && target.fn < 0) continue;
    const loc = locOf(a, options.at);
    const key = `${JSON.stringify(target)}@${loc.line}:${loc.column}`;
    if (!a.registrations.has(key)) {
      a.registrations.set(key, { framework: options.framework, event: options.event, handler: target, loc, key, ...(options.evidence ? { evidence: options.evidence } : {}) });
    }
    if (node && isFunctionLike(node) && options.params) assignParamRoles(a, node, options.params);
  }
}

function assignParamRoles(a: Analysis, fn: ts.FunctionLikeDeclaration, roles: (Role | 'genuine' | undefined)[]): void {
  const scope = a.scopes.scopeOfFn.get(fn);
  if (!scope) return;
  roles.forEach((role, index) => {
    const param = fn.parameters[index];
    if (!role || !param || !isIdentifier(param.name)) return;
    const binding = scope.bindings.get(param.name.text);
    if (!binding) return;
    if (role === 'genuine') binding.genuine = true;
    else binding.role ??= role;
  });
}

/** Decorator names on a node (`WebSocketGateway` for `@WebSocketGateway(80)`). */
export function decoratorNames(node: ts.Node): string[] {
  if (!ts.canHaveDecorators(node)) return [];
  return (ts.getDecorators(node) ?? []).map((decorator) => {
    const expr = isCallExpression(decorator.expression) ? decorator.expression.expression : decorator.expression;
    return isIdentifier(expr) ? expr.text : isPropertyAccessExpression(expr) ? expr.name.text : '';
  });
}

export function stringArg(node: ts.Expression | undefined): string | undefined {
  return node && isStringLiteralLike(node) ? node.text : undefined;
}
