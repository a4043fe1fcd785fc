import { hasNoEngine } from './actionable.js';
import { refusal } from './advice.js';
import { FUNCTION_TYPES, WRAPPERS, at, calleeName, findFirstAt, isReference, unwrap, type Node, type Path, type Site } from './ast.js';
import type { SiteContext } from './context.js';
import { translateToEngine } from './engine-middleware.js';
import { indentationAt, statementRange, type Edit } from './edits.js';
import { exportsOf, removableExports, removeHelper } from './helpers.js';
import { refuseResponse } from './response-refusals.js';

/**
 * socket.io middleware run with a fabricated response becomes `io.engine.use(mw)`: engine.io runs
 * it with the real request and response of every handshake. Forms: an inline `io.use(...)` wrapper
 * (arrow or block body, function expression, casts and `socket.request.res || {}` fallbacks,
 * optional calls, `this.method`), a continuation callback (`mw(socket.request, {}, () => { rest })`
 * → the engine middleware, then `rest` in the socket.io middleware), a named wrapper
 * (`const auth = (socket, next) => …; io.use(auth)`) and a wrapper factory
 * (`const wrap = (mw) => (socket, next) => mw(socket.request, {}, next); io.use(wrap(session))`),
 * also one imported from another module (the project step finds its callers).
 */
export function rewriteMiddlewareSite(c: SiteContext, site: Site): true | string | undefined {
  const { j, root } = c;
  const found = findFirstAt(j, root, j.Expression, site, (node) => at(node, site));
  if (!found) return 'the fake response is not where the scanner saw it (the file changed?)';
  // No socket.io engine to register on: refused before any other step (the scan counts on it; see actionable.ts).
  if (hasNoEngine(site.framework)) return refuseResponse(c, found);
  const response = responseArgument(found);
  const call = response?.parent as Path | undefined;
  const callNode = call?.node as Node | undefined;
  if (!call || !callNode || !isCall(callNode) || (callNode.arguments as Node[])[1] !== response?.node) {
    const asCallSite = rewriteCallSiteAt(c, found);
    return asCallSite ?? refuseUnknownWrapper(c, found) ?? refuseResponse(c, found);
  }
  const middlewareFn = enclosingFunction(call);
  // Only connect middleware run with a made-up `{}` (or `socket.request.res || {}`) is registered
  // on the engine; a constructed or hand-written response is something else.
  const fake = unwrap(found.node as Node);
  if (fake?.type !== 'ObjectExpression' && fake?.type !== 'LogicalExpression' && !isResponseOfRequest(fake as Node)) return refuseResponse(c, found);
  if (!middlewareFn || (callNode.arguments as Node[]).length !== 3 || !isSocketIoRequest(c, call, (callNode.arguments as Node[])[0])) return refuseResponse(c, found);
  const shape = middlewareShape(c, middlewareFn, call);
  if (typeof shape === 'string') return shape;
  // Work around the call: the whole middleware may still become an engine middleware.
  if ('extraWork' in shape) return translateToEngine(c, middlewareFn, call) ?? shape.extraWork;
  return registerWrapper(c, middlewareFn, shape);
}

interface Shape {
  /** The middleware, as source text. */
  middleware: string;
  /** The middleware is the outer function's parameter (`wrap = (mw) => (socket, next) => mw(...)`). */
  viaParameter: boolean;
  /** The statement holding the call, and what continues after the middleware when it is a callback. */
  continuation?: { statement: Node; callback: Node };
}

function isCall(node: Node): boolean {
  return node.type === 'CallExpression' || node.type === 'OptionalCallExpression';
}

/** From the flagged expression up to the response argument: through casts and `socket.request.res || {}`. */
function responseArgument(path: Path): Path | undefined {
  let current: Path | undefined = path;
  for (;;) {
    const parent = current?.parent as Path | undefined;
    const node = parent?.node as Node | undefined;
    if (!parent || !node) return current;
    if (WRAPPERS.has(node.type)) current = parent;
    else if (node.type === 'LogicalExpression' && node.right === current?.node && isResponseOfRequest(node.left as Node)) current = parent;
    else if (node.type === 'LogicalExpression' && node.left === current?.node && isResponseOfRequest(current?.node as Node)) current = parent;
    else return current;
  }
}

/** `socket.request.res`: engine.io's real response, present only for polling requests. */
function isResponseOfRequest(node: Node): boolean {
  const inner = unwrap(node);
  return (inner?.type === 'MemberExpression' || inner?.type === 'OptionalMemberExpression') && calleeName(inner) === 'res';
}

function enclosingFunction(path: Path): Path | undefined {
  for (let current = path.parent as Path | null; current; current = current.parent as Path | null) {
    if (FUNCTION_TYPES.test((current.node as Node).type)) return current;
  }
  return undefined;
}

/** The request is some socket's `request`/`handshake` (or a local copy of one): socket.io code. */
function isSocketIoRequest(c: SiteContext, from: Path, node: Node | undefined): boolean {
  const inner = unwrap(node);
  if (!inner) return false;
  if (inner.type === 'Identifier') {
    const init = bindingInit(from, inner.name as string);
    return init !== undefined && (init.type === 'ObjectExpression' || isSocketIoRequest(c, from, init));
  }
  const name = inner.type === 'MemberExpression' || inner.type === 'OptionalMemberExpression' ? calleeName(inner) : undefined;
  return name === 'request' || name === 'handshake';
}

/** The request argument must be the socket's own handshake request (`socket.request`, `socket.handshake`, `socket.client.request`). */
function isHandshakeOf(node: Node | undefined, socket: string): boolean {
  const inner = unwrap(node);
  if (!inner || (inner.type !== 'MemberExpression' && inner.type !== 'OptionalMemberExpression')) return false;
  const name = calleeName(inner);
  const object = unwrap(inner.object as Node);
  if (name === 'request' && object?.type === 'Identifier') return object.name === socket;
  if (name === 'request' && object && calleeName(object) === 'client') return unwrap(object.object as Node)?.name === socket;
  return name === 'handshake' && object?.type === 'Identifier' && object.name === socket;
}

/** `socket.handshake` itself: socket.io's copy of a few request fields, not the request. */
function isHandshakeObject(node: Node | undefined, socket: string): boolean {
  const inner = unwrap(node);
  return (inner?.type === 'MemberExpression' || inner?.type === 'OptionalMemberExpression') && calleeName(inner) === 'handshake' && unwrap(inner.object as Node)?.name === socket;
}

/**
 * `const req = socket.request` in the middleware, passed on as `req`; also a request literal made
 * there (the request-literal rewrite may turn it into `socket.request`; what else the middleware
 * does decides).
 */
function isAliasOf(c: SiteContext, from: Path, node: Node | undefined, socket: string): boolean {
  const inner = unwrap(node);
  if (inner?.type !== 'Identifier') return false;
  const init = bindingInit(from, inner.name as string);
  return isHandshakeOf(init, socket) || init?.type === 'ObjectExpression';
}

function middlewareShape(c: SiteContext, fnPath: Path, callPath: Path): Shape | { extraWork: string } | string {
  const fn = fnPath.node as Node;
  const call = callPath.node as Node;
  const params = (fn.params as Node[]).map((param) => unwrap(param));
  const [socketParam, nextParam] = params;
  const [requestArg, , nextArg] = (call.arguments as Node[]).map((arg) => unwrap(arg));
  const ownRequest = socketParam?.type === 'Identifier' && (isHandshakeOf(requestArg, socketParam.name as string) || isAliasOf(c, callPath, requestArg, socketParam.name as string));
  if (!ownRequest || nextParam?.type !== 'Identifier' || params.length !== 2) {
    return refusal('the middleware is called from inside a function that is not the socket.io middleware `(socket, next)` itself, after other work', 'socketIoNested');
  }
  if (isHandshakeObject(requestArg, socketParam.name as string)) {
    return refusal('the middleware runs on `socket.handshake`, so what it sets (such as `session`) lives on the handshake; under `io.engine.use` it would be on `socket.request` instead', 'socketIoHandshake');
  }
  const statement = onlyStatement(fn, callPath);
  if (!statement) return { extraWork: refusal('the socket.io middleware does more than run the middleware (other statements around the call)', 'socketIoExtraWork') };
  if (!isHandshakeOf(requestArg, socketParam.name as string)) return { extraWork: refusal('the middleware gets a copy of `socket.request` made in the middleware', 'socketIoExtraWork') };
  const callee = unwrap(call.callee as Node) as Node;
  if (mentions(c, callee, [socketParam.name as string, nextParam.name as string])) return refusal('the middleware is built from the socket itself', 'socketIoExtraWork');
  if ((call.arguments as Node[]).length !== 3) return refusal('the middleware is called with other than (request, response, next)', 'socketIoExtraWork');
  const middleware = middlewareText(c, fnPath, callee);
  if (typeof middleware === 'string' && middleware.startsWith('!')) return middleware.slice(1);
  const outer = outerFactory(fnPath);
  const factoryParam = outer ? unwrap(((outer.node as Node).params as Node[])[0]) : undefined;
  const viaParameter = callee.type === 'Identifier' && factoryParam?.type === 'Identifier' && factoryParam.name === callee.name;
  if (nextArg?.type === 'Identifier' && nextArg.name === nextParam.name) return { middleware, viaParameter };
  if (nextArg && forwardsTo(nextArg, nextParam.name as string)) return { middleware, viaParameter };
  if (nextArg && FUNCTION_TYPES.test(nextArg.type) && statement.type === 'ExpressionStatement' && !viaParameter) {
    const errorParam = unwrap((nextArg.params as Node[])[0]);
    if ((nextArg.params as Node[]).length > 1) return refusal('the callback takes more than the error', 'socketIoErrorHandling');
    if (errorParam && (errorParam.type !== 'Identifier' || usesBinding(c, nextArg, errorParam.name as string))) {
      return refusal(`the callback handles the middleware's error (\`${c.text(errorParam)}\`) itself`, 'socketIoErrorHandling');
    }
    if (nextArg.type === 'FunctionExpression' && usesThisOrArguments(c, nextArg)) return refusal('the callback uses `this` or `arguments`', 'socketIoErrorHandling');
    return { middleware, viaParameter, continuation: { statement, callback: nextArg } };
  }
  return refusal('the middleware continues with something other than `next`', 'socketIoExtraWork');
}

/** `(err) => next(err)` and `() => next()` forward to `next` as they are. */
export function forwardsTo(fn: Node, next: string): boolean {
  if (!FUNCTION_TYPES.test(fn.type)) return false;
  const params = fn.params as Node[];
  const body = unwrap(fn.body as Node);
  const expression = body?.type === 'BlockStatement' ? (body.body as Node[]).length === 1 && (body.body as Node[])[0]?.type === 'ExpressionStatement' ? ((body.body as Node[])[0]?.expression as Node) : undefined : body;
  const call = unwrap(expression);
  if (!call || call.type !== 'CallExpression' || unwrap(call.callee as Node)?.name !== next) return false;
  const args = (call.arguments as Node[]).map((arg) => unwrap(arg));
  if (params.length === 0) return args.length === 0;
  const param = unwrap(params[0]);
  return params.length === 1 && args.length === 1 && param?.type === 'Identifier' && args[0]?.type === 'Identifier' && args[0].name === param.name;
}

/** The call's statement when it is the function's whole body (expression body, or the one statement of a block). */
function onlyStatement(fn: Node, callPath: Path): Node | undefined {
  const body = fn.body as Node;
  let path = callPath;
  while (path.parent && WRAPPERS.has((path.parent.node as Node).type)) path = path.parent as Path;
  if (unwrap(body) === unwrap(path.node as Node)) return path.node as Node;
  if (body.type !== 'BlockStatement' || (body.body as Node[]).length !== 1) return undefined;
  const statement = (body.body as Node[])[0] as Node;
  const holder = path.parent?.node as Node | undefined;
  if (holder === statement && (statement.type === 'ExpressionStatement' || statement.type === 'ReturnStatement')) return statement;
  if (holder?.type === 'AwaitExpression' && path.parent?.parent?.node === statement) return statement;
  return undefined;
}

function mentions(c: SiteContext, node: Node, names: string[]): boolean {
  return c.j(node as never).find(c.j.Identifier).filter((path: Path) => names.includes((path.node as Node).name as string) && isReference(path)).size() > 0 || (node.type === 'Identifier' && names.includes(node.name as string));
}

function usesBinding(c: SiteContext, fn: Node, name: string): boolean {
  let used = false;
  c.j(fn.body as never)
    .find(c.j.Identifier, { name })
    .forEach((path: Path) => {
      if (!isReference(path)) return;
      const scope = (path as unknown as { scope?: { lookup(n: string): { node: Node } | null } }).scope?.lookup(name);
      if (!scope || scope.node === fn) used = true;
    });
  return used;
}

function usesThisOrArguments(c: SiteContext, fn: Node): boolean {
  const inOwnScope = (path: Path): boolean => {
    for (let current = path.parent as Path | null; current; current = current.parent as Path | null) {
      const node = current.node as Node;
      if (node === fn) return true;
      if (node.type === 'FunctionExpression' || node.type === 'FunctionDeclaration' || node.type === 'ObjectMethod' || node.type === 'ClassMethod') return false;
    }
    return false;
  };
  const thisUsed = c.j(fn.body as never).find(c.j.ThisExpression).filter(inOwnScope).size() > 0;
  const argumentsUsed = c.j(fn.body as never).find(c.j.Identifier, { name: 'arguments' }).filter(inOwnScope).size() > 0;
  return thisUsed || argumentsUsed;
}

/**
 * The middleware as text to register. `this.session` keeps its `this` when the class declares it as
 * a method (`this.session.bind(this)`); inside a `function` wrapper `this` is not the class, so that
 * form is refused (returned with a leading `!`).
 */
function middlewareText(c: SiteContext, fnPath: Path, callee: Node): string {
  const member = callee.type === 'MemberExpression' || callee.type === 'OptionalMemberExpression' ? callee : undefined;
  if (!member || unwrap(member.object as Node)?.type !== 'ThisExpression') return c.text(callee);
  if ((fnPath.node as Node).type !== 'ArrowFunctionExpression') return `!${refusal('the wrapper is a `function` whose `this` is not the class', 'socketIoExtraWork')}`;
  const name = calleeName(member);
  for (let current = fnPath.parent as Path | null; current; current = current.parent as Path | null) {
    const node = current.node as Node;
    if (node.type !== 'ClassBody') continue;
    const isMethod = (node.body as Node[]).some((item) => (item.type === 'ClassMethod' || item.type === 'TSDeclareMethod') && (item.key as Node).type === 'Identifier' && (item.key as Node).name === name && item.kind === 'method');
    return isMethod ? `${c.text(member)}.bind(this)` : c.text(member);
  }
  return c.text(member);
}

/** The wrapper factory around a wrapper: `(mw) => (socket, next) => …` or `function wrap(mw) { return function (socket, next) {…} }`. */
export function outerFactory(fnPath: Path): Path | undefined {
  let parent = fnPath.parent as Path | undefined;
  while (parent && WRAPPERS.has((parent.node as Node).type)) parent = parent.parent as Path;
  if (!parent) return undefined;
  const node = parent.node as Node;
  if (FUNCTION_TYPES.test(node.type) && unwrap(node.body as Node) === fnPath.node && (node.params as Node[]).length === 1) return parent;
  if (node.type !== 'ReturnStatement') return undefined;
  const block = parent.parent as Path | undefined;
  const outer = block?.parent as Path | undefined;
  const blockNode = block?.node as Node | undefined;
  if (blockNode?.type !== 'BlockStatement' || !outer || !FUNCTION_TYPES.test((outer.node as Node).type) || ((outer.node as Node).params as Node[]).length !== 1) return undefined;
  // Only `return wrapper;` as the factory's one statement: anything else would be lost with it.
  return (blockNode.body as Node[]).length === 1 ? outer : undefined;
}

/** Where the wrapper goes: registered inline, bound to a name, or returned by a factory. */
function registerWrapper(c: SiteContext, fnPath: Path, shape: Shape): true | string {
  if (shape.viaParameter) {
    const factory = outerFactory(fnPath) as Path;
    return rewriteFactoryUses(c, factory);
  }
  let holder = fnPath.parent as Path;
  while (holder && WRAPPERS.has((holder.node as Node).type)) holder = holder.parent as Path;
  const holderNode = holder?.node as Node | undefined;
  if (holderNode && isCall(holderNode) && calleeName(holderNode.callee as Node) === 'use' && unwrap((holderNode.arguments as Node[])[0]) === fnPath.node) {
    return registerOnEngine(c, holder, shape);
  }
  const name = boundName(fnPath);
  if (!name) return refusal('the socket.io middleware is not registered with `.use(...)` here', 'socketIoExported');
  if (shape.continuation) return refusal(`\`${name}\` is registered elsewhere and continues in a callback`, 'socketIoNested');
  return rewriteNamedUses(c, fnPath, name, (use) => registerOnEngine(c, use.parent as Path, shape), (path) => isUseArgument(path));
}

/** `io.use(wrap(x))` for every use of the factory; the factory goes when nothing else uses it. */
function rewriteFactoryUses(c: SiteContext, factory: Path): true | string {
  const name = boundName(factory);
  if (!name) return refusal('the middleware wrapper is exported anonymously for other code to use', 'socketIoExported');
  return rewriteNamedUses(
    c,
    factory,
    name,
    (use) => {
      const wrapCallPath = use.parent as Path;
      const wrapCall = wrapCallPath.node as Node;
      return registerOnEngine(c, wrapCallPath.parent as Path, { middleware: c.text((wrapCall.arguments as Node[])[0] as Node), viaParameter: false });
    },
    (path) => {
      const parent = path.parent?.node as Node | undefined;
      return Boolean(parent && isCall(parent) && parent.callee === path.node && (parent.arguments as Node[]).length === 1 && (parent.arguments as Node[])[0]?.type !== 'SpreadElement' && isUseArgument(path.parent as Path));
    },
  );
}

export function isUseArgument(path: Path): boolean {
  const parent = path.parent?.node as Node | undefined;
  return Boolean(parent && isCall(parent) && calleeName(parent.callee as Node) === 'use' && (parent.arguments as Node[]).length === 1 && (parent.arguments as Node[])[0] === path.node);
}

/**
 * Rewrites each use of a named wrapper (or factory) that `matches`, then removes the declaration and
 * its exports when no use is left here and none elsewhere (the project step counts those).
 */
function rewriteNamedUses(c: SiteContext, declaration: Path, name: string, rewriteUse: (use: Path) => true | string, matches: (path: Path) => boolean): true | string {
  const exported = exportsOf(c, name);
  const inExport = (use: Path): boolean => exported.some((entry) => ((use.node as Node).start ?? 0) >= entry.range.start && ((use.node as Node).end ?? 0) <= entry.range.end);
  const uses = references(c, declaration, name).filter((use) => !inExport(use));
  let left = 0;
  let rewritten = 0;
  let firstProblem: string | undefined;
  for (const use of uses) {
    if (!matches(use)) {
      left++;
      continue;
    }
    const before = c.edits.length;
    const outcome = rewriteUse(use);
    if (outcome === true) rewritten++;
    else {
      c.edits.splice(before);
      left++;
      firstProblem ??= outcome;
    }
  }
  if (exported.length > 0) c.project.exportedHelpers.set(name, exported.map((entry) => entry.exportedName));
  const elsewhere = exported.length > 0 ? c.project.externalUses.get(name) : 0;
  if (left === 0 && elsewhere === 0 && removableExports(exported)) {
    removeHelper(c, declaration, exported);
    return true;
  }
  if (firstProblem) return firstProblem;
  if (left > 0) return refusal(`\`${name}\` is also used in ways the codemod does not rewrite (${left} use${left === 1 ? '' : 's'} here)`, 'socketIoExported');
  if (elsewhere === undefined) return refusal(`\`${name}\` is exported and none of its callers is in the scanned code`, 'socketIoExported');
  return refusal(`\`${name}\` is still used in ${elsewhere} place${elsewhere === 1 ? '' : 's'} in other modules that the codemod does not rewrite`, 'socketIoExported');
}

/** References to the binding a declaration makes (same scope), outside the declaration itself. */
export function references(c: SiteContext, declaration: Path, name: string): Path[] {
  const declarationNode = declaration.node as Node;
  const scopeOf = (path: Path): unknown => (path as unknown as { scope?: { lookup(n: string): unknown } }).scope?.lookup(name);
  const holder = bindingHolder(declaration);
  const home = holder ? scopeOf(holder) : undefined;
  return c.root
    .find(c.j.Identifier, { name })
    .filter((path: Path) => {
      const node = path.node as Node;
      if (!isReference(path) || isExportOrImportName(path)) return false;
      if ((node.start ?? 0) >= (declarationNode.start ?? 0) && (node.end ?? 0) <= (declarationNode.end ?? 0)) return false;
      return !home || scopeOf(path) === home;
    })
    .paths() as Path[];
}

function isExportOrImportName(path: Path): boolean {
  const parent = path.parent?.node as Node | undefined;
  return parent?.type === 'ExportSpecifier';
}

function bindingHolder(declaration: Path): Path | undefined {
  const node = declaration.node as Node;
  if (node.type === 'FunctionDeclaration') return declaration;
  let parent = declaration.parent as Path | undefined;
  while (parent && WRAPPERS.has((parent.node as Node).type)) parent = parent.parent as Path;
  return parent && (parent.node as Node).type === 'VariableDeclarator' ? parent : undefined;
}

/** `const wrap = …` / `function wrap(…)` / `exports.wrap = …`: the name the wrapper is bound to. */
export function boundName(fnPath: Path): string | undefined {
  const node = fnPath.node as Node;
  if (node.type === 'FunctionDeclaration' && node.id) return (node.id as Node).name as string;
  let parent = fnPath.parent as Path | undefined;
  while (parent && WRAPPERS.has((parent.node as Node).type)) parent = parent.parent as Path;
  const holder = parent?.node as Node | undefined;
  if (holder?.type === 'VariableDeclarator' && (holder.id as Node).type === 'Identifier') return (holder.id as Node).name as string;
  return undefined;
}

/**
 * `X.use(wrapper)` → `SERVER.engine.use(mw)`, where SERVER is the socket.io server behind X (a
 * namespace's server; `server` in a NestJS adapter). In a chain (`io.of('/x').use(w).use(v)`) the
 * link is removed and the engine registration goes before the statement. A continuation moves
 * into the socket.io middleware, which stays registered where it was.
 */
export function registerOnEngine(c: SiteContext, usePath: Path, shape: { middleware: string | undefined; continuation?: Shape['continuation']; viaParameter?: boolean }): true | string {
  const use = usePath.node as Node;
  const callee = unwrap(use.callee as Node) as Node;
  if (callee.type !== 'MemberExpression' && callee.type !== 'OptionalMemberExpression') return refusal('`use` is not called on a server or namespace', 'socketIoReceiver');
  const server = serverOf(c, usePath, callee.object as Node);
  if (!server) return refusal(`cannot tell which socket.io server \`${c.text(callee.object as Node)}\` belongs to`, 'socketIoReceiver');
  const changedAt = earlierRequestChange(c, usePath, server);
  if (changedAt) return refusal(`an earlier socket.io middleware on this server (line ${changedAt}) changes the request, and under \`io.engine.use\` this middleware would run before it`, 'socketIoOrder');
  const engine = c.project.engine?.();
  if (engine?.supported === false) return refusal(`this code runs on ${engine.found ?? 'an older socket.io'}, which has no \`io.engine.use\``, 'socketIoVersion');
  const optional = callee.optional === true || callee.type === 'OptionalMemberExpression' ? '?.' : '.';
  const parent = usePath.parent?.node as Node | undefined;
  const statementPath = parent?.type === 'ExpressionStatement' ? (usePath.parent as Path) : undefined;
  const inChain = (parent?.type === 'MemberExpression' || parent?.type === 'OptionalMemberExpression') && parent.object === use;
  if (shape.middleware === undefined) {
    // The middleware stays where it is (translated in place): only the receiver changes.
    if (!statementPath) return refusal('the registration is part of a longer expression', 'socketIoReceiver');
    c.edits.push({ start: callee.start ?? 0, end: callee.end ?? 0, text: `${server}${optional}engine.use` });
    return true;
  }
  const registration = `${server}${optional}engine.use(${shape.middleware})`;
  // The same middleware value registered again on the same engine (one wrapper on several
  // namespaces): engine middleware runs for every request already, so once is enough.
  const key = `${enclosingFunctionStart(usePath)}\0${server}\0${shape.middleware}`;
  const registered = (c.registered ??= new Map());
  const earlier = registered.get(key);
  // Only while the earlier registration's edit stands (a refused site takes its edits back).
  const again = earlier !== undefined && c.edits.includes(earlier) && !shape.continuation;
  const remember = (): void => void registered.set(key, c.edits.at(-1) as Edit);
  if (again && statementPath) {
    c.edits.push({ ...statementRange(c.source, statementPath.node as Node), text: '' });
    return true;
  }
  if (again && inChain) {
    c.edits.push({ start: (callee.object as Node).end ?? 0, end: use.end ?? 0, text: '' });
    return true;
  }
  if (shape.continuation) {
    if (!statementPath && !inChain) return refusal('the registration\'s value is used', 'socketIoReceiver');
    const statement = enclosingStatement(usePath);
    if (!statement) return refusal('the registration is not a statement', 'socketIoReceiver');
    insertBefore(c, statement, `${registration};`);
    replaceWithCallbackBody(c, shape.continuation.statement, shape.continuation.callback);
    return true;
  }
  if (statementPath) {
    c.edits.push({ start: use.start ?? 0, end: use.end ?? 0, text: registration });
    remember();
    return true;
  }
  if (inChain) {
    const statement = enclosingStatement(usePath);
    if (!statement) return refusal('the registration is not a statement', 'socketIoReceiver');
    c.edits.push({ start: (callee.object as Node).end ?? 0, end: use.end ?? 0, text: '' });
    insertBefore(c, statement, `${registration};`);
    remember();
    return true;
  }
  return refusal('the value of `use(...)` is used', 'socketIoReceiver');
}

function enclosingFunctionStart(path: Path): number {
  for (let current = path.parent as Path | null; current; current = current.parent as Path | null) {
    if (FUNCTION_TYPES.test((current.node as Node).type)) return (current.node as Node).start ?? 0;
  }
  return -1;
}

export function enclosingStatement(path: Path): Node | undefined {
  for (let current = path as Path | null; current; current = current.parent as Path | null) {
    const node = current.node as Node;
    const parent = current.parent?.node as Node | undefined;
    if (/Statement$|Declaration$/.test(node.type) && parent && (parent.type === 'BlockStatement' || parent.type === 'Program' || parent.type === 'StaticBlock')) return node;
  }
  return undefined;
}

function insertBefore(c: SiteContext, statement: Node, text: string): void {
  const start = statement.start ?? 0;
  c.edits.push({ start, end: start, text: `${text}\n${indentationAt(c.source, start)}` });
}

/** Replaces `mw(req, {}, () => { rest })` with `rest`, dedented to the statement's level. */
function replaceWithCallbackBody(c: SiteContext, statement: Node, callback: Node): void {
  const body = callback.body as Node;
  if (body.type !== 'BlockStatement') {
    c.edits.push({ start: statement.start ?? 0, end: statement.end ?? 0, text: `${c.text(body)};` });
    return;
  }
  const statements = body.body as Node[];
  const range = statementRange(c.source, statement);
  if (statements.length === 0) {
    c.edits.push({ ...range, text: '' });
    return;
  }
  const first = statements[0] as Node;
  // Everything between the braces' lines moves, comments included.
  const open = (body.start ?? 0) + 1;
  const close = (body.end ?? 0) - 1;
  const afterOpen = c.source.indexOf('\n', open);
  const innerStart = afterOpen >= 0 && afterOpen < (first.start ?? 0) && /^\s*$/.test(c.source.slice(open, afterOpen)) ? afterOpen + 1 : c.source.lastIndexOf('\n', (first.start ?? 0) - 1) + 1;
  const closeLine = c.source.lastIndexOf('\n', close - 1) + 1;
  const innerEnd = /^\s*$/.test(c.source.slice(closeLine, close)) ? closeLine : c.source.indexOf('\n', (statements.at(-1) as Node).end ?? 0) + 1;
  const inner = c.source.slice(innerStart, innerEnd);
  const outerIndent = indentationAt(c.source, statement.start ?? 0);
  const innerIndent = indentationAt(c.source, first.start ?? 0);
  const dedented = inner
    .split('\n')
    .map((line) => (line.startsWith(innerIndent) ? outerIndent + line.slice(innerIndent.length) : line))
    .join('\n');
  const wholeLines = range.start !== (statement.start ?? 0);
  const keeps = { start: innerStart, end: innerEnd };
  c.edits.push(wholeLines ? { ...range, text: dedented, keeps } : { start: statement.start ?? 0, end: statement.end ?? 0, text: dedented.trim(), keeps });
}

/**
 * The server behind a `use` receiver: `io` itself; `io` for `io.of('/x')` and for a chain on it;
 * for a variable bound to `io.of(...)`, that server; `nsp.server` for a namespace known only by
 * its name; otherwise the receiver (a server variable, `this.io`, `ctx.io`, a NestJS adapter's
 * `server`).
 */
export function serverOf(c: SiteContext, from: Path, receiver: Node): string | undefined {
  const inner = unwrap(receiver);
  if (!inner) return undefined;
  if (isCall(inner)) {
    const callee = unwrap(inner.callee as Node);
    const name = calleeName(callee);
    if ((callee?.type === 'MemberExpression' || callee?.type === 'OptionalMemberExpression') && name && /^(of|on|once|use|to|in|except)$/.test(name)) return serverOf(c, from, callee.object as Node);
    return undefined;
  }
  if (inner.type === 'Identifier') {
    const init = bindingInit(from, inner.name as string);
    if (init && isCall(init) && calleeName(init.callee as Node) === 'of') return serverOf(c, from, init);
    if (/^(nsp|namespace)/i.test(inner.name as string) || /Namespace$/.test(inner.name as string)) return `${inner.name as string}.server`;
    return inner.name as string;
  }
  if (inner.type === 'MemberExpression' || inner.type === 'OptionalMemberExpression') {
    if (/^(nsp|namespace)/i.test(calleeName(inner) ?? '')) return `${c.text(inner)}.server`;
    return c.text(inner);
  }
  return undefined;
}

function bindingInit(from: Path, name: string): Node | undefined {
  const scope = (from as unknown as { scope?: { lookup(n: string): { getBindings(): Record<string, Path[]> } | null } }).scope?.lookup(name);
  const binding = scope?.getBindings()[name]?.[0];
  const declarator = binding?.parent?.node as Node | undefined;
  return declarator?.type === 'VariableDeclarator' ? unwrap(declarator.init as Node) : undefined;
}

/**
 * A finding at a call site (`io.use(wrap(session))`, `wrap(session)`) where `wrap` is a forwarding
 * wrapper imported from another module: rewritten here; the project step deletes the helper.
 */
function rewriteCallSiteAt(c: SiteContext, found: Path): true | string | undefined {
  let path: Path | undefined = found;
  const node = unwrap(found.node as Node);
  if (!node || !isCall(node)) return undefined;
  if (calleeName(node.callee as Node) === 'use') path = found.get('arguments', 0) as Path;
  const wrapCall = path?.node as Node | undefined;
  if (!wrapCall || !isCall(wrapCall) || !c.project.importedWrappers.has(c.text(wrapCall.callee as Node))) return undefined;
  return rewriteImportedWrapperUse(c, path as Path);
}

/** `io.use(wrap(x))` with an imported forwarding `wrap` → `io.engine.use(x)`. */
export function rewriteImportedWrapperUse(c: SiteContext, wrapCallPath: Path): true | string {
  const wrapCall = wrapCallPath.node as Node;
  const args = wrapCall.arguments as Node[];
  if (args.length !== 1 || args[0]?.type === 'SpreadElement' || !isUseArgument(wrapCallPath)) return refusal(`\`${c.text(wrapCall.callee as Node)}(...)\` is not registered as \`io.use(${c.text(wrapCall.callee as Node)}(middleware))\``, 'socketIoExported');
  const outcome = registerOnEngine(c, wrapCallPath.parent as Path, { middleware: c.text(args[0] as Node), viaParameter: false });
  if (outcome === true) {
    const callee = unwrap(wrapCall.callee as Node) as Node;
    c.released.add(callee.type === 'Identifier' ? (callee.name as string) : c.text(unwrap(callee.object as Node) as Node));
  }
  return outcome;
}

/** Every `io.use(wrap(x))` of the imported wrappers in this file; returns how many uses stay. */
export function rewriteImportedWrappers(c: SiteContext): { rewritten: number; left: Map<string, number> } {
  let rewritten = 0;
  const left = new Map<string, number>();
  for (const calleeText of c.project.importedWrappers) {
    const stays = (): void => void left.set(calleeText, (left.get(calleeText) ?? 0) + 1);
    const [head] = calleeText.split('.');
    c.root.find(c.j.Identifier, { name: head }).forEach((path: Path) => {
      if (!isReference(path) || isImportBindingName(path)) return;
      let target = path;
      if (calleeText.includes('.')) {
        const member = path.parent?.node as Node | undefined;
        if (!member || member.type !== 'MemberExpression' || member.object !== path.node || c.text(member) !== calleeText) return;
        target = path.parent as Path;
      }
      const call = target.parent?.node as Node | undefined;
      if (!call || !isCall(call) || call.callee !== target.node) {
        stays();
        return;
      }
      const before = c.edits.length;
      if (rewriteImportedWrapperUse(c, target.parent as Path) === true) rewritten++;
      else {
        c.edits.splice(before);
        stays();
      }
    });
  }
  return { rewritten, left };
}

function isImportBindingName(path: Path): boolean {
  const parent = path.parent?.node as Node | undefined;
  if (!parent) return false;
  if (parent.type === 'ImportSpecifier' || parent.type === 'ImportDefaultSpecifier' || parent.type === 'ImportNamespaceSpecifier') return true;
  if (parent.type === 'VariableDeclarator' && parent.id === path.node) return true;
  if (parent.type === 'ObjectProperty' && (parent.value === path.node || parent.key === path.node)) {
    const pattern = path.parent?.parent?.node as Node | undefined;
    return pattern?.type === 'ObjectPattern';
  }
  return false;
}

/**
 * A finding at `io.use(wrap(mw))` where `wrap` comes from another module the project step could
 * not rewrite (its own refusal says why): say so at the call site.
 */
function refuseUnknownWrapper(c: SiteContext, found: Path): string | undefined {
  const node = unwrap(found.node as Node);
  if (!node || !isCall(node) || calleeName(node.callee as Node) !== 'use') return undefined;
  const wrapCall = unwrap((node.arguments as Node[])[0]);
  if (!wrapCall || !isCall(wrapCall)) return undefined;
  const wrapper = c.text(wrapCall.callee as Node);
  return refusal(`\`${wrapper}()\` is a socket.io middleware wrapper from another module, which the codemod did not rewrite there (see the refusal at its definition)`, 'socketIoExported');
}

/**
 * Engine middleware runs before every socket.io middleware. A socket.io middleware registered
 * earlier on the same server (in the same function) that stays a socket.io middleware and writes to
 * the request (`socket.request.headers.cookie = …`) would then run after this one: its line, if so.
 */
function earlierRequestChange(c: SiteContext, usePath: Path, server: string): number | undefined {
  const use = usePath.node as Node;
  const home = enclosingFunctionStart(usePath);
  let found: number | undefined;
  c.root.find(c.j.CallExpression).forEach((path: Path) => {
    const call = path.node as Node;
    if (found !== undefined || (call.start ?? 0) >= (use.start ?? 0) || calleeName(call.callee as Node) !== 'use') return;
    const callee = unwrap(call.callee as Node) as Node;
    if (callee.type !== 'MemberExpression' && callee.type !== 'OptionalMemberExpression') return;
    if (enclosingFunctionStart(path) !== home || serverOf(c, path, callee.object as Node) !== server) return;
    if (c.edits.some((edit) => (call.start ?? 0) >= edit.start && (call.start ?? 0) < edit.end)) return; // rewritten itself
    const fn = unwrap((call.arguments as Node[])[0]);
    const socket = fn && /^(ArrowFunctionExpression|FunctionExpression)$/.test(fn.type) ? unwrap((fn.params as Node[])[0]) : undefined;
    if (socket?.type !== 'Identifier') return;
    const writes = c.j(fn?.body as never)
      .find(c.j.AssignmentExpression)
      .filter((assignment: Path) => {
        let target = unwrap((assignment.node as Node).left as Node);
        while (target && (target.type === 'MemberExpression' || target.type === 'OptionalMemberExpression')) {
          const object = unwrap(target.object as Node);
          if (object?.type === 'Identifier' && object.name === socket.name) return /^(request|handshake)$/.test(calleeName(target) ?? '');
          target = object;
        }
        return false;
      });
    if (writes.size() > 0) found = call.loc?.start.line;
  });
  return found;
}
