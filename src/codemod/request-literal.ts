import { refusal, type AdviceKind } from './advice.js';
import { FUNCTION_TYPES, WRAPPERS, at, calleeName, findBinding, findFirstAt, keyName, unwrap, type Node, type Path, type Site } from './ast.js';
import type { SiteContext } from './context.js';
import { removeDeclarator } from './edits.js';

/**
 * A request-shaped literal that only copies what the real handshake request carries becomes that
 * request: `{ headers: socket.handshake.headers }` → `socket.request`, `{ headers: { cookie } }`
 * (cookie read from the handshake) → `socket.request`, `{ ...req }` in an upgrade listener → `req`,
 * `{ headers: peer.request.headers }` → `peer.request`. Every field must be derivable from that one
 * request; otherwise the refusal names the field.
 */
export function rewriteRequestLiteral(c: SiteContext, site: Site): true | string | undefined {
  const found = findFirstAt(c.j, c.root, c.j.Expression, site, (node) => at(node, site));
  if (!found) return 'the fake request is not where the scanner saw it (the file changed?)';
  let literalPath = found;
  while (WRAPPERS.has((literalPath.node as Node).type)) literalPath = literalPath.get('expression') as Path;
  const literal = literalPath.node as Node;
  // A fake on its way into a request-scoped factory is the factory rewrite's to fix or explain.
  if (flowsIntoFactory(c, found)) return undefined;
  if (literal.type !== 'ObjectExpression') return refuseOtherFake(c, literal);
  const nested = nestedRequest(literal);
  if (nested) return replaceLiteral(c, literalPath.get('properties', (literal.properties as Node[]).indexOf(nested), 'value') as Path, nested.value as Node);
  return replaceLiteral(c, literalPath, literal);
}

/** `{ req: { headers } }` (next-auth's `getToken`): the request is the inner literal. */
function nestedRequest(literal: Node): Node | undefined {
  const properties = literal.properties as Node[];
  const only = properties[0];
  if (properties.length !== 1 || !only || only.type !== 'ObjectProperty' || !/^(req|request)$/.test(keyName(only) ?? '')) return undefined;
  return unwrap(only.value as Node)?.type === 'ObjectExpression' ? only : undefined;
}

function replaceLiteral(c: SiteContext, path: Path, literal: Node): true | string {
  const inner = unwrap(literal) as Node;
  const sources = new Set<string>();
  const consumed: Path[] = [];
  for (const property of inner.properties as Node[]) {
    const problem = deriveProperty(c, path, property, sources, consumed);
    if (problem) return refusal(problem, adviceFor(path));
  }
  if (sources.size === 0) return refusal('the literal carries nothing from a handshake request', adviceFor(path));
  if (sources.size > 1) return refusal(`the literal mixes several requests (${[...sources].map((s) => `\`${s}\``).join(', ')})`, adviceFor(path));
  const real = [...sources][0] as string;
  const property = path.parent?.node as Node | undefined;
  // `{ req: { headers: req.headers } }` → `{ req }`
  if (property?.type === 'ObjectProperty' && property.value === literal && !property.computed && keyName(property) === real && (property.key as Node).type === 'Identifier') {
    c.edits.push({ start: property.start ?? 0, end: property.end ?? 0, text: real });
  } else c.edits.push({ start: inner.start ?? 0, end: inner.end ?? 0, text: real });
  for (const declarator of consumed) removeDeclarator(c, declarator);
  return true;
}

/** Returns what is wrong with a property, or undefined when the real request carries it. */
function deriveProperty(c: SiteContext, from: Path, property: Node, sources: Set<string>, consumed: Path[]): string | undefined {
  if (property.type === 'SpreadElement') {
    const real = realRequest(c, from, property.argument as Node);
    if (!real) return `the spread \`${c.text(property)}\` is not the handshake request`;
    sources.add(real);
    return undefined;
  }
  const key = keyName(property);
  if (!key || property.type !== 'ObjectProperty') return `the field \`${c.text(property.key as Node)}\` cannot be derived from the real request`;
  const value = resolveConst(c, from, property.value as Node, consumed);
  if (key === 'headers') {
    const whole = fieldOfRequest(c, from, value, 'headers');
    if (whole) return add(sources, whole);
    if (value.type !== 'ObjectExpression') return `\`headers\` is \`${c.text(property.value as Node)}\`, not the handshake's headers`;
    for (const header of value.properties as Node[]) {
      const name = keyName(header);
      if (!name || header.type !== 'ObjectProperty') return `the header \`${c.text(header)}\` cannot be derived from the real request`;
      const headerValue = resolveConst(c, from, header.value as Node, consumed);
      const real = headerOfRequest(c, from, headerValue, name.toLowerCase());
      if (!real) return `the header \`headers.${name}\` is built from \`${c.text(header.value as Node)}\`, which the real request does not carry`;
      sources.add(real);
    }
    return undefined;
  }
  if (/^(url|method|httpVersion|socket|connection|rawHeaders)$/.test(key)) {
    const real = fieldOfRequest(c, from, value, key);
    if (real) return add(sources, real);
  }
  return `the field \`${key}\` is \`${c.text(property.value as Node)}\`, which the real request does not carry`;
}

function add(sources: Set<string>, real: string): undefined {
  sources.add(real);
  return undefined;
}

/** A `const` initialised with a plain member chain stands for that chain (and goes when the literal was its only use). */
function resolveConst(c: SiteContext, from: Path, value: Node, consumed: Path[]): Node {
  const inner = unwrap(value) as Node;
  if (inner.type !== 'Identifier') return inner;
  const binding = findBinding(c, from, inner.name as string);
  const declaration = binding?.path.parent?.node as Node | undefined;
  const init = unwrap((binding?.path.node as Node | undefined)?.init as Node);
  if (!binding || declaration?.kind !== 'const' || !init || !isMemberChain(init)) return inner;
  if (binding.references === 1) consumed.push(binding.path);
  return init;
}

function isMemberChain(node: Node): boolean {
  const inner = unwrap(node);
  if (!inner) return false;
  if (inner.type === 'Identifier') return true;
  return (inner.type === 'MemberExpression' || inner.type === 'OptionalMemberExpression') && isMemberChain(inner.object as Node);
}

/** `R.field` (or `socket.handshake.field` for headers and url) → the real request R's text. */
function fieldOfRequest(c: SiteContext, from: Path, value: Node, field: string): string | undefined {
  const inner = unwrap(value);
  if (!inner || (inner.type !== 'MemberExpression' && inner.type !== 'OptionalMemberExpression') || memberKey(inner) !== field) return undefined;
  return realRequest(c, from, inner.object as Node, field === 'headers' || field === 'url');
}

/** `R.headers.cookie`, `R.headers['x-forwarded-for']`, with R a real request (or a socket.io handshake). */
function headerOfRequest(c: SiteContext, from: Path, value: Node, name: string): string | undefined {
  const inner = unwrap(value);
  if (!inner || (inner.type !== 'MemberExpression' && inner.type !== 'OptionalMemberExpression') || memberKey(inner)?.toLowerCase() !== name) return undefined;
  return fieldOfRequest(c, from, inner.object as Node, 'headers');
}

function memberKey(member: Node): string | undefined {
  const property = member.property as Node;
  if (!member.computed && property.type === 'Identifier') return property.name as string;
  if (member.computed && (property.type === 'StringLiteral' || property.type === 'Literal')) return String(property.value);
  return undefined;
}

/**
 * The real request an expression is, as text: `socket.request`, `socket.client.request`,
 * `peer.request`, a `req`/`request` parameter of the enclosing handler, `info.req` in `verifyClient`;
 * with `handshake` allowed, socket.io's `socket.handshake` stands for `socket.request` (it copies
 * the request's headers and url).
 */
function realRequest(c: SiteContext, from: Path, node: Node, handshake = false): string | undefined {
  const inner = unwrap(node);
  if (!inner) return undefined;
  if (inner.type === 'MemberExpression' || inner.type === 'OptionalMemberExpression') {
    const name = memberKey(inner);
    const object = unwrap(inner.object as Node) as Node;
    if (name === 'request' && isMemberChain(object)) return c.text(inner);
    if (name === 'handshake' && handshake && isMemberChain(object)) return `${c.text(object)}.request`;
    if (name === 'req' && object.type === 'Identifier' && isParameter(from, object.name as string)) return c.text(inner);
    return undefined;
  }
  if (inner.type === 'Identifier' && /^(req|request|upgradeReq|incoming)$/.test(inner.name as string) && isParameter(from, inner.name as string)) return inner.name as string;
  return undefined;
}

function isParameter(from: Path, name: string): boolean {
  for (let current = from.parent as Path | null; current; current = current.parent as Path | null) {
    const node = current.node as Node;
    if (!FUNCTION_TYPES.test(node.type)) continue;
    if ((node.params as Node[]).some((param) => unwrap(param)?.name === name)) return true;
  }
  return false;
}

/** A NestJS guard's `getRequest` gets its own advice; anything else the general one. */
function adviceFor(path: Path): AdviceKind {
  for (let current = path.parent as Path | null; current; current = current.parent as Path | null) {
    const node = current.node as Node;
    if ((node.type === 'ClassMethod' || node.type === 'ObjectMethod') && keyName(node) === 'getRequest') return 'nestGuard';
  }
  return 'literalField';
}


function flowsIntoFactory(c: SiteContext, path: Path): boolean {
  let current = path;
  while (current.parent && WRAPPERS.has((current.parent.node as Node).type)) current = current.parent as Path;
  const parent = current.parent?.node as Node | undefined;
  const isFactory = (call: Node): boolean => Object.hasOwn(c.options.factories, calleeName(call.callee as Node) ?? '');
  if ((parent?.type === 'CallExpression' || parent?.type === 'NewExpression') && (parent.arguments as Node[]).includes(current.node as Node)) return isFactory(parent) || flowsIntoFactory(c, current.parent as Path);
  if (parent?.type !== 'VariableDeclarator' || (parent.id as Node).type !== 'Identifier') return false;
  const name = (parent.id as Node).name as string;
  return c.root.find(c.j.CallExpression).filter((call: Path) => isFactory(call.node as Node) && ((call.node as Node).arguments as Node[]).some((arg) => unwrap(arg)?.name === name)).size() > 0;
}

/** A fake request that is not a literal: a mock, a constructed request, or what a helper returns. */
function refuseOtherFake(c: SiteContext, fake: Node): string {
  const callee = fake.type === 'CallExpression' || fake.type === 'NewExpression' ? calleeName(fake.callee as Node) : undefined;
  if (fake.type === 'CallExpression' && /mock|createRequest|getMockReq/i.test(c.text(fake.callee as Node))) return refusal(`\`${c.text(fake.callee as Node)}(...)\` is a request mock in production code`, 'vendoredMock');
  if (fake.type === 'NewExpression') return refusal(`\`new ${callee ?? 'Request'}(...)\` builds a request for WebSocket code`, 'literalField');
  if (fake.type === 'CallExpression' && callee === 'assign') return refuseAssign(c, fake);
  if (fake.type === 'CallExpression') return refusal(`the fake request comes from \`${callee ?? 'a helper'}()\``, 'helperFake');
  return refusal(`\`${c.text(fake).slice(0, 60)}\` poses as a request`, 'literalField');
}

/**
 * `Object.assign(app.request, req)` dresses the HTTP framework's request prototype (every HTTP
 * request's) to run its router; `Object.assign({}, socket.request, ctx, extra)` copies the real
 * request's own fields together with values it does not carry. Neither is the real request.
 */
function refuseAssign(c: SiteContext, fake: Node): string {
  const [target, ...sources] = (fake.arguments as Node[]).map((arg) => unwrap(arg));
  if (target && target.type !== 'ObjectExpression') {
    return refusal(`\`Object.assign(${c.text(target)}, …)\` dresses the HTTP framework's own request object as the request of a WebSocket message`, 'httpRouter', c.framework);
  }
  const others = sources.filter((source) => source && !/(^|\.)(request|req|handshake)$/.test(c.text(source)));
  const what = others.length > 0 ? ` together with ${others.map((source) => `\`${c.text(source as Node).slice(0, 30)}\``).join(', ')}, which it does not carry` : '';
  return refusal(`\`Object.assign()\` copies the request's own fields into a new object${what}`, 'requestCopy', c.framework);
}
