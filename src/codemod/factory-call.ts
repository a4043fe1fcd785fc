import { FUNCTION_TYPES, at, calleeName, findBinding, findFirstAt, keyName, unwrap, type Node, type Path, type Site } from './ast.js';
import type { SiteContext } from './context.js';
import { removeDeclarator } from './edits.js';
import { FLAG_FUNCTION, isInsideFlagCheck } from './flag.js';
import { fieldsFromHelper, type Field, type FieldTexts } from './helper-fake.js';
import { findSocket } from './socket.js';

const FIELD_HEADERS: Record<string, 'userId' | 'threadId' | 'runId'> = { 'x-user-id': 'userId', 'x-thread-id': 'threadId', 'x-run-id': 'runId' };
const FIELD_PROPS = new Set(['userId', 'threadId', 'runId']);

export function rewriteFactoryCall(c: SiteContext, site: Site): true | string | undefined {
  const { j, root, options } = c;
  const call = findFirstAt(j, root, j.CallExpression, site, (node) => at(node, site));
  if (!call) return 'the call is not where the scanner saw it (the file changed?)';
  const node = call.node as Node;
  const name = calleeName(node.callee as Node);
  if (!name || !Object.hasOwn(options.factories, name)) return `\`${name ?? 'this call'}\` is not a configured request-scoped factory`;
  const counterpart = options.factories[name];
  if (!counterpart) return `\`${name}\` has no WebSocket-scoped counterpart (set one under \`factories\` in the config)`;
  if (isInsideFlagCheck(call)) return undefined; // the legacy branch of phase 3a: nothing to do
  const args = node.arguments as Node[];
  if (args.length !== 1 || args[0]?.type === 'SpreadElement') return `\`${name}()\` is called with ${args[0]?.type === 'SpreadElement' ? 'spread arguments' : `${args.length} arguments`}; only a call with the fake as its one argument is rewritten`;

  const resolved = resolveFake(c, call, args[0] as Node);
  if (typeof resolved === 'string') return resolved;
  const fields = 'fields' in resolved ? { ...resolved.fields } : textsOf(c, deriveFields(resolved.fake));
  fields.userId ??= userIdFromHandler(c, call);
  if (!fields.userId) return 'cannot derive `userId` from the fake (no `x-user-id` header, `userId` or `user.id` in it) nor from the handler\'s parameters; build the context by hand';
  const socket = findSocket(c, call);
  if (!socket) return 'cannot tell which socket this code serves; pass it to `WebSocketContext.create({ socket, ... })` by hand';

  const entries = [prop('socket', socket), ...(['userId', 'threadId', 'runId'] as const).flatMap((field) => (fields[field] ? [prop(field, fields[field] as string)] : []))];
  const modern = `${counterpart}(WebSocketContext.create({ ${entries.join(', ')} }))`;
  c.imports.add('WebSocketContext');
  c.imports.add(counterpart);
  if (options.flagged) {
    const flagged = `${FLAG_FUNCTION}({ ${prop('userId', fields.userId)} }) ? ${modern} : ${c.text(node)}`;
    c.edits.push({ start: node.start ?? 0, end: node.end ?? 0, text: needsParentheses(call) ? `(${flagged})` : flagged });
    c.imports.add(FLAG_FUNCTION);
    return true;
  }
  c.edits.push({ start: node.start ?? 0, end: node.end ?? 0, text: modern });
  c.released.add(name);
  if ('declarator' in resolved && resolved.declarator) removeDeclarator(c, resolved.declarator);
  return true;
}

export function prop(name: string, value: string): string {
  return value === name ? name : `${name}: ${value}`;
}

/** A conditional replacing a call must be parenthesised where a call binds tighter (`await`, `.then`, unary). */
export function needsParentheses(path: Path): boolean {
  const parent = path.parent?.node as Node | undefined;
  if (!parent) return false;
  if (parent.type === 'VariableDeclarator' || parent.type === 'ReturnStatement' || parent.type === 'ExpressionStatement' || parent.type === 'AssignmentExpression') return false;
  if ((parent.type === 'CallExpression' || parent.type === 'NewExpression') && (parent.arguments as Node[]).includes(path.node as Node)) return false;
  return true;
}

export type ResolvedFake = { fake: Node; declarator?: Path } | { fields: FieldTexts; declarator?: Path };

/** The fake passed to the factory: inline, a local variable used only for this call, or what a helper returns. */
export function resolveFake(c: SiteContext, call: Path, arg: Node): ResolvedFake | string {
  const inner = unwrap(arg);
  if (!inner) return 'the argument is not an expression';
  if (inner.type !== 'Identifier') {
    if (inner.type === 'CallExpression' && !isMockCall(inner)) return fromHelper(c, call, inner);
    return { fake: inner };
  }
  const name = inner.name as string;
  const binding = findBinding(c, call, name);
  if (!binding) return `\`${name}\` is not a local variable (a parameter or module value); build the context by hand`;
  const init = unwrap((binding.path.node as Node).init as Node);
  if (!init) return `\`${name}\` has no initial value`;
  if (binding.assigned) return `\`${name}\` is reassigned; the codemod only rewrites a fake assigned once`;
  if (binding.references > 1) return `the fake \`${name}\` is used for more than the factory call (${binding.references} uses); rewrite by hand`;
  if (init.type === 'CallExpression' && !isMockCall(init)) {
    const fields = fromHelper(c, call, init);
    return typeof fields === 'string' ? fields : { ...fields, declarator: binding.path };
  }
  return { fake: init, declarator: binding.path };
}

function fromHelper(c: SiteContext, call: Path, helperCall: Node): { fields: FieldTexts } | string {
  const fields = fieldsFromHelper(c, call, helperCall, deriveFields);
  return typeof fields === 'string' ? fields : { fields };
}

function textsOf(c: SiteContext, nodes: Partial<Record<Field, Node>>): FieldTexts {
  return Object.fromEntries(Object.entries(nodes).map(([field, node]) => [field, c.text(node)]));
}

/**
 * When the fake names no user, the handler may: a parameter `userId` (or `uid`), or `user` (then
 * `user.id`), of an enclosing function.
 */
function userIdFromHandler(c: SiteContext, call: Path): string | undefined {
  for (let current = call.parent as Path | null; current; current = current.parent as Path | null) {
    const fn = current.node as Node;
    if (!FUNCTION_TYPES.test(fn.type)) continue;
    for (const param of (fn.params as Node[]).map((p) => unwrap(p.type === 'TSParameterProperty' ? (p.parameter as Node) : p))) {
      if (param?.type === 'Identifier' && /^(userId|userID|uid)$/.test(param.name as string)) return param.name as string;
      if (param?.type === 'Identifier' && param.name === 'user') return 'user.id';
      if (param?.type === 'ObjectPattern') {
        const property = (param.properties as Node[]).find((p) => p.type === 'ObjectProperty' && keyName(p) === 'userId' && unwrap(p.value as Node)?.type === 'Identifier');
        if (property) return c.text(unwrap(property.value as Node) as Node);
      }
    }
  }
  return undefined;
}

export function isMockCall(node: Node): boolean {
  return /^(createRequest|getMockReq|mockRequest|mockReq)$/.test(calleeName(node.callee as Node) ?? '');
}

export function deriveFields(fake: Node): Partial<Record<Field, Node>> {
  const fields: Partial<Record<Field, Node>> = {};
  const fromHeaders = (headers: Node | undefined): void => {
    if (!headers) return;
    const object = headers.type === 'NewExpression' && calleeName(headers.callee as Node) === 'Headers' ? unwrap((headers.arguments as Node[])[0]) : headers;
    if (object?.type !== 'ObjectExpression') return;
    for (const property of object.properties as Node[]) {
      const field = FIELD_HEADERS[(keyName(property) ?? '').toLowerCase()];
      if (field && property.type === 'ObjectProperty') fields[field] ??= property.value as Node;
    }
  };
  const fromObject = (object: Node | undefined): void => {
    if (!object || object.type !== 'ObjectExpression') return;
    for (const property of object.properties as Node[]) {
      if (property.type !== 'ObjectProperty') continue;
      const key = keyName(property);
      const value = property.value as Node;
      if (key === 'headers') fromHeaders(unwrap(value));
      else if (key && FIELD_PROPS.has(key)) fields[key as 'userId'] ??= value;
      else if (key === 'user') {
        const user = unwrap(value);
        const id = user?.type === 'ObjectExpression' ? (user.properties as Node[]).find((p) => keyName(p) === 'id') : undefined;
        if (id) fields.userId ??= id.value as Node;
      }
    }
  };
  if (fake.type === 'ObjectExpression') fromObject(fake);
  else if (fake.type === 'NewExpression' || fake.type === 'CallExpression') for (const arg of fake.arguments as Node[]) fromObject(unwrap(arg));
  return fields;
}
