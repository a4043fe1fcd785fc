import { WRAPPERS, at, calleeName, findFirstAt, isReference, type Node, type Path, type Site } from './ast.js';
import type { SiteContext } from './context.js';
import { indentationAt, removeDeclarator, statementRange } from './edits.js';
import { flagTest } from './flag.js';

export function removeLegacyBranch(c: SiteContext, site: Site): true | string {
  const { j, root, source } = c;
  const owner = findFirstAt(j, root, j.Node, site, (node) => (node.type === 'IfStatement' || node.type === 'ConditionalExpression') && !!node.test && at(node.test as Node, site));
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
export function withoutParentheses(source: string, node: Node, keep: Node | null): { start: number; end: number } {
  const extra = node.extra as { parenthesized?: boolean; parenStart?: number } | undefined;
  const simple = keep && /^(CallExpression|Identifier|MemberExpression|StringLiteral|NumericLiteral|AwaitExpression|NewExpression)$/.test(keep.type);
  if (!extra?.parenthesized || extra.parenStart === undefined || !simple) return { start: node.start ?? 0, end: node.end ?? 0 };
  const close = source.indexOf(')', node.end ?? 0);
  return close >= 0 && /^\s*$/.test(source.slice(node.end ?? 0, close)) ? { start: extra.parenStart, end: close + 1 } : { start: node.start ?? 0, end: node.end ?? 0 };
}

/** Lifting `{ const x = ... }` out of an `if` is safe only if no name it declares is declared or used elsewhere in the enclosing block. */
export function liftingWouldClash(c: SiteContext, parent: Node, ifStatement: Node, statements: Node[]): boolean {
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
export function removeDeadFakes(c: SiteContext): void {
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

export function isFakeShape(node: Node, types: Set<string>): boolean {
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
