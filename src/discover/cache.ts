import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { FileFacts } from '../types.js';

/** What a file was last time: its stat, content hash, and either "prefiltered out" or its facts. */
export interface CacheEntry {
  size: number;
  mtimeMs: number;
  hash: string;
  facts: FileFacts | null;
}

interface CacheFile {
  tool: 'ws-mock-audit';
  /** Tool version + facts options + prefilter: any change invalidates everything. */
  key: string;
  entries: Record<string, CacheEntry>;
}

export interface FactsCache {
  /** A cached entry if the file is unchanged: size+mtime first, the content hash when they disagree. */
  lookup(file: string, readText: () => string | undefined): { entry: CacheEntry; text?: string } | undefined;
  store(file: string, text: string, facts: FileFacts | null): void;
  save(): void;
  warnings: string[];
}

export const DEFAULT_CACHE_LOCATION = path.join('node_modules', '.cache', 'ws-mock-audit');

export function hashText(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}

export function openCache(location: string, key: string): FactsCache {
  const file = location.endsWith('.json') ? location : path.join(location, 'facts.json');
  const warnings: string[] = [];
  let entries: Record<string, CacheEntry> = {};
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<CacheFile>;
    if (parsed?.tool !== 'ws-mock-audit' || typeof parsed.entries !== 'object' || parsed.entries === null) {
      warnings.push(`ignoring ${file}: not a ws-mock-audit cache file`);
    } else if (parsed.key === key) {
      entries = parsed.entries;
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') warnings.push(`ignoring ${file}: ${code ?? 'unreadable or corrupt'}`);
  }
  let dirty = false;

  return {
    warnings,
    lookup(target, readText) {
      const entry = entries[target];
      if (!entry || typeof entry.hash !== 'string') return undefined;
      let stats;
      try {
        stats = statSync(target);
      } catch {
        return undefined;
      }
      if (stats.size !== entry.size) return undefined;
      if (stats.mtimeMs === entry.mtimeMs) return { entry };
      const text = readText();
      if (text === undefined || hashText(text) !== entry.hash) return undefined;
      entry.mtimeMs = stats.mtimeMs;
      dirty = true;
      return { entry, text };
    },
    store(target, text, facts) {
      let stats;
      try {
        stats = statSync(target);
      } catch {
        return;
      }
      entries[target] = { size: stats.size, mtimeMs: stats.mtimeMs, hash: hashText(text), facts };
      dirty = true;
    },
    save() {
      if (!dirty) return;
      try {
        mkdirSync(path.dirname(file), { recursive: true });
        const temporary = `${file}.${process.pid}.tmp`;
        writeFileSync(temporary, JSON.stringify({ tool: 'ws-mock-audit', key, entries } satisfies CacheFile));
        renameSync(temporary, file);
      } catch (error) {
        warnings.push(`could not write the cache ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
      }
    },
  };
}
