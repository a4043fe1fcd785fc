import { createHash } from 'node:crypto';
import type { CachedResult, CacheHit, FactsCache, FileOutcome } from '../discover/cache.js';
import type { Input } from '../discover/files.js';
import type { FileFacts } from '../types.js';

/**
 * A facts cache keyed by path and content (git blob id), shared by every commit of a history and
 * the work tree: a file is parsed once per content, however many commits hold it. (Facts name
 * their file, so the path is part of the key.) It lives for one `report` run.
 */
export interface ContentCache {
  /**
   * A `FactsCache` view for one snapshot: `idOf` tells a file's blob id (from a git tree, the index,
   * or by hashing the text; it is called often, so one that hashes should remember its answers).
   */
  view(idOf: (file: string, readText: () => string | undefined) => string | undefined): FactsCache;
  /** Whether this content of this file has been met (parsed or skipped). */
  knows(file: string, id: string): boolean;
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
  /** Path → blob id → facts (null: skipped by the prefilter). */
  const entries = new Map<string, Map<string, FileFacts | null>>();
  const entry = (file: string, id: string | undefined): FileFacts | null | undefined => (id === undefined ? undefined : entries.get(file)?.get(id));
  /** Contents skipped or failed (an internal error), by blob id and path: reported again for every snapshot that holds them. */
  const outcomes = new Map<string, FileOutcome>();
  let parsed = 0;
  let prefiltered = 0;
  /** The last result and the contents it rests on: reused by the next snapshot if none of that changed. */
  let last: { key: string; inputs: string; withFacts: string; deps: [string, string][]; result: CachedResult } | undefined;
  /** Signature of an input list, recomputed only for a new list (a history passes the same array while no file comes or goes). */
  let signed: { inputs: Input[]; signature: string } | undefined;
  const signatureOf = (inputs: Input[]): string => {
    if (signed?.inputs !== inputs) signed = { inputs, signature: createHash('sha1').update(inputs.map((input) => input.file).join('\0')).digest('hex') };
    return signed.signature;
  };

  const view: ContentCache['view'] = (idOf) => {
    let inputs: Input[] = [];
    let isInput = new Set<string>();
    /** Inputs whose content has facts (not skipped by the prefilter): what a result rests on besides linked files. */
    const withFacts = new Set<string>();
    const lookup = (file: string, readText: () => string | undefined): CacheHit | undefined => {
      const id = idOf(file, readText);
      const outcome = id === undefined ? undefined : outcomes.get(`${id}\0${file}`);
      if (outcome) return { hasFacts: false, outcome };
      const found = entry(file, id);
      if (found === undefined) return undefined;
      return found ? WITH_FACTS : WITHOUT_FACTS;
    };
    const factsList = (): string => [...withFacts].sort().join('\0');
    return {
      warnings: [],
      lookup,
      lookupAll(all, readText) {
        inputs = all;
        isInput = new Set(all.map((input) => input.file));
        return all.map(({ file }) => {
          const hit = lookup(file, () => readText(file));
          if (hit?.hasFacts) withFacts.add(file);
          return hit;
        });
      },
      facts: (file) => entry(file, idOf(file, () => undefined)) ?? undefined,
      store(file, text, facts) {
        const id = idOf(file, () => text);
        if (id === undefined) return;
        let byId = entries.get(file);
        if (!byId) entries.set(file, (byId = new Map()));
        const before = byId.get(id);
        if (facts && !before) parsed++;
        else if (!facts && before === undefined) prefiltered++;
        byId.set(id, facts);
        if (facts && isInput.has(file)) withFacts.add(file);
      },
      storeOutcome(file, text, outcome) {
        const id = idOf(file, () => text);
        if (id !== undefined) outcomes.set(`${id}\0${file}`, outcome);
      },
      discovery: () => undefined,
      recordDiscovery: () => undefined,
      reusableResult(key, readText) {
        if (!last || last.key !== key || last.inputs !== signatureOf(inputs) || last.withFacts !== factsList()) return undefined;
        for (const [file, id] of last.deps) if (idOf(file, () => readText(file)) !== id) return undefined;
        return last.result;
      },
      setResult(key, result, linked) {
        // Findings re-confirmed over the same facts: what the result rests on is the same.
        if (linked === undefined) {
          if (last?.key === key) last = { ...last, result };
          return;
        }
        const deps = [...withFacts, ...linked].flatMap((file): [string, string][] => {
          const id = idOf(file, () => undefined);
          return id ? [[file, id]] : [];
        });
        last = { key, inputs: signatureOf(inputs), withFacts: factsList(), deps, result };
      },
      save: () => undefined,
    };
  };
  return {
    view,
    knows: (file, id) => entries.get(file)?.has(id) ?? false,
    get parsed() {
      return parsed;
    },
    get prefiltered() {
      return prefiltered;
    },
  };
}
