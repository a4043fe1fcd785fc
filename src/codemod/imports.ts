import { FUNCTION_TYPES, calleeName, isReference, keyName, unwrap, type Node, type Path } from './ast.js';
import type { SiteContext } from './context.js';
import { removeDeclarator, removeListItem, statementRange } from './edits.js';

export function isCommonJs(c: SiteContext): boolean {
  return c.root.find(c.j.ImportDeclaration).size() === 0 && c.root.find(c.j.CallExpression, { callee: { type: 'Identifier', name: 'require' } }).size() > 0;
}

/** References that survive the edits: outside every replaced range, or re-emitted by a replacement. */
export function survivingReferences(c: SiteContext, name: string): number {
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

export function isImportBinding(path: Path): boolean {
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
export function removeUnusedImports(c: SiteContext): void {
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


/** Adds the runtime's names: merged into an existing value import (or destructured require) of the module, or a new one after the imports. */
export function addImports(c: SiteContext): void {
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
export function insertStatement(c: SiteContext, statement: string, commonJs: boolean): void {
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
