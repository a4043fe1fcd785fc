import { ts } from '@ts-morph/common';
import {
  isBinaryExpression, isBlock, isCallExpression, isClassDeclaration, isClassExpression, isClassLike, isConditionalExpression,
  isConstructorDeclaration, isExportAssignment, isExportDeclaration, isExpressionWithTypeArguments, isFunctionDeclaration, isFunctionExpression,
  isIdentifier, isIfStatement, isMethodDeclaration, isNamedExports, isNamespaceExport, isNewExpression, isObjectLiteralExpression,
  isPropertyAccessExpression, isPropertyAssignment, isPropertyDeclaration, isShorthandPropertyAssignment, isStringLiteral, isStringLiteralLike,
  isTypeNode, isVariableDeclaration, isVariableStatement, Kind,
} from './syntax.js';
import type { Binding } from './scope.js';
import type {
  ClassFact,
  ExportFact,
  FileFacts,
  FlagBranchFact,
  FunctionFact,
  Position,
  SuppressionFact,
  UseFact,
  ValueRef,
} from '../types.js';
import {
  bindingOf,
  calleeName,
  canonicalName,
  createAnalysis,
  inMemberIndexOrder,
  isReturned,
  isReturnedThroughBinding,
  isSentOnly,
  locOf,
  resolveTarget,
  shortName,
  snippetOf,
  valueContext,
  type Analysis,
} from './context.js';
import { FRAMEWORKS } from './frameworks/index.js';
import { FLAG_NAMES, SUPPRESSION_MARK } from './frameworks/vocabulary.js';
import type { FactsOptions } from './options.js';
import type { TypeOracle } from './type-oracle.js';
import { positionsOf } from './positions.js';
import { fileHasText, nodeHasText } from './text-index.js';
import { requestProducer, type RequestProducer } from './request-builders.js';
import { functionValues } from './flow.js';
import { analyseScopes, isFunctionLike, requireSource, stripCasts, unwrap } from './scope.js';
import { mimicClasses } from './shapes/mimic.js';
import { classHttpKind } from './shapes/subclass.js';
import { classify, classifyBinding, fakeShapeOf } from './values.js';

export type { FactsOptions } from './options.js';
export { DEFAULT_FACTS_OPTIONS } from './options.js';

const MAX_REGISTRATION_PASSES = 3;

/**
 * No pass reads JSDoc (no `node.jsDoc`, `getJSDocTags`, `@type` casts; `forEachChild` never visits
 * it), so comments are not parsed into JSDoc nodes: about a tenth of the parse on real code.
 */
export const PARSE_OPTIONS: ts.CreateSourceFileOptions = { languageVersion: ts.ScriptTarget.Latest, jsDocParsingMode: ts.JSDocParsingMode.ParseNone };

/**
 * Parses a file as the scan analyses it: with every node's `parent` set. TypeScript's own fix-up
 * (`setParentNodes`) walks through `forEachChildRecursively`, which builds an array and a closure
 * for every node (275,000 of them in a 1.4 MB bundle, about a fifth of that file's cold parse and
 * as much short-lived garbage again); one recursive walk over what `forEachChild` reaches sets the
 * same parents, JSDoc aside, which PARSE_OPTIONS never parses (test/parents.test.ts compares them).
 */
export function parseSource(file: string, text: string): ts.SourceFile {
  const sf = ts.createSourceFile(file, text, PARSE_OPTIONS, false, scriptKindOf(file));
  parentOfChildren = sf;
  ts.forEachChild(sf, bindParent);
  return sf;
}

/** The node whose children `bindParent` is visiting: one callback for the whole walk, not a closure per node. */
let parentOfChildren: ts.Node;
const bindParent = (child: ts.Node): void => {
  (child as { parent: ts.Node }).parent = parentOfChildren;
  // Tokens have no children.
  if (child.kind <= Kind.LastToken) return;
  const outer = parentOfChildren;
  parentOfChildren = child;
  ts.forEachChild(child, bindParent);
  parentOfChildren = outer;
};

export function scriptKindOf(file: string): ts.ScriptKind {
  if (/\.(ts|mts|cts)$/.test(file)) return ts.ScriptKind.TS;
  if (/\.tsx$/.test(file)) return ts.ScriptKind.TSX;
  if (/\.jsx$/.test(file)) return ts.ScriptKind.JSX;
  return ts.ScriptKind.JS;
}

/** Parses one file and returns plain, serialisable facts about it. Never executes anything. */
export function extractFacts(file: string, text: string, options: FactsOptions, oracle?: TypeOracle): FileFacts {
  const typed = oracle?.sourceFile(file);
  const sf = typed && typed.text === text ? typed : parseSource(file, text);
  const scopes = analyseScopes(sf);
  const a = createAnalysis(sf, scopes, options, sf === typed ? oracle : undefined);
  const walk = findRegistrations(a);
  const functions = scopes.fnNodes.map((node, id): FunctionFact => ({
    id,
    name: functionName(a, node),
    parent: scopes.fnParents[id] as number,
    loc: locOf(a, nameNodeOf(node) ?? node),
    returns: [],
    uses: [],
    calls: [],
    factoryCalls: [],
  }));
  const classes: ClassFact[] = [];
  const mentionsFlag = flagMentions(a);
  const flagBranches: FlagBranchFact[] = [];
  const cjsExports: ExportFact[] = [];
  const imports = new Set<string>();

  // One loop over the nodes the registration walk recorded, in the same order: not another walk.
  const { nodes, fns } = walk;
  for (let index = 0; index < nodes.length; index++) {
    const node = nodes[index] as ts.Node;
    const fn = functions[fns[index] as number];
    // One read of the kind per node, then only what that kind needs.
    switch (node.kind) {
      case Kind.ImportDeclaration:
      case Kind.ExportDeclaration: {
        const specifier = (node as ts.ImportDeclaration | ts.ExportDeclaration).moduleSpecifier;
        if (specifier && isStringLiteral(specifier)) imports.add(specifier.text);
        break;
      }
      case Kind.CallExpression: {
        const call = node as ts.CallExpression;
        const source = requireSource(call);
        if (source !== undefined) imports.add(source);
        if (call.expression.kind === Kind.ImportKeyword && call.arguments[0] && isStringLiteral(call.arguments[0])) {
          imports.add(call.arguments[0].text);
        }
        break;
      }
      case Kind.ClassDeclaration:
      case Kind.ClassExpression: {
        const fact = classFact(a, node as ts.ClassLikeDeclaration);
        if (fact) classes.push(fact);
        break;
      }
      case Kind.IfStatement:
      case Kind.ConditionalExpression: {
        const branch = flagBranch(a, node as ts.IfStatement | ts.ConditionalExpression, mentionsFlag);
        if (branch) flagBranches.push(branch);
        break;
      }
      case Kind.BinaryExpression:
        if (!fn && (node as ts.BinaryExpression).operatorToken.kind === Kind.EqualsToken) cjsExports.push(...commonJsExports(a, node as ts.BinaryExpression));
        break;
    }
    if (fn) collectInFunction(a, node, fn);
  }
  classes.push(...mimicClasses(a).filter((mimic) => !classes.some((known) => known.name === mimic.name)));

  return {
    file,
    functions,
    registrations: [...a.registrations.values()].map(({ framework, event, handler, loc, evidence }) => ({ framework, event, handler, loc, ...(evidence ? { evidence } : {}) })),
    classes,
    exports: [...esmExports(a), ...cjsExports],
    imports: [...imports],
    flagBranches,
    suppressions: suppressionsOf(text),
    syntaxErrors: syntaxErrorsOf(a),
  };
}

/**
 * The nodes the loop in `extractFacts` acts on, in walk order, each with the id of the function
 * around it (the nearest enclosing function the scope walk entered, itself included; -1 outside).
 * Only those: recording every node (200,000 in a 1.4 MB bundle, with each one's subtree end) took
 * three arrays of that length, about half of what extraction adds to the heap on top of the tree,
 * and the loop read them all. What is left out is what the loop skipped or did nothing with:
 * type annotations and what is in them, kinds it has no case for, and identifiers that
 * `collectOuterRef` drops at once (decided from the scope walk's references, which nothing changes).
 */
interface Walk {
  nodes: ts.Node[];
  fns: number[];
}

/** Kinds the loop in `extractFacts` acts on wherever they are, as a table (one look-up per node). */
const LOOP_KINDS = kindTable([
  Kind.ImportDeclaration, Kind.ExportDeclaration, Kind.CallExpression, Kind.ClassDeclaration, Kind.ClassExpression,
  Kind.IfStatement, Kind.ConditionalExpression,
]);
/** Kinds `collectInFunction` acts on (identifiers are decided apart), inside a function. */
const IN_FUNCTION_KINDS = kindTable([
  Kind.ReturnStatement, Kind.ArrowFunction, Kind.CallExpression, Kind.NewExpression, Kind.AsExpression, Kind.TypeAssertionExpression,
]);

function kindTable(kinds: ts.SyntaxKind[]): Uint8Array {
  const table = new Uint8Array(Math.max(...kinds) + 1);
  for (const kind of kinds) table[kind] = 1;
  return table;
}

function findRegistrations(a: Analysis): Walk {
  const recognizers = FRAMEWORKS;
  const before = a.registrations.size;
  const rolesBefore = countRoles(a);
  // Calls on a member and assignments to one: the only nodes where a recogniser that reads roles can match.
  const again: ts.Node[] = [];
  const walk: Walk = { nodes: [], fns: [] };
  const { refOf } = a.scopes;
  // Member assignments with where their subtrees start and end in the walk: memberIndex's input.
  const assignments: ts.BinaryExpression[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  let visited = 0;
  let fnId = -1;
  // Inside a type annotation (not an `extends` expression): the loop skips it whole, recognisers still see it.
  let inType = false;
  const visit = (node: ts.Node): void => {
    // Tokens have no children and no recogniser looks at one; of them only identifiers are read later,
    // and only those `collectOuterRef` would look further at: a variable or import of an outer function.
    if (node.kind <= Kind.LastToken) {
      if (node.kind === Kind.Identifier && fnId !== -1 && !inType) {
        const binding = refOf.get(node as ts.Identifier);
        if (binding && (binding.kind === 'var' || binding.kind === 'import') && binding.scope.fnId !== fnId) {
          walk.nodes.push(node);
          walk.fns.push(fnId);
        }
      }
      return;
    }
    const start = visited++;
    const outer = fnId;
    if (isFunctionLike(node)) fnId = a.scopes.fnIds.get(node) ?? fnId;
    const typeStart = !inType && isTypeNode(node) && !isExpressionWithTypeArguments(node);
    if (!inType && !typeStart) {
      const kind = node.kind;
      if (LOOP_KINDS[kind] === 1 || (fnId !== -1 ? IN_FUNCTION_KINDS[kind] === 1 : kind === Kind.BinaryExpression)) {
        walk.nodes.push(node);
        walk.fns.push(fnId);
      }
    }
    if (isCallExpression(node)) {
      for (const r of recognizers) r.onCall?.(a, node);
      if (isPropertyAccessExpression(unwrap(node.expression))) again.push(node);
    } else if (isClassDeclaration(node) || isClassExpression(node)) for (const r of recognizers) r.onClass?.(a, node);
    else if (isBinaryExpression(node) && node.operatorToken.kind === Kind.EqualsToken) {
      for (const r of recognizers) r.onAssignment?.(a, node);
      if (isPropertyAccessExpression(node.left)) {
        again.push(node);
        assignments.push(node);
        starts.push(start);
        ends.push(-1);
      }
    } else if (isObjectLiteralExpression(node)) for (const r of recognizers) r.onObject?.(a, node);
    else if (isFunctionLike(node)) for (const r of recognizers) r.onFunction?.(a, node);
    const assigned = assignments.length - 1;
    if (typeStart) inType = true;
    ts.forEachChild(node, visit);
    if (typeStart) inType = false;
    if (assigned >= 0 && starts[assigned] === start) ends[assigned] = visited;
    fnId = outer;
  };
  visit(a.sf);
  a.memberAssignments = inMemberIndexOrder(assignments, starts, ends);
  // Handlers named by reference may be declared before they are registered; their parameters only
  // get roles on the way, so look again while something new is learnt. Only recognisers that read
  // roles can match anew (the others register the same handlers with the same roles, which changes
  // nothing), and only where they look: not another walk of the tree.
  const rereading = recognizers.filter((r) => r.readsRoles);
  let learnt = a.registrations.size !== before || countRoles(a) !== rolesBefore;
  for (let pass = 1; pass < MAX_REGISTRATION_PASSES && learnt; pass++) {
    const registered = a.registrations.size;
    const roles = countRoles(a);
    for (const node of again) {
      if (isCallExpression(node)) for (const r of rereading) r.onCall?.(a, node);
      else for (const r of rereading) r.onAssignment?.(a, node as ts.BinaryExpression);
    }
    learnt = a.registrations.size !== registered || countRoles(a) !== roles;
  }
  return walk;
}

function countRoles(a: Analysis): number {
  let count = 0;
  for (const scope of a.scopes.scopeOfFn.values()) {
    for (const binding of scope.bindings.values()) if (binding.role || binding.genuine) count++;
  }
  return count;
}

function collectInFunction(a: Analysis, node: ts.Node, fn: FunctionFact): void {
  switch (node.kind) {
    case Kind.ReturnStatement: {
      const returned = (node as ts.ReturnStatement).expression;
      if (returned) collectReturn(a, returned, fn);
      break;
    }
    case Kind.ArrowFunction: {
      const arrow = node as ts.ArrowFunction;
      if (!isBlock(arrow.body) && a.scopes.fnIds.get(arrow) === fn.id) collectReturn(a, arrow.body, fn);
      break;
    }
    case Kind.CallExpression:
      collectCall(a, node as ts.CallExpression, fn);
      break;
    case Kind.NewExpression:
      collectNew(a, node as ts.NewExpression, fn);
      break;
    case Kind.AsExpression:
    case Kind.TypeAssertionExpression: {
      const origin = fakeShapeOf(a, node);
      if (origin) recordValue(a, fn, node, { t: 'fake', origin });
      break;
    }
    case Kind.Identifier:
      collectOuterRef(a, node as ts.Identifier, fn);
      break;
  }
}

/** What each function returns as a request (`requestProducer`), or null. */
const producers = new WeakMap<FunctionFact, RequestProducer | null>();

function collectReturn(a: Analysis, expr: ts.Expression, fn: FunctionFact): void {
  const values = classify(a, expr);
  // Once per function, not per `return` in it.
  let producer = producers.get(fn);
  if (producer === undefined) producers.set(fn, (producer = requestProducer(a, a.scopes.fnNodes[fn.id] as ts.Node) ?? null));
  // What a guard's `getRequest()` returns is used as the request: a request position.
  if (producer?.t === 'position') usePositioned(a, fn, expr, values, 'request', producer.sink);
  fn.returns.push(...values.map((value) => asReturnedRequest(value, producer?.t === 'builder' ? producer.name : undefined)));
  const inner = stripCasts(expr);
  if (!isFunctionLike(inner) && !isIdentifier(inner) && !isCallExpression(inner) && !isConditionalExpression(inner)) return;
  const returned = functionValues(a, inner).map(({ target }) => target);
  if (returned.length > 0) (fn.returnsFns ??= []).push(...returned);
}

/**
 * What a function returns is made to be used elsewhere: a copy of the handshake request that a
 * function returns is a request stand-in wherever it goes, and so is any literal that a
 * request-building helper (`toRequest()`) returns.
 */
function asReturnedRequest(value: ValueRef, builder: string | undefined): ValueRef {
  if (value.t !== 'fake' || !value.origin.positional) return value;
  const { shape } = value.origin;
  if (shape === 'spread-literal') return { t: 'fake', origin: { ...value.origin, kind: 'request', positional: false } };
  if (!builder || shape !== 'literal') return value;
  return { t: 'fake', origin: { ...value.origin, kind: 'request', positional: false, describe: `${value.origin.describe} that \`${builder}()\` returns as a request` } };
}

/** Values that land in a request/response position; a positional fake is located where it is made. */
function usePositioned(a: Analysis, fn: FunctionFact, expr: ts.Expression, values: ValueRef[], position: Position, sink: string): void {
  for (const value of values) {
    const at = value.t === 'fake' && value.origin.positional ? value.origin : undefined;
    fn.uses.push({ value, loc: at ? at.loc : locOf(a, expr), snippet: at ? at.snippet : snippetOf(a, expr), position, sink: `${sink}()` });
  }
}

function collectCall(a: Analysis, call: ts.CallExpression, fn: FunctionFact): void {
  const target = resolveTarget(a, call.expression);
  if (target) fn.calls.push({ target, loc: locOf(a, call) });

  const callee = unwrap(call.expression);
  const factory = isIdentifier(callee) ? canonicalName(a, callee) : shortName(callee);
  if (factory && Object.hasOwn(a.options.factories, factory)) {
    const arg = call.arguments[0];
    fn.factoryCalls.push({ name: factory, loc: locOf(a, call), snippet: snippetOf(a, call), ...(arg ? { arg: classify(a, arg) } : {}) });
  }

  const origin = fakeShapeOf(a, call);
  if (origin && !origin.positional) recordValue(a, fn, call, { t: 'fake', origin });
  else if (target && !origin) recordValue(a, fn, call, { t: 'call', target });

  for (const { arg, position, sink } of positionsOf(a, call)) usePositioned(a, fn, arg, classify(a, arg), position, sink);
}

function collectNew(a: Analysis, node: ts.NewExpression, fn: FunctionFact): void {
  const origin = fakeShapeOf(a, node);
  if (origin) {
    if (!origin.positional) recordValue(a, fn, node, { t: 'fake', origin });
    return;
  }
  const target = resolveTarget(a, node.expression);
  if (!target) return;
  recordValue(a, fn, node, { t: 'new', target });
  // `new Connection(socket)` runs the class's constructor, or the ES5 constructor function.
  fn.calls.push({ target, loc: locOf(a, node) });
}

/**
 * A fake made here or a value that may be one: recorded unless it is only sent, or it is returned
 * (then the caller is where it enters, and is reported there).
 */
function recordValue(a: Analysis, fn: FunctionFact, node: ts.Node, value: ValueRef): void {
  if (isReturned(node) || isReturnedThroughBinding(a, node) || isSentOnly(a, node)) return;
  fn.uses.push({ value, loc: locOf(a, node), snippet: snippetOf(a, node) });
}

/** Reading a fake from an enclosing scope or another module: `getSupervisor(FAKE_REQUEST)`. */
function collectOuterRef(a: Analysis, id: ts.Identifier, fn: FunctionFact): void {
  const binding = a.scopes.refOf.get(id);
  if (!binding || (binding.kind !== 'var' && binding.kind !== 'import')) return;
  if (binding.scope.fnId === fn.id) return;
  const outer = valueContext(id);
  const parent = outer.parent;
  if (!parent) return;
  const isArgument = (isCallExpression(parent) || isNewExpression(parent)) && (parent.arguments ?? []).some((arg) => arg === outer);
  const passed =
    isArgument ||
    (isPropertyAssignment(parent) && parent.initializer === outer) ||
    isShorthandPropertyAssignment(parent) ||
    (isVariableDeclaration(parent) && parent.initializer === outer);
  if (!passed || isSentOnly(a, id)) return;
  for (const value of classifyBinding(a, binding)) {
    if (value.t === 'fake' && value.origin.positional) continue;
    fn.uses.push({ value, loc: locOf(a, id), snippet: id.text, outer: true });
  }
}

function classFact(a: Analysis, node: ts.ClassLikeDeclaration): ClassFact | undefined {
  if (!node.name) return undefined;
  const http = classHttpKind(a, node);
  const fact: ClassFact = { name: node.name.text, loc: locOf(a, node.name) };
  const ctor = node.members.find(isConstructorDeclaration);
  const ctorId = ctor ? a.scopes.fnIds.get(ctor) : undefined;
  if (ctorId !== undefined) fact.ctor = ctorId;
  if (http) fact.fakes = { kind: http.kind, typeName: http.name };
  const extendsClause = node.heritageClauses?.find((clause) => clause.token === Kind.ExtendsKeyword);
  const base = extendsClause?.types[0]?.expression;
  if (!http && base) {
    const target = resolveTarget(a, base);
    if (target) fact.base = target;
  }
  return fact;
}

function flagBranch(a: Analysis, node: ts.IfStatement | ts.ConditionalExpression, mentionsFlag: (expr: ts.Expression) => boolean): FlagBranchFact | undefined {
  const condition = isIfStatement(node) ? node.expression : node.condition;
  if (!mentionsFlag(condition) || isInsideFlagDefinition(a, node)) return undefined;
  const form = isConditionalExpression(node) ? 'ternary' : node.elseStatement ? 'if/else' : 'if without else';
  return { loc: locOf(a, condition), snippet: snippetOf(a, condition), form };
}

/** Branches inside `isWebSocketSupervisorV3Enabled` itself parse the flag; they are not legacy paths. */
function isInsideFlagDefinition(a: Analysis, node: ts.Node): boolean {
  for (let current = node.parent; current; current = current.parent) {
    if (isFunctionLike(current) && functionName(a, current).endsWith('isWebSocketSupervisorV3Enabled')) return true;
  }
  return false;
}

/**
 * The rollout flag, directly or through a variable initialised from it (three variables deep).
 * Linear in the file: the flag's occurrences are found once in its text (text-index.ts), and each
 * variable's answer is kept, so 1,000 `if`s naming a variable bound to a file-long function read that function once.
 */
function flagMentions(a: Analysis): (expr: ts.Expression) => boolean {
  if (!FLAG_NAMES.some((name) => fileHasText(a.sf, name))) return () => false;
  const inText = (node: ts.Node): boolean => FLAG_NAMES.some((name) => nodeHasText(a.sf, node, name));
  const known = new Map<Binding, boolean[]>();
  const throughBinding = (binding: Binding, depth: number): boolean => {
    let byDepth = known.get(binding);
    if (!byDepth) known.set(binding, (byDepth = []));
    const answer = byDepth[depth] ?? binding.inits.some((init) => mentions(init, depth));
    byDepth[depth] = answer;
    return answer;
  };
  const mentions = (expr: ts.Expression, depth: number): boolean => {
    if (inText(expr)) return true;
    if (depth > 2) return false;
    let found = false;
    const visit = (node: ts.Node): void => {
      if (found) return;
      if (isIdentifier(node)) {
        const binding = bindingOf(a, node);
        if (binding?.kind === 'var' && throughBinding(binding, depth + 1)) found = true;
      }
      ts.forEachChild(node, visit);
    };
    visit(expr);
    return found;
  };
  return (expr) => mentions(expr, 0);
}

function esmExports(a: Analysis): ExportFact[] {
  const result: ExportFact[] = [];
  const local = (name: string, exported: string): ExportFact => {
    const binding = a.scopes.module.bindings.get(name);
    if (!binding) return { name: exported };
    if (binding.kind === 'function' && binding.fnNode) {
      const fn = a.scopes.fnIds.get(binding.fnNode);
      return fn === undefined ? { name: exported } : { name: exported, fn };
    }
    if (binding.kind === 'class') return { name: exported, className: name };
    if (binding.importInfo) return { name: exported, from: { source: binding.importInfo.source, imported: binding.importInfo.imported === '*' ? '*' : binding.importInfo.imported } };
    return { name: exported, values: classifyBinding(a, binding) };
  };
  for (const statement of a.sf.statements) {
    const modifiers = ts.canHaveModifiers(statement) ? (ts.getModifiers(statement) ?? []) : [];
    const exported = modifiers.some((m) => m.kind === Kind.ExportKeyword);
    const isDefault = modifiers.some((m) => m.kind === Kind.DefaultKeyword);
    if (isExportDeclaration(statement)) {
      const source = statement.moduleSpecifier && isStringLiteral(statement.moduleSpecifier) ? statement.moduleSpecifier.text : undefined;
      const clause = statement.exportClause;
      if (!clause && source) result.push({ name: '*', from: { source, imported: '*' } });
      else if (clause && isNamespaceExport(clause) && source) result.push({ name: clause.name.text, from: { source, imported: '*' } });
      else if (clause && isNamedExports(clause)) {
        for (const spec of clause.elements) {
          const original = (spec.propertyName ?? spec.name).getText(a.sf);
          if (source) result.push({ name: spec.name.getText(a.sf), from: { source, imported: original } });
          else result.push(local(original, spec.name.getText(a.sf)));
        }
      }
    } else if (isExportAssignment(statement)) {
      result.push(exportedExpression(a, 'default', statement.expression));
    } else if (exported && isFunctionDeclaration(statement)) {
      const fn = a.scopes.fnIds.get(statement);
      result.push({ name: isDefault ? 'default' : (statement.name?.text ?? 'default'), ...(fn === undefined ? {} : { fn }) });
    } else if (exported && isClassDeclaration(statement) && statement.name) {
      result.push({ name: isDefault ? 'default' : statement.name.text, className: statement.name.text });
    } else if (exported && isVariableStatement(statement)) {
      for (const decl of statement.declarationList.declarations) {
        if (isIdentifier(decl.name)) result.push(local(decl.name.text, decl.name.text));
      }
    }
  }
  return result;
}

function exportedExpression(a: Analysis, name: string, expr: ts.Expression): ExportFact {
  let inner = unwrap(expr);
  // `module.exports = internals.Socket = function () {}`: the value of a chained assignment.
  while (isBinaryExpression(inner) && inner.operatorToken.kind === Kind.EqualsToken) inner = unwrap(inner.right);
  if (isFunctionLike(inner)) {
    const fn = a.scopes.fnIds.get(inner);
    return fn === undefined ? { name } : { name, fn };
  }
  if (isIdentifier(inner)) {
    const binding = bindingOf(a, inner);
    if (binding?.kind === 'function' && binding.fnNode) {
      const fn = a.scopes.fnIds.get(binding.fnNode);
      if (fn !== undefined) return { name, fn };
    }
    if (binding?.kind === 'class') return { name, className: inner.text };
    if (binding?.importInfo) return { name, from: { source: binding.importInfo.source, imported: binding.importInfo.imported } };
  }
  if (isClassExpression(inner) && inner.name) return { name, className: inner.name.text };
  return { name, values: classify(a, inner) };
}

/** `module.exports = x`, `module.exports = { a, b }`, `exports.a = x`, `module.exports.a = x`. */
function commonJsExports(a: Analysis, node: ts.BinaryExpression): ExportFact[] {
  const left = calleeName(node.left);
  if (left === 'module.exports') {
    const right = unwrap(node.right);
    if (!isObjectLiteralExpression(right)) return [exportedExpression(a, 'default', right)];
    const result: ExportFact[] = [];
    for (const prop of right.properties) {
      if (isShorthandPropertyAssignment(prop)) result.push(exportedExpression(a, prop.name.text, prop.name));
      else if (isPropertyAssignment(prop) && (isIdentifier(prop.name) || isStringLiteral(prop.name))) {
        result.push(exportedExpression(a, prop.name.text, prop.initializer));
      } else if (isMethodDeclaration(prop) && isIdentifier(prop.name)) {
        const fn = a.scopes.fnIds.get(prop);
        result.push({ name: prop.name.text, ...(fn === undefined ? {} : { fn }) });
      }
    }
    return result;
  }
  const match = left && /^(?:module\.)?exports\.([A-Za-z_$][\w$]*)$/.exec(left);
  return match?.[1] ? [exportedExpression(a, match[1], node.right)] : [];
}

const SUPPRESSION = /(?:\/\/|\/\*)\s*ws-mock-audit-(ignore-next-line|ignore-line|ignore-file)\b([^\n]*?)(?:\*\/|$)/;

/** `// ws-mock-audit-ignore-next-line fake-request -- reason`, `ignore-line`, `ignore-file`. */
function suppressionsOf(text: string): SuppressionFact[] {
  if (!text.includes(SUPPRESSION_MARK)) return [];
  const result: SuppressionFact[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    const match = SUPPRESSION.exec(line);
    if (!match) return;
    const [, form, rest = ''] = match;
    const [ruleText = '', reason] = rest.split(/\s--\s?/, 2);
    const rules = ruleText.split(/[\s,]+/).filter(Boolean);
    const lineNo = index + 1;
    const target = form === 'ignore-file' ? 0 : form === 'ignore-line' ? lineNo : lineNo + 1;
    const column = match.index + 1;
    result.push({
      line: target,
      rules,
      loc: { line: lineNo, column, endLine: lineNo, endColumn: column + match[0].length },
      ...(reason?.trim() ? { reason: reason.trim() } : {}),
    });
  });
  return result;
}

function syntaxErrorsOf(a: Analysis): FileFacts['syntaxErrors'] {
  const diagnostics = (a.sf as unknown as { parseDiagnostics?: ts.Diagnostic[] }).parseDiagnostics ?? [];
  return diagnostics.slice(0, 5).map((diagnostic) => {
    const start = a.sf.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
    const loc = { line: start.line + 1, column: start.character + 1, endLine: start.line + 1, endColumn: start.character + 2 };
    return { loc, message: ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n') };
  });
}

function nameNodeOf(node: ts.Node): ts.Node | undefined {
  if ((isFunctionDeclaration(node) || isMethodDeclaration(node) || isFunctionExpression(node)) && node.name) return node.name;
  return undefined;
}

/** A stable, readable name: `onConnection`, `ChatGateway.handleMessage`, `wss.on('connection') handler`. */
function functionName(a: Analysis, node: ts.Node): string {
  const named = nameNodeOf(node);
  const cls = isClassLike(node.parent) ? node.parent.name?.text : undefined;
  if (named) return cls ? `${cls}.${named.getText(a.sf)}` : named.getText(a.sf);
  if (isConstructorDeclaration(node)) return `${cls ?? 'class'}.constructor`;
  const parent = node.parent;
  if (!parent) return '<anonymous>';
  if (isVariableDeclaration(parent) && isIdentifier(parent.name)) return parent.name.text;
  if ((isPropertyAssignment(parent) || isPropertyDeclaration(parent)) && parent.name) {
    const owner = isPropertyDeclaration(parent) && isClassLike(parent.parent) ? parent.parent.name?.text : undefined;
    return owner ? `${owner}.${parent.name.getText(a.sf)}` : parent.name.getText(a.sf);
  }
  if (isCallExpression(parent)) {
    const callee = calleeName(parent.expression) ?? 'call';
    const first = parent.arguments[0];
    const event = first && isStringLiteralLike(first) ? `('${first.text}')` : '()';
    return `${callee}${event} callback`;
  }
  if (isBinaryExpression(parent)) {
    const assigned = calleeName(parent.left);
    // `Owner.prototype.method = function` is a method: `Owner.method`.
    if (assigned?.includes('.prototype.')) return assigned.replace('.prototype.', '.');
    return `${assigned ?? 'assigned'} handler`;
  }
  return '<anonymous>';
}

export type { Position, UseFact };
