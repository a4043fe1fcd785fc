import { refusal } from './advice.js';
import { FUNCTION_TYPES, WRAPPERS, calleeName, isReference, unwrap, type Node, type Path } from './ast.js';
import type { SiteContext } from './context.js';
import { statementRange, type Edit } from './edits.js';
import { exportsOf } from './helpers.js';
import { boundName, forwardsTo, isUseArgument, outerFactory, references, registerOnEngine } from './middleware.js';

/**
 * A socket.io middleware that prepares the handshake request before it runs connect middleware
 * with a fake response becomes, whole, an engine middleware:
 *
 *   io.use((socket, next) => { const req = socket.request; if (!req.headers.cookie) req.headers.cookie = socket.handshake.query.cookie; session(req, {}, next); })
 *   → io.engine.use((req, res, next) => { if (!req.headers.cookie) req.headers.cookie = req._query.cookie; session(req, res, next); })
 *
 * engine.io runs it with the real request and response of every HTTP request of the connection,
 * before any socket.io middleware, so it is honest only when the work around the call is
 * preparation of the request: assignments to the request, declarations and conditions that read
 * it, in which the socket appears only as its request (or the handshake fields engine.io has on the
 * request as well), `next` is left to the middleware, and nothing is awaited. Anything else (a
 * log line, a rejection with an error of its own, `socket.id`) is refused with what it was.
 * Returns undefined when the middleware is not in that form at all (the caller's refusal stands).
 */
export function translateToEngine(c: SiteContext, fnPath: Path, callPath: Path): true | string | undefined {
  const fn = fnPath.node as Node;
  const params = (fn.params as Node[]).map((param) => param);
  const [socketParam, nextParam] = params;
  if (params.length !== 2 || socketParam?.type !== 'Identifier' || nextParam?.type !== 'Identifier') return undefined;
  const socket = socketParam.name as string;
  const next = nextParam.name as string;
  const body = fn.body as Node;
  if (body.type !== 'BlockStatement') return undefined;
  const statements = body.body as Node[];
  const last = statements.at(-1);
  const call = callPath.node as Node;
  if (!last || !holds(last, call)) return undefined;
  if (fn.async || fn.generator) return refusal('the socket.io middleware is asynchronous', 'socketIoExtraWork');
  const args = call.arguments as Node[];
  if (args.length !== 3) return undefined;
  const nextArg = unwrap(args[2]);
  if (!(nextArg?.type === 'Identifier' && nextArg.name === next) && !(nextArg && forwardsTo(nextArg, next))) {
    const errorParam = nextArg && FUNCTION_TYPES.test(nextArg.type) ? unwrap((nextArg.params as Node[])[0]) : undefined;
    if (errorParam?.type === 'Identifier' && c.j(nextArg?.body as never).find(c.j.Identifier, { name: errorParam.name }).size() > 0) {
      return refusal(`the socket.io middleware does other work around the call and its callback handles the middleware's error (\`${errorParam.name as string}\`) itself`, 'socketIoErrorHandling');
    }
    return refusal('the socket.io middleware does other work around the call and continues in a callback rather than with `next`', 'socketIoNested');
  }

  // The request: `socket.request`, or a local alias of it declared in the middleware.
  const requestArg = unwrap(args[0]);
  let alias: { name: string; statement: Node } | undefined;
  if (requestArg?.type === 'Identifier') {
    const statement = statements.find((item) => item.type === 'VariableDeclaration' && (item.declarations as Node[]).length === 1 && ((item.declarations as Node[])[0]?.id as Node).name === requestArg.name);
    const init = unwrap(((statement?.declarations as Node[] | undefined)?.[0]?.init as Node | undefined) ?? undefined);
    if (!statement || !isSocketRequest(init, socket)) return undefined;
    alias = { name: requestArg.name as string, statement };
  } else if (!isSocketRequest(requestArg, socket)) return undefined;

  const typed = typeOf(c, socketParam);
  if (typed === undefined) return refusal('the socket parameter has a type of its own; the engine middleware would need the request and response types written by hand', 'socketIoExtraWork');
  const taken = identifiersIn(c, fn);
  const request = alias?.name ?? ['req', 'request', 'httpRequest'].find((name) => !taken.has(name));
  const response = ['res', 'response', 'httpResponse'].find((name) => !taken.has(name));
  if (!request || !response) return refusal('the middleware already uses the names the engine middleware\'s parameters would take', 'socketIoExtraWork');

  // Preparation only, before the call.
  const preparation = statements.slice(0, -1).filter((item) => item !== alias?.statement);
  const isRequest = (node: Node | undefined): boolean => {
    const inner = unwrap(node);
    if (!inner) return false;
    if (inner.type === 'Identifier') return inner.name === alias?.name;
    if (isSocketRequest(inner, socket)) return true;
    return (inner.type === 'MemberExpression' || inner.type === 'OptionalMemberExpression') && isRequest(inner.object as Node);
  };
  for (const statement of preparation) {
    const problem = preparationProblem(c, statement, isRequest);
    if (problem) return refusal(problem, 'socketIoExtraWork');
  }

  // Every use of the socket must be its request, or a handshake field the request carries too.
  const edits: Edit[] = [];
  const responseArg = args[1] as Node;
  const responseCore = coreOf(responseArg);
  let problem: string | undefined;
  c.j(body as never)
    .find(c.j.Identifier)
    .forEach((path: Path) => {
      const node = path.node as Node;
      if (problem || !isReference(path)) return;
      if (insideNode(node, responseCore)) return; // replaced whole
      if (alias && insideNode(node, alias.statement)) return; // removed whole
      if (node.name === next && !insideNode(node, args[2] as Node)) problem = 'the socket.io middleware calls `next` itself before the middleware runs; under `io.engine.use` its error would reach the client as a failed HTTP request';
      if (node.name === 'arguments') problem = 'the middleware reads `arguments`';
      if (node.name !== socket) return;
      const replacement = socketUse(c, path, socket, request, typed);
      if (typeof replacement === 'string') problem = replacement;
      else edits.push(replacement);
    });
  if (problem) return refusal(problem, 'socketIoExtraWork');
  c.j(body as never)
    .find(c.j.AwaitExpression)
    .forEach(() => void (problem ??= 'the middleware awaits'));
  if (problem) return refusal(problem, 'socketIoExtraWork');

  // Registration: inline `io.use(fn)`, a named middleware, or a factory `(options) => (socket, next) => …`.
  const before = c.edits.length;
  const registered = registerTranslated(c, fnPath);
  if (registered !== true) {
    c.edits.splice(before);
    return registered;
  }
  const annotation = typed === 'any' ? ': any' : '';
  c.edits.push({ start: socketParam.start ?? 0, end: nextParam.start ?? 0, text: `${request}${annotation}, ${response}${annotation}, ` });
  if (alias) c.edits.push({ ...statementRange(c.source, alias.statement), text: '' });
  c.edits.push({ start: responseCore.start ?? 0, end: responseCore.end ?? 0, text: response });
  c.edits.push(...edits);
  return true;
}

/** The statement is the call (`mw(...)`, `return mw(...)`, `await mw(...)`). */
function holds(statement: Node, call: Node): boolean {
  const expression = statement.type === 'ExpressionStatement' ? (statement.expression as Node) : statement.type === 'ReturnStatement' ? (statement.argument as Node) : undefined;
  let inner = unwrap(expression);
  if (inner?.type === 'AwaitExpression') inner = unwrap(inner.argument as Node);
  return inner === call;
}

/** `socket.request` or `socket.client.request`. */
function isSocketRequest(node: Node | undefined, socket: string): boolean {
  const inner = unwrap(node);
  if (!inner || (inner.type !== 'MemberExpression' && inner.type !== 'OptionalMemberExpression') || calleeName(inner) !== 'request') return false;
  const object = unwrap(inner.object as Node);
  if (object?.type === 'Identifier') return object.name === socket;
  return Boolean(object && calleeName(object) === 'client' && unwrap(object.object as Node)?.name === socket);
}

/** The fake response without its casts: `{}`, `socket.request.res || {}`. */
function coreOf(node: Node): Node {
  return unwrap(node) ?? node;
}

function insideNode(node: Node, outer: Node): boolean {
  return (node.start ?? 0) >= (outer.start ?? 0) && (node.end ?? 0) <= (outer.end ?? 0);
}

/** `any` for `socket: any`, `none` without a type, undefined for any other type. */
function typeOf(c: SiteContext, param: Node): 'any' | 'none' | undefined {
  const annotation = (param.typeAnnotation as Node | undefined)?.typeAnnotation as Node | undefined;
  if (!annotation) return 'none';
  return annotation.type === 'TSAnyKeyword' ? 'any' : undefined;
}

/** Names bound or read in the function (not property names such as the `res` of `socket.request.res`). */
function identifiersIn(c: SiteContext, fn: Node): Set<string> {
  const names = new Set<string>();
  c.j(fn as never)
    .find(c.j.Identifier)
    .forEach((path: Path) => {
      const parent = path.parent?.node as Node | undefined;
      const isProperty = (parent?.type === 'MemberExpression' || parent?.type === 'OptionalMemberExpression') && parent.property === path.node && !parent.computed;
      const isKey = parent?.type === 'ObjectProperty' && parent.key === path.node && !parent.computed && !parent.shorthand;
      if (!isProperty && !isKey) names.add((path.node as Node).name as string);
    });
  return names;
}

/**
 * Work that only prepares the request: `req.x = …` (also `||=`, `??=`), declarations, `if` over
 * such statements. A bare call or anything else would run on every HTTP request of the connection.
 */
function preparationProblem(c: SiteContext, statement: Node, isRequest: (node: Node | undefined) => boolean): string | undefined {
  switch (statement.type) {
    case 'EmptyStatement':
      return undefined;
    case 'VariableDeclaration':
      return undefined;
    case 'BlockStatement':
      for (const item of statement.body as Node[]) {
        const problem = preparationProblem(c, item, isRequest);
        if (problem) return problem;
      }
      return undefined;
    case 'IfStatement':
      return preparationProblem(c, statement.consequent as Node, isRequest) ?? (statement.alternate ? preparationProblem(c, statement.alternate as Node, isRequest) : undefined);
    case 'ExpressionStatement': {
      const expression = unwrap(statement.expression as Node) as Node;
      if (expression.type === 'AssignmentExpression' && isRequest(expression.left as Node) && (unwrap(expression.left as Node) as Node).type !== 'Identifier') return undefined;
      return `the socket.io middleware does other work before the middleware (\`${firstLine(c.text(statement))}\`), which under \`io.engine.use\` would run on every HTTP request of the connection`;
    }
    default:
      return `the socket.io middleware does other work before the middleware (\`${firstLine(c.text(statement))}\`), which under \`io.engine.use\` would run on every HTTP request of the connection`;
  }
}

function firstLine(text: string): string {
  const line = text.split('\n')[0] ?? '';
  return line.length > 60 ? `${line.slice(0, 57)}…` : line;
}

/**
 * The socket as the engine middleware sees it: `socket.request` → `req`; the handshake's
 * `headers`/`url` are the request's; `address` is the request socket's remote address and `query`
 * engine.io's parsed query (`req._query`), both only where the request is untyped (`any`, or
 * JavaScript), since TypeScript's `IncomingMessage` types them differently.
 */
function socketUse(c: SiteContext, path: Path, socket: string, request: string, typed: 'any' | 'none'): Edit | string {
  const member = path.parent?.node as Node | undefined;
  const isMember = (node: Node | undefined): boolean => node?.type === 'MemberExpression' || node?.type === 'OptionalMemberExpression';
  if (!isMember(member) || (member as Node).object !== path.node) return `the middleware uses the socket itself (\`${socket}\`), which the HTTP request cannot stand for`;
  const field = calleeName(member as Node);
  if (field === 'request') return { start: (member as Node).start ?? 0, end: (member as Node).end ?? 0, text: request };
  const outer = path.parent?.parent?.node as Node | undefined;
  if (field === 'client' && isMember(outer) && calleeName(outer) === 'request') return { start: (outer as Node).start ?? 0, end: (outer as Node).end ?? 0, text: request };
  if (field !== 'handshake' || !isMember(outer) || (outer as Node).object !== member) return `the middleware reads \`${socket}.${field ?? '…'}\`, which the HTTP request does not carry`;
  const handshakeField = calleeName(outer as Node);
  const untyped = typed === 'any' || !/\.[cm]?tsx?$/.test(c.project.file ?? '');
  const translated: Record<string, string | undefined> = {
    headers: `${request}.headers`,
    url: `${request}.url`,
    address: untyped ? `${request}.socket.remoteAddress` : undefined,
    query: untyped ? `${request}._query` : undefined,
  };
  const text = handshakeField ? translated[handshakeField] : undefined;
  if (!text) return `the middleware reads \`${socket}.handshake.${handshakeField ?? '…'}\`, which the HTTP request does not carry${handshakeField === 'address' || handshakeField === 'query' ? ' in a type the code expects' : ''}`;
  return { start: (outer as Node).start ?? 0, end: (outer as Node).end ?? 0, text };
}

/**
 * The translated function changes its signature, so every use of it must become an engine
 * registration: inline in `X.use(…)`, or a local name (or factory) used only in `X.use(…)` calls
 * and not exported.
 */
function registerTranslated(c: SiteContext, fnPath: Path): true | string {
  let holder = fnPath.parent as Path;
  while (holder && WRAPPERS.has((holder.node as Node).type)) holder = holder.parent as Path;
  const holderNode = holder?.node as Node | undefined;
  if (holderNode && (holderNode.type === 'CallExpression' || holderNode.type === 'OptionalCallExpression') && calleeName(holderNode.callee as Node) === 'use' && unwrap((holderNode.arguments as Node[])[0]) === fnPath.node) {
    return registerOnEngine(c, holder, { middleware: undefined });
  }
  const factory = outerFactory(fnPath);
  const declaration = factory ?? fnPath;
  const name = boundName(declaration);
  if (!name) return refusal('the socket.io middleware is not registered with `.use(...)` here', 'socketIoExported');
  if (exportsOf(c, name).length > 0) return refusal(`\`${name}\` is exported, and its callers would get an engine middleware instead of a socket.io one`, 'socketIoExported');
  const uses = references(c, declaration, name);
  if (uses.length === 0) return refusal(`\`${name}\` is not registered with \`.use(...)\` in this module`, 'socketIoExported');
  for (const use of uses) {
    const registration = factory ? use.parent : use;
    const call = registration?.node as Node | undefined;
    if (factory && (!call || (call.type !== 'CallExpression' && call.type !== 'OptionalCallExpression') || call.callee !== use.node)) return refusal(`\`${name}\` is used other than as \`io.use(${name}(…))\``, 'socketIoExported');
    if (!registration || !isUseArgument(registration)) return refusal(`\`${name}\` is used other than as a socket.io middleware registration`, 'socketIoExported');
    const outcome = registerOnEngine(c, registration.parent as Path, { middleware: c.text(call as Node) });
    if (outcome !== true) return outcome;
  }
  return true;
}
