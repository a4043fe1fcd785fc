import { FUNCTION_TYPES, WRAPPERS, at, calleeName, unwrap, type Node, type Path, type Site } from './ast.js';
import type { SiteContext } from './context.js';

/** `io.use((socket, next) => mw(socket.request, {}, next))` and `io.use(wrap(mw))` → `io.engine.use(mw)`. */
export function rewriteMiddlewareWrapper(c: SiteContext, site: Site): true | string | undefined {
  const { j, root } = c;
  const literal = root.find(j.Expression).filter((path: Path) => at(path.node as Node, site)).paths()[0] as Path | undefined;
  if (!literal) return 'the fake response is not where the scanner saw it (the file changed?)';
  let call = literal.parent as Path;
  while (call && WRAPPERS.has((call.node as Node).type)) call = call.parent as Path;
  const inner = call?.node as Node | undefined;
  let arrow = call?.parent as Path | undefined;
  while (arrow && WRAPPERS.has((arrow.node as Node).type)) arrow = arrow.parent as Path;
  const wrapper = arrow?.node as Node | undefined;
  if (!inner || inner.type !== 'CallExpression' || !wrapper || !FUNCTION_TYPES.test(wrapper.type) || unwrap(wrapper.body as Node) !== inner) {
    return 'only the one-line wrapper `(socket, next) => middleware(socket.request, {}, next)` is rewritten';
  }
  const [socketParam, nextParam] = (wrapper.params as Node[]).map((param) => unwrap(param));
  const [reqArg, , nextArg] = (inner.arguments as Node[]).map((arg) => unwrap(arg));
  const wellFormed =
    socketParam?.type === 'Identifier' &&
    nextParam?.type === 'Identifier' &&
    reqArg?.type === 'MemberExpression' &&
    calleeName(reqArg) === 'request' &&
    unwrap(reqArg.object as Node)?.name === socketParam.name &&
    nextArg?.type === 'Identifier' &&
    nextArg.name === nextParam.name;
  if (!wellFormed) return 'the wrapper does more than pass `socket.request` and `next` to the middleware';
  const middleware = unwrap(inner.callee as Node) as Node;
  const useCall = arrow?.parent?.node as Node | undefined;
  if (useCall?.type === 'CallExpression' && calleeName(useCall.callee as Node) === 'use' && (useCall.arguments as Node[])[0] === wrapper) {
    const server = serverOf((unwrap(useCall.callee as Node) as Node).object as Node);
    if (!server) return 'the middleware is registered on a namespace variable; register it on the server with `io.engine.use(middleware)` by hand';
    c.edits.push({ start: useCall.start ?? 0, end: useCall.end ?? 0, text: `${c.text(server)}.engine.use(${c.text(middleware)})` });
    return true;
  }
  // `const wrap = (middleware) => (socket, next) => middleware(socket.request, {}, next)`
  const outerFn = arrow?.parent?.node as Node | undefined;
  const declarator = arrow?.parent?.parent?.node as Node | undefined;
  const outerParam = unwrap((outerFn?.params as Node[] | undefined)?.[0]);
  if (!outerFn || !FUNCTION_TYPES.test(outerFn.type) || outerFn.body !== wrapper || declarator?.type !== 'VariableDeclarator' || (declarator.id as Node).type !== 'Identifier' || outerParam?.type !== 'Identifier' || middleware.type !== 'Identifier' || middleware.name !== outerParam.name) {
    return 'the middleware wrapper is not registered with `io.use(...)` in this file';
  }
  const wrapName = (declarator.id as Node).name as string;
  let rewritten = 0;
  root.find(j.CallExpression).forEach((path: Path) => {
    const node = path.node as Node;
    const arg = (node.arguments as Node[])[0];
    const callee = unwrap(node.callee as Node);
    if (calleeName(callee) !== 'use' || callee?.type !== 'MemberExpression' || arg?.type !== 'CallExpression' || calleeName(arg.callee as Node) !== wrapName || (arg.arguments as Node[]).length !== 1) return;
    const server = serverOf(callee.object as Node);
    if (!server) return;
    c.edits.push({ start: node.start ?? 0, end: node.end ?? 0, text: `${c.text(server)}.engine.use(${c.text((arg.arguments as Node[])[0] as Node)})` });
    rewritten++;
  });
  if (rewritten === 0) return `\`${wrapName}\` is not used as \`io.use(${wrapName}(middleware))\` in this file`;
  c.released.add(wrapName);
  return true;
}

/**
 * The socket.io server a `use` call is made on: `io`, or `io` for `io.of('/admin')`, since only the
 * server has an engine (engine middleware runs for every namespace's handshake).
 */
export function serverOf(receiver: Node): Node | undefined {
  const inner = unwrap(receiver);
  if (inner?.type === 'CallExpression' && calleeName(inner.callee as Node) === 'of') {
    const callee = unwrap(inner.callee as Node);
    return callee?.type === 'MemberExpression' ? serverOf(callee.object as Node) : undefined;
  }
  if (inner?.type === 'Identifier' && !/^(nsp|namespace)/i.test(inner.name as string)) return inner;
  if (inner?.type === 'MemberExpression' && (inner.object as Node).type === 'ThisExpression') return inner;
  return undefined;
}
