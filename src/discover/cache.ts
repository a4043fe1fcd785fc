import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { FileError, FileFacts, Finding, SkipReason } from '../types.js';
import { MAY_BE_ABSENT, relativeTo, type Input, type WalkTrace } from './files.js';

/** The whole outcome of the last run, reusable when no input changed. */
export interface CachedResult {
  findings: Finding[];
  suppressed: number;
  errors: FileError[];
}

// 3: findings in the cached result carry `framework` and `shape`; 4: skips and internal errors are cached (`notes`);
// 5: facts changed since the facts file was written are in a delta file (`delta`);
// 6: a hash of each file's facts (`factsHashes`), and the last `fixable` verdicts with what they rest on.
const FORMAT = 6;
const HASH_LENGTH = 22;
const NO_HASH = '-'.repeat(HASH_LENGTH);
/**
 * A stat taken this close to the start of the run that read the file cannot vouch for its content:
 * a file written again within the file system's timestamp granularity keeps its size and mtime
 * (git calls this "racy"). Such files are saved with mtime -1, so the next run compares content
 * hashes instead; directories that recent are not trusted to list the same entries next time.
 */
const RACY_MS = 2_000;
/** The delta file is folded into the facts file once it holds more than this many files, or this share of all. */
const DELTA_MIN = 64;
const DELTA_SHARE = 0.05;

/**
 * The index file, read on every run, is columnar (one array per field, not an object per file):
 * it parses about five times faster. Facts live in a second file, read only when linking must run.
 */
interface IndexFile {
  tool: 'ws-mock-audit';
  format: typeof FORMAT;
  /** Tool version, facts options, prefilter, root: any change invalidates everything. */
  key: string;
  /** Written with the facts file; a facts file of another generation does not belong to this index. */
  generation: string;
  /**
   * The facts changed since the facts file was written live in a small second file (its id here):
   * a run that re-analyses a few files writes those, not the whole facts file again.
   */
  delta?: string;
  /** Paths relative to the root (the working directory, or the scanned paths' common directory). */
  files: string[];
  /** size, mtimeMs for each file (mtime -1: compare the content hash). */
  stats: number[];
  /** HASH_LENGTH characters per file. */
  hashes: string;
  /**
   * HASH_LENGTH characters per file: a hash of its facts as JSON (NO_HASH when it has none). A file
   * parsed again with the same facts (an edit in a comment, or at the end) leaves the result standing.
   */
  factsHashes: string;
  /**
   * One character per file: '1' it has facts, '0' the prefilter passed over it, or an outcome
   * that was reported (a skip reason's letter, or 'x' for an internal error) with its `notes` entry.
   */
  facts: string;
  /** What was reported about a file with an outcome other than facts (by path). */
  notes?: Record<string, string>;
  /** The last run's scanned files (indices into `files`), in order. */
  inputs: number[];
  /** What the last walk read (see WalkTrace): when it all still holds, the inputs are the same. */
  walk?: { key: string; paths: string[]; mtimes: number[] };
  /**
   * The last run's outcome; `linked` are the files it loaded for linking beyond the inputs, `key`
   * what else it depends on (rule settings, for one).
   */
  result?: CachedResult & { linked: number[]; key: string };
  /**
   * The codemod's last `fixable` verdicts, with the contents of the files it read: files of the table
   * by index (their stats vouch for them), others (package.json) by path. Dropped with the result
   * when the inputs change (the key does not hold them).
   */
  fixable?: { key: string; table: [index: number, hash: string][]; other: [name: string, hash: string | null][]; verdicts: boolean[] };
}

/** An unchanged file: whether it has facts (else the prefilter passed over it, or `outcome` says what happened). */
export interface CacheHit {
  hasFacts: boolean;
  outcome?: FileOutcome;
}
const WITH_FACTS: CacheHit = Object.freeze({ hasFacts: true });
const WITHOUT_FACTS: CacheHit = Object.freeze({ hasFacts: false });

/**
 * A file that yields no facts but a report: skipped for a reason, or an internal error. Cached like
 * facts (keyed on content and tool version), so a warm run reports it again without re-parsing it.
 */
export type FileOutcome = { skipped: SkipReason; message: string } | { failure: string };

const OUTCOME_FLAGS: Record<SkipReason | 'failure', string> = { minified: 'm', tooLarge: 'l', binary: 'b', notUtf8: 'u', unreadable: 'r', failure: 'x' };
const FLAG_REASONS = new Map(Object.entries(OUTCOME_FLAGS).map(([reason, flag]) => [flag, reason as SkipReason | 'failure']));

export interface FactsCache {
  /**
   * Whether a file is unchanged: size+mtime first, the content hash when they disagree (`readText`
   * is called then; the caller keeps the text).
   */
  lookup(file: string, readText: () => string | undefined): CacheHit | undefined;
  /** `lookup` for each input, aligned with them; inputs from `discovery` are found by position, not by path. */
  lookupAll(inputs: Input[], readText: (file: string) => string | undefined): (CacheHit | undefined)[];
  /** The cached facts of an unchanged file (loads the facts file on first use). */
  facts(file: string): FileFacts | undefined;
  /**
   * Records a file. Returns true when its facts (or their absence) are the ones cached before, so
   * that a result resting on them still holds; any other store makes the last result stale. (A
   * cache that cannot tell returns nothing.)
   */
  store(file: string, text: string, facts: FileFacts | null): boolean | void;
  /** Records a file that yields a report instead of facts (`text` undefined: it could not be read as text). */
  storeOutcome(file: string, text: string | undefined, outcome: FileOutcome): void;
  /** The last walk's inputs, when its key is this one and `stillHolds` says nothing it watched has changed. */
  discovery(walkKey: string, stillHolds: (names: readonly string[], mtimes: readonly number[], resolve: (name: string) => string) => boolean): Input[] | undefined;
  /**
   * Remembers this run's inputs, and its walk if mtimes can vouch for it next time; forgets the
   * result if the inputs differ. `scope` is what the run covers (the paths it was given): entries
   * there that the run did not see are gone and dropped on save; entries elsewhere are kept for
   * other runs (a hook scanning a few files keeps the cache of the full scan).
   */
  recordDiscovery(walkKey: string, inputs: Input[], trace: WalkTrace | undefined, scope: string[]): void;
  /**
   * The last run's result, if its key (what it depends on besides files) is this one, this run
   * scans the same files, all unchanged (the caller has looked every input up), and the files it
   * linked are unchanged too.
   */
  reusableResult(key: string, readText: (file: string) => string | undefined): CachedResult | undefined;
  /** Records the result; `linked` undefined keeps the files the last result was linked with (the same facts). */
  setResult(key: string, result: CachedResult, linked: string[] | undefined): void;
  /**
   * The codemod's last `fixable` verdicts if they were made under this key and every file they read
   * is as it was; null when made under this key but a file they read has changed; undefined when none.
   */
  fixableVerdicts?(key: string, readText: (file: string) => string | undefined): boolean[] | null | undefined;
  /** Records verdicts with the files the codemod read to make them (undefined: it could not read one). */
  setFixableVerdicts?(key: string, reads: Map<string, string | undefined>, verdicts: boolean[]): void;
  save(): void;
  warnings: string[];
}

export const DEFAULT_CACHE_LOCATION = path.join('node_modules', '.cache', 'ws-mock-audit');

export function hashText(text: string): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, HASH_LENGTH);
}

/** `root` is the directory cached paths are stored relative to. */
export function openCache(location: string, key: string, root: string): FactsCache {
  const startedAt = Date.now();
  const dir = location.endsWith('.json') ? path.dirname(location) : location;
  const indexFile = location.endsWith('.json') ? location : path.join(dir, 'index.json');
  const factsFile = indexFile.replace(/(\.json)?$/, '.facts.json');
  const deltaFile = indexFile.replace(/(\.json)?$/, '.facts-delta.json');
  const warnings: string[] = [];
  const index = readIndex(indexFile, key, warnings);

  // The table works on the parsed arrays in place (a warm run touches 50,000 entries or more):
  // `stats` holds size, mtime pairs; changed hashes go to `newHashes`; `seen` marks what this run
  // used, and the rest is dropped on save.
  const files = index?.files ?? [];
  const stats = index?.stats ?? [];
  const hashes = index?.hashes ?? '';
  const newHashes = new Map<number, string>();
  const factsHashes = index?.factsHashes ?? '';
  const newFactsHashes = new Map<number, string>();
  const hasFacts = Array.from(index?.facts ?? '', (flag) => flag === '1');
  const flags = Array.from(index?.facts ?? '');
  const notes = new Map(Object.entries(index?.notes ?? {}));
  const seen = new Uint8Array(files.length);
  const isSeen = (i: number): boolean => (i < seen.length ? seen[i] === 1 : true);
  const markSeen = (i: number): void => {
    if (i < seen.length) seen[i] = 1;
  };
  const hashAt = (i: number): string => newHashes.get(i) ?? (i < seen.length ? hashes.slice(i * HASH_LENGTH, (i + 1) * HASH_LENGTH) : NO_HASH);
  const factsHashAt = (i: number): string => newFactsHashes.get(i) ?? (i < seen.length ? factsHashes.slice(i * HASH_LENGTH, (i + 1) * HASH_LENGTH) : NO_HASH);
  let position: Map<string, number> | undefined;
  const positions = (): Map<string, number> => (position ??= new Map(files.map((file, i) => [file, i])));
  /**
   * Table positions known without `positions()` (a map of every path, ~10 ms on 17,000 files): the
   * inputs a replayed walk found changed, and the files the last verdicts read. A warm run with an
   * edit then never builds the map.
   */
  const near = new Map<string, number>();
  const indexOf = (target: string): number | undefined => near.get(target) ?? positions().get(keyOf(target));

  let generation = index?.generation ?? '';
  let delta = index?.delta;
  /** Files whose facts live in the delta file (loaded from it, or changed by this run). */
  const inDelta = new Set<string>();
  let deltaLost = false;
  let walk = index?.walk;
  let lastInputs = index?.inputs ?? [];
  let result = index?.result;
  let fixable = index?.fixable;
  let replayed: Input[] | undefined;
  let scopeKeys: string[] = [];
  let dirty = false;
  let factsDirty = false;

  // Paths are stored relative to the root, which keeps the index small.
  const prefix = root.endsWith(path.sep) ? root : `${root}${path.sep}`;
  const keyOf = (file: string): string => relativeTo(root, file);
  const fileOf = (name: string): string => (name.startsWith('..') || path.isAbsolute(name) ? path.resolve(root, name) : `${prefix}${name}`);
  /** The table position of a path, added (unknown: size -1) if new; marked as used. */
  const slot = (name: string): number => {
    let i = positions().get(name);
    if (i === undefined) {
      i = files.push(name) - 1;
      stats.push(-1, -1);
      hasFacts.push(false);
      flags.push('0');
      positions().set(name, i);
    }
    markSeen(i);
    return i;
  };

  let facts: Record<string, FileFacts> | undefined;
  const loadFacts = (): Record<string, FileFacts> => {
    if (facts) return facts;
    facts = {};
    if (!index) return facts;
    try {
      const parsed = JSON.parse(readFileSync(factsFile, 'utf8')) as { generation?: string; facts?: Record<string, FileFacts> };
      if (parsed.generation === generation && parsed.facts && typeof parsed.facts === 'object') facts = parsed.facts;
    } catch {
      // A lost or unreadable facts file only means the facts are derived again; the stat index stays.
    }
    if (delta && !mergeDelta(facts)) {
      // Without its delta the facts file is out of date for files the index cannot name: none is
      // trusted, and the next save writes the facts file afresh with what this run derives.
      facts = {};
      delta = undefined;
      inDelta.clear();
      deltaLost = true;
      dirty = true;
      factsDirty = true;
    }
    return facts;
  };

  /** Applies the delta file to the facts; false when it is lost, unreadable or not the one the index was written with. */
  const mergeDelta = (into: Record<string, FileFacts>): boolean => {
    let parsed: { generation?: string; delta?: string; facts?: Record<string, FileFacts | null> };
    try {
      parsed = JSON.parse(readFileSync(deltaFile, 'utf8')) as typeof parsed;
    } catch {
      return false;
    }
    if (parsed.generation !== generation || parsed.delta !== delta || !parsed.facts || typeof parsed.facts !== 'object') return false;
    for (const [name, fileFacts] of Object.entries(parsed.facts)) {
      inDelta.add(name);
      if (fileFacts) into[name] = fileFacts;
      else delete into[name];
    }
    return true;
  };

  const lookupAt = (i: number | undefined, target: string, readText: (file: string) => string | undefined): CacheHit | undefined => {
    if (i === undefined || stats[2 * i] === -1) return undefined;
    const now = statSync(target, MAY_BE_ABSENT);
    if (!now || now.size !== stats[2 * i]) return undefined;
    if (now.mtimeMs !== stats[2 * i + 1]) {
      const text = readText(target);
      if (text === undefined || hashText(text) !== hashAt(i)) return undefined;
      stats[2 * i + 1] = now.mtimeMs;
      dirty = true;
    }
    markSeen(i);
    if (hasFacts[i]) return WITH_FACTS;
    const reason = FLAG_REASONS.get(flags[i] as string);
    if (!reason) return WITHOUT_FACTS;
    const note = notes.get(files[i] as string) ?? '';
    return { hasFacts: false, outcome: reason === 'failure' ? { failure: note } : { skipped: reason, message: note } };
  };
  /** A file's slot with its stat and content hash as of now (without text, nothing to hash: a changed mtime is then a change). */
  const record = (target: string, text: string | undefined): { name: string; i: number } => {
    const name = keyOf(target);
    const nearby = near.get(target);
    if (nearby !== undefined) markSeen(nearby);
    const i = nearby ?? slot(name);
    const now = statSync(target, { throwIfNoEntry: false });
    stats[2 * i] = now?.size ?? -1;
    stats[2 * i + 1] = now?.mtimeMs ?? -1;
    newHashes.set(i, text === undefined ? NO_HASH : hashText(text));
    return { name, i };
  };
  const lookup: FactsCache['lookup'] = (target, readText) => lookupAt(positions().get(keyOf(target)), target, readText);
  /** A file's content hash now (null: unreadable): from the table when its stat vouches for it, else from its text. */
  const contentHash = (target: string, i: number | undefined, readText: (file: string) => string | undefined): string | null => {
    if (i !== undefined && hashAt(i) !== NO_HASH && lookupAt(i, target, readText)) return hashAt(i);
    const text = readText(target);
    return text === undefined ? null : hashText(text);
  };

  return {
    warnings,
    lookup,
    lookupAll(inputs, readText) {
      const hits: (CacheHit | undefined)[] = new Array(inputs.length);
      // The replayed list is the table's order: no path look-up. The text is only read when a
      // file's mtime moved but its size did not (then its hash decides).
      for (let k = 0; k < inputs.length; k++) {
        const { file } = inputs[k] as Input;
        const i = inputs === replayed ? lastInputs[k] : positions().get(keyOf(file));
        hits[k] = lookupAt(i, file, readText);
        if (!hits[k] && i !== undefined) near.set(file, i);
      }
      return hits;
    },
    facts(target) {
      return loadFacts()[keyOf(target)];
    },
    store(target, text, fileFacts) {
      const before = indexOf(target);
      // Recorded by an earlier run (a slot made in this one has no stat yet).
      const wasKnown = before !== undefined && stats[2 * before] !== -1;
      const { name, i } = record(target, text);
      const factsHash = fileFacts === null ? NO_HASH : hashText(JSON.stringify(fileFacts));
      // Known before with these very facts (or, like before, none): nothing that rests on them changes.
      const known = wasKnown && (flags[i] === '1' || flags[i] === '0') && factsHashAt(i) === factsHash;
      dirty = true;
      if (known) {
        // Analysed again because its facts were lost (a lost facts or delta file): put them back.
        if (fileFacts && facts && !facts[name]) {
          facts[name] = fileFacts;
          inDelta.add(name);
          factsDirty = true;
        }
        return true;
      }
      newFactsHashes.set(i, factsHash);
      hasFacts[i] = fileFacts !== null;
      flags[i] = fileFacts !== null ? '1' : '0';
      notes.delete(name);
      const all = loadFacts();
      if (fileFacts || all[name]) inDelta.add(name);
      if (fileFacts) all[name] = fileFacts;
      else delete all[name];
      result = undefined;
      factsDirty = true;
      return false;
    },
    storeOutcome(target, text, outcome) {
      const { name, i } = record(target, text);
      newFactsHashes.set(i, NO_HASH);
      hasFacts[i] = false;
      flags[i] = 'skipped' in outcome ? OUTCOME_FLAGS[outcome.skipped] : OUTCOME_FLAGS.failure;
      notes.set(name, 'skipped' in outcome ? outcome.message : outcome.failure);
      if (facts?.[name]) {
        delete facts[name];
        inDelta.add(name);
        factsDirty = true;
      }
      result = undefined;
      dirty = true;
    },
    discovery(walkKey, stillHolds) {
      if (!walk || walk.key !== walkKey) return undefined;
      const { paths, mtimes } = walk;
      if (!stillHolds(paths, mtimes, fileOf)) return undefined;
      replayed = lastInputs.map((i) => ({ file: fileOf(files[i] as string), explicit: false }));
      return replayed;
    },
    recordDiscovery(walkKey, inputs, trace, scope) {
      scopeKeys = scope.map(keyOf);
      if (inputs === replayed) {
        for (const i of lastInputs) markSeen(i);
        return;
      }
      const next = inputs.map((input) => slot(keyOf(input.file)));
      if (next.length !== lastInputs.length || next.some((i, k) => i !== lastInputs[k])) {
        result = undefined;
        fixable = undefined;
      }
      lastInputs = next;
      // Racy directories (changed around now) are not trusted: the next run walks again.
      // (Negative values stand for "absent" or "present", not for times.)
      const recent = trace ? [...trace.watched.values()].some((mtime) => mtime > startedAt - RACY_MS) : true;
      walk = trace?.exact && !recent ? { key: walkKey, paths: [...trace.watched.keys()].map(keyOf), mtimes: [...trace.watched.values()] } : undefined;
      dirty = true;
    },
    reusableResult(key, readText) {
      if (!result || result.key !== key) return undefined;
      for (const i of result.linked) {
        const file = fileOf(files[i] as string);
        if (!lookupAt(i, file, readText)) return undefined;
      }
      return result;
    },
    setResult(key, next, linked) {
      const kept = linked === undefined ? result?.linked : linked.map((file) => slot(keyOf(file)));
      result = kept && { ...next, key, linked: kept };
      dirty = true;
    },
    fixableVerdicts(key, readText) {
      if (!fixable || fixable.key !== key) return undefined;
      for (const [i] of fixable.table) near.set(fileOf(files[i] as string), i);
      for (const [i, hash] of fixable.table) if (contentHash(fileOf(files[i] as string), i, readText) !== hash) return null;
      for (const [name, hash] of fixable.other) if (contentHash(fileOf(name), undefined, readText) !== hash) return null;
      return fixable.verdicts;
    },
    setFixableVerdicts(key, reads, verdicts) {
      const next: NonNullable<typeof fixable> = { key, table: [], other: [], verdicts };
      for (const [file, text] of reads) {
        const name = keyOf(file);
        const i = indexOf(file);
        const hash = text === undefined ? null : hashText(text);
        if (i !== undefined && hash !== null) next.table.push([i, hash]);
        else next.other.push([name, hash]);
      }
      fixable = next;
      dirty = true;
    },
    save() {
      if (!dirty) return;
      try {
        mkdirSync(dir, { recursive: true });
        const inScope = (name: string): boolean => scopeKeys.some((prefix) => prefix === '' || name === prefix || name.startsWith(`${prefix}${path.sep}`));
        const kept = files.flatMap((name, i) => (isSeen(i) || !inScope(name) ? [i] : []));
        const renumber = new Map(kept.map((i, j) => [i, j]));
        // A result is only worth keeping with every file it depends on.
        if (result && !result.linked.every((i) => renumber.has(i))) result = undefined;
        if (fixable && !fixable.table.every(([i]) => renumber.has(i))) fixable = undefined;
        if (facts && factsDirty) {
          if (generation && !deltaLost && inDelta.size <= Math.max(DELTA_MIN, kept.length * DELTA_SHARE)) {
            // A few files changed: only they are written; the facts file stays as it is.
            const changed: Record<string, FileFacts | null> = {};
            for (const name of inDelta) changed[name] = facts[name] ?? null;
            delta = `${Date.now().toString(36)}-${process.pid}`;
            writeAtomically(deltaFile, asciiJson({ generation, delta, facts: changed }));
          } else {
            const prunedFacts: Record<string, FileFacts> = {};
            for (const i of kept) {
              const fileFacts = facts[files[i] as string];
              if (hasFacts[i] && fileFacts) prunedFacts[files[i] as string] = fileFacts;
            }
            generation = `${Date.now().toString(36)}-${process.pid}`;
            delta = undefined;
            inDelta.clear();
            writeAtomically(factsFile, asciiJson({ generation, facts: prunedFacts }));
          }
        }
        const at = (i: number): number => renumber.get(i) as number;
        const out: IndexFile = {
          tool: 'ws-mock-audit',
          format: FORMAT,
          key,
          generation,
          ...(delta ? { delta } : {}),
          files: kept.map((i) => files[i] as string),
          // Smudge racy stats: the next run checks those files' content.
          stats: kept.flatMap((i) => [stats[2 * i] as number, (stats[2 * i + 1] as number) > startedAt - RACY_MS ? -1 : (stats[2 * i + 1] as number)]),
          hashes: kept.map(hashAt).join(''),
          factsHashes: kept.map(factsHashAt).join(''),
          facts: kept.map((i) => (hasFacts[i] ? '1' : (flags[i] ?? '0'))).join(''),
          notes: Object.fromEntries(kept.flatMap((i) => (notes.has(files[i] as string) ? [[files[i] as string, notes.get(files[i] as string) as string]] : []))),
          inputs: lastInputs.map(at),
          walk,
          result: result && { ...result, linked: result.linked.map(at) },
          fixable: fixable && { ...fixable, table: fixable.table.map(([i, hash]): [number, string] => [at(i), hash]) },
        };
        writeAtomically(indexFile, asciiJson(out));
      } catch (error) {
        warnings.push(`could not write the cache in ${dir}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
      }
    },
  };
}

/** The index if it belongs to this tool, format and key; a warning when the file is someone else's or corrupt. */
function readIndex(indexFile: string, key: string, warnings: string[]): IndexFile | undefined {
  let parsed: Partial<IndexFile>;
  try {
    parsed = JSON.parse(readFileSync(indexFile, 'utf8')) as Partial<IndexFile>;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') warnings.push(`ignoring ${indexFile}: ${code ?? 'unreadable or corrupt'}`);
    return undefined;
  }
  if (parsed?.tool !== 'ws-mock-audit') {
    warnings.push(`ignoring ${indexFile}: not a ws-mock-audit cache file`);
    return undefined;
  }
  // Another version of the tool or another configuration: start afresh, silently.
  if (parsed.format !== FORMAT || parsed.key !== key) return undefined;
  const count = Array.isArray(parsed.files) ? parsed.files.length : -1;
  const inRange = (i: unknown): boolean => Number.isInteger(i) && (i as number) >= 0 && (i as number) < count;
  const valid =
    count >= 0 &&
    Array.isArray(parsed.stats) &&
    parsed.stats.length === 2 * count &&
    typeof parsed.hashes === 'string' &&
    parsed.hashes.length === count * HASH_LENGTH &&
    typeof parsed.factsHashes === 'string' &&
    parsed.factsHashes.length === count * HASH_LENGTH &&
    (parsed.fixable === undefined ||
      (typeof parsed.fixable.key === 'string' && Array.isArray(parsed.fixable.table) && parsed.fixable.table.every((entry) => Array.isArray(entry) && inRange(entry[0])) && Array.isArray(parsed.fixable.other) && Array.isArray(parsed.fixable.verdicts))) &&
    typeof parsed.facts === 'string' &&
    parsed.facts.length === count &&
    Array.isArray(parsed.inputs) &&
    (parsed.notes === undefined || (typeof parsed.notes === 'object' && parsed.notes !== null)) &&
    (parsed.delta === undefined || typeof parsed.delta === 'string') &&
    parsed.inputs.every(inRange) &&
    (parsed.result === undefined || (typeof parsed.result.key === 'string' && Array.isArray(parsed.result.linked) && parsed.result.linked.every(inRange) && Array.isArray(parsed.result.findings))) &&
    (parsed.walk === undefined || (Array.isArray(parsed.walk.paths) && Array.isArray(parsed.walk.mtimes) && parsed.walk.paths.length === parsed.walk.mtimes.length));
  if (!valid) {
    warnings.push(`ignoring ${indexFile}: corrupt (fields missing or inconsistent)`);
    return undefined;
  }
  return parsed as IndexFile;
}

const NON_ASCII = /[\u007f-\uffff]/;

/**
 * JSON with every character beyond ASCII escaped. One such character anywhere (a folder named
 * `worker-♫` in a real repository) makes V8 read the whole multi-megabyte file as a two-byte
 * string, which decodes and parses markedly slower (measured on the real corpus: 6% of a warm run's
 * own instructions).
 */
function asciiJson(value: unknown): string {
  const json = JSON.stringify(value);
  return NON_ASCII.test(json) ? json.replace(/[\u007f-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`) : json;
}

function writeAtomically(file: string, text: string): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, file);
}
