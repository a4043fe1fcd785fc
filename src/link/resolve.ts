import { existsSync, statSync } from 'node:fs';
import path from 'node:path';

const EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];
/** `./x.js` in TypeScript sources names `./x.ts` (and so on for the other output extensions). */
const SOURCE_FOR_OUTPUT: Record<string, string[]> = {
  '.js': ['.ts', '.tsx'],
  '.jsx': ['.tsx'],
  '.mjs': ['.mts'],
  '.cjs': ['.cts'],
};

export type FileExists = (file: string) => boolean;

export function defaultFileExists(file: string): boolean {
  try {
    return existsSync(file) && statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * Resolves a relative module specifier the way Node and TypeScript do for sources: exact file,
 * added extensions, `.js` pointing at `.ts`, then `index` files. Package imports are unknown.
 */
export function resolveModule(fromFile: string, specifier: string, exists: FileExists = defaultFileExists): string | undefined {
  if (!specifier.startsWith('.') && !path.isAbsolute(specifier)) return undefined;
  const base = path.resolve(path.dirname(fromFile), specifier);
  const ext = path.extname(base);
  const candidates: string[] = [];
  if (ext && SOURCE_FOR_OUTPUT[ext]) {
    const stem = base.slice(0, -ext.length);
    candidates.push(...(SOURCE_FOR_OUTPUT[ext] ?? []).map((source) => stem + source));
  }
  candidates.push(base, ...EXTENSIONS.map((extension) => base + extension), ...EXTENSIONS.map((extension) => path.join(base, `index${extension}`)));
  return candidates.find(exists);
}
