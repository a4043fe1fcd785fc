import { createHash } from 'node:crypto';
import type { CachedResult, CacheHit, FactsCache, FileOutcome } from '../discover/cache.js';
import type { FileFacts } from '../types.js';

/**
 * A facts cache keyed by content (git blob id) and path, shared by every commit of a history and
 * the work tree: a file is parsed once per content, however many commits hold it. (Facts name
 * their file, so the path is part of the key.) It lives for one `report` run.
 */
export interface ContentCache {
  /** A `FactsCache` view for one snapshot: `idOf` tells a file's blob id (from a git tree, or by hashing the text). */
  view(idOf: (file: string, readText: () => string | undefined) => string | undefined): FactsCache;
  /** Whether this content of this file has been met (parsed or skipped). */
  knows(id: string, file: string): boolean;
  /** Distinct contents parsed, and skipped by the prefilter, so far. */
  readonly parsed: number;
  readonly prefiltered: number;
}

const WITH_FACTS: CacheHit = Object.freeze({ hasFacts: true });
const WITHOUT_FACTS: CacheHit = Object.freeze({ hasFacts: false });

/** Git's blob id of a text, so work-tree files meet the same entries as committed ones. */
export function gitBlobId(text: string): string {
  const bytes = Buffer.from(text, 'utf8');
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

export function createContentCache(): ContentCache {
  const entries = new Map<string, FileFacts | null>();
  /** Contents skipped or failed (an internal error): reported again for every snapshot that holds them. */
  const outcomes = new Map<string, FileOutcome>();
  let parsed = 0;
  let prefiltered = 0;
  /** The last result and the content it rests on: reused by the next snapshot if none of that changed. */
  let last: { key: string; inputs: string; withFacts: string; deps: [string, string][]; result: CachedResult } | undefined;

  const view: ContentCache['view'] = (idOf) => {
    const ids = new Map<string, string | undefined>();
    const keyOf = (file: string, readText: () => string | undefined): string | undefined => {
      if (!ids.has(file)) {
        const id = idOf(file, readText);
        ids.set(file, id === undefined ? undefined : `${id}\0${file}`);
      }
      return ids.get(file);
    };
    let inputsSignature = '';
    let inputFiles: string[] = [];
    /** Inputs whose content has facts (not skipped by the prefilter): what a result rests on besides linked files. */
    const withFacts = (): string[] => inputFiles.filter((file) => Boolean(entries.get(ids.get(file) ?? '')));
    const lookup = (file: string, readText: () => string | undefined): CacheHit | undefined => {
      const key = keyOf(file, readText);
      const outcome = key === undefined ? undefined : outcomes.get(key);
      if (outcome) return { hasFacts: false, outcome };
      const entry = key === undefined ? undefined : entries.get(key);
      if (entry === undefined) return undefined;
      return entry ? WITH_FACTS : WITHOUT_FACTS;
    };
    return {
      warnings: [],
      lookup,
      lookupAll(inputs, readText) {
        inputsSignature = createHash('sha1').update(inputs.map((input) => input.file).join('\0')).digest('hex');
        inputFiles = inputs.map((input) => input.file);
        return inputs.map(({ file }) => lookup(file, () => readText(file)));
      },
      facts(file) {
        const key = ids.get(file);
        return (key && entries.get(key)) || undefined;
      },
      store(file, text, facts) {
        const key = keyOf(file, () => text);
        if (key === undefined) return;
        const before = entries.get(key);
        if (facts && !before) parsed++;
        else if (!facts && before === undefined) prefiltered++;
        entries.set(key, facts);
      },
      storeOutcome(file, text, outcome) {
        const key = keyOf(file, () => text);
        if (key !== undefined) outcomes.set(key, outcome);
      },
      discovery: () => undefined,
      recordDiscovery: () => undefined,
      reusableResult(key, readText) {
        if (!last || last.key !== key || last.inputs !== inputsSignature || last.withFacts !== withFacts().join('\0')) return undefined;
        for (const [file, id] of last.deps) if (keyOf(file, () => readText(file)) !== id) return undefined;
        return last.result;
      },
      setResult(key, result, linked) {
        const facts = withFacts();
        const deps = [...facts, ...linked].flatMap((file): [string, string][] => {
          const id = ids.get(file);
          return id ? [[file, id]] : [];
        });
        last = { key, inputs: inputsSignature, withFacts: facts.join('\0'), deps, result };
      },
      save: () => undefined,
    };
  };
  return {
    view,
    knows: (id, file) => entries.has(`${id}\0${file}`),
    get parsed() {
      return parsed;
    },
    get prefiltered() {
      return prefiltered;
    },
  };
}
