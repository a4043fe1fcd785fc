import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/** The installed package's root (works from `dist/` and from sources). */
export function packageRoot(): string {
  if (root) return root;
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'ws-mock-audit') {
      root = dir;
      return dir;
    }
    if (path.dirname(dir) === dir) throw new Error('ws-mock-audit: cannot find its own package.json');
  }
}

export function packageVersion(): string {
  return (JSON.parse(readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

export function ruleDocPath(id: string): string {
  return path.join(packageRoot(), 'rules', `${id}.md`);
}

export const DOCS_BASE = 'https://github.com/ws-mock-audit/ws-mock-audit/blob/main/rules/';
export const ISSUES_URL = 'https://github.com/ws-mock-audit/ws-mock-audit/issues';
