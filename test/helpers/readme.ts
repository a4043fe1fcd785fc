// The README's recipes are what users copy, so the integration tests run them, not a copy of them.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './cli.js';

/** The first fenced block of `lang` after the line that starts with `marker` in README.md. */
export function readmeBlock(marker: string, lang: string): string {
  const lines = readFileSync(path.join(ROOT, 'README.md'), 'utf8').split('\n');
  const at = lines.findIndex((line) => line.startsWith(marker));
  if (at < 0) throw new Error(`README.md has no line starting with ${marker}`);
  const open = lines.findIndex((line, index) => index > at && line.trim() === `\`\`\`${lang}`);
  const close = lines.findIndex((line, index) => index > open && line.trim() === '```');
  if (open < 0 || close < 0) throw new Error(`README.md has no \`\`\`${lang} block after ${marker}`);
  return lines.slice(open + 1, close).join('\n');
}
