import { refusal } from './advice.js';
import { FUNCTION_TYPES, WRAPPERS, calleeName, keyName, unwrap, type Node, type Path } from './ast.js';
import type { SiteContext } from './context.js';

const RESPONSE_METHODS = /^(writeHead|setHeader|getHeader|end|write|send|json|status|sendStatus|header|set|redirect|code)$/;

/**
 * Why a fake response has no honest automatic rewrite, with the advice for the framework the
 * finding is in: a fabricated `ServerResponse` that runs an HTTP app or router, a Koa context made
 * with `{}`, an object or class that mimics the response API, a socket cast to a response type,
 * and connect middleware run with `{}` outside socket.io (a `ws` upgrade listener, a GraphQL
 * subscription `onConnect`).
 */
export function refuseResponse(c: SiteContext, found: Path): string {
  const framework = c.framework;
  let path = found;
  while (path.parent && WRAPPERS.has((path.parent.node as Node).type)) path = path.parent as Path;
  const node = unwrap(found.node as Node) as Node;
  const holder = path.parent?.node as Node | undefined;
  const constructed = node.type === 'NewExpression' ? calleeName(node.callee as Node) : undefined;
  if (constructed && /ServerResponse|Response$/.test(constructed)) {
    if (insideSocketIoMiddleware(found)) return refusal(`the socket.io middleware constructs a response (\`new ${constructed}(...)\`) for the middleware it runs`, 'socketIoReceiver');
    if (constructed === 'ServerResponse' || constructed === 'Response') return refusal(`\`new ${constructed}(...)\` fabricates a response for WebSocket handling`, 'httpRouter', framework);
    return refusal(`\`new ${constructed}(...)\` makes a hand-written response class stand in for the HTTP response`, 'standInResponse', framework);
  }
  if (holder && (holder.type === 'CallExpression' || holder.type === 'OptionalCallExpression') && calleeName(holder.callee as Node) === 'createContext' && (holder.arguments as Node[]).length === 2) {
    return refusal('`createContext(req, {})` builds a Koa context around a fake response', 'koaContext');
  }
  if (node.type === 'CallExpression' && calleeName(node.callee as Node) === 'assign' && /ServerResponse|\.response\b/.test(c.text(node))) {
    return refusal('`Object.assign()` dresses the HTTP framework\'s response (shared by every HTTP request) as the response of a WebSocket message', 'httpRouter', framework);
  }
  if (node.type === 'ObjectExpression' && (node.properties as Node[]).some((property) => RESPONSE_METHODS.test(keyName(property) ?? ''))) {
    return refusal('the object stands in for a response (it mimics the response API)', 'standInResponse', framework);
  }
  if (path.node !== node && (path.node as Node).type !== 'ParenthesizedExpression' && node.type !== 'ObjectExpression') {
    return refusal(`\`${c.text(node).slice(0, 40)}\` is cast to a response type it is not`, 'castResponse', framework);
  }
  if (holder && (holder.type === 'FunctionDeclaration' || holder.type === 'ClassDeclaration') && holder.id === found.node) {
    return refusal(`\`${c.text(node)}\` is a hand-written response type standing in for the HTTP response`, 'standInResponse', framework);
  }
  if (holder && isMiddlewareCall(holder, path.node as Node)) {
    if (insideSocketIoMiddleware(found)) return refusal('the middleware runs inside other socket.io code, not as the whole of a `(socket, next)` middleware', 'socketIoNested');
    return refusal('the middleware runs with a fake response outside socket.io (no engine to register it on)', 'upgradeSession', framework);
  }
  if (node.type === 'ClassExpression' || node.type === 'ClassDeclaration' || isInClassOrConstructor(found)) return refusal('a hand-made response class stands in for the HTTP response', 'standInResponse', framework);
  if (node.type === 'CallExpression') return refusal(`the fake response comes from \`${calleeName(node.callee as Node) ?? 'a helper'}()\``, 'standInResponse', framework);
  if (node.type === 'ObjectExpression') return refusal('the object stands in for a response', 'standInResponse', framework);
  if (insideSocketIoMiddleware(found)) return refusal('the middleware runs inside other socket.io code, not as the whole of a `(socket, next)` middleware', 'socketIoNested');
  return refusal('the middleware runs with a fake response outside socket.io (no engine to register it on)', 'upgradeSession', framework);
}

function isInClassOrConstructor(path: Path): boolean {
  for (let current = path.parent as Path | null; current; current = current.parent as Path | null) {
    const node = current.node as Node;
    if (node.type === 'ClassMethod' && node.kind === 'constructor') return true;
    if (FUNCTION_TYPES.test(node.type)) return false;
  }
  return false;
}

/** Some enclosing function is shaped like socket.io middleware `(socket, next)` or reads `socket.request`. */
function insideSocketIoMiddleware(path: Path): boolean {
  for (let current = path.parent as Path | null; current; current = current.parent as Path | null) {
    const node = current.node as Node;
    if (!FUNCTION_TYPES.test(node.type)) continue;
    const params = (node.params as Node[]).map((param) => unwrap(param));
    if (params.length === 2 && params[0]?.type === 'Identifier' && params[1]?.type === 'Identifier' && /^next$|^cb$|^done$/.test(params[1].name as string)) return true;
  }
  return false;
}

/** `mw(req, res, next)`: the fake is the second of three arguments. */
function isMiddlewareCall(call: Node, argument: Node): boolean {
  return (call.type === 'CallExpression' || call.type === 'OptionalCallExpression') && (call.arguments as Node[]).length === 3 && (call.arguments as Node[])[1] === argument;
}
