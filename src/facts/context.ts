import { ts } from '@ts-morph/common';
import {
  isArrowFunction, isAsExpression, isAwaitExpression, isBinaryExpression, isCallExpression, isClassLike, isConditionalExpression,
  isElementAccessExpression, isExpressionWithTypeArguments, isFunctionDeclaration, isFunctionExpression, isIdentifier, isImportDeclaration,
  isIntersectionTypeNode, isMethodDeclaration, isNonNullExpression, isObjectLiteralExpression, isParenthesizedExpression, isParenthesizedTypeNode,
  isPropertyAccessExpression, isPropertyAssignment, isPropertyDeclaration, isQualifiedName, isReturnStatement, isSatisfiesExpression,
  isStringLiteral, isStringLiteralLike, isTypeAliasDeclaration, isTypeAssertionExpression, isTypeReferenceNode, isUnionTypeNode,
  isVariableDeclaration, Kind,
} from './syntax.js';
import type { FakeKind, FakeOrigin, FrameworkId, Loc, Target, ValueRef } from '../types.js';
import type { FactsOptions } from './options.js';
import type { TypeOracle } from './type-oracle.js';
import { isFunctionLike, lookup, unwrap, type Binding, type Role, type Scope, type ScopeInfo } from './scope.js';

/** Members that hold the real handshake request a framework gives a WebSocket handler. */
const GENUINE_REQUEST_MEMBERS = new Set(['request', 'handshake', 'upgradeReq', 'req', 'raw', 'rawRequest', 'httpRequest', 'incomingMessage', 'upgradeRequest']);
/** Parameter names that carry a real request handed in by a caller. */
const REQUEST_PARAM_NAME = /^(req|request|incomingMessage|httpRequest|rawRequest|upgradeReq|upgradeRequest|handshake)$/i;
/**
 * Names that apps also use for their own protocol types. Imported from the app's own modules they
 * are not trusted; every other configured request/response type name is.
 */
const AMBIGUOUS_TYPE_NAMES = new Set(['Request', 'Response', 'Context']);
/** Calls that send a request somewhere: a Request built for them is real. */
const SEND_FUNCTIONS = new Set(['fetch', '$fetch', 'ofetch', 'undiciFetch', 'nodeFetch', 'crossFetch', 'axios', 'got', 'ky', 'superagent']);
const SEND_METHODS = new Set(['fetch', 'match', 'put', 'request']);

export interface Registered {
  framework: FrameworkId;
  event: string;
  handler: Target;
  loc: Loc;
  key: string;
  evidence?: string;
}

export interface Analysis {
  sf: ts.SourceFile;
  /** Present with `--type-aware`: consulted only where syntax cannot decide. */
  oracle: TypeOracle | undefined;
  scopes: ScopeInfo;
  options: FactsOptions;
  requestTypes: Set<string>;
  responseTypes: Set<string>;
  /** Module specifiers imported anywhere in the file. */
  importedSources: Set<string>;
  registrations: Map<string, Registered>;
  /** Set on first use: whether any binding imports a test-double library (`shapes/mock-library.ts`). */
  importsMockLibrary?: boolean;
  /** Built on first use: `this.x = …` values by member name, and ES5 prototype methods by owner. */
  members?: MemberIndex;
  /**
   * Set once the registration walk is done: every assignment to a member (`x.y = …`), in the order
   * `memberIndex`'s own walk would meet them, so that an index built after the walk needs no walk.
   */
  memberAssignments?: ts.BinaryExpression[];
}

interface MemberIndex {
  thisAssigned: Map<string, ts.Expression[]>;
  /** `Owner.prototype.name = function` and `Owner.prototype = { name() {} }`: owner text → name → fn id. */
  prototypeMethods: Map<string, Map<string, number>>;
}

export function createAnalysis(sf: ts.SourceFile, scopes: ScopeInfo, options: FactsOptions, oracle?: TypeOracle): Analysis {
  const importedSources = new Set<string>();
  const collect = (scope: Scope): void => {
    for (const binding of scope.bindings.values()) if (binding.importInfo) importedSources.add(binding.importInfo.source);
  };
  collect(scopes.module);
  for (const scope of scopes.scopeOfFn.values()) collect(scope);
  for (const statement of sf.statements) {
    if (isImportDeclaration(statement) && isStringLiteral(statement.moduleSpecifier)) importedSources.add(statement.moduleSpecifier.text);
  }
  return {
    sf,
    oracle,
    scopes,
    options,
    requestTypes: new Set(options.requestTypes),
    responseTypes: new Set(options.responseTypes),
    importedSources,
    registrations: new Map(),
  };
}

export function locOf(a: Analysis, node: ts.Node): Loc {
  const start = a.sf.getLineAndCharacterOfPosition(node.getStart(a.sf));
  const end = a.sf.getLineAndCharacterOfPosition(node.getEnd());
  return { line: start.line + 1, column: start.character + 1, endLine: end.line + 1, endColumn: end.character + 1 };
}

/** Source text with whitespace folded, capped: identifies an expression independent of its position. */
export function snippetOf(a: Analysis, node: ts.Node): string {
  // Only the head of a long node is read (a call's snippet would otherwise read every callback in
  // it, once per enclosing call): folding whitespace keeps a prefix's result a prefix of the whole's.
  const start = node.getStart(a.sf);
  for (let take = 512; ; take *= 4) {
    const end = Math.min(node.end, start + take);
    const text = a.sf.text.slice(start, end).replace(/\s+/g, ' ');
    if (text.length > 160) return `${text.slice(0, 157)}...`;
    if (end === node.end) return text;
  }
}

export function imports(a: Analysis, pattern: RegExp): boolean {
  for (const source of a.importedSources) if (pattern.test(source)) return true;
  return false;
}

export function enclosingFunction(node: ts.Node): ts.Node | undefined {
  for (let current = node.parent; current; current = current.parent) {
    if (isFunctionLike(current)) return current;
  }
  return undefined;
}

export function scopeAt(a: Analysis, node: ts.Node): Scope {
  const fn = isFunctionLike(node) ? node : enclosingFunction(node);
  return (fn && a.scopes.scopeOfFn.get(fn)) ?? a.scopes.module;
}


/**
 * The binding an identifier names. A reference the scope walk resolved is looked up directly (the
 * walk resolved it from the scope `scopeAt` finds, against the same final bindings); others
 * (declared names, decorators, computed method names) are looked up from their scope.
 */
export function bindingOf(a: Analysis, id: ts.Identifier): Binding | undefined {
  return a.scopes.refOf.get(id) ?? lookup(scopeAt(a, id), id.text);
}

/**
 * Past this many segments a callee has no name: no config or message uses one that long, and
 * naming every call of a 30,000-call chain (`p.then(f).then(f)...`) in full is quadratic.
 */
const MAX_CALLEE_SEGMENTS = 32;

/** `foo`, `a.b`, `this.c` → the text used in messages and config matching. */
export function calleeName(expr: ts.Expression, depth = 0): string | undefined {
  if (depth > MAX_CALLEE_SEGMENTS) return undefined;
  const inner = unwrap(expr);
  if (isIdentifier(inner)) return inner.text;
  if (isPropertyAccessExpression(inner)) {
    const left = inner.expression;
    if (left.kind === Kind.ThisKeyword) return `this.${inner.name.text}`;
    const base = calleeName(left, depth + 1);
    return base ? `${base}.${inner.name.text}` : `?.${inner.name.text}`;
  }
  if (isCallExpression(inner)) {
    const base = calleeName(inner.expression, depth + 1);
    return base ? `${base}()` : undefined;
  }
  return undefined;
}

/** The last segment of a callee: `getToken` for `auth.getToken`. */
export function shortName(expr: ts.Expression): string | undefined {
  const inner = unwrap(expr);
  if (isIdentifier(inner)) return inner.text;
  if (isPropertyAccessExpression(inner)) return inner.name.text;
  return undefined;
}

/** The name an identifier had where it was exported (`Request` for `import { Request as R }`). */
export function canonicalName(a: Analysis, id: ts.Identifier): string {
  const binding = bindingOf(a, id);
  const info = binding?.importInfo;
  if (info && info.imported !== '*' && info.imported !== 'default') return info.imported;
  return id.text;
}

function importOfName(a: Analysis, name: ts.EntityName | ts.Expression): Binding | undefined {
  if (isIdentifier(name)) return bindingOf(a, name);
  return undefined;
}

/** Is this type an HTTP request or response type? Syntax first; the type checker with `--type-aware`. */
export function httpTypeKind(a: Analysis, type: ts.TypeNode): { kind: FakeKind; name: string } | undefined {
  return syntacticHttpTypeKind(a, type) ?? a.oracle?.httpKindOfType(type);
}

/** References, unions, intersections, local aliases and interfaces, and imports, by name. */
function syntacticHttpTypeKind(a: Analysis, type: ts.TypeNode, seen = new Set<string>()): { kind: FakeKind; name: string } | undefined {
  if (isParenthesizedTypeNode(type)) return syntacticHttpTypeKind(a, type.type, seen);
  if (isUnionTypeNode(type) || isIntersectionTypeNode(type)) {
    for (const member of type.types) {
      const found = syntacticHttpTypeKind(a, member, seen);
      if (found) return found;
    }
    return undefined;
  }
  if (isTypeReferenceNode(type)) return httpTypeNameKind(a, type.typeName, seen);
  if (isExpressionWithTypeArguments(type)) {
    return isIdentifier(type.expression) || isPropertyAccessExpression(type.expression) ? httpExprKind(a, type.expression, seen) : undefined;
  }
  return undefined;
}

/** For `extends X` clauses: X as an expression. */
export function httpExprKind(a: Analysis, expr: ts.Expression, seen = new Set<string>()): { kind: FakeKind; name: string } | undefined {
  if (isIdentifier(expr)) return httpTypeNameKind(a, expr, seen);
  if (isPropertyAccessExpression(expr)) return kindOfName(a, expr.name.text, true);
  return undefined;
}

function httpTypeNameKind(a: Analysis, name: ts.EntityName, seen: Set<string>): { kind: FakeKind; name: string } | undefined {
  if (isQualifiedName(name)) return kindOfName(a, name.right.text, true);
  const text = name.text;
  const binding = importOfName(a, name);
  const info = binding?.importInfo;
  if (info) {
    const imported = info.imported === 'default' || info.imported === '*' ? text : info.imported;
    const fromPackage = !info.source.startsWith('.') && !info.source.startsWith('/');
    return kindOfName(a, imported, fromPackage);
  }
  const local = a.scopes.typeDecls.get(text);
  if (local) {
    if (seen.has(text)) return undefined;
    seen.add(text);
    if (isTypeAliasDeclaration(local)) return syntacticHttpTypeKind(a, local.type, seen);
    for (const clause of local.heritageClauses ?? []) {
      for (const heritage of clause.types) {
        const found = syntacticHttpTypeKind(a, heritage, seen);
        if (found) return found;
      }
    }
    return undefined;
  }
  if (binding?.kind === 'class') return undefined;
  return kindOfName(a, text, true);
}

/**
 * `Request` or `Response` from a relative module is usually the app's own protocol type, so only
 * names that can mean nothing but HTTP count there.
 */
function kindOfName(a: Analysis, name: string, trusted: boolean): { kind: FakeKind; name: string } | undefined {
  if (!trusted && AMBIGUOUS_TYPE_NAMES.has(name)) return undefined;
  if (a.requestTypes.has(name)) return { kind: 'request', name };
  if (a.responseTypes.has(name)) return { kind: 'response', name };
  return undefined;
}

/** The handshake request, `socket.request`, or a parameter that carries a real request. */
export function isGenuineRequest(a: Analysis, expr: ts.Expression, seen = new Set<Binding>()): boolean {
  const inner = unwrap(expr);
  if (isPropertyAccessExpression(inner)) return GENUINE_REQUEST_MEMBERS.has(inner.name.text);
  if (isElementAccessExpression(inner)) {
    return isStringLiteral(inner.argumentExpression) && GENUINE_REQUEST_MEMBERS.has(inner.argumentExpression.text);
  }
  if (!isIdentifier(inner)) return false;
  const binding = bindingOf(a, inner);
  if (!binding || seen.has(binding)) return false;
  seen.add(binding);
  if (binding.genuine) return true;
  if (binding.kind === 'param') {
    if (REQUEST_PARAM_NAME.test(binding.name)) return true;
    return binding.typeNode ? httpTypeKind(a, binding.typeNode)?.kind === 'request' : false;
  }
  if (binding.kind === 'var' && binding.inits.length > 0) return binding.inits.every((init) => isGenuineRequest(a, init, seen));
  if (binding.kind === 'var' && binding.destructured) {
    const last = binding.destructured.path.at(-1);
    return typeof last === 'string' && GENUINE_REQUEST_MEMBERS.has(last);
  }
  return false;
}

/** Climbs through wrappers that pass a value on unchanged. */
export function valueContext(node: ts.Node): ts.Node {
  let current = node;
  while (
    current.parent &&
    (isParenthesizedExpression(current.parent) ||
      isAwaitExpression(current.parent) ||
      isNonNullExpression(current.parent) ||
      isSatisfiesExpression(current.parent) ||
      isAsExpression(current.parent) ||
      isTypeAssertionExpression(current.parent) ||
      (isConditionalExpression(current.parent) && current.parent.condition !== current) ||
      (isBinaryExpression(current.parent) && isShortCircuit(current.parent.operatorToken.kind)))
  ) {
    current = current.parent;
  }
  return current;
}

function isShortCircuit(kind: ts.SyntaxKind): boolean {
  return kind === Kind.BarBarToken || kind === Kind.QuestionQuestionToken || kind === Kind.AmpersandAmpersandToken;
}

/** The value of this expression is what its function returns. */
export function isReturned(node: ts.Node): boolean {
  const outer = valueContext(node);
  const parent = outer.parent;
  if (!parent) return false;
  if (isReturnStatement(parent)) return true;
  return isArrowFunction(parent) && parent.body === outer;
}

/** `const req = fake; ...; return req;`: the fake leaves through the function's return value. */
export function isReturnedThroughBinding(a: Analysis, node: ts.Node): boolean {
  const outer = valueContext(node);
  const parent = outer.parent;
  if (!parent || !isVariableDeclaration(parent) || !isIdentifier(parent.name) || parent.initializer !== outer) return false;
  const binding = lookup(scopeAt(a, parent), parent.name.text);
  return binding?.refs.some((ref) => isReturned(ref)) ?? false;
}

function isSendCall(call: ts.CallExpression): boolean {
  const callee = unwrap(call.expression);
  if (isIdentifier(callee)) return SEND_FUNCTIONS.has(callee.text);
  if (isPropertyAccessExpression(callee)) return SEND_METHODS.has(callee.name.text) || SEND_FUNCTIONS.has(calleeName(callee.expression) ?? '');
  return false;
}

function isSentDirectly(node: ts.Node): boolean {
  const outer = valueContext(node);
  const parent = outer.parent;
  return !!parent && isCallExpression(parent) && parent.arguments.includes(outer as ts.Expression) && isSendCall(parent);
}

/**
 * A request built to be sent is real: true when the value goes straight into `fetch()` (or another
 * client), or is stored in a variable whose every use is such a call.
 */
export function isSentOnly(a: Analysis, node: ts.Node): boolean {
  if (isSentDirectly(node)) return true;
  const outer = valueContext(node);
  const parent = outer.parent;
  if (!parent || !isVariableDeclaration(parent) || !isIdentifier(parent.name)) return false;
  const binding = lookup(scopeAt(a, parent), parent.name.text);
  if (!binding || binding.refs.length === 0) return false;
  return binding.refs.every((ref) => isSentDirectly(ref));
}

/** What a call or `new` refers to, when the file can name it. */
export function resolveTarget(a: Analysis, callee: ts.Expression): Target | undefined {
  const inner = unwrap(callee);
  if (isIdentifier(inner)) return targetOfBinding(a, bindingOf(a, inner), inner.text);
  if (isPropertyAccessExpression(inner)) {
    const left = unwrap(inner.expression);
    const member = inner.name.text;
    if (left.kind === Kind.ThisKeyword) {
      const method = classMember(a, inner, member);
      if (method !== undefined) return { t: 'fn', fn: method };
      return undefined;
    }
    if (isIdentifier(left)) {
      const binding = bindingOf(a, left);
      const info = binding?.importInfo;
      if (info && (info.imported === '*' || info.imported === 'default')) return { t: 'import', source: info.source, imported: member };
    }
    const source = isCallExpression(left) ? requireSourceOf(left) : undefined;
    if (source !== undefined) return { t: 'import', source, imported: member };
  }
  return undefined;
}

function requireSourceOf(call: ts.CallExpression): string | undefined {
  if (!isIdentifier(call.expression) || call.expression.text !== 'require') return undefined;
  const arg = call.arguments[0];
  return arg && isStringLiteralLike(arg) ? arg.text : undefined;
}

export function targetOfBinding(a: Analysis, binding: Binding | undefined, name: string): Target | undefined {
  if (!binding) return undefined;
  if (binding.kind === 'function' && binding.fnNode) {
    const fn = a.scopes.fnIds.get(binding.fnNode);
    return fn === undefined ? undefined : { t: 'fn', fn };
  }
  if (binding.kind === 'class') return { t: 'class', name };
  if (binding.importInfo) {
    const { source, imported } = binding.importInfo;
    return { t: 'import', source, imported: imported === '*' ? 'default' : imported };
  }
  return undefined;
}

function memberIndex(a: Analysis): MemberIndex {
  if (a.members) return a.members;
  const index: MemberIndex = { thisAssigned: new Map(), prototypeMethods: new Map() };
  if (a.memberAssignments) {
    for (const node of a.memberAssignments) indexMemberAssignment(a, index, node);
  } else {
    // Asked during the registration walk (a recogniser resolving `this.x`): a walk of its own.
    const pending: ts.Node[] = [a.sf];
    // Tokens have no children and are no assignment: not worth a place on the stack.
    const push = (child: ts.Node): void => {
      if (child.kind > Kind.LastToken) pending.push(child);
    };
    while (pending.length > 0) {
      const node = pending.pop() as ts.Node;
      if (isBinaryExpression(node) && node.operatorToken.kind === Kind.EqualsToken && isPropertyAccessExpression(node.left)) indexMemberAssignment(a, index, node);
      ts.forEachChild(node, push);
    }
  }
  a.members = index;
  return index;
}

/**
 * The order `memberIndex`'s walk meets nodes in (a stack: a node, then its children's subtrees
 * last to first), from the registration walk's order (each node before its subtree, children first
 * to last) and where each one's subtree ends in it: the later a subtree ends, the sooner it is met,
 * and of subtrees that end together, the outer one first. The order matters: a later
 * `Owner.prototype.m = …` wins, and `this.x` values are tried in it.
 */
export function inMemberIndexOrder<T>(nodes: T[], starts: number[], ends: number[]): T[] {
  const order = nodes.map((_, index) => index);
  order.sort((x, y) => (ends[y] as number) - (ends[x] as number) || (starts[x] as number) - (starts[y] as number));
  return order.map((index) => nodes[index] as T);
}

/** One `x.y = …` (`node.left` is a member access). */
function indexMemberAssignment(a: Analysis, index: MemberIndex, node: ts.BinaryExpression): void {
  const addMethod = (owner: string, name: string, fnNode: ts.Node): void => {
    const fn = a.scopes.fnIds.get(fnNode);
    if (fn === undefined) return;
    const methods = index.prototypeMethods.get(owner) ?? new Map<string, number>();
    methods.set(name, fn);
    index.prototypeMethods.set(owner, methods);
  };
  const left = node.left as ts.PropertyAccessExpression;
  const right = unwrap(node.right);
  if (left.expression.kind === Kind.ThisKeyword) {
    const list = index.thisAssigned.get(left.name.text) ?? [];
    list.push(node.right);
    index.thisAssigned.set(left.name.text, list);
  } else if (isPropertyAccessExpression(left.expression) && left.expression.name.text === 'prototype' && isFunctionLike(right)) {
    addMethod(left.expression.expression.getText(a.sf), left.name.text, right);
  } else if (left.name.text === 'prototype' && isObjectLiteralExpression(right)) {
    for (const prop of right.properties) {
      const value = isMethodDeclaration(prop) ? prop : isPropertyAssignment(prop) ? unwrap(prop.initializer) : undefined;
      if (value && isFunctionLike(value) && prop.name && isIdentifier(prop.name)) addMethod(left.expression.getText(a.sf), prop.name.text, value);
    }
  }
}

/** Methods given to `Owner.prototype` in this file. */
export function prototypeMethodNames(a: Analysis, owner: string): string[] {
  return [...(memberIndex(a).prototypeMethods.get(owner)?.keys() ?? [])];
}

/** Every value assigned to `this.<name>` anywhere in the file. */
export function thisAssignments(a: Analysis, name: string): ts.Expression[] {
  return memberIndex(a).thisAssigned.get(name) ?? [];
}

/**
 * The ES5 "class" a function belongs to: `Owner.prototype.m = function`, `Owner = function`,
 * `function Owner()`. Used to resolve `this.m()` between prototype methods.
 */
function prototypeOwner(a: Analysis, fn: ts.Node): string | undefined {
  const parent = fn.parent;
  if (isFunctionDeclaration(fn) && fn.name) return fn.name.text;
  if (parent && isBinaryExpression(parent) && parent.right === fn && isPropertyAccessExpression(parent.left)) {
    const target = parent.left;
    if (isPropertyAccessExpression(target.expression) && target.expression.name.text === 'prototype') return target.expression.expression.getText(a.sf);
    return target.getText(a.sf);
  }
  if (parent && isBinaryExpression(parent) && parent.right === fn && isIdentifier(parent.left)) return parent.left.text;
  if (parent && isVariableDeclaration(parent) && isIdentifier(parent.name)) return parent.name.text;
  return undefined;
}

function prototypeMember(a: Analysis, node: ts.Node, name: string): number | undefined {
  const methods = memberIndex(a).prototypeMethods;
  if (methods.size === 0) return undefined;
  for (let fn = enclosingFunction(node); fn; fn = enclosingFunction(fn)) {
    if (isArrowFunction(fn)) continue;
    const owner = prototypeOwner(a, fn);
    const found = owner ? methods.get(owner)?.get(name) : undefined;
    if (found !== undefined) return found;
    return undefined;
  }
  return undefined;
}

/** The id of method `name` of the class around `node` (methods and arrow-valued properties, ES5 prototypes). */
export function classMember(a: Analysis, node: ts.Node, name: string): number | undefined {
  let cls: ts.Node | undefined = node.parent;
  while (cls && !isClassLike(cls)) cls = cls.parent;
  if (!cls || !isClassLike(cls)) return prototypeMember(a, node, name);
  for (const member of cls.members) {
    if (!member.name || !isIdentifier(member.name) || member.name.text !== name) continue;
    if (isMethodDeclaration(member)) return a.scopes.fnIds.get(member);
    if (isPropertyDeclaration(member) && member.initializer) {
      const init = unwrap(member.initializer);
      if (isArrowFunction(init) || isFunctionExpression(init)) return a.scopes.fnIds.get(init);
    }
  }
  return undefined;
}

export function makeOrigin(
  a: Analysis,
  node: ts.Node,
  fields: Pick<FakeOrigin, 'kind' | 'shape' | 'describe'> & { positional?: boolean },
): FakeOrigin {
  return { positional: false, ...fields, loc: locOf(a, node), snippet: snippetOf(a, node) };
}


export type { Binding, Role, ValueRef };
