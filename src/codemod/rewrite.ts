import type { ASTNode, ASTPath, Collection, JSCodeshift } from 'jscodeshift';

/** Where to act, from the scanner's findings (1-based line and column, as in findings). */
export interface FixPlan {
  /** `request-scoped-factory` findings: calls to rewrite to their WebSocket-scoped counterpart. */
  factoryCalls: { line: number; column: number }[];
  /** `fake-response` findings: socket.io middleware wrappers to turn into `io.engine.use(mw)`. */
  fakeResponses: { line: number; column: number }[];
  /** `legacy-flag-branch` findings: flag checks to resolve with --remove-legacy. */
  flagBranches: { line: number; column: number }[];
}

export interface RewriteOptions {
  /** Phase 3a: keep the legacy call behind `isWebSocketSupervisorV3Enabled(...)`. */
  flagged: boolean;
  /** Phase 3c: keep the new branch of flagged code, drop the flag and the legacy branch. */
  removeLegacy: boolean;
  runtimeImport: string;
  /** Request-scoped factory → WebSocket-scoped counterpart (null: none known). */
  factories: Record<string, string | null>;
  requestTypes: string[];
}

export interface Refusal {
  line: number;
  reason: string;
}

export interface RewriteResult {
  /** The new source, or undefined when nothing changed. */
  output: string | undefined;
  applied: number;
  refused: Refusal[];
}

// jscodeshift parses (Babel's AST, located by offsets); the rewrite itself is a set of minimal
// text edits, so everything outside the edited spans stays byte for byte, comments included.
type Node = ASTNode & { type: string; start?: number | null; end?: number | null; loc?: { start: { line: number; column: number } } | null; [key: string]: unknown };
// Paths are loose too: jscodeshift's collections are generic over ast-types' node types.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Path = ASTPath<any>;

interface Edit {
  start: number;
  end: number;
  text: string;
}

const FLAG_FUNCTION = 'isWebSocketSupervisorV3Enabled';
const FIELD_HEADERS: Record<string, 'userId' | 'threadId' | 'runId'> = { 'x-user-id': 'userId', 'x-thread-id': 'threadId', 'x-run-id': 'runId' };
const FIELD_PROPS = new Set(['userId', 'threadId', 'runId']);
const WRAPPERS = new Set(['TSAsExpression', 'TSTypeAssertion', 'TSSatisfiesExpression', 'TSNonNullExpression', 'ParenthesizedExpression']);
const LISTEN = new Set(['on', 'once', 'addListener', 'addEventListener', 'prependListener']);
const FUNCTION_TYPES = /^(FunctionDeclaration|FunctionExpression|ArrowFunctionExpression|ObjectMethod|ClassMethod|ClassPrivateMethod)$/;

function unwrap(node: Node | null | undefined): Node | undefined {
  let current = node ?? undefined;
  while (current && WRAPPERS.has(current.type)) current = current.expression as Node;
  return current;
}

function at(node: Node, { line, column }: { line: number; column: number }): boolean {
  return node.loc?.start.line === line && node.loc.start.column === column - 1;
}

function keyName(prop: Node): string | undefined {
  const key = prop.key as Node | undefined;
  if (!key || prop.computed) return undefined;
  if (key.type === 'Identifier') return key.name as string;
  if (key.type === 'StringLiteral' || key.type === 'Literal') return String(key.value);
  return undefined;
}

function calleeName(callee: Node | undefined): string | undefined {
  const inner = unwrap(callee);
  if (!inner) return undefined;
  if (inner.type === 'Identifier') return inner.name as string;
  if (inner.type === 'MemberExpression' && !inner.computed && (inner.property as Node).type === 'Identifier') return (inner.property as Node).name as string;
  return undefined;
}

/** Rewrites the planned sites of one file. Pure: source in, source out. */
export function rewrite(j: JSCodeshift, source: string, plan: FixPlan, options: RewriteOptions): RewriteResult {
  const root = j(source);
  const text = (node: Node): string => source.slice(node.start ?? 0, node.end ?? 0);
  const edits: Edit[] = [];
  const refused: Refusal[] = [];
  const imports = new Set<string>();
  /** Names that may have lost their last use, with the ranges being removed or replaced. */
  const released = new Set<string>();
  let applied = 0;
  const context: SiteContext = { j, root, source, text, edits, imports, released, options };
  const run = (sites: { line: number; column: number }[], handler: (site: { line: number; column: number }) => true | string | undefined): void => {
    for (const site of sites) {
      const before = edits.length;
      const outcome = handler(site);
      if (outcome === true && !overlaps(edits, before)) applied++;
      else {
        edits.splice(before);
        if (typeof outcome === 'string') refused.push({ line: site.line, reason: outcome });
        else if (outcome === true) refused.push({ line: site.line, reason: 'overlaps another rewrite in this file; run the codemod again' });
      }
    }
  };

  if (options.removeLegacy) run(plan.flagBranches, (site) => removeLegacyBranch(context, site));
  else {
    run(plan.factoryCalls, (site) => rewriteFactoryCall(context, site));
    run(plan.fakeResponses, (site) => rewriteMiddlewareWrapper(context, site));
  }
  if (applied === 0) return { output: undefined, applied, refused };

  if (options.removeLegacy) {
    removeDeadFakes(context);
    for (const name of [FLAG_FUNCTION, ...Object.keys(options.factories)]) released.add(name);
  }
  removeUnusedImports(context);
  addImports(context);
  const output = applyEdits(source, edits);
  return { output: output === source ? undefined : output, applied, refused };
}

interface SiteContext {
  j: JSCodeshift;
  root: Collection;
  source: string;
  text(node: Node): string;
  edits: Edit[];
  imports: Set<string>;
  released: Set<string>;
  options: RewriteOptions;
}

function overlaps(edits: Edit[], from: number): boolean {
  for (let a = from; a < edits.length; a++) {
    for (let b = 0; b < edits.length; b++) {
      if (a === b) continue;
      const x = edits[a] as Edit;
      const y = edits[b] as Edit;
      if (x.start < y.end && y.start < x.end) return true;
    }
  }
  return false;
}

function applyEdits(source: string, edits: Edit[]): string {
  let output = source;
  for (const edit of [...edits].sort((a, b) => b.start - a.start || b.end - a.end)) {
    output = output.slice(0, edit.start) + edit.text + output.slice(edit.end);
  }
  return output;
}

/** The range of whole lines a statement occupies (with its indentation and line break), when it is alone on them. */
function statementRange(source: string, node: Node): { start: number; end: number } {
  let start = node.start ?? 0;
  let end = node.end ?? 0;
  const lineStart = source.lastIndexOf('\n', start - 1) + 1;
  const lineEnd = source.indexOf('\n', end);
  const before = source.slice(lineStart, start);
  const after = source.slice(end, lineEnd < 0 ? source.length : lineEnd);
  if (/^\s*$/.test(before) && /^\s*(\/\/.*)?$/.test(after) && !/\/\//.test(after)) {
    start = lineStart;
    end = lineEnd < 0 ? source.length : lineEnd + 1;
  }
  return { start, end };
}

function indentationAt(source: string, offset: number): string {
  const lineStart = source.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(source.slice(lineStart))?.[0] ?? '';
}

// --- factory calls ------------------------------------------------------------------------------

function rewriteFactoryCall(c: SiteContext, site: { line: number; column: number }): true | string | undefined {
  const { j, root, options } = c;
  const call = root.find(j.CallExpression).filter((path: Path) => at(path.node as Node, site)).paths()[0] as Path | undefined;
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
  const fields = deriveFields(resolved.fake);
  if (!fields.userId) return 'cannot derive `userId` from the fake (no `x-user-id` header, `userId` or `user.id` in it); build the context by hand';
  const socket = findSocket(c, call);
  if (!socket) return 'cannot tell which socket this code serves; pass it to `WebSocketContext.create({ socket, ... })` by hand';

  const entries = [prop('socket', socket), ...(['userId', 'threadId', 'runId'] as const).flatMap((field) => (fields[field] ? [prop(field, c.text(fields[field] as Node))] : []))];
  const modern = `${counterpart}(WebSocketContext.create({ ${entries.join(', ')} }))`;
  c.imports.add('WebSocketContext');
  c.imports.add(counterpart);
  if (options.flagged) {
    const flagged = `${FLAG_FUNCTION}({ ${prop('userId', c.text(fields.userId))} }) ? ${modern} : ${c.text(node)}`;
    c.edits.push({ start: node.start ?? 0, end: node.end ?? 0, text: needsParentheses(call) ? `(${flagged})` : flagged });
    c.imports.add(FLAG_FUNCTION);
    return true;
  }
  c.edits.push({ start: node.start ?? 0, end: node.end ?? 0, text: modern });
  c.released.add(name);
  if (resolved.declarator) removeDeclarator(c, resolved.declarator);
  return true;
}

function prop(name: string, value: string): string {
  return value === name ? name : `${name}: ${value}`;
}

/** A conditional replacing a call must be parenthesised where a call binds tighter (`await`, `.then`, unary). */
function needsParentheses(path: Path): boolean {
  const parent = path.parent?.node as Node | undefined;
  if (!parent) return false;
  if (parent.type === 'VariableDeclarator' || parent.type === 'ReturnStatement' || parent.type === 'ExpressionStatement' || parent.type === 'AssignmentExpression') return false;
  if ((parent.type === 'CallExpression' || parent.type === 'NewExpression') && (parent.arguments as Node[]).includes(path.node as Node)) return false;
  return true;
}

interface ResolvedFake {
  fake: Node;
  declarator?: Path;
}

/** The fake passed to the factory: inline, or a local variable used only for this call. */
function resolveFake(c: SiteContext, call: Path, arg: Node): ResolvedFake | string {
  const inner = unwrap(arg);
  if (!inner) return 'the argument is not an expression';
  if (inner.type !== 'Identifier') {
    if (inner.type === 'CallExpression' && !isMockCall(inner)) return helperRefusal(inner);
    return { fake: inner };
  }
  const name = inner.name as string;
  const binding = findBinding(c, call, name);
  if (!binding) return `\`${name}\` is not a local variable (a parameter or module value); build the context by hand`;
  const init = unwrap((binding.path.node as Node).init as Node);
  if (!init) return `\`${name}\` has no initial value`;
  if (binding.assigned) return `\`${name}\` is reassigned; the codemod only rewrites a fake assigned once`;
  if (binding.references > 1) return `the fake \`${name}\` is used for more than the factory call (${binding.references} uses); rewrite by hand`;
  if (init.type === 'CallExpression' && !isMockCall(init)) return helperRefusal(init);
  return { fake: init, declarator: binding.path };
}

function helperRefusal(call: Node): string {
  return `the fake comes from \`${calleeName(call.callee as Node) ?? 'a helper'}()\`, whose fields are not visible here; build the context by hand`;
}

function isMockCall(node: Node): boolean {
  return /^(createRequest|getMockReq|mockRequest|mockReq)$/.test(calleeName(node.callee as Node) ?? '');
}

interface BindingInfo {
  path: Path;
  references: number;
  assigned: boolean;
}

function findBinding(c: SiteContext, from: Path, name: string): BindingInfo | undefined {
  const scope = (from as unknown as { scope?: { lookup(name: string): { getBindings(): Record<string, Path[]>; path: Path } | null } }).scope?.lookup(name);
  const bindingPath = scope?.getBindings()[name]?.[0];
  const declarator = bindingPath?.parent as Path | undefined;
  if (!scope || !declarator || (declarator.node as Node).type !== 'VariableDeclarator' || ((declarator.node as Node).id as Node) !== bindingPath?.node) return undefined;
  let references = 0;
  let assigned = false;
  c.j(scope.path as never)
    .find(c.j.Identifier, { name })
    .forEach((path: Path) => {
      if (path === bindingPath || !isReference(path)) return;
      const parent = path.parent?.node as Node | undefined;
      if (parent?.type === 'AssignmentExpression' && parent.left === path.node) assigned = true;
      else references++;
    });
  return { path: declarator, references, assigned };
}

function isReference(path: Path): boolean {
  const parent = path.parent?.node as Node | undefined;
  if (!parent) return true;
  if ((parent.type === 'MemberExpression' || parent.type === 'OptionalMemberExpression') && parent.property === path.node && !parent.computed) return false;
  if ((parent.type === 'ObjectProperty' || parent.type === 'Property' || parent.type === 'ClassProperty' || parent.type === 'ObjectMethod' || parent.type === 'ClassMethod') && parent.key === path.node && !parent.computed && !parent.shorthand) return false;
  if (parent.type === 'ImportSpecifier' || parent.type === 'ImportDefaultSpecifier' || parent.type === 'ImportNamespaceSpecifier') return false;
  if (parent.type === 'TSTypeReference' || parent.type === 'TSQualifiedName' || parent.type === 'TSPropertySignature' || parent.type === 'TSExpressionWithTypeArguments') return false;
  if (parent.type === 'VariableDeclarator' && parent.id === path.node) return false;
  if ((parent.type === 'FunctionDeclaration' || parent.type === 'ClassDeclaration') && parent.id === path.node) return false;
  if (parent.type === 'LabeledStatement' || parent.type === 'BreakStatement' || parent.type === 'ContinueStatement') return false;
  return true;
}

/** Removes `const fake = ...;` (the whole statement, or just the declarator among several). */
function removeDeclarator(c: SiteContext, declarator: Path): void {
  const declaration = (declarator.parent as Path).node as Node;
  const declarations = declaration.declarations as Node[];
  if (declarations.length === 1) {
    const range = statementRange(c.source, declaration);
    c.edits.push({ ...range, text: '' });
    return;
  }
  const node = declarator.node as Node;
  const index = declarations.indexOf(node);
  const next = declarations[index + 1];
  const previous = declarations[index - 1];
  if (next) c.edits.push({ start: node.start ?? 0, end: next.start ?? 0, text: '' });
  else if (previous) c.edits.push({ start: previous.end ?? 0, end: node.end ?? 0, text: '' });
}

/** `headers: { 'x-user-id': e }`, `new Headers({...})`, `userId: e`, `user: { id: e }`, `new Request(url, { headers })`. */
function deriveFields(fake: Node): Partial<Record<'userId' | 'threadId' | 'runId', Node>> {
  const fields: Partial<Record<'userId' | 'threadId' | 'runId', Node>> = {};
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

/** The socket of the WebSocket handler around `path`, as source text for the context. */
function findSocket(c: SiteContext, path: Path): string | undefined {
  const name = (node: Node | undefined): string | undefined => (node?.type === 'Identifier' ? (node.name as string) : undefined);
  for (let current: Path | null = path.parent as Path | null; current; current = current.parent as Path | null) {
    const fn = current.node as Node;
    if (!FUNCTION_TYPES.test(fn.type)) continue;
    const params = ((fn.params as Node[] | undefined) ?? []).map((param) => unwrap(param.type === 'TSParameterProperty' ? (param.parameter as Node) : param));
    const parentNode = current.parent?.node as Node | undefined;
    if (parentNode?.type === 'CallExpression' && (parentNode.arguments as Node[]).includes(fn)) {
      const callee = unwrap(parentNode.callee as Node);
      const event = (parentNode.arguments as Node[])[0];
      if (callee?.type === 'MemberExpression' && LISTEN.has(calleeName(callee) ?? '')) {
        const eventName = event && (event.type === 'StringLiteral' || event.type === 'Literal') ? String(event.value) : '';
        if (eventName === 'connection' || eventName === 'connect') return name(params[0]);
        const receiver = unwrap(callee.object as Node);
        if (receiver?.type === 'Identifier') return receiver.name as string;
        if (receiver?.type === 'MemberExpression' && (receiver.object as Node).type === 'ThisExpression') return c.text(receiver);
      }
      if (calleeName(parentNode.callee as Node) === 'handleUpgrade') return name(params[0]);
      if (calleeName(parentNode.callee as Node) === 'ws') return name(params[0]);
    }
    if (parentNode?.type === 'AssignmentExpression' && parentNode.right === fn) {
      const left = parentNode.left as Node;
      if (left.type === 'MemberExpression' && /^on(message|open|close|error)$/.test(calleeName(left) ?? '')) return name(unwrap(left.object as Node));
    }
    const methodName = fn.type === 'ObjectMethod' || fn.type === 'ClassMethod' ? keyName(fn) : parentNode?.type === 'ObjectProperty' ? keyName(parentNode) : undefined;
    if (methodName && /^(message|open|close|drain|handleConnection|handleDisconnect|webSocketMessage|webSocketClose)$/.test(methodName)) return name(params[0]);
    if (methodName && /^on(Message|Open|Close)$/.test(methodName)) return name(params[1]);
    const decorated = ((fn.params as Node[] | undefined) ?? []).find((param) =>
      ((param.decorators as Node[] | undefined) ?? []).some((decorator) => {
        const expression = unwrap(decorator.expression as Node);
        return calleeName(expression?.type === 'CallExpression' ? (expression.callee as Node) : expression) === 'ConnectedSocket';
      }),
    );
    if (decorated) return name(unwrap(decorated));
  }
  return undefined;
}

function isInsideFlagCheck(path: Path): boolean {
  for (let current: Path | null = path.parent as Path | null; current; current = current.parent as Path | null) {
    const node = current.node as Node;
    if ((node.type === 'ConditionalExpression' || node.type === 'IfStatement') && flagTest(node.test as Node)) return true;
  }
  return false;
}

/** `isWebSocketSupervisorV3Enabled(...)` → 'on', `!isWebSocketSupervisorV3Enabled(...)` → 'off'. */
function flagTest(node: Node | undefined): 'on' | 'off' | undefined {
  const inner = unwrap(node);
  if (!inner) return undefined;
  if (inner.type === 'UnaryExpression' && inner.operator === '!') {
    const nested = flagTest(inner.argument as Node);
    return nested === 'on' ? 'off' : nested === 'off' ? 'on' : undefined;
  }
  return inner.type === 'CallExpression' && calleeName(inner.callee as Node) === FLAG_FUNCTION ? 'on' : undefined;
}

// --- socket.io middleware wrappers --------------------------------------------------------------

/** `io.use((socket, next) => mw(socket.request, {}, next))` and `io.use(wrap(mw))` → `io.engine.use(mw)`. */
function rewriteMiddlewareWrapper(c: SiteContext, site: { line: number; column: number }): true | string | undefined {
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
function serverOf(receiver: Node): Node | undefined {
  const inner = unwrap(receiver);
  if (inner?.type === 'CallExpression' && calleeName(inner.callee as Node) === 'of') {
    const callee = unwrap(inner.callee as Node);
    return callee?.type === 'MemberExpression' ? serverOf(callee.object as Node) : undefined;
  }
  if (inner?.type === 'Identifier' && !/^(nsp|namespace)/i.test(inner.name as string)) return inner;
  if (inner?.type === 'MemberExpression' && (inner.object as Node).type === 'ThisExpression') return inner;
  return undefined;
}

// --- phase 3c -----------------------------------------------------------------------------------

function removeLegacyBranch(c: SiteContext, site: { line: number; column: number }): true | string {
  const { j, root, source } = c;
  const owner = root
    .find(j.Node)
    .filter((path: Path) => {
      const node = path.node as Node;
      return (node.type === 'IfStatement' || node.type === 'ConditionalExpression') && !!node.test && at(node.test as Node, site);
    })
    .paths()[0] as Path | undefined;
  if (!owner) return 'the flag check is not where the scanner saw it (the file changed?)';
  const node = owner.node as Node;
  const state = flagTest(node.test as Node);
  if (!state) return 'the flag is read through a variable or an environment comparison; remove the branch by hand';
  const keep = (state === 'on' ? node.consequent : node.alternate) as Node | null;
  if (node.type === 'ConditionalExpression') {
    c.edits.push({ ...withoutParentheses(c.source, node, keep), text: keep ? c.text(keep) : 'undefined' });
    return true;
  }
  const range = statementRange(source, node);
  if (!keep) {
    c.edits.push({ ...range, text: '' });
    return true;
  }
  if (keep.type !== 'BlockStatement') {
    c.edits.push({ start: node.start ?? 0, end: node.end ?? 0, text: c.text(keep) });
    return true;
  }
  const statements = keep.body as Node[];
  const parent = owner.parent?.node as Node | undefined;
  if (!parent || !Array.isArray(parent.body) || statements.length === 0 || range.start === node.start || liftingWouldClash(c, parent, node, statements)) {
    c.edits.push({ start: node.start ?? 0, end: node.end ?? 0, text: c.text(keep) });
    return true;
  }
  // Lift the block's statements into the enclosing block, one indentation level out.
  const first = statements[0] as Node;
  const last = statements.at(-1) as Node;
  const innerStart = source.lastIndexOf('\n', (first.start ?? 0) - 1) + 1;
  const innerEnd = source.indexOf('\n', last.end ?? 0);
  const inner = source.slice(innerStart, innerEnd < 0 ? source.length : innerEnd + 1);
  const outerIndent = indentationAt(source, node.start ?? 0);
  const innerIndent = indentationAt(source, first.start ?? 0);
  const dedented = inner
    .split('\n')
    .map((line) => (line.startsWith(innerIndent) ? outerIndent + line.slice(innerIndent.length) : line))
    .join('\n');
  c.edits.push({ ...range, text: dedented });
  return true;
}

/** A parenthesised conditional collapses to its kept branch; the parentheses go too when that branch is a simple expression. */
function withoutParentheses(source: string, node: Node, keep: Node | null): { start: number; end: number } {
  const extra = node.extra as { parenthesized?: boolean; parenStart?: number } | undefined;
  const simple = keep && /^(CallExpression|Identifier|MemberExpression|StringLiteral|NumericLiteral|AwaitExpression|NewExpression)$/.test(keep.type);
  if (!extra?.parenthesized || extra.parenStart === undefined || !simple) return { start: node.start ?? 0, end: node.end ?? 0 };
  const close = source.indexOf(')', node.end ?? 0);
  return close >= 0 && /^\s*$/.test(source.slice(node.end ?? 0, close)) ? { start: extra.parenStart, end: close + 1 } : { start: node.start ?? 0, end: node.end ?? 0 };
}

/** Lifting `{ const x = ... }` out of an `if` is safe only if no name it declares is declared or used elsewhere in the enclosing block. */
function liftingWouldClash(c: SiteContext, parent: Node, ifStatement: Node, statements: Node[]): boolean {
  const declared = new Set<string>();
  for (const statement of statements) {
    if (statement.type === 'VariableDeclaration') {
      for (const declarator of statement.declarations as Node[]) {
        const id = declarator.id as Node;
        if (id.type !== 'Identifier') return true;
        declared.add(id.name as string);
      }
    } else if ((statement.type === 'FunctionDeclaration' || statement.type === 'ClassDeclaration') && statement.id) {
      declared.add((statement.id as Node).name as string);
    }
  }
  if (declared.size === 0) return false;
  const outside = (node: Node): boolean => (node.end ?? 0) <= (ifStatement.start ?? 0) || (node.start ?? 0) >= (ifStatement.end ?? 0);
  let clash = false;
  c.j(parent as never)
    .find(c.j.Identifier)
    .forEach((path: Path) => {
      if (declared.has((path.node as Node).name as string) && outside(path.node as Node)) clash = true;
    });
  return clash;
}

/** After the legacy branch is gone, fakes that only it used are dead: remove their declarations. */
function removeDeadFakes(c: SiteContext): void {
  const types = new Set(c.options.requestTypes);
  const removedRanges = [...c.edits];
  const inRemoved = (path: Path): boolean => {
    const node = path.node as Node;
    return removedRanges.some((edit) => (node.start ?? 0) >= edit.start && (node.end ?? 0) <= edit.end && !edit.text.includes(c.text(node)));
  };
  c.root.find(c.j.VariableDeclarator).forEach((path: Path) => {
    const node = path.node as Node;
    const id = node.id as Node;
    const init = node.init as Node | null;
    if (id.type !== 'Identifier' || !init || !isFakeShape(init, types) || inRemoved(path)) return;
    const name = id.name as string;
    const uses = c.root.find(c.j.Identifier, { name }).filter((ref: Path) => ref.node !== id && isReference(ref) && !inRemoved(ref));
    if (uses.size() === 0) removeDeclarator(c, path);
  });
}

function isFakeShape(node: Node, types: Set<string>): boolean {
  let current: Node | undefined = node;
  while (current && WRAPPERS.has(current.type)) {
    const annotation = current.typeAnnotation as Node | undefined;
    const typeName = annotation?.type === 'TSTypeReference' ? (annotation.typeName as Node) : undefined;
    const name = typeName?.type === 'Identifier' ? (typeName.name as string) : typeName?.type === 'TSQualifiedName' ? ((typeName.right as Node).name as string) : undefined;
    if (name && types.has(name)) return true;
    current = current.expression as Node;
  }
  return current?.type === 'NewExpression' && /^(Request|IncomingMessage)$/.test(calleeName(current.callee as Node) ?? '');
}

// --- imports ------------------------------------------------------------------------------------

function isCommonJs(c: SiteContext): boolean {
  return c.root.find(c.j.ImportDeclaration).size() === 0 && c.root.find(c.j.CallExpression, { callee: { type: 'Identifier', name: 'require' } }).size() > 0;
}

/** References that survive the edits: outside every replaced range, or re-emitted by a replacement. */
function survivingReferences(c: SiteContext, name: string): number {
  const pattern = new RegExp(`\\b${name.replace(/[$]/g, '\\$')}\\b`);
  const added = c.edits.filter((edit) => pattern.test(edit.text)).length;
  const kept = c.root
    .find(c.j.Identifier, { name })
    .filter((path: Path) => {
      const node = path.node as Node;
      if (!isReference(path) || isImportBinding(path)) return false;
      return !c.edits.some((edit) => (node.start ?? 0) >= edit.start && (node.end ?? 0) <= edit.end);
    })
    .size();
  return added + kept;
}

function isImportBinding(path: Path): boolean {
  const parent = path.parent?.node as Node | undefined;
  if (!parent) return false;
  if (parent.type === 'ImportSpecifier' || parent.type === 'ImportDefaultSpecifier') return true;
  if (parent.type === 'ObjectProperty' && parent.shorthand) {
    const pattern = path.parent?.parent?.node as Node | undefined;
    const declarator = path.parent?.parent?.parent?.node as Node | undefined;
    return pattern?.type === 'ObjectPattern' && declarator?.type === 'VariableDeclarator' && calleeName(unwrap(declarator.init as Node)?.callee as Node) === 'require';
  }
  return parent.type === 'VariableDeclarator' && parent.id === path.node;
}

/** Drops import specifiers (and destructured requires, and local wrapper functions) nothing uses any more. */
function removeUnusedImports(c: SiteContext): void {
  for (const name of c.released) {
    if (survivingReferences(c, name) > 0) continue;
    c.root.find(c.j.ImportDeclaration).forEach((path: Path) => {
      const declaration = path.node as Node;
      const specifiers = declaration.specifiers as Node[];
      const index = specifiers.findIndex((s) => ((s.local as Node).name as string) === name);
      if (index < 0) return;
      if (specifiers.length === 1) c.edits.push({ ...statementRange(c.source, declaration), text: '' });
      else removeListItem(c, specifiers, index);
    });
    c.root.find(c.j.VariableDeclarator).forEach((path: Path) => {
      const node = path.node as Node;
      const id = node.id as Node;
      const init = unwrap(node.init as Node);
      if (id.type === 'Identifier' && id.name === name && init && FUNCTION_TYPES.test(init.type)) removeDeclarator(c, path);
      if (id.type === 'ObjectPattern' && init?.type === 'CallExpression' && calleeName(init.callee as Node) === 'require') {
        const properties = id.properties as Node[];
        const index = properties.findIndex((p) => p.shorthand && keyName(p) === name);
        if (index < 0) return;
        if (properties.length === 1) removeDeclarator(c, path);
        else removeListItem(c, properties, index);
      }
    });
  }
}

function removeListItem(c: SiteContext, items: Node[], index: number): void {
  const item = items[index] as Node;
  const next = items[index + 1];
  const previous = items[index - 1];
  if (next) c.edits.push({ start: item.start ?? 0, end: next.start ?? 0, text: '' });
  else if (previous) c.edits.push({ start: previous.end ?? 0, end: item.end ?? 0, text: '' });
}

/** Adds the runtime's names: merged into an existing value import (or destructured require) of the module, or a new one after the imports. */
function addImports(c: SiteContext): void {
  const { j, root, options } = c;
  const source = options.runtimeImport;
  const names = [...c.imports].sort((a, b) => (a === 'WebSocketContext' ? -1 : b === 'WebSocketContext' ? 1 : a.localeCompare(b)));
  if (names.length === 0) return;
  if (isCommonJs(c)) {
    const existing = root
      .find(j.VariableDeclarator)
      .filter((path: Path) => {
        const node = path.node as Node;
        const init = unwrap(node.init as Node);
        return (node.id as Node).type === 'ObjectPattern' && init?.type === 'CallExpression' && calleeName(init.callee as Node) === 'require' && ((init.arguments as Node[])[0] as Node | undefined)?.value === source;
      })
      .paths()[0] as Path | undefined;
    if (existing) {
      const properties = ((existing.node as Node).id as Node).properties as Node[];
      const have = new Set(properties.map((p) => keyName(p)));
      const missing = names.filter((name) => !have.has(name));
      const last = properties.at(-1);
      if (missing.length && last) c.edits.push({ start: last.end ?? 0, end: last.end ?? 0, text: `, ${missing.join(', ')}` });
      return;
    }
    insertStatement(c, `const { ${names.join(', ')} } = require('${source}');`, true);
    return;
  }
  const existing = root
    .find(j.ImportDeclaration)
    .filter((path: Path) => {
      const node = path.node as Node;
      return (node.source as Node).value === source && node.importKind !== 'type' && !(node.specifiers as Node[]).some((s) => s.type !== 'ImportSpecifier');
    })
    .paths()[0] as Path | undefined;
  if (existing) {
    const specifiers = (existing.node as Node).specifiers as Node[];
    const have = new Set(specifiers.filter((s) => s.importKind !== 'type').map((s) => ((s.imported as Node).name ?? (s.imported as Node).value) as string));
    const missing = names.filter((name) => !have.has(name));
    const last = specifiers.at(-1);
    if (missing.length && last) c.edits.push({ start: last.end ?? 0, end: last.end ?? 0, text: `, ${missing.join(', ')}` });
    else if (missing.length) c.edits.push({ start: (existing.node as Node).start ?? 0, end: (existing.node as Node).end ?? 0, text: `import { ${missing.join(', ')} } from '${source}';` });
    return;
  }
  insertStatement(c, `import { ${names.join(', ')} } from '${source}';`, false);
}

/** After the last import (or top-level require, or directive), on its own line. */
function insertStatement(c: SiteContext, statement: string, commonJs: boolean): void {
  const program = c.root.find(c.j.Program).paths()[0] as Path;
  const body = (program.node as Node).body as Node[];
  let anchor: Node | undefined;
  for (const node of body) {
    const isImport = node.type === 'ImportDeclaration';
    const isRequire =
      commonJs &&
      node.type === 'VariableDeclaration' &&
      (node.declarations as Node[]).some((d) => calleeName(unwrap(d.init as Node)?.callee as Node) === 'require' && unwrap(d.init as Node)?.type === 'CallExpression');
    const isDirective = node.type === 'ExpressionStatement' && typeof (node as { directive?: unknown }).directive === 'string';
    if (isImport || isRequire || isDirective) anchor = node;
    else if (anchor) break;
  }
  const directives = ((program.node as Node).directives as Node[] | undefined) ?? [];
  anchor ??= directives.at(-1);
  if (!anchor) {
    c.edits.push({ start: 0, end: 0, text: `${statement}\n` });
    return;
  }
  const lineEnd = c.source.indexOf('\n', anchor.end ?? 0);
  const offset = lineEnd < 0 ? c.source.length : lineEnd + 1;
  c.edits.push({ start: offset, end: offset, text: `${lineEnd < 0 ? '\n' : ''}${statement}\n` });
}
