import type { Node, Path } from './ast.js';
import type { SiteContext } from './context.js';

export interface Edit {
  start: number;
  end: number;
  text: string;
  /** Part of the replaced range that the new text carries over unchanged (moved code): not rewritten. */
  keeps?: { start: number; end: number };
}

/** Whether an offset lies in what an edit rewrote (inside its range, outside what it carries over). */
export function rewrites(edit: Edit, offset: number): boolean {
  if (offset < edit.start || offset >= edit.end) return false;
  return !edit.keeps || offset < edit.keeps.start || offset >= edit.keeps.end;
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

/**
 * Applies the edits. Where whole lines were deleted between two blank lines, one of the blanks goes
 * too, so removing a helper does not leave a double gap; no other line is touched.
 */
export function applyEdits(source: string, edits: Edit[]): string {
  let output = '';
  let from = 0;
  const gaps: number[] = [];
  for (const edit of [...edits].sort((a, b) => a.start - b.start || a.end - b.end)) {
    output += source.slice(from, edit.start);
    const deletesLines = edit.text === '' && edit.end > edit.start && (edit.start === 0 || source[edit.start - 1] === '\n') && source[edit.end - 1] === '\n';
    if (deletesLines) gaps.push(output.length);
    output += edit.text;
    from = Math.max(from, edit.end);
  }
  output += source.slice(from);
  for (const gap of gaps.reverse()) {
    const lineEnd = output.indexOf('\n', gap);
    const previousStart = output.lastIndexOf('\n', gap - 2) + 1;
    const blankHere = lineEnd >= 0 && /^[ \t]*$/.test(output.slice(gap, lineEnd));
    const blankBefore = gap > 0 && /^[ \t]*$/.test(output.slice(previousStart, gap - 1));
    if (blankHere && blankBefore) output = output.slice(0, gap) + output.slice(lineEnd + 1);
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

