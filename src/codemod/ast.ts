import type { ASTNode, ASTPath, Collection, JSCodeshift } from 'jscodeshift';

// jscodeshift parses (Babel's AST, located by offsets); the rewrite itself is a set of minimal
// text edits, so everything outside the edited spans stays byte for byte, comments included.
export type Node = ASTNode & { type: string; start?: number | null; end?: number | null; loc?: { start: { line: number; column: number }; end?: { line: number; column: number } } | null; [key: string]: unknown };
// Paths are loose too: jscodeshift's collections are generic over ast-types' node types.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Path = ASTPath<any>;

/** A place in the file, as findings give it (1-based line and column). */
export interface Site {
  line: number;
  column: number;
  /** The scanner's framework for the finding: which advice a refusal gives. */
  framework?: string;
}

export const WRAPPERS = new Set(['TSAsExpression', 'TSTypeAssertion', 'TSSatisfiesExpression', 'TSNonNullExpression', 'ParenthesizedExpression']);
export const LISTEN = new Set(['on', 'once', 'addListener', 'addEventListener', 'prependListener']);
export const FUNCTION_TYPES = /^(FunctionDeclaration|FunctionExpression|ArrowFunctionExpression|ObjectMethod|ClassMethod|ClassPrivateMethod)$/;

export function unwrap(node: Node | null | undefined): Node | undefined {
  let current = node ?? undefined;
  while (current && WRAPPERS.has(current.type)) current = current.expression as Node;
  return current;
}

export function at(node: Node, { line, column }: { line: number; column: number }): boolean {
  return node.loc?.start.line === line && node.loc.start.column === column - 1;
}

/**
 * The first path of `type` that `matches` (a node at the site, or one that holds it), in the order
 * `root.find(type).filter(matches)` gives, without visiting the whole file: that walk builds a path
 * for every node (20–30 ms on a 30 kB file while the JIT is cold, per site), where this one descends
 * only into nodes whose span holds the site, through the same fields, in the same order. A tree
 * whose spans do not nest (where nothing is found this way) gets the whole walk.
 */
export function findFirstAt(j: JSCodeshift, root: Collection, type: { check(value: unknown): boolean }, site: Site, matches: (node: Node) => boolean): Path | undefined {
  const target = { line: site.line, column: site.column - 1 };
  // Pre-order, as the visitor runs: a node before its children, fields in ast-types' order.
  const search = (path: Path, isRoot: boolean): Path | undefined => {
    const value = path.value as unknown;
    if (Array.isArray(value)) {
      for (let index = 0; index < value.length; index++) {
        const hit = mayHold(value[index], target) ? search(path.get(index) as Path, false) : undefined;
        if (hit) return hit;
      }
      return undefined;
    }
    if (!value || typeof value !== 'object') return undefined;
    if (!isRoot && type.check(value) && matches(value as unknown as Node)) return path;
    for (const name of j.types.getFieldNames(value)) {
      // A field the node lacks holds the visitor's default (null, false, []): no node at the site.
      const child = (value as Record<string, unknown>)[name];
      const hit = child && typeof child === 'object' && mayHold(child, target) ? search(path.get(name) as Path, false) : undefined;
      if (hit) return hit;
    }
    return undefined;
  };
  for (const start of root.paths() as Path[]) {
    const hit = search(start, true);
    if (hit) return hit;
  }
  return root.find(type as never).filter((path: Path) => matches(path.node as Node)).paths()[0] as Path | undefined;
}

/** Whether a node (or array of nodes, or a value without a location) may hold a place: its span does. */
function mayHold(value: unknown, place: { line: number; column: number }): boolean {
  if (Array.isArray(value)) return true;
  const loc = (value as Node | null)?.loc;
  if (!loc?.start || !loc.end) return true;
  const { start, end } = loc;
  if (start.line > place.line || (start.line === place.line && start.column > place.column)) return false;
  return end.line > place.line || (end.line === place.line && end.column >= place.column);
}

export function keyName(prop: Node): string | undefined {
  const key = prop.key as Node | undefined;
  if (!key || prop.computed) return undefined;
  if (key.type === 'Identifier') return key.name as string;
  if (key.type === 'StringLiteral' || key.type === 'Literal') return String(key.value);
  return undefined;
}

export function calleeName(callee: Node | undefined): string | undefined {
  const inner = unwrap(callee);
  if (!inner) return undefined;
  if (inner.type === 'Identifier') return inner.name as string;
  if ((inner.type === 'MemberExpression' || inner.type === 'OptionalMemberExpression') && !inner.computed && (inner.property as Node).type === 'Identifier') return (inner.property as Node).name as string;
  return undefined;
}


export interface BindingInfo {
  path: Path;
  references: number;
  assigned: boolean;
}

export function findBinding(c: { j: JSCodeshift }, from: Path, name: string): BindingInfo | undefined {
  const scope = (from as unknown as { scope?: { lookup(name: string): { getBindings(): Record<string, Path[]>; path: Path } | null } }).scope?.lookup(name);
  const bindingPath = scope?.getBindings()[name]?.[0];
  const declarator = bindingPath?.parent as Path | undefined;
  if (!scope || !declarator || (declarator.node as Node).type !== 'VariableDeclarator' || ((declarator.node as Node).id as Node) !== bindingPath?.node) return undefined;
  let assigned = false;
  // A shorthand property (`{ cookie }`) holds its name twice, as key and value: count places, not nodes.
  const places = new Set<number>();
  c.j(scope.path as never)
    .find(c.j.Identifier, { name })
    .forEach((path: Path) => {
      if (path === bindingPath || !isReference(path)) return;
      const parent = path.parent?.node as Node | undefined;
      if (parent?.type === 'AssignmentExpression' && parent.left === path.node) assigned = true;
      else places.add((path.node as Node).start ?? 0);
    });
  return { path: declarator, references: places.size, assigned };
}

export function isReference(path: Path): boolean {
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

