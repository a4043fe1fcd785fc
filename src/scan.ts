import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { RULES } from '../rules/index.js';
import { loadConfig, type Config } from './discover/config.js';
import { discoverFiles, discoverStaged, isSourceFile, projectRoot, toPosix, walkStillHolds, type Discovery, type Input, type WalkTrace } from './discover/files.js';
import { DEFAULT_CACHE_LOCATION, openCache, type FactsCache, type FileOutcome } from './discover/cache.js';
import { openGitIndex, workTreeReader, type SourceReader } from './discover/source.js';
import type { ReadResult } from './discover/read.js';
import type { Extracted, FactsPool, Scanned, ScanStream } from './facts/pool.js';
import type { TypeOracle } from './facts/type-oracle.js';
import { ISSUES_URL, packageVersion } from './package-info.js';
import { compareText as cmp } from './compare.js';
import { describeError, isStackOverflow } from './errors.js';
import { isActionable, mayRewrite, verdictKey, withVerdicts } from './codemod/actionable.js';
import { createPrefilter, isMinified } from './prefilter/index.js';
import { KeptFiles } from './facts/kept.js';
import { createFileReader, readInputs, type Walked } from './prefilter/files.js';
import type { RuleFinding } from './rule.js';
import type { FileError, FileFacts, Finding, Severity, SkipReason, SuppressionFact } from './types.js';

export interface ScanOptions {
  /** Files and directories; none means the current directory. */
  paths?: string[];
  cwd?: string;
  /** Path of a config file; otherwise found by walking up from the first path. */
  config?: string;
  includeTests?: boolean;
  /** Skip files that cannot start a WebSocket scope without parsing them (default true). */
  prefilter?: boolean;
  /** Scan the content staged in the git index instead of the work tree. */
  staged?: boolean;
  /** Use the project's tsconfig and the TypeScript type checker where names alone cannot decide. */
  typeAware?: boolean;
  /** tsconfig for --type-aware; default: the nearest tsconfig.json above the first path. */
  tsconfig?: string;
  /** Worker threads for parsing; default: the available cores. */
  jobs?: number;
  /** Reuse per-file facts from earlier runs (not with --staged or --type-aware). */
  cache?: boolean;
  /** Cache directory or file; default node_modules/.cache/ws-mock-audit under cwd. */
  cacheLocation?: string;
  /** Contents to use instead of the files' own (the codemod checks its output before writing). */
  overlay?: Map<string, string>;
  /**
   * Scan these inputs, read through this reader, instead of walking the work tree (`report --history`
   * reads a commit's blobs; it filters each path once, with `discoverStaged`, as a walk would).
   */
  source?: { reader: SourceReader; inputs: Input[] };
  /** A facts cache of the caller's (`report --history` shares one keyed by content across commits); overrides `cache`. */
  factsCache?: FactsCache;
}

export interface ScanStats {
  filesDiscovered: number;
  filesPrefiltered: number;
  /** Files not analysed as minified or bundled output (also in `ScanResult.skipped`). */
  filesMinified: number;
  filesParsed: number;
  filesFromCache: number;
  filesLinkedLazily: number;
  /** The file list came from the cache: no directory the last walk read had changed. */
  walkFromCache: boolean;
  /** The codemod's `fixable` verdicts came from the cache: none of the files it read had changed (it did not load). */
  fixableFromCache: boolean;
  jobs: number;
  /** Worker threads actually started (0: small batches are parsed in-process). */
  workers: number;
  /** The files that took longest to parse and analyse, slowest first (at most five). */
  slowest: { file: string; ms: number }[];
  /** Milliseconds per stage. */
  timings: { discover: number; read: number; facts: number; link: number; rules: number };
}

/** A scanned file that was not analysed, and why. */
export interface SkippedFile {
  file: string;
  reason: SkipReason;
  message: string;
}

export interface ScanResult {
  findings: Finding[];
  /** Per-file problems; `kind: 'internal'` ones make the run fail (SPEC §4). */
  errors: FileError[];
  /** Discovered files that were not analysed (minified, too large, binary, not UTF-8, unreadable). */
  skipped: SkippedFile[];
  suppressed: number;
  stats: ScanStats;
  durationMs: number;
  config: Config;
  /** Source text of a file, read on demand (code frames, baselines) from where the scan read it. */
  source(file: string): string | undefined;
  /** Problems that affect no single file (an unusable cache). */
  warnings: string[];
}

type FactsModule = typeof import('./facts/index.js');

/**
 * Below this many files, worker threads (each loads the parser, ~0.3 s) cost more than they save:
 * measured with `npm run bench` on 2 cores.
 */
const POOL_MIN_FILES = 2_000;
/**
 * Nor for a few files to parse in a large scan (a warm run after an edit): starting a thread that
 * loads the parser while this one waits costs more than parsing them here.
 */
const POOL_MIN_PARSED = 16;
type Graph = ReturnType<typeof import('./link/index.js').link>;

interface RawFinding extends RuleFinding {
  ruleId: string;
  severity: Severity;
}

/** Runs the whole pipeline: discover → prefilter → facts → link → rules. */
export async function scan(options: ScanOptions = {}): Promise<ScanResult> {
  const clock = stopwatch();
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const paths = options.paths && options.paths.length > 0 ? options.paths : ['.'];
  const config = loadScanConfig(options);
  const includeTests = options.includeTests ?? false;
  const prefilterOn = options.prefilter !== false;
  const jobs = Math.max(1, options.typeAware ? 1 : (options.jobs ?? availableParallelism()));
  /** Workers the walk handed files to as it found them (a cold scan of a large tree). */
  let cold: ColdScan | undefined;
  let walkerStopping: Promise<void> | undefined;
  const useCache = Boolean(options.cache) && !options.staged && !options.typeAware && !options.overlay;
  // Cached paths are relative to the working directory, or to the scanned paths' common directory
  // when they lie outside it: runs over different parts of a project share one cache.
  const scannedDirs = paths.map((given) => startDir(cwd, given));
  const cacheRoot = scannedDirs.every((dir) => dir === cwd || dir.startsWith(`${cwd}${path.sep}`)) ? cwd : commonDir(scannedDirs);
  const cache = options.factsCache ?? (useCache ? openCache(path.resolve(cwd, options.cacheLocation ?? DEFAULT_CACHE_LOCATION), cacheKey(config, prefilterOn, cacheRoot), cacheRoot) : undefined);
  // Besides the files, the result depends on rule settings and on what fingerprints are relative to.
  const fingerprintRoot = projectRoot(cwd);
  const resultKey = cache ? JSON.stringify([fingerprintRoot, config.rules]) : '';
  // The parser and everything behind it load only when some file has to be parsed.
  let factsModule: FactsModule | undefined;
  let oracle: TypeOracle | undefined;
  const parser = async (): Promise<FactsModule> => {
    if (factsModule) return factsModule;
    factsModule = await import('./facts/index.js');
    if (options.typeAware) oracle = await typeOracleFor(candidates, cwd, paths[0] ?? '.', options.tsconfig, config);
    return factsModule;
  };
  /** One file analysed on this thread: its facts, or the error that stopped them. */
  const extractHere = (facts: FactsModule, file: string, text: string): Extracted => {
    const started = performance.now();
    try {
      return { facts: facts.extractFacts(file, text, config.facts, oracle), ms: performance.now() - started };
    } catch (error) {
      return { error: describeError(error), overflow: isStackOverflow(error), ms: performance.now() - started };
    }
  };
  // A cold scan whose worker walks, reads and prefilters (fewer than PARSING_WORKERS_FROM_JOBS
  // threads) analyses the files it keeps here, each as soon as its text comes in and this thread is free.
  const kept = new KeptFiles(async () => {
    const facts = await parser();
    return (file, text) => extractHere(facts, file, text);
  });
  let reader: SourceReader = workTreeReader;
  let discovery: Discovery;
  let walkReplayed = false;
  if (options.source) {
    reader = options.source.reader;
    discovery = { inputs: options.source.inputs, errors: [] };
  } else if (options.staged) {
    const index = openGitIndex(cwd);
    reader = index.reader;
    discovery = discoverStaged(index.staged, paths, cwd, config, includeTests, index.indexed);
  } else if (cache) {
    // A warm run skips the walk when no directory it read has changed since.
    const key = walkKey(paths, cwd, config, includeTests);
    const replayed = cache.discovery(key, walkStillHolds);
    walkReplayed = replayed !== undefined;
    const trace: WalkTrace = { watched: new Map(), exact: true };
    discovery = replayed ? { inputs: replayed, errors: [] } : discoverFiles(paths, cwd, config, includeTests, trace);
    cache.recordDiscovery(key, discovery.inputs, replayed ? undefined : trace, paths.map((given) => path.resolve(cwd, given)));
  } else {
    discovery = await walkIntoWorkers(paths, cwd, config, includeTests, options, jobs, prefilterOn, kept, parser, (pool) => (cold = pool));
  }
  const walkedWhileParsing = Math.round(kept.ms);
  const timings = { discover: clock.lap() - walkedWhileParsing, read: 0, facts: 0, link: 0, rules: 0 };
  if (options.overlay) reader = withOverlay(reader, options.overlay);
  const errors: FileError[] = [...discovery.errors];
  const warnings: string[] = [];
  const texts = new Map<string, string>();
  const prefilter = prefilterOn ? createPrefilter(config.facts, options.typeAware) : () => true;
  // `skippedNow`: read this run and dropped by the prefilter (they cannot change the result unless linked);
  // `sameFacts`: parsed this run, with the facts the cache had for them (an edit that changed no fact).
  const stats = { prefiltered: 0, skippedNow: 0, minified: 0, parsed: 0, fromCache: 0, lazily: 0, sameFacts: 0 };
  const skipped: SkippedFile[] = [];
  // A file named on the command line is always analysed: no size limit, never "minified".
  const named = new Set(discovery.inputs.filter((input) => input.explicit).map((input) => input.file));
  for (const error of discovery.errors) if (error.kind === 'unreadable') skipped.push({ file: error.file, reason: 'unreadable', message: error.message });
  const slowest: { file: string; ms: number }[] = [];

  /** Reads a file once, keeping its text. */
  const readOnce = (file: string): ReadResult => {
    const known = texts.get(file);
    if (known !== undefined) return { ok: true, text: known };
    const read = reader.read(file, named.has(file) ? Number.POSITIVE_INFINITY : config.maxFileSize);
    if (read.ok) texts.set(file, read.text);
    return read;
  };
  /** `readOnce`, reporting a failure as a per-file error. */
  const readText = (file: string): string | undefined => {
    const read = readOnce(file);
    if (read.ok) return read.text;
    errors.push({ file, message: read.message, kind: read.skipped });
    return undefined;
  };
  /** `readOnce` for cache look-ups: a file that cannot be read is a miss, reported when it is read for real. */
  const peekText = (file: string): string | undefined => {
    const read = readOnce(file);
    return read.ok ? read.text : undefined;
  };
  /** A scanned file that is not analysed: counted in the summary, remembered by the cache. */
  const skip = (file: string, text: string | undefined, reason: SkipReason, message: string): void => {
    skipped.push({ file, reason, message });
    if (reason === 'minified') stats.minified++;
    // Permissions change without touching mtime: an unreadable file is tried again next time.
    if (reason !== 'unreadable') cache?.storeOutcome(file, text, { skipped: reason, message });
  };
  /** A cached outcome, reported again as when it happened. */
  const replay = (file: string, outcome: FileOutcome): void => {
    if ('failure' in outcome) {
      errors.push({ file, message: outcome.failure, kind: 'internal' });
      return;
    }
    skipped.push({ file, reason: outcome.skipped, message: outcome.message });
    if (outcome.skipped === 'minified') stats.minified++;
    else errors.push({ file, message: outcome.message, kind: outcome.skipped });
  };

  // Large scans start workers once a batch of files needs parsing: they load the parser and parse
  // while this thread goes on reading and prefiltering (--jobs n: this thread and n - 1 workers).
  // A warm run where everything, or all but a few files, comes from the cache starts none.
  const poolModule = !cold && jobs > 1 && !options.typeAware && discovery.inputs.length >= POOL_MIN_FILES ? await import('./facts/pool.js') : undefined;
  // Workers that only read are done once the walk's files are read; those that parse also take linked files.
  let pool: FactsPool | undefined = cold?.pool;
  let workersStarted = cold?.workers ?? 0;
  const pending: Promise<Extracted[]>[] = [];
  let batch: { file: string; text: string }[] = [];
  const flush = (): void => {
    if (pool && batch.length > 0) pending.push(pool.submit(batch));
    batch = [];
  };

  /** Files whose facts come from the cache; read from it only if linking has to run. */
  const cachedFactFiles: string[] = [];
  const candidates: { file: string; text: string }[] = [];
  const hits = cache?.lookupAll(discovery.inputs, peekText);
  for (const [k, { file }] of cold ? [] : discovery.inputs.entries()) {
    const hit = hits?.[k];
    // Skipped as minified in a walk, now named: analysed after all.
    const renamed = hit?.outcome && 'skipped' in hit.outcome && hit.outcome.skipped === 'minified' && named.has(file);
    if (hit && !renamed) {
      stats.fromCache++;
      if (hit.hasFacts) cachedFactFiles.push(file);
      else if (hit.outcome) replay(file, hit.outcome);
      else stats.prefiltered++;
      continue;
    }
    const read = readOnce(file);
    if (!read.ok) {
      errors.push({ file, message: read.message, kind: read.skipped });
      skip(file, undefined, read.skipped, read.message);
      continue;
    }
    const { text } = read;
    const minified = !named.has(file) && isMinified(file, text);
    if (minified) {
      skip(file, text, 'minified', MINIFIED_MESSAGE);
      texts.delete(file);
      continue;
    }
    if (!prefilter(text)) {
      stats.prefiltered++;
      stats.skippedNow++;
      cache?.store(file, text, null);
      texts.delete(file);
      continue;
    }
    candidates.push({ file, text });
    if (poolModule && (pool || candidates.length >= POOL_MIN_PARSED)) {
      if (!pool) {
        pool = poolModule.startPool(jobs - 1, config.facts);
        workersStarted = pool.workers;
        batch.push(...candidates.slice(0, -1));
      }
      batch.push({ file, text });
      if (batch.length >= 16) flush();
    }
  }
  flush();
  timings.read = clock.lap();

  const parseAll = async (items: { file: string; text: string }[], submitted?: Promise<Extracted[]>[]): Promise<FileFacts[]> => {
    if (items.length === 0) return [];
    let results: Extracted[];
    if (pool) {
      results = (await Promise.all(submitted ?? [pool.submit(items)])).flat();
    } else {
      const facts = await parser();
      results = items.map(({ file, text }) => extractHere(facts, file, text));
    }
    return settle(items, await retryDeepFiles(items, results, config));
  };
  /** Files' outcomes: facts kept, failures reported as internal errors, the slowest noted. */
  const settle = (items: { file: string; text: string }[], results: Extracted[]): FileFacts[] => {
    stats.parsed += items.length;
    return results.flatMap((result, index) => {
      const item = items[index] as { file: string; text: string };
      if (result.ms !== undefined) noteTime(slowest, item.file, result.ms);
      if ('error' in result) {
        const failure = internalErrorMessage(result);
        errors.push({ file: item.file, message: failure, kind: 'internal' });
        cache?.storeOutcome(item.file, item.text, { failure });
        return [];
      }
      if (cache?.store(item.file, item.text, result.facts) === true) stats.sameFacts++;
      return [result.facts];
    });
  };

  const inputFiles = (): string[] => discovery.inputs.map((input) => input.file);
  let fixableFromCache = false;

  /** Links the facts (loading imported files the prefilter skipped) and runs the rules. */
  const analyse = async (all: FileFacts[]): Promise<{ findings: Finding[]; suppressed: number; syntaxErrors: FileError[]; linked: string[] }> => {
    const { createLinkCache, link } = await import('./link/index.js');
    const linkCache = createLinkCache();
    // Files the prefilter skipped take part when a parsed file imports them. Link is pure and
    // cheap, so it runs again with the newly needed files until nothing more is needed.
    const extra = new Map<string, FileFacts | null>();
    let graph: Graph;
    for (;;) {
      const needed = new Set<string>();
      const load = (file: string): FileFacts | undefined => {
        if (!isSourceFile(file)) return undefined;
        const known = extra.get(file);
        if (known !== undefined) return known ?? undefined;
        const cached = cache?.lookup(file, () => readText(file))?.hasFacts ? cache.facts(file) : undefined;
        if (cached) {
          extra.set(file, cached);
          return cached;
        }
        needed.add(file);
        return undefined;
      };
      graph = link(all, { load, exists: (file) => reader.exists(file), cache: linkCache });
      if (needed.size === 0) break;
      const items = [...needed].flatMap((file) => {
        const text = readText(file);
        if (text === undefined) extra.set(file, null);
        return text === undefined ? [] : [{ file, text }];
      });
      const parsedNow = new Map((await parseAll(items)).map((facts) => [facts.file, facts]));
      stats.lazily += items.length;
      for (const item of items) extra.set(item.file, parsedNow.get(item.file) ?? null);
    }
    // Nothing is parsed after linking: the workers' memory goes before the rules (and the codemod
    // that confirms fixability) load.
    await pool?.close();
    pool = undefined;
    const syntaxErrors: FileError[] = [];
    for (const facts of graph.files.values()) {
      const syntax = facts.syntaxErrors[0];
      if (syntax) syntaxErrors.push({ file: facts.file, message: `syntax error at ${syntax.loc.line}:${syntax.loc.column}: ${syntax.message} (the rest of the file was still analysed)` });
    }
    timings.link = clock.lap();
    const raw = runRules(graph, config);
    const applied = applySuppressions(raw, graph.files);
    const scanned = new Set(discovery.inputs.map((input) => input.file));
    const unused = unusedSuppressions(applied.used, graph.files, scanned, config);
    const confirmed = await confirmFixable(fingerprint([...applied.kept, ...unused], fingerprintRoot), readOnce, inputFiles, config, cache, 'always');
    const findings = confirmed.findings;
    fixableFromCache = confirmed.verdicts === 'cached';
    const result = { findings, suppressed: applied.suppressed, syntaxErrors, linked: [...extra.keys()].filter((file) => extra.get(file)) };
    timings.rules = clock.lap();
    return result;
  };

  /** The cold scan in workers: outcomes of reading and prefiltering are counted here, as the loop above does. */
  const scanInWorkers = async (coldScan: ColdScan): Promise<FileFacts[]> => {
    const outcomes = await coldScan.outcomes();
    await kept.settled();
    // The worker stops on its own thread (tens of milliseconds) while this one links; the scan
    // awaits it before it returns.
    if (!coldScan.pool) walkerStopping = coldScan.close();
    const analysed: { file: string; text: string }[] = [];
    const results: Extracted[] = [];
    for (const { file } of discovery.inputs) {
      const outcome = outcomes.get(file);
      if (!outcome) continue;
      if ('prefiltered' in outcome) {
        stats.prefiltered++;
        stats.skippedNow++;
      } else if ('skipped' in outcome) {
        if (outcome.skipped !== 'minified') errors.push({ file, message: outcome.message, kind: outcome.skipped });
        skip(file, undefined, outcome.skipped, outcome.skipped === 'minified' ? MINIFIED_MESSAGE : outcome.message);
      } else {
        const result = 'kept' in outcome ? kept.outcomes.get(file) : outcome;
        if (!result) throw new Error(`${file} was kept by the prefilter but not analysed`);
        // Only a file that overflowed the stack needs its text here, to be analysed again.
        const overflowed = 'error' in result && result.overflow;
        analysed.push({ file, text: overflowed ? (readText(file) ?? '') : '' });
        results.push(result);
      }
    }
    return settle(analysed, await retryDeepFiles(analysed, results, config));
  };

  const fresh = cold ? await scanInWorkers(cold) : await parseAll(candidates, pending);
  timings.facts = clock.lap() + walkedWhileParsing;

  let findings: Finding[] = [];
  let suppressed = 0;
  // Every input unchanged, or read again with the facts it had: the cache decides whether its last
  // result still holds (the on-disk cache drops it on any store that changes facts; the history's
  // content cache checks what it rested on).
  const readAgain = stats.skippedNow + stats.sameFacts;
  const reusable = cache && stats.fromCache + readAgain === discovery.inputs.length ? cache.reusableResult(resultKey, readText) : undefined;
  const all: FileFacts[] = [...fresh];
  if (reusable) {
    findings = reusable.findings;
    suppressed = reusable.suppressed;
    errors.push(...reusable.errors);
    if (cache?.fixableVerdicts) {
      // The same facts link to the same findings, but the codemod reads text, also beyond the
      // inputs (package.json for the socket.io version): its verdicts are checked against the files
      // it read, and made again if one of those changed (or, without verdicts, if an input was read again).
      const confirmed = await confirmFixable(findings, readOnce, inputFiles, config, cache, readAgain > 0 ? 'always' : 'if-stale');
      if (confirmed.verdicts === 'codemod') {
        findings = confirmed.findings;
        cache.setResult(resultKey, { findings, suppressed, errors: reusable.errors }, undefined);
      }
      fixableFromCache = confirmed.verdicts === 'cached';
      timings.rules = clock.lap();
    }
  } else {
    // Facts the index promises but the facts file lacks (lost, stale) are analysed again.
    const missing: { file: string; text: string }[] = [];
    for (const file of cachedFactFiles) {
      const cached = cache?.facts(file);
      if (cached) all.push(cached);
      else {
        const text = readText(file);
        if (text !== undefined) missing.push({ file, text });
      }
    }
    all.push(...(await parseAll(missing)));
    const outcome = all.length > 0 ? await analyse(all) : { findings: [], suppressed: 0, syntaxErrors: [], linked: [] };
    findings = outcome.findings;
    suppressed = outcome.suppressed;
    errors.push(...outcome.syntaxErrors);
    cache?.setResult(resultKey, { findings, suppressed, errors: outcome.syntaxErrors }, outcome.linked);
  }
  await pool?.close();
  await walkerStopping;
  if (cache) {
    cache.save();
    warnings.push(...cache.warnings);
  }

  // Texts already read stay for the files that have findings; others are read when asked for.
  const withFindings = new Set(findings.map((finding) => finding.file));
  for (const file of texts.keys()) if (!withFindings.has(file)) texts.delete(file);
  const source = (file: string): string | undefined => {
    const read = readOnce(file);
    return read.ok ? read.text : undefined;
  };
  return {
    findings,
    errors: errors.sort((a, b) => cmp(a.file, b.file)),
    skipped: skipped.sort((a, b) => cmp(a.file, b.file)),
    suppressed,
    stats: {
      filesDiscovered: discovery.inputs.length,
      filesPrefiltered: stats.prefiltered,
      filesMinified: stats.minified,
      filesParsed: stats.parsed,
      filesFromCache: stats.fromCache,
      filesLinkedLazily: stats.lazily,
      walkFromCache: walkReplayed,
      fixableFromCache,
      jobs,
      workers: workersStarted,
      slowest: slowest.map(({ file, ms }) => ({ file, ms: Math.round(ms) })),
      timings,
    },
    durationMs: Math.round(clock.total()),
    config,
    source,
    warnings,
  };
}

/** A cold scan's workers, which read (and maybe parse) the files of the walk. */
interface ColdScan {
  /** Every file's outcome, by path, once the walk and its reading are done. */
  outcomes(): Promise<Map<string, Scanned>>;
  workers: number;
  /** When the workers parse: the pool, which also takes the files linking loads. */
  pool: FactsPool | undefined;
  close(): Promise<void>;
}

/**
 * From this many threads on, a cold scan's workers parse too. With fewer, one worker walks, reads
 * and prefilters while this thread parses what it keeps: on two cores this thread, V8's compiler
 * and garbage-collector threads and that worker already keep both busy, and a second isolate
 * parsing would compile and warm up the parser again and copy every file's facts back (real-13 on
 * 2 cores, 2 parsing workers against 1 reading: 3.6 against 3.3 s, 6.1 against 4.7 s CPU; payload
 * with `--no-prefilter`, 4,839 files parsed, 6.1 against 4.6 s).
 */
const PARSING_WORKERS_FROM_JOBS = 3;

/** Thrown out of a walk that has found enough files to hand the tree over to a worker. */
const HAND_OVER = Symbol('hand the walk over');

/**
 * The walk of a cold scan, with no cache, overlay or git index. A tree of fewer than
 * POOL_MIN_FILES files is walked here and read by the scan as usual. A larger one:
 * - with PARSING_WORKERS_FROM_JOBS threads or more, `jobs` workers start once the walk has found
 *   that many files, and read, prefilter and parse each file it finds while it goes on;
 * - with fewer, a worker walks the tree again from the start, listing the files in batches, then
 *   reads and prefilters them; `kept` takes each kept text to be analysed here (this thread loads
 *   the parser, `preload`, meanwhile), and whenever nothing waits to be analysed this thread reads
 *   a batch itself, the newest it knows that the worker has not taken. Once every batch is read,
 *   the worker takes a share of what still waits to be analysed.
 * Either way every core works from the first files on.
 */
async function walkIntoWorkers(
  paths: string[],
  cwd: string,
  config: Config,
  includeTests: boolean,
  options: ScanOptions,
  jobs: number,
  prefilter: boolean,
  kept: KeptFiles,
  preload: () => Promise<unknown>,
  started: (cold: ColdScan) => void,
): Promise<Discovery> {
  if (jobs < 2 || options.typeAware || options.overlay) return discoverFiles(paths, cwd, config, includeTests);
  const { BY_SCAN, claimBatch, startPool, startWalker } = await import('./facts/pool.js');
  if (jobs >= PARSING_WORKERS_FROM_JOBS) {
    const found: Input[] = [];
    let handed: { pool: FactsPool; stream: ScanStream } | undefined;
    const job = ({ file, explicit }: Input): { file: string; maxFileSize: number; explicit: boolean } => ({ file, explicit, maxFileSize: explicit ? Number.POSITIVE_INFINITY : config.maxFileSize });
    const onInput = (input: Input): void => {
      if (handed) return handed.stream.add(job(input));
      found.push(input);
      if (found.length < POOL_MIN_FILES) return;
      const pool = startPool(jobs, config.facts);
      const stream = pool.stream(prefilter);
      handed = { pool, stream };
      started({ outcomes: () => stream.done(), workers: pool.workers, pool, close: () => pool.close() });
      for (const early of found.splice(0)) stream.add(job(early));
    };
    try {
      return discoverFiles(paths, cwd, config, includeTests, undefined, onInput);
    } catch (error) {
      await handed?.pool.close();
      throw error;
    }
  }
  let count = 0;
  try {
    return discoverFiles(paths, cwd, config, includeTests, undefined, () => {
      if (++count >= POOL_MIN_FILES) throw HAND_OVER;
    });
  } catch (error) {
    if (error !== HAND_OVER) throw error;
  }
  // The worker walks the tree again from the start, listing what it finds in batches, then reads
  // them in order; this thread, which parses what is kept, reads batches from the other end whenever
  // it has nothing to parse (a shared slot per batch says who took it), so neither waits on the other.
  const claims = new Int32Array(new SharedArrayBuffer(4 * MAX_SHARED_BATCHES));
  const outcomes = new Map<string, Scanned>();
  const unread: { id: number; files: Input[] }[] = [];
  const record = (walked: Walked[]): void => {
    for (const { file, outcome } of walked) {
      if ('kept' in outcome) kept.keep(file, outcome.kept);
      outcomes.set(file, 'kept' in outcome ? { kept: '' } : outcome);
    }
  };
  const readHere = createFileReader(config.facts, prefilter);
  // Newest batch first: the worker reads from the oldest.
  kept.idle = () => {
    for (let next = unread.pop(); next; next = unread.pop()) {
      if (!claimBatch(claims, next.id, BY_SCAN)) continue;
      record(readInputs(readHere, next.files, config.maxFileSize));
      return true;
    }
    return false;
  };
  const walker = startWalker({ paths, cwd, config, includeTests, prefilter, claims }, config.facts, {
    listing: (id, files) => {
      unread.push({ id, files });
      kept.poke();
    },
    walked: record,
  });
  const done = walker.read.then(() => {
    // Its batches read, the worker can take a share of the files still waiting here.
    kept.help(walker.parse);
    return outcomes;
  });
  // Whatever the walk's outcome, nobody waits on this one but the scan, after the walk.
  done.catch(() => undefined);
  started({ outcomes: () => done, workers: 1, pool: undefined, close: () => walker.close() });
  try {
    // This thread loads the parser while the worker walks (a tree this large nearly always holds some file to parse).
    await preload();
    return await walker.discovery;
  } catch (error) {
    await walker.close();
    throw error;
  }
}

/** Batches of a walk that this thread can take from the worker (64 files each: over 4 million files). */
const MAX_SHARED_BATCHES = 1 << 16;

/**
 * Files that ran out of stack (nesting thousands of levels deep: generated code) are analysed
 * again in one worker thread with a stack of DEEP_STACK_MB, rather than capping the depth of every
 * walk: the parser recurses too, and a cap would lose the findings inside. (With --type-aware the
 * retry runs without the type checker, which cannot cross threads.)
 */
async function retryDeepFiles(items: { file: string; text: string }[], results: Extracted[], config: Config): Promise<Extracted[]> {
  const deep = items.filter((_, index) => {
    const result = results[index];
    return result !== undefined && 'error' in result && result.overflow;
  });
  if (deep.length === 0) return results;
  const { startPool, DEEP_STACK_MB } = await import('./facts/pool.js');
  // The environment can lower it (a machine that cannot reserve that much; tests of the limit).
  const stackMb = Number(process.env.WS_MOCK_AUDIT_DEEP_STACK_MB) || DEEP_STACK_MB;
  const worker = startPool(1, config.facts, stackMb);
  try {
    const retried = new Map((await worker.submit(deep)).map((result, index) => [deep[index]?.file, result]));
    return results.map((result, index) => {
      const again = retried.get(items[index]?.file);
      if (!again) return result;
      if ('error' in again && again.overflow) return { error: `the file nests too deeply to analyse, even with a ${stackMb} MB stack (${again.error})` };
      return again;
    });
  } finally {
    await worker.close();
  }
}

/** What an internal error says: the file could not be analysed, and this is a bug to report. */
function internalErrorMessage(result: { error: string }): string {
  return `internal error while analysing this file: ${result.error}. The rest of the run went on, but this file was not analysed. This is a bug in ws-mock-audit ${packageVersion()}: please report it at ${ISSUES_URL} with the message and, if you can, the file or a reduced copy that still fails.`;
}

const MINIFIED_MESSAGE = 'skipped: minified or bundled output (by its name or its long lines); name the file on the command line to scan it';

const SLOWEST_KEPT = 5;

/** Keeps the few slowest files, slowest first. */
function noteTime(slowest: { file: string; ms: number }[], file: string, ms: number): void {
  if (slowest.length === SLOWEST_KEPT && ms <= (slowest.at(-1)?.ms ?? 0)) return;
  slowest.push({ file, ms });
  slowest.sort((a, b) => b.ms - a.ms);
  if (slowest.length > SLOWEST_KEPT) slowest.pop();
}

/** The config a scan with these options uses (found from the first path unless given). */
export function loadScanConfig(options: ScanOptions): Config {
  const cwd = path.resolve(options.cwd ?? process.cwd());
  return loadConfig(startDir(cwd, options.paths?.[0] ?? '.'), options.config, RULES.map((rule) => rule.meta.id));
}

function withOverlay(reader: SourceReader, overlay: Map<string, string>): SourceReader {
  return {
    read: (file, maxFileSize) => {
      const text = overlay.get(file);
      return text === undefined ? reader.read(file, maxFileSize) : { ok: true, text: text.replace(/^\uFEFF/, '') };
    },
    exists: (file) => overlay.has(file) || reader.exists(file),
  };
}

/** The deepest directory that holds all of these (cached paths are stored relative to it). */
function commonDir(dirs: string[]): string {
  let common = dirs[0] ?? path.parse(process.cwd()).root;
  for (const dir of dirs.slice(1)) {
    while (dir !== common && !dir.startsWith(common.endsWith(path.sep) ? common : `${common}${path.sep}`) && path.dirname(common) !== common) {
      common = path.dirname(common);
    }
  }
  return common;
}

/** What a walk's outcome depends on besides the file system: the paths and the filters. */
function walkKey(paths: string[], cwd: string, config: Config, includeTests: boolean): string {
  const base = config.file ? path.dirname(config.file) : cwd;
  return JSON.stringify([paths.map((given) => path.resolve(cwd, given)), base, config.include, config.exclude, config.testPatterns, includeTests]);
}

/**
 * Any change to the tool or to what facts depend on invalidates the cache; so does another root
 * (facts name files by absolute path, so a moved checkout starts afresh).
 */
function cacheKey(config: Config, prefilter: boolean, root: string): string {
  return createHash('sha256').update(JSON.stringify([packageVersion(), config.facts, prefilter, config.maxFileSize, root])).digest('hex').slice(0, 24);
}

function stopwatch(): { lap(): number; total(): number } {
  const start = performance.now();
  let last = start;
  return {
    lap() {
      const now = performance.now();
      const elapsed = Math.round(now - last);
      last = now;
      return elapsed;
    },
    total: () => performance.now() - start,
  };
}

/** Builds the type checker over the candidate files (their imports are resolved by TypeScript itself). */
async function typeOracleFor(candidates: { file: string; text: string }[], cwd: string, first: string, explicit: string | undefined, config: Config): Promise<TypeOracle> {
  const { createTypeOracle } = await import('./facts/type-oracle.js');
  const tsconfig = explicit ? path.resolve(cwd, explicit) : findUp(startDir(cwd, first), 'tsconfig.json');
  const files = new Map(candidates.map(({ file, text }) => [file, text]));
  return createTypeOracle({ tsconfig, files, requestTypes: config.facts.requestTypes, responseTypes: config.facts.responseTypes });
}

function findUp(dir: string, name: string): string | undefined {
  for (let current = dir; ; current = path.dirname(current)) {
    const candidate = path.join(current, name);
    if (workTreeReader.exists(candidate)) return candidate;
    if (path.dirname(current) === current) return undefined;
  }
}

function startDir(cwd: string, first: string): string {
  const absolute = path.resolve(cwd, first);
  return /\.[cm]?[jt]sx?$/.test(absolute) ? path.dirname(absolute) : absolute;
}

function runRules(graph: Graph, config: Config): RawFinding[] {
  const context = { factories: config.facts.factories };
  const result: RawFinding[] = [];
  for (const rule of RULES) {
    const setting = config.rules[rule.meta.id] ?? rule.meta.defaultSeverity;
    if (setting === 'off') continue;
    for (const finding of rule.check(graph, context)) result.push({ ...finding, ruleId: rule.meta.id, severity: setting });
  }
  return result;
}

function suppresses(entry: SuppressionFact, finding: RawFinding): boolean {
  return (entry.line === 0 || entry.line === finding.loc.line) && (entry.rules.length === 0 || entry.rules.includes(finding.ruleId));
}

function applySuppressions(findings: RawFinding[], files: Map<string, FileFacts>): { kept: RawFinding[]; suppressed: number; used: Set<SuppressionFact> } {
  let suppressed = 0;
  const used = new Set<SuppressionFact>();
  const kept = findings.filter((finding) => {
    const matching = (files.get(finding.file)?.suppressions ?? []).filter((entry) => suppresses(entry, finding));
    for (const entry of matching) used.add(entry);
    if (matching.length > 0) suppressed++;
    return matching.length === 0;
  });
  return { kept, suppressed, used };
}

/** Suppressions in scanned files that matched nothing, or name a rule that does not exist. */
function unusedSuppressions(used: Set<SuppressionFact>, files: Map<string, FileFacts>, scanned: Set<string>, config: Config): RawFinding[] {
  const setting = config.rules['unused-suppression'] ?? 'warning';
  if (setting === 'off') return [];
  const known = new Set(RULES.map((rule) => rule.meta.id));
  const result: RawFinding[] = [];
  for (const [file, facts] of files) {
    if (!scanned.has(file)) continue;
    for (const entry of facts.suppressions) {
      const unknown = entry.rules.filter((rule) => !known.has(rule));
      if (used.has(entry) && unknown.length === 0) continue;
      const named = entry.rules.length ? entry.rules.map((rule) => `\`${rule}\``).join(', ') : 'every rule';
      const message =
        unknown.length > 0
          ? `This suppression names ${unknown.map((rule) => `\`${rule}\``).join(', ')}, which ${unknown.length === 1 ? 'is not a rule' : 'are not rules'}. Fix the name (see \`ws-mock-audit rules\`) or remove the comment.`
          : `This suppression for ${named} matches no finding${entry.line === 0 ? ' in this file' : ` on line ${entry.line}`}. Remove it, so it cannot hide a future finding.`;
      result.push({
        file,
        loc: entry.loc,
        message,
        fixable: false,
        related: [],
        anchor: `suppression|${entry.rules.join(',')}|${entry.reason ?? ''}`,
        ruleId: 'unused-suppression',
        severity: setting,
      });
    }
  }
  return result;
}

/**
 * Fingerprints hash the rule, the file (relative to the project root), the enclosing function and
 * the flagged text, never line numbers, so they survive unrelated edits; identical snippets are
 * told apart by their order.
 */
function fingerprint(findings: RawFinding[], root: string): Finding[] {
  const sorted = [...findings].sort(
    (a, b) => cmp(a.file, b.file) || a.loc.line - b.loc.line || a.loc.column - b.loc.column || cmp(a.ruleId, b.ruleId),
  );
  const occurrences = new Map<string, number>();
  const unique = new Set<string>();
  const result: Finding[] = [];
  for (const finding of sorted) {
    const key = `${finding.ruleId}:${finding.file}:${finding.loc.line}:${finding.loc.column}`;
    if (unique.has(key)) continue;
    unique.add(key);
    const base = `${finding.ruleId}\0${toPosix(path.relative(root, finding.file))}\0${finding.anchor}`;
    const nth = occurrences.get(base) ?? 0;
    occurrences.set(base, nth + 1);
    result.push({
      ruleId: finding.ruleId,
      severity: finding.severity,
      message: finding.message,
      file: finding.file,
      line: finding.loc.line,
      column: finding.loc.column,
      endLine: finding.loc.endLine,
      endColumn: finding.loc.endColumn,
      fingerprint: createHash('sha256').update(`${base}\0${nth}`).digest('hex').slice(0, 20),
      fixable: finding.fixable,
      related: finding.related.map((step) => ({ file: step.file, line: step.loc.line, column: step.loc.column, message: step.message })),
      ...(finding.framework ? { framework: finding.framework } : {}),
      ...(finding.shape ? { shape: finding.shape } : {}),
    });
  }
  return result;
}


/**
 * `fixable` means `fix` will rewrite the site: the codemod (and jscodeshift behind it) loads only
 * when there are findings it acts on, and decides in memory. With a cache, verdicts made on the same
 * sites over the same contents are taken from it, and the codemod does not load at all.
 * `when`: 'always' confirms; 'if-stale' only when the cache holds verdicts for these sites that a
 * changed file has made stale (findings reused from a run that saw the same contents).
 */
async function confirmFixable(
  findings: Finding[],
  read: (file: string) => ReadResult,
  files: () => string[],
  config: Config,
  cache: FactsCache | undefined,
  when: 'always' | 'if-stale',
): Promise<{ findings: Finding[]; verdicts: 'none' | 'cached' | 'codemod' }> {
  if (!findings.some(isActionable)) return { findings, verdicts: 'none' };
  // Only sites the codemod refuses before it parses (fake responses where there is no engine): all `false`.
  if (!findings.some(mayRewrite)) return { findings: withVerdicts(findings, []), verdicts: 'none' };
  const readText = (file: string): string | undefined => {
    const text = read(file);
    return text.ok ? text.text : undefined;
  };
  const key = cache?.fixableVerdicts ? verdictKey(findings, config) : undefined;
  const known = key === undefined ? undefined : cache?.fixableVerdicts?.(key, readText);
  if (known) return { findings: withVerdicts(findings, known), verdicts: 'cached' };
  if (known === undefined && when === 'if-stale') return { findings, verdicts: 'none' };
  const codemod = await import('./codemod/fixable.js');
  const reads = new Map<string, string | undefined>();
  let everyFile = false;
  const confirmed = codemod.confirmFixable(
    findings,
    (file) => {
      const text = readText(file);
      reads.set(file, text);
      return text;
    },
    () => {
      everyFile = true;
      return files();
    },
    config,
  );
  // Verdicts that looked through every file (importers of an exported wrapper helper) rest on all of
  // them: not worth keeping.
  if (key !== undefined && !everyFile) cache?.setFixableVerdicts?.(key, reads, confirmed.filter(isActionable).map((finding) => finding.fixable));
  return { findings: confirmed, verdicts: 'codemod' };
}
