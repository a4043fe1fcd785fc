import type { Node, Path } from './ast.js';
import type { SiteContext } from './context.js';

export interface Edit {
  start: number;
  end: number;
  text: string;
}

export function overlaps(edits: Edit[], from: number): boolean {
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

export function applyEdits(source: string, edits: Edit[]): string {
  let output = source;
  for (const edit of [...edits].sort((a, b) => b.start - a.start || b.end - a.end)) {
    output = output.slice(0, edit.start) + edit.text + output.slice(edit.end);
  }
  return output;
}

/** The range of whole lines a statement occupies (with its indentation and line break), when it is alone on them. */
export function statementRange(source: string, node: Node): { start: number; end: number } {
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

export function indentationAt(source: string, offset: number): string {
  const lineStart = source.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(source.slice(lineStart))?.[0] ?? '';
}

export function removeDeclarator(c: SiteContext, declarator: Path): void {
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

export function removeListItem(c: SiteContext, items: Node[], index: number): void {
  const item = items[index] as Node;
  const next = items[index + 1];
  const previous = items[index - 1];
  if (next) c.edits.push({ start: item.start ?? 0, end: next.start ?? 0, text: '' });
  else if (previous) c.edits.push({ start: previous.end ?? 0, end: item.end ?? 0, text: '' });
}

