import { ADVICE, refusal } from './advice.js';
import { FUNCTION_TYPES, WRAPPERS, calleeName, keyName, unwrap, type Node, type Path } from './ast.js';
import type { SiteContext } from './context.js';

const RESPONSE_METHODS = /^(writeHead|setHeader|getHeader|end|write|send|json|status|sendStatus|header|set|redirect|code)$/;

/**
 * Why a fake response has no honest automatic rewrite, with the framework's advice: a fabricated
 * `ServerResponse` that runs an HTTP app or router, a Koa context made with `{}`, an object that
 * mimics the response API, and connect middleware run with `{}` outside socket.io (a `ws` upgrade
 * listener, `verifyClient`, `connection`, a subscription `onConnect`).
 */
export function refuseResponse(c: SiteContext, found: Path): string {
  let path = found;
  while (path.parent && WRAPPERS.has((path.parent.node as Node).type)) path = path.parent as Path;
  const node = unwrap(found.node as Node) as Node;
  const holder = path.parent?.node as Node | undefined;
  const constructed = node.type === 'NewExpression' ? calleeName(node.callee as Node) : undefined;
  if (constructed && /ServerResponse|Response$/.test(constructed)) {
    if (insideSocketIoMiddleware(found)) return refusal(`the socket.io middleware constructs a response (\`new ${constructed}(...)\`) for the middleware it runs`, 'socketIoReceiver');
    return refusal(`\`new ${constructed}(...)\` fabricates a response for WebSocket handling`, 'httpRouter');
  }
  if (holder && (holder.type === 'CallExpression' || holder.type === 'OptionalCallExpression') && calleeName(holder.callee as Node) === 'createContext') {
    return refusal('`createContext(req, {})` builds a Koa context around a fake response', 'koaContext');
  }
  if (node.type === 'ObjectExpression' && (node.properties as Node[]).some((property) => RESPONSE_METHODS.test(keyName(property) ?? ''))) {
    return refusal('the object stands in for a response (it mimics the response API)', 'standInResponse');
  }
  if (!insideSocketIoMiddleware(found) && holder && isMiddlewareCall(holder, path.node as Node)) return `the middleware runs with a fake response outside socket.io (no engine to register it on). ${ADVICE.wsUpgradeSession}`;
  if (node.type === 'ClassExpression' || node.type === 'ClassDeclaration' || isInClassOrConstructor(found)) return refusal('a hand-made response class stands in for the HTTP response', 'standInResponse');
  if (insideSocketIoMiddleware(found)) return refusal('the middleware runs inside other socket.io code, not as the whole of a `(socket, next)` middleware', 'socketIoNested');
  return `the middleware runs with a fake response outside socket.io (no engine to register it on). ${ADVICE.wsUpgradeSession}`;
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
