import type { ChalkInstance } from 'chalk';

/** A few lines around a span with the span underlined, like ESLint's and ast-grep's code frames. */
export function codeFrame(
  source: string,
  span: { line: number; column: number; endLine: number; endColumn: number },
  color: ChalkInstance,
  context = 1,
): string {
  const lines = source.split(/\r?\n/);
  const first = Math.max(1, span.line - context);
  const last = Math.min(lines.length, span.line + context);
  const width = String(last).length;
  const out: string[] = [];
  for (let number = first; number <= last; number++) {
    const text = (lines[number - 1] ?? '').replace(/\t/g, '  ');
    const marker = number === span.line ? color.red('>') : ' ';
    out.push(`  ${marker} ${color.dim(String(number).padStart(width))} ${color.dim('|')} ${text.length > 200 ? `${text.slice(0, 197)}...` : text}`);
    if (number === span.line) {
      const start = Math.max(1, span.column);
      const end = span.endLine === span.line ? Math.max(span.endColumn, start + 1) : text.length + 1;
      const underline = '^'.repeat(Math.max(1, Math.min(end, text.length + 1) - start));
      out.push(`    ${' '.repeat(width)} ${color.dim('|')} ${' '.repeat(start - 1)}${color.red(underline)}`);
    }
  }
  return out.join('\n');
}
