import { ts } from '@ts-morph/common';
import {
  isArrowFunction, isAsExpression, isBinaryExpression, isCallExpression, isCatchClause, isClassDeclaration, isExternalModuleReference,
  isFunctionDeclaration, isFunctionExpression, isIdentifier, isImportDeclaration, isImportEqualsDeclaration, isInterfaceDeclaration,
  isNamespaceImport, isObjectBindingPattern, isOmittedExpression, isStringLiteral, isStringLiteralLike, isTypeAliasDeclaration,
  isTypeAssertionExpression, isTypeNode, isTypeReferenceNode, isVariableDeclaration, Kind,
} from './syntax.js';

/** What a binding is known to hold in WebSocket terms. */
export type Role =
  | 'ws-server'
  | 'ws-socket'
  | 'io-server'
  | 'io-socket'
  | 'whatwg-server-socket'
  | 'http-server'
  | 'client';

export interface ImportInfo {
  source: string;
  /** `default`, `*` for namespaces and whole-module `require`, or the exported name. */
  imported: string;
}

export interface Binding {
  name: string;
  kind: 'param' | 'var' | 'function' | 'class' | 'import';
  scope: Scope;
  decl: ts.Node;
  /** Initialiser and every value assigned later (flow-insensitive). */
  inits: ts.Expression[];
  /** For `const { a } = expr` / `[a] = expr`: where the value comes from. */
  destructured?: { from: ts.Expression; path: (string | number)[] };
  paramIndex?: number;
  /** For params: the function they belong to. For function bindings: the function itself. */
  fnNode?: ts.Node;
  typeNode?: ts.TypeNode;
  importInfo?: ImportInfo;
  refs: ts.Identifier[];
  role?: Role;
  /** Set for the real handshake request a framework hands to a handler. */
  genuine?: boolean;
}

export interface Scope {
  node: ts.Node;
  parent: Scope | undefined;
  bindings: Map<string, Binding>;
  fnId: number;
}

export interface ScopeInfo {
  module: Scope;
  scopeOfFn: Map<ts.Node, Scope>;
  fnIds: Map<ts.Node, number>;
  fnNodes: ts.Node[];
  /** By function id: the id of the function around it (-1 at module level). */
  fnParents: number[];
  /** Every resolved identifier reference. */
  refOf: Map<ts.Identifier, Binding>;
  /** Local type aliases and interfaces, for resolving request types. */
  typeDecls: Map<string, ts.TypeAliasDeclaration | ts.InterfaceDeclaration>;
}

/** Kinds of function-like nodes, as a table: every walk asks this of every node, so one look-up, not seven calls. */
const FUNCTION_KINDS = (() => {
  const kinds = [
    Kind.FunctionDeclaration,
    Kind.FunctionExpression,
    Kind.ArrowFunction,
    Kind.MethodDeclaration,
    Kind.Constructor,
    Kind.GetAccessor,
    Kind.SetAccessor,
  ];
  const table = new Uint8Array(Math.max(...kinds) + 1);
  for (const kind of kinds) table[kind] = 1;
  return table;
})();

export function isFunctionLike(node: ts.Node): node is ts.FunctionLikeDeclaration {
  return FUNCTION_KINDS[node.kind] === 1;
}

export function requireSource(node: ts.Expression): string | undefined {
  const call = unwrap(node);
  if (!isCallExpression(call)) return undefined;
  if (!isIdentifier(call.expression) || call.expression.text !== 'require') return undefined;
  const arg = call.arguments[0];
  return arg && isStringLiteralLike(arg) ? arg.text : undefined;
}

/** Strips parentheses, `await`, non-null assertions, `satisfies` and `as const`. */
export function unwrap(node: ts.Expression): ts.Expression {
  let current = node;
  // One read of `kind` per step: every recogniser unwraps every callee, most of which are bare.
  for (;;) {
    switch (current.kind) {
      case Kind.ParenthesizedExpression:
      case Kind.NonNullExpression:
      case Kind.AwaitExpression:
      case Kind.SatisfiesExpression:
        current = (current as ts.ParenthesizedExpression | ts.NonNullExpression | ts.AwaitExpression | ts.SatisfiesExpression).expression;
        break;
      case Kind.AsExpression:
        if (!isConstType((current as ts.AsExpression).type)) return current;
        current = (current as ts.AsExpression).expression;
        break;
      default:
        return current;
    }
  }
}

/** `unwrap`, and also every type assertion: for reading what a value is, not what it claims to be. */
export function stripCasts(node: ts.Expression): ts.Expression {
  let current = unwrap(node);
  while (isAsExpression(current) || isTypeAssertionExpression(current)) current = unwrap(current.expression);
  return current;
}

function isConstType(type: ts.TypeNode): boolean {
  return isTypeReferenceNode(type) && isIdentifier(type.typeName) && type.typeName.text === 'const';
}

/** Builds the lexical scopes of a file: one per function, let/const treated as function-scoped. */
export function analyseScopes(sf: ts.SourceFile): ScopeInfo {
  const module: Scope = { node: sf, parent: undefined, bindings: new Map(), fnId: -1 };
  const scopeOfFn = new Map<ts.Node, Scope>();
  const fnIds = new Map<ts.Node, number>();
  const fnNodes: ts.Node[] = [];
  const fnParents: number[] = [];
  const typeDecls = new Map<string, ts.TypeAliasDeclaration | ts.InterfaceDeclaration>();
  // References waiting for the final bindings, as two parallel arrays (an object per reference,
  // 100,000 of them in a 1.4 MB bundle, weighed on the heap at its fullest).
  const pendingIds: ts.Identifier[] = [];
  const pendingScopes: Scope[] = [];
  const pendingAssigns: { name: string; scope: Scope; value: ts.Expression }[] = [];

  /** One object per binding, built in one step (patterns would otherwise copy `base` twice per name). */
  const declare = (
    scope: Scope,
    name: string,
    base: Omit<Binding, 'name' | 'scope' | 'refs' | 'inits'>,
    inits?: ts.Expression[],
    destructured?: Binding['destructured'],
  ): void => {
    const existing = scope.bindings.get(name);
    if (existing) {
      if (inits) existing.inits.push(...inits);
      return;
    }
    const binding: Binding = { ...base, name, scope, refs: [], inits: inits ?? [] };
    if (destructured) binding.destructured = destructured;
    scope.bindings.set(name, binding);
  };

  const declarePattern = (
    scope: Scope,
    pattern: ts.BindingName,
    base: Omit<Binding, 'name' | 'scope' | 'refs' | 'inits'>,
    init: ts.Expression | undefined,
    path: (string | number)[] = [],
  ): void => {
    if (isIdentifier(pattern)) {
      const destructured = path.length > 0 && init ? { from: init, path } : undefined;
      declare(scope, pattern.text, base, !destructured && init ? [init] : [], destructured);
      return;
    }
    pattern.elements.forEach((element, index) => {
      if (isOmittedExpression(element)) return;
      let key: string | number = index;
      if (isObjectBindingPattern(pattern)) {
        const prop = element.propertyName ?? element.name;
        key = isIdentifier(prop) || isStringLiteral(prop) ? prop.text : '?';
      }
      declarePattern(scope, element.name, base, init, [...path, key]);
    });
  };

  const visit = (node: ts.Node, scope: Scope): void => {
    // Tokens (a third of the nodes or more) have no children; of them only identifiers matter here.
    const kind = node.kind;
    if (kind <= Kind.LastToken) {
      if (kind === Kind.Identifier && isValueReference(node as ts.Identifier)) {
        pendingIds.push(node as ts.Identifier);
        pendingScopes.push(scope);
      }
      return;
    }
    if (isTypeAliasDeclaration(node) || isInterfaceDeclaration(node)) {
      typeDecls.set(node.name.text, node);
      return;
    }
    if (isTypeNode(node)) return;

    if (isImportDeclaration(node) && isStringLiteral(node.moduleSpecifier)) {
      const source = node.moduleSpecifier.text;
      const clause = node.importClause;
      if (clause?.name) declare(scope, clause.name.text, { kind: 'import', decl: clause, importInfo: { source, imported: 'default' } });
      const named = clause?.namedBindings;
      if (named && isNamespaceImport(named)) {
        declare(scope, named.name.text, { kind: 'import', decl: named, importInfo: { source, imported: '*' } });
      } else if (named) {
        for (const spec of named.elements) {
          const imported = (spec.propertyName ?? spec.name).text;
          declare(scope, spec.name.text, { kind: 'import', decl: spec, importInfo: { source, imported } });
        }
      }
      return;
    }
    if (isImportEqualsDeclaration(node)) {
      const ref = node.moduleReference;
      if (isExternalModuleReference(ref) && isStringLiteral(ref.expression)) {
        declare(scope, node.name.text, { kind: 'import', decl: node, importInfo: { source: ref.expression.text, imported: '*' } });
      }
      return;
    }

    if (isFunctionLike(node)) {
      const fnId = fnNodes.length;
      fnNodes.push(node);
      fnParents.push(scope.fnId);
      fnIds.set(node, fnId);
      if (isFunctionDeclaration(node) && node.name) {
        declare(scope, node.name.text, { kind: 'function', decl: node, fnNode: node });
      }
      const inner: Scope = { node, parent: scope, bindings: new Map(), fnId };
      scopeOfFn.set(node, inner);
      if (isFunctionExpression(node) && node.name) {
        declare(inner, node.name.text, { kind: 'function', decl: node, fnNode: node });
      }
      node.parameters.forEach((param, paramIndex) => {
        const base = { kind: 'param' as const, decl: param, paramIndex, fnNode: node, ...(param.type ? { typeNode: param.type } : {}) };
        declarePattern(inner, param.name, base, undefined);
        if (param.initializer) visit(param.initializer, inner);
      });
      if (node.body) visit(node.body, inner);
      return;
    }

    if (isClassDeclaration(node) && node.name) {
      declare(scope, node.name.text, { kind: 'class', decl: node });
    }

    if (isVariableDeclaration(node)) {
      const init = node.initializer;
      const source = init ? requireSource(init) : undefined;
      if (source !== undefined && isIdentifier(node.name)) {
        declare(scope, node.name.text, { kind: 'import', decl: node, importInfo: { source, imported: '*' } });
      } else if (source !== undefined && isObjectBindingPattern(node.name)) {
        for (const element of node.name.elements) {
          const prop = element.propertyName ?? element.name;
          if (!isIdentifier(element.name) || !(isIdentifier(prop) || isStringLiteral(prop))) continue;
          declare(scope, element.name.text, { kind: 'import', decl: element, importInfo: { source, imported: prop.text } });
        }
      } else {
        const isFn = init && (isArrowFunction(init) || isFunctionExpression(init));
        declarePattern(
          scope,
          node.name,
          { kind: isFn ? 'function' : 'var', decl: node, ...(isFn ? { fnNode: init } : {}), ...(node.type ? { typeNode: node.type } : {}) },
          init,
        );
      }
      if (init) visit(init, scope);
      return;
    }

    if (isCatchClause(node) && node.variableDeclaration) {
      declarePattern(scope, node.variableDeclaration.name, { kind: 'var', decl: node.variableDeclaration }, undefined);
      visit(node.block, scope);
      return;
    }

    if (isBinaryExpression(node) && node.operatorToken.kind === Kind.EqualsToken && isIdentifier(node.left)) {
      pendingAssigns.push({ name: node.left.text, scope, value: node.right });
    }

    if (isIdentifier(node) && isValueReference(node)) {
      pendingIds.push(node);
      pendingScopes.push(scope);
    }

    const outer = scopeOfChildren;
    scopeOfChildren = scope;
    ts.forEachChild(node, visitChild);
    scopeOfChildren = outer;
  };
  // One callback for every node's children (not a closure per node): the scope they are in is set around the call.
  let scopeOfChildren = module;
  const visitChild = (child: ts.Node): void => visit(child, scopeOfChildren);

  visit(sf, module);

  const refOf = new Map<ts.Identifier, Binding>();
  for (let index = 0; index < pendingIds.length; index++) {
    const id = pendingIds[index] as ts.Identifier;
    const binding = lookup(pendingScopes[index], id.text);
    if (!binding) continue;
    binding.refs.push(id);
    refOf.set(id, binding);
  }
  for (const { name, scope, value } of pendingAssigns) {
    lookup(scope, name)?.inits.push(value);
  }
  return { module, scopeOfFn, fnIds, fnNodes, fnParents, refOf, typeDecls };
}

export function lookup(scope: Scope | undefined, name: string): Binding | undefined {
  for (let current = scope; current; current = current.parent) {
    const found = current.bindings.get(name);
    if (found) return found;
  }
  return undefined;
}

/** True for identifiers that read a variable (not property names, declarations or labels). One read of the parent's kind. */
function isValueReference(id: ts.Identifier): boolean {
  const parent = id.parent;
  if (!parent) return false;
  switch (parent.kind) {
    case Kind.PropertyAccessExpression:
      return (parent as ts.PropertyAccessExpression).name !== id;
    case Kind.PropertyAssignment:
    case Kind.PropertyDeclaration:
    case Kind.MethodDeclaration:
    case Kind.VariableDeclaration:
    case Kind.Parameter:
    case Kind.FunctionDeclaration:
    case Kind.FunctionExpression:
    case Kind.ClassDeclaration:
    case Kind.ClassExpression:
      return (parent as ts.NamedDeclaration).name !== id;
    case Kind.BindingElement:
      return (parent as ts.BindingElement).name !== id && (parent as ts.BindingElement).propertyName !== id;
    case Kind.QualifiedName:
    case Kind.PropertySignature:
    case Kind.EnumMember:
    case Kind.LabeledStatement:
    case Kind.BreakStatement:
    case Kind.ContinueStatement:
    case Kind.ImportSpecifier:
    case Kind.ImportClause:
    case Kind.NamespaceImport:
    case Kind.ExportSpecifier:
    case Kind.JsxAttribute:
    case Kind.GetAccessor:
    case Kind.SetAccessor:
      return false;
    case Kind.BinaryExpression:
      return !((parent as ts.BinaryExpression).left === id && (parent as ts.BinaryExpression).operatorToken.kind === Kind.EqualsToken);
    default:
      return true;
  }
}
