// Extraction alone, single-threaded, in one process: the CPU our own passes (`extractFacts` beyond
// TypeScript's parse) spend on the files a cold scan parses. For profiling (`node --cpu-prof`) and
// for diffing facts exactly between two builds.
//
//   node --import tsx bench/extract.ts list CORPUS_DIR LIST.json
//     Runs a scan of CORPUS_DIR (this worktree's dist/) and records every file it parses (those
//     passing the prefilter and those loaded for linking) with the facts options it used.
//   node --import tsx bench/extract.ts run LIST.json [--dist DIR] [--out FACTS.json] [--repeat N] [--only SUBSTRING]
//     Parses each listed file, then extracts its facts with the `extractFacts` of DIR/src/facts
//     (default: this worktree's dist/), timing the two apart; prints totals and the slowest files,
//     and writes the facts as JSON (one object, by file) for an exact diff.
//
// The parsed tree goes in through a type oracle that knows no types (as test/linear-analysis does):
// `extractFacts` then skips its own parse, and its syntactic analysis is unchanged.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { FactsCache } from '../src/discover/cache.js';
import type { FactsOptions } from '../src/facts/options.js';
import type { TypeOracle } from '../src/facts/type-oracle.js';
import type { FileFacts } from '../src/types.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

interface FileList {
  corpus: string;
  options: FactsOptions;
  files: string[];
}

/** A cache that remembers nothing but which files were parsed: `store` with facts is called once per parsed file. */
function recordingCache(parsed: string[]): FactsCache {
  return {
    lookup: () => undefined,
    lookupAll: () => [],
    facts: () => undefined,
    store: (file, _text, facts) => {
      if (facts) parsed.push(file);
    },
    storeOutcome: () => undefined,
    discovery: () => undefined,
    recordDiscovery: () => undefined,
    reusableResult: () => undefined,
    setResult: () => undefined,
    save: () => undefined,
    warnings: [],
  };
}

async function list(corpus: string, out: string): Promise<void> {
  const { scan } = (await import(pathToFileURL(path.join(ROOT, 'dist', 'src', 'scan.js')).href)) as typeof import('../src/scan.js');
  const parsed: string[] = [];
  const result = await scan({ paths: [path.resolve(corpus)], cwd: path.resolve(corpus), factsCache: recordingCache(parsed) });
  const files = [...new Set(parsed)].sort();
  const listed: FileList = { corpus: path.resolve(corpus), options: result.config.facts, files };
  writeFileSync(out, `${JSON.stringify(listed, null, 1)}\n`);
  console.log(`${files.length} files parsed (${result.stats.filesParsed - result.stats.filesLinkedLazily} past the prefilter, ${result.stats.filesLinkedLazily} for linking) of ${result.stats.filesDiscovered} discovered → ${out}`);
}

interface Timing {
  file: string;
  parseMs: number;
  extractMs: number;
}

/** This process's CPU time (user + system, all threads), in ms: on a shared machine wall time mostly measures the neighbours. */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

async function run(listFile: string, dist: string, out: string | undefined, repeat: number): Promise<void> {
  const listed = JSON.parse(readFileSync(listFile, 'utf8')) as FileList;
  const facts = (await import(pathToFileURL(path.join(dist, 'src', 'facts', 'index.js')).href)) as typeof import('../src/facts/index.js');
  const only = flag('--only');
  // Every build compared is handed the same trees: parsed as this worktree's scan parses (`parseSource`).
  const own = (await import(pathToFileURL(path.join(ROOT, 'dist', 'src', 'facts', 'index.js')).href)) as typeof import('../src/facts/index.js');
  const texts = listed.files.filter((file) => !only || file.includes(only)).map((file) => ({ file, text: readFileSync(file, 'utf8') }));
  const results = new Map<string, FileFacts | { error: string }>();
  const timings = new Map<string, Timing>();
  const timing = (file: string): Timing => {
    let known = timings.get(file);
    if (!known) timings.set(file, (known = { file, parseMs: 0, extractMs: 0 }));
    return known;
  };
  let parseTotal = 0;
  let extractTotal = 0;
  const parseCpu: number[] = [];
  const extractCpu: number[] = [];
  // As in a worker, each file is parsed and then its facts extracted, and the tree dropped; CPU
  // time (user + system, reading it costs ~5 µs) and wall time are taken around both.
  for (let round = 0; round < repeat; round++) {
    let parseRound = 0;
    let extractRound = 0;
    for (const { file, text } of texts) {
      const c0 = cpuMs();
      const t0 = performance.now();
      const sf = own.parseSource(file, text);
      const t1 = performance.now();
      const c1 = cpuMs();
      const oracle: TypeOracle = { sourceFile: () => sf, httpKindOfType: () => undefined, parameterPositions: () => [], roleOf: () => undefined };
      let result: FileFacts | { error: string };
      try {
        result = facts.extractFacts(file, text, listed.options, oracle);
      } catch (error) {
        result = { error: String(error) };
      }
      const t2 = performance.now();
      const c2 = cpuMs();
      parseRound += c1 - c0;
      extractRound += c2 - c1;
      timing(file).parseMs += t1 - t0;
      timing(file).extractMs += t2 - t1;
      parseTotal += t1 - t0;
      extractTotal += t2 - t1;
      if (round === 0) results.set(path.relative(listed.corpus, file), result);
    }
    parseCpu.push(parseRound);
    extractCpu.push(extractRound);
  }
  const bytes = texts.reduce((sum, { text }) => sum + text.length, 0);
  console.log(`${texts.length} files, ${(bytes / 1e6).toFixed(1)} MB, ${repeat} round(s), extractFacts from ${path.relative(process.cwd(), dist) || '.'}`);
  const rounds = (cpu: number[]): string => `CPU min ${Math.min(...cpu).toFixed(0)} ms (rounds: ${cpu.map((ms) => ms.toFixed(0)).join(', ')})`;
  console.log(`parse   ${(parseTotal / repeat).toFixed(0)} ms wall per round, ${rounds(parseCpu)}`);
  console.log(`extract ${(extractTotal / repeat).toFixed(0)} ms wall per round, ${rounds(extractCpu)} (beyond the parse)`);
  console.log('slowest extractions (ms per round: extract / parse):');
  for (const timing of [...timings.values()].sort((a, b) => b.extractMs - a.extractMs).slice(0, 8)) {
    console.log(`  ${(timing.extractMs / repeat).toFixed(1).padStart(7)} / ${(timing.parseMs / repeat).toFixed(1).padStart(6)}  ${path.relative(listed.corpus, timing.file)}`);
  }
  if (out) {
    writeFileSync(out, `${JSON.stringify(Object.fromEntries(results), null, 1)}\n`);
    console.log(`facts → ${out}`);
  }
}

const [command, ...args] = process.argv.slice(2);
function flag(name: string): string | undefined {
  const at = args.indexOf(name);
  return at === -1 ? undefined : args[at + 1];
}
if (command === 'list' && args[0] && args[1]) {
  await list(args[0], args[1]);
} else if (command === 'run' && args[0]) {
  await run(args[0], path.resolve(flag('--dist') ?? path.join(ROOT, 'dist')), flag('--out'), Number(flag('--repeat') ?? 1));
} else {
  console.error('usage: bench/extract.ts list CORPUS_DIR LIST.json | run LIST.json [--dist DIR] [--out FACTS.json] [--repeat N] [--only SUBSTRING]');
  process.exit(2);
}
