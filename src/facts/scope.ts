import { ts } from '@ts-morph/common';

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
  /** Every resolved identifier reference. */
  refOf: Map<ts.Identifier, Binding>;
  /** Local type aliases and interfaces, for resolving request types. */
  typeDecls: Map<string, ts.TypeAliasDeclaration | ts.InterfaceDeclaration>;
}

/** Kinds of function-like nodes, as a table: every walk asks this of every node, so one look-up, not seven calls. */
const FUNCTION_KINDS = (() => {
  const kinds = [
    ts.SyntaxKind.FunctionDeclaration,
    ts.SyntaxKind.FunctionExpression,
    ts.SyntaxKind.ArrowFunction,
    ts.SyntaxKind.MethodDeclaration,
    ts.SyntaxKind.Constructor,
    ts.SyntaxKind.GetAccessor,
    ts.SyntaxKind.SetAccessor,
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
  if (!ts.isCallExpression(call)) return undefined;
  if (!ts.isIdentifier(call.expression) || call.expression.text !== 'require') return undefined;
  const arg = call.arguments[0];
  return arg && ts.isStringLiteralLike(arg) ? arg.text : undefined;
}

/** Strips parentheses, `await`, non-null assertions, `satisfies` and `as const`. */
export function unwrap(node: ts.Expression): ts.Expression {
  let current = node;
  for (;;) {
    if (ts.isParenthesizedExpression(current) || ts.isNonNullExpression(current) || ts.isAwaitExpression(current)) {
      current = current.expression;
    } else if (ts.isSatisfiesExpression(current)) {
      current = current.expression;
    } else if (ts.isAsExpression(current) && isConstType(current.type)) {
      current = current.expression;
    } else {
      return current;
    }
  }
}

/** `unwrap`, and also every type assertion: for reading what a value is, not what it claims to be. */
export function stripCasts(node: ts.Expression): ts.Expression {
  let current = unwrap(node);
  while (ts.isAsExpression(current) || ts.isTypeAssertionExpression(current)) current = unwrap(current.expression);
  return current;
}

function isConstType(type: ts.TypeNode): boolean {
  return ts.isTypeReferenceNode(type) && ts.isIdentifier(type.typeName) && type.typeName.text === 'const';
}

/** Builds the lexical scopes of a file: one per function, let/const treated as function-scoped. */
export function analyseScopes(sf: ts.SourceFile): ScopeInfo {
  const module: Scope = { node: sf, parent: undefined, bindings: new Map(), fnId: -1 };
  const scopeOfFn = new Map<ts.Node, Scope>();
  const fnIds = new Map<ts.Node, number>();
  const fnNodes: ts.Node[] = [];
  const typeDecls = new Map<string, ts.TypeAliasDeclaration | ts.InterfaceDeclaration>();
  const pendingRefs: { id: ts.Identifier; scope: Scope }[] = [];
  const pendingAssigns: { name: string; scope: Scope; value: ts.Expression }[] = [];

  const declare = (scope: Scope, name: string, binding: Omit<Binding, 'name' | 'scope' | 'refs' | 'inits'> & { inits?: ts.Expression[] }): void => {
    const existing = scope.bindings.get(name);
    if (existing) {
      existing.inits.push(...(binding.inits ?? []));
      return;
    }
    scope.bindings.set(name, { ...binding, name, scope, refs: [], inits: binding.inits ?? [] });
  };

  const declarePattern = (
    scope: Scope,
    pattern: ts.BindingName,
    base: Omit<Binding, 'name' | 'scope' | 'refs' | 'inits'>,
    init: ts.Expression | undefined,
    path: (string | number)[] = [],
  ): void => {
    if (ts.isIdentifier(pattern)) {
      const destructured = path.length > 0 && init ? { from: init, path } : undefined;
      declare(scope, pattern.text, { ...base, ...(destructured ? { destructured } : {}), inits: !destructured && init ? [init] : [] });
      return;
    }
    pattern.elements.forEach((element, index) => {
      if (ts.isOmittedExpression(element)) return;
      let key: string | number = index;
      if (ts.isObjectBindingPattern(pattern)) {
        const prop = element.propertyName ?? element.name;
        key = ts.isIdentifier(prop) || ts.isStringLiteral(prop) ? prop.text : '?';
      }
      declarePattern(scope, element.name, base, init, [...path, key]);
    });
  };

  const visit = (node: ts.Node, scope: Scope): void => {
    if (ts.isTypeAliasDeclaration(node) || ts.isInterfaceDeclaration(node)) {
      typeDecls.set(node.name.text, node);
      return;
    }
    if (ts.isTypeNode(node)) return;

    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const source = node.moduleSpecifier.text;
      const clause = node.importClause;
      if (clause?.name) declare(scope, clause.name.text, { kind: 'import', decl: clause, importInfo: { source, imported: 'default' } });
      const named = clause?.namedBindings;
      if (named && ts.isNamespaceImport(named)) {
        declare(scope, named.name.text, { kind: 'import', decl: named, importInfo: { source, imported: '*' } });
      } else if (named) {
        for (const spec of named.elements) {
          const imported = (spec.propertyName ?? spec.name).text;
          declare(scope, spec.name.text, { kind: 'import', decl: spec, importInfo: { source, imported } });
        }
      }
      return;
    }
    if (ts.isImportEqualsDeclaration(node)) {
      const ref = node.moduleReference;
      if (ts.isExternalModuleReference(ref) && ts.isStringLiteral(ref.expression)) {
        declare(scope, node.name.text, { kind: 'import', decl: node, importInfo: { source: ref.expression.text, imported: '*' } });
      }
      return;
    }

    if (isFunctionLike(node)) {
      const fnId = fnNodes.length;
      fnNodes.push(node);
      fnIds.set(node, fnId);
      if (ts.isFunctionDeclaration(node) && node.name) {
        declare(scope, node.name.text, { kind: 'function', decl: node, fnNode: node });
      }
      const inner: Scope = { node, parent: scope, bindings: new Map(), fnId };
      scopeOfFn.set(node, inner);
      if (ts.isFunctionExpression(node) && node.name) {
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

    if (ts.isClassDeclaration(node) && node.name) {
      declare(scope, node.name.text, { kind: 'class', decl: node });
    }

    if (ts.isVariableDeclaration(node)) {
      const init = node.initializer;
      const source = init ? requireSource(init) : undefined;
      if (source !== undefined && ts.isIdentifier(node.name)) {
        declare(scope, node.name.text, { kind: 'import', decl: node, importInfo: { source, imported: '*' } });
      } else if (source !== undefined && ts.isObjectBindingPattern(node.name)) {
        for (const element of node.name.elements) {
          const prop = element.propertyName ?? element.name;
          if (!ts.isIdentifier(element.name) || !(ts.isIdentifier(prop) || ts.isStringLiteral(prop))) continue;
          declare(scope, element.name.text, { kind: 'import', decl: element, importInfo: { source, imported: prop.text } });
        }
      } else {
        const isFn = init && (ts.isArrowFunction(init) || ts.isFunctionExpression(init));
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

    if (ts.isCatchClause(node) && node.variableDeclaration) {
      declarePattern(scope, node.variableDeclaration.name, { kind: 'var', decl: node.variableDeclaration }, undefined);
      visit(node.block, scope);
      return;
    }

    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isIdentifier(node.left)) {
      pendingAssigns.push({ name: node.left.text, scope, value: node.right });
    }

    if (ts.isIdentifier(node) && isValueReference(node)) {
      pendingRefs.push({ id: node, scope });
    }

    ts.forEachChild(node, (child) => visit(child, scope));
  };

  visit(sf, module);

  const refOf = new Map<ts.Identifier, Binding>();
  for (const { id, scope } of pendingRefs) {
    const binding = lookup(scope, id.text);
    if (!binding) continue;
    binding.refs.push(id);
    refOf.set(id, binding);
  }
  for (const { name, scope, value } of pendingAssigns) {
    lookup(scope, name)?.inits.push(value);
  }
  return { module, scopeOfFn, fnIds, fnNodes, refOf, typeDecls };
}

export function lookup(scope: Scope | undefined, name: string): Binding | undefined {
  for (let current = scope; current; current = current.parent) {
    const found = current.bindings.get(name);
    if (found) return found;
  }
  return undefined;
}

/** True for identifiers that read a variable (not property names, declarations or labels). */
function isValueReference(id: ts.Identifier): boolean {
  const parent = id.parent;
  if (!parent) return false;
  if (ts.isPropertyAccessExpression(parent) && parent.name === id) return false;
  if (ts.isQualifiedName(parent)) return false;
  if ((ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent) || ts.isMethodDeclaration(parent)) && parent.name === id) return false;
  if (ts.isPropertySignature(parent) || ts.isEnumMember(parent)) return false;
  if (ts.isBindingElement(parent) && (parent.name === id || parent.propertyName === id)) return false;
  if (ts.isVariableDeclaration(parent) && parent.name === id) return false;
  if (ts.isParameter(parent) && parent.name === id) return false;
  if ((ts.isFunctionDeclaration(parent) || ts.isFunctionExpression(parent) || ts.isClassLike(parent)) && parent.name === id) return false;
  if (ts.isLabeledStatement(parent) || ts.isBreakOrContinueStatement(parent)) return false;
  if (ts.isImportSpecifier(parent) || ts.isImportClause(parent) || ts.isNamespaceImport(parent)) return false;
  if (ts.isExportSpecifier(parent)) return false;
  if (ts.isJsxAttribute(parent)) return false;
  if (ts.isGetAccessor(parent) || ts.isSetAccessor(parent)) return false;
  if (ts.isBinaryExpression(parent) && parent.left === id && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken) return false;
  return true;
}
