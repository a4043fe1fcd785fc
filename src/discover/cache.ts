import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { FileError, FileFacts, Finding } from '../types.js';

/** What a file was last time: its stat, content hash, and whether it has facts (else: prefiltered out). */
export interface CacheEntry {
  size: number;
  mtimeMs: number;
  hash: string;
  hasFacts: boolean;
}

/** The whole outcome of the last run, reusable when no input changed. */
export interface CachedResult {
  key: string;
  /** Files that were loaded for linking (outside the scanned set): they must be unchanged too. */
  linked: string[];
  findings: Finding[];
  suppressed: number;
  errors: FileError[];
}

type Tuple = [size: number, mtimeMs: number, hash: string, hasFacts: 0 | 1];

/**
 * On disk, two files: a small index (a stat/hash tuple per file, and the last result), read on
 * every run; and the facts, read only when something changed and linking has to run again.
 */
interface CacheIndex {
  tool: 'ws-mock-audit';
  /** Tool version + facts options + prefilter: any change invalidates everything. */
  key: string;
  /** Written with the facts file; a facts file of another generation does not belong to this index. */
  generation: string;
  files: Record<string, Tuple>;
  result?: CachedResult;
}

export interface FactsCache {
  /** A cached entry if the file is unchanged: size+mtime first, the content hash when they disagree. */
  lookup(file: string, readText: () => string | undefined): { entry: CacheEntry; text?: string } | undefined;
  /** The cached facts of an unchanged file (loads the facts file on first use). */
  facts(file: string): FileFacts | undefined;
  /** Records a file; returns its content hash. */
  store(file: string, text: string, facts: FileFacts | null): string;
  result: CachedResult | undefined;
  setResult(result: CachedResult): void;
  save(): void;
  warnings: string[];
}

export const DEFAULT_CACHE_LOCATION = path.join('node_modules', '.cache', 'ws-mock-audit');

export function hashText(text: string): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, 22);
}

/** `root` is the directory cached paths are stored relative to (the scan's working directory). */
export function openCache(location: string, key: string, root: string): FactsCache {
  const dir = location.endsWith('.json') ? path.dirname(location) : location;
  const indexFile = location.endsWith('.json') ? location : path.join(dir, 'index.json');
  const factsFile = indexFile.replace(/(\.json)?$/, '.facts.json');
  const warnings: string[] = [];
  const empty = (): CacheIndex => ({ tool: 'ws-mock-audit', key, generation: '', files: {} });
  let index = empty();
  try {
    const parsed = JSON.parse(readFileSync(indexFile, 'utf8')) as Partial<CacheIndex>;
    if (parsed?.tool !== 'ws-mock-audit' || typeof parsed.files !== 'object' || parsed.files === null) {
      warnings.push(`ignoring ${indexFile}: not a ws-mock-audit cache file`);
    } else if (parsed.key === key) {
      index = parsed as CacheIndex;
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') warnings.push(`ignoring ${indexFile}: ${code ?? 'unreadable or corrupt'}`);
  }
  // Paths are stored relative to the root: shorter, and the cache survives a moved checkout.
  const keyOf = (file: string): string => path.relative(root, file);
  let facts: Record<string, FileFacts> | undefined;
  const loadFacts = (): Record<string, FileFacts> => {
    if (facts) return facts;
    facts = {};
    if (Object.keys(index.files).length === 0) return facts;
    try {
      const parsed = JSON.parse(readFileSync(factsFile, 'utf8')) as { generation?: string; facts?: Record<string, FileFacts> };
      if (parsed.generation === index.generation && parsed.facts && typeof parsed.facts === 'object') facts = parsed.facts;
    } catch {
      // A lost or unreadable facts file only means the facts are derived again; the stat index stays.
    }
    return facts;
  };
  let dirty = false;

  return {
    warnings,
    get result() {
      return index.result;
    },
    setResult(result) {
      if (index.result?.key === result.key) return;
      index.result = result;
      dirty = true;
    },
    lookup(target, readText) {
      const tuple = index.files[keyOf(target)];
      if (!Array.isArray(tuple) || tuple.length !== 4) return undefined;
      const [size, mtimeMs, hash, hasFacts] = tuple;
      const stats = statSync(target, { throwIfNoEntry: false });
      if (!stats || stats.size !== size) return undefined;
      const entry: CacheEntry = { size, mtimeMs, hash, hasFacts: hasFacts === 1 };
      if (stats.mtimeMs === mtimeMs) return { entry };
      const text = readText();
      if (text === undefined || hashText(text) !== hash) return undefined;
      tuple[1] = stats.mtimeMs;
      dirty = true;
      return { entry: { ...entry, mtimeMs: stats.mtimeMs }, text };
    },
    facts(target) {
      return loadFacts()[keyOf(target)];
    },
    store(target, text, fileFacts) {
      const hash = hashText(text);
      const stats = statSync(target, { throwIfNoEntry: false });
      if (!stats) return hash;
      const key = keyOf(target);
      index.files[key] = [stats.size, stats.mtimeMs, hash, fileFacts ? 1 : 0];
      const all = loadFacts();
      if (fileFacts) all[key] = fileFacts;
      else delete all[key];
      dirty = true;
      return hash;
    },
    save() {
      if (!dirty) return;
      try {
        mkdirSync(dir, { recursive: true });
        if (facts) {
          index.generation = `${Date.now().toString(36)}-${process.pid}`;
          writeAtomically(factsFile, JSON.stringify({ generation: index.generation, facts }));
        }
        writeAtomically(indexFile, JSON.stringify(index));
      } catch (error) {
        warnings.push(`could not write the cache in ${dir}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
      }
    },
  };
}

function writeAtomically(file: string, text: string): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, file);
}
