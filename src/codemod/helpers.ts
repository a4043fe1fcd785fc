import { WRAPPERS, calleeName, keyName, unwrap, type Node, type Path } from './ast.js';
import type { SiteContext } from './context.js';
import { removeDeclarator, removeListItem, statementRange } from './edits.js';

/** One way a module exports a local name (ESM or CommonJS), with what removing it takes. */
export interface ExportEntry {
  exportedName: string;
  /** Where the entry names the helper (its references there are the export, not uses). */
  range: { start: number; end: number };
  remove(c: SiteContext): void;
}

function isModuleExports(node: Node | undefined): boolean {
  const inner = unwrap(node);
  return inner?.type === 'MemberExpression' && calleeName(inner) === 'exports' && unwrap(inner.object as Node)?.name === 'module';
}

function isExportsObject(node: Node | undefined): boolean {
  const inner = unwrap(node);
  return (inner?.type === 'Identifier' && inner.name === 'exports') || isModuleExports(inner);
}

/**
 * How `name` leaves the module: `export const name`/`export function name`, `export { name as x }`,
 * `module.exports = { name }`, `module.exports.x = name`, `exports.x = name`. `export default` and
 * `module.exports = name` count as exports that cannot be removed alone (exportedName `default`).
 */
export function exportsOf(c: SiteContext, name: string): ExportEntry[] {
  const entries: ExportEntry[] = [];
  c.root.find(c.j.ExportNamedDeclaration).forEach((path: Path) => {
    const node = path.node as Node;
    const declaration = node.declaration as Node | null;
    const declares = declaration?.type === 'FunctionDeclaration' ? (declaration.id as Node | null)?.name === name : declaration?.type === 'VariableDeclaration' && (declaration.declarations as Node[]).some((d) => (d.id as Node).name === name);
    // The declaration itself goes with the helper; nothing more to remove.
    if (declares) entries.push({ exportedName: name, range: { start: 0, end: 0 }, remove: () => undefined });
    const specifiers = (node.specifiers as Node[] | undefined) ?? [];
    if (node.source) return;
    specifiers.forEach((specifier, index) => {
      if ((specifier.local as Node | undefined)?.name !== name) return;
      const exported = specifier.exported as Node;
      entries.push({
        exportedName: (exported.name ?? exported.value) as string,
        range: rangeOf(specifier),
        remove: (ctx) => (specifiers.length === 1 ? ctx.edits.push({ ...statementRange(ctx.source, node), text: '' }) : removeListItem(ctx, specifiers, index)),
      });
    });
  });
  c.root.find(c.j.ExportDefaultDeclaration).forEach((path: Path) => {
    const declaration = unwrap((path.node as Node).declaration as Node);
    if (declaration?.type === 'Identifier' && declaration.name === name) entries.push({ exportedName: 'default', range: rangeOf(declaration), remove: () => undefined });
  });
  c.root.find(c.j.AssignmentExpression).forEach((path: Path) => {
    const node = path.node as Node;
    const left = unwrap(node.left as Node);
    const right = unwrap(node.right as Node);
    const statement = path.parent?.node as Node | undefined;
    if (isModuleExports(left) && right?.type === 'ObjectExpression') {
      const properties = right.properties as Node[];
      properties.forEach((property, index) => {
        const value = unwrap(property.value as Node);
        if (property.type !== 'ObjectProperty' || value?.type !== 'Identifier' || value.name !== name) return;
        entries.push({
          exportedName: keyName(property) ?? name,
          range: rangeOf(property),
          remove: (ctx) => (properties.length === 1 && statement?.type === 'ExpressionStatement' ? ctx.edits.push({ ...statementRange(ctx.source, statement), text: '' }) : removeListItem(ctx, properties, index)),
        });
      });
      return;
    }
    if (isModuleExports(left) && right?.type === 'Identifier' && right.name === name) {
      entries.push({ exportedName: 'default', range: rangeOf(right), remove: () => undefined });
      return;
    }
    if (left?.type === 'MemberExpression' && isExportsObject(left.object as Node) && right?.type === 'Identifier' && right.name === name && statement?.type === 'ExpressionStatement') {
      entries.push({ exportedName: calleeName(left) ?? name, range: rangeOf(right), remove: (ctx) => ctx.edits.push({ ...statementRange(ctx.source, statement), text: '' }) });
    }
  });
  return entries;
}

/** Whether the exports can all be removed (a default export is the module's API: it stays). */
export function removableExports(entries: ExportEntry[]): boolean {
  return entries.every((entry) => entry.exportedName !== 'default');
}

/** Deletes a helper (its declaration, or the `export` statement that declares it) and its export entries. */
export function removeHelper(c: SiteContext, declaration: Path, exported: ExportEntry[]): void {
  const node = declaration.node as Node;
  if (node.type === 'FunctionDeclaration') {
    const parent = declaration.parent?.node as Node | undefined;
    const statement = parent?.type === 'ExportNamedDeclaration' ? parent : node;
    c.edits.push({ ...statementRange(c.source, statement), text: '' });
  } else {
    let holder = declaration.parent as Path | undefined;
    while (holder && WRAPPERS.has((holder.node as Node).type)) holder = holder.parent as Path;
    if (holder && (holder.node as Node).type === 'VariableDeclarator') {
      const declarationStatement = holder.parent?.node as Node | undefined;
      const exportStatement = holder.parent?.parent?.node as Node | undefined;
      if (exportStatement?.type === 'ExportNamedDeclaration' && (declarationStatement?.declarations as Node[]).length === 1) c.edits.push({ ...statementRange(c.source, exportStatement), text: '' });
      else removeDeclarator(c, holder);
    }
  }
  for (const entry of exported) entry.remove(c);
}

function rangeOf(node: Node): { start: number; end: number } {
  return { start: node.start ?? 0, end: node.end ?? 0 };
}
