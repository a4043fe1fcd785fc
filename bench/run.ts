// npm run bench: measures ws-mock-audit side by side with ESLint and ast-grep running equivalent
// rules on the same generated corpus, in one run, and prints ratios (never asserted in npm test).
// npm run bench -- --corpus DIR [--corpus DIR2]: measures those directories instead (bench/corpora.md
// lists the real one); ESLint only with BENCH_ESLINT=1 there, since it takes many minutes on real code.
// npm run bench -- --corpus DIR --no-prefilter [--include-tests]: one row only, every file parsed: files
// scanned, parsed, skipped by reason and internal errors (issue 12: there must be none).
// npm run bench -- --corpus DIR --calibrate: measures the shape of a real corpus (share passing the
// prefilter, sizes, generated and minified files: bench/shape.ts) and writes bench/calibration.json,
// which the generated corpus follows (bench/corpus.ts).
// npm run bench -- --table: the README's Performance table from the last runs' results in BENCH_DIR.
// Every run checks the targets of issue 14 (bench/targets.ts) and exits 1 when one is missed.
// BENCH_SIZES=1000,10000,50000  BENCH_RUNS=3 (median)  BENCH_PEER_RUNS_LARGE=1 (peers above 20k files)
// BENCH_ESLINT=0 skips ESLint on the generated corpus  BENCH_JOBS1=0 skips the --jobs 1 row  BENCH_TIMEOUT=600 (s, per run)
// BENCH_DIR=<tmp>
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/discover/config.js';
import { discoverFiles } from '../src/discover/files.js';
import { createPrefilter } from '../src/prefilter/index.js';
import { CALIBRATION, ensureCorpus, loadCalibration } from './corpus.js';
import { benchRuntime } from './runtime.js';
import { classify, describeShapes, measureShape, scanOutcome, type CorpusShape, type ScanOutcome } from './shape.js';
import { REAL_CORPUS, allVerdicts, check, corpusLabel, summarise, targetsFor, type TargetSet } from './targets.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// Outside the repository: the repository's .gitignore must not apply to the corpus.
const WORK = process.env.BENCH_DIR ?? path.join(tmpdir(), 'ws-mock-audit-bench');
const SIZES = (process.env.BENCH_SIZES ?? '1000,10000,50000').split(',').map(Number);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const PEER_RUNS_LARGE = Number(process.env.BENCH_PEER_RUNS_LARGE ?? 1);
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
// A run that hangs (e.g. worker threads left alive after an internal error) is killed and counts as failed.
const TIMEOUT_MS = Number(process.env.BENCH_TIMEOUT ?? 600) * 1000;

interface Sample {
  wallMs: number;
  rssMiB: number | undefined;
  status: number | null;
  stderr?: string;
}

/** Runs a command once: wall time, and peak RSS through GNU time when it is there. */
function measure(command: string, args: string[], cwd: string): Sample {
  const started = performance.now();
  const options = { cwd, encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024, timeout: TIMEOUT_MS, killSignal: 'SIGKILL' } as const;
  const run = TIME ? spawnSync(TIME, ['-f', '__RSS_KB=%M', command, ...args], options) : spawnSync(command, args, options);
  const wallMs = performance.now() - started;
  const rss = /__RSS_KB=(\d+)/.exec(run.stderr ?? '')?.[1];
  if (run.status !== 0 && run.status !== 1) {
    const why = run.status === null ? `was killed after ${(wallMs / 1000).toFixed(0)} s (BENCH_TIMEOUT=${TIMEOUT_MS / 1000})` : `exited ${run.status}`;
    console.error(`  ! ${path.basename(command)} ${args.slice(0, 2).join(' ')} ${why}: ${(run.stderr ?? '').split('\n').filter((line) => !/^\s+at |__RSS_KB/.test(line)).slice(-4).join(' ')}`);
  }
  return { wallMs, rssMiB: rss ? Number(rss) / 1024 : undefined, status: run.status, stderr: run.stderr ?? '' };
}

function median(samples: Sample[]): Sample {
  const sorted = [...samples].sort((a, b) => a.wallMs - b.wallMs);
  const middle = sorted[Math.floor(sorted.length / 2)] as Sample;
  const rss = samples.map((s) => s.rssMiB ?? 0);
  return { ...middle, rssMiB: rss.length ? Math.max(...rss) : undefined };
}

function repeat(times: number, prepare: () => void, run: () => Sample): Sample {
  const samples: Sample[] = [];
  for (let i = 0; i < times; i++) {
    prepare();
    const sample = run();
    // A failed run is the result: repeating a crash or a hang only costs time.
    if (sample.status !== 0 && sample.status !== 1) return sample;
    samples.push(sample);
  }
  return median(samples);
}

function astGrepBinary(): string {
  const candidates = [
    path.join(ROOT, 'node_modules', '@ast-grep', `cli-${process.platform}-${process.arch}-gnu`, 'ast-grep'),
    path.join(ROOT, 'node_modules', '@ast-grep', 'cli', 'ast-grep'),
  ];
  const found = candidates.find((candidate) => existsSync(candidate));
  if (!found) throw new Error('ast-grep binary not found: npm ci installs @ast-grep/cli');
  return found;
}

function countFiles(dir: string): number {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((name) => /\.(ts|tsx|js|jsx|mjs|cjs|mts|cts)$/.test(name)).length;
}

const node = process.execPath;
const cli = path.join(ROOT, 'bin', 'ws-mock-audit.js');
const eslint = path.join(ROOT, 'node_modules', 'eslint', 'bin', 'eslint.js');
const eslintConfig = path.join(ROOT, 'bench', 'eslint.config.mjs');
const sgConfig = path.join(ROOT, 'bench', 'ast-grep', 'sgconfig.yml');
const out = path.join(WORK, 'out.json');
/** The generated corpus is held to the real corpus's targets from the real corpus's size on. */
const GENERATED_TARGETS_FROM = 20_000;

interface Args {
  dirs: string[];
  noPrefilter: boolean;
  includeTests: boolean;
  calibrate: boolean;
  table: boolean;
  targets: string | undefined;
}

const USAGE = 'npm run bench [-- --corpus DIR ... [--targets real|sample] [--calibrate] [--no-prefilter [--include-tests]]] [-- --table]';

function parseArgs(argv: string[]): Args {
  const args: Args = { dirs: [], noPrefilter: false, includeTests: false, calibrate: false, table: false, targets: undefined };
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index] as string;
    if (arg === '--corpus' && argv[index + 1]) args.dirs.push(path.resolve(argv[++index] as string));
    else if (arg.startsWith('--corpus=')) args.dirs.push(path.resolve(arg.slice('--corpus='.length)));
    else if (arg === '--targets' && argv[index + 1]) args.targets = argv[++index];
    else if (arg === '--no-prefilter') args.noPrefilter = true;
    else if (arg === '--include-tests') args.includeTests = true;
    else if (arg === '--calibrate') args.calibrate = true;
    else if (arg === '--table') args.table = true;
    else throw new Error(`unknown argument ${arg}: ${USAGE}`);
  }
  if ((args.noPrefilter || args.calibrate) && args.dirs.length === 0) throw new Error(`${args.noPrefilter ? '--no-prefilter' : '--calibrate'} measures a real corpus: give --corpus DIR`);
  return args;
}

function main(): number {
  mkdirSync(WORK, { recursive: true });
  const args = parseArgs(process.argv.slice(2));
  if (args.table) {
    console.log(performanceTable());
    return 0;
  }
  if (args.calibrate) return calibrate(args.dirs);
  if (args.noPrefilter) {
    const results = args.dirs.map((dir) => benchEveryFile(dir, args.includeTests));
    writeFileSync(path.join(WORK, 'results-no-prefilter.json'), JSON.stringify(results, null, 2));
    return results.every((result) => result.internalErrors === 0) ? 0 : 1;
  }
  if (args.dirs.length > 0) {
    for (const dir of args.dirs) {
      if (!existsSync(dir)) throw new Error(`no such corpus directory: ${dir} (bench/corpora.md says how to fetch it)`);
      const targets = targetsFor(dir, args.targets);
      console.log(`\ncorpus ${dir}: held to the ${targets.name} targets (${targets.why})`);
      benchOrRecord(dir, corpusLabel(dir), targets.set, { peerRuns: RUNS, eslint: process.env.BENCH_ESLINT === '1' ? 'cold' : 'none' });
    }
  } else benchGenerated();
  return summarise();
}

/** Measures the shape of a real corpus and writes it to bench/calibration.json (the first directory given). */
function calibrate(dirs: string[]): number {
  const shapes = dirs.map((dir): CorpusShape => {
    const output = path.join(WORK, 'out-calibrate.json');
    rmSync(output, { force: true });
    const run = measure(node, [cli, dir, '--format', 'json', '--output-file', output], ROOT);
    if (!existsSync(output)) throw new Error(`--calibrate: the cold scan of ${dir} wrote no report (exit status ${run.status}); nothing was written`);
    return { ...measureShape(dir), corpus: corpusLabel(dir), scan: scanOutcome(JSON.parse(readFileSync(output, 'utf8')) as JsonReport) };
  });
  const [first] = shapes;
  if (!first) return 2;
  writeFileSync(CALIBRATION, `${JSON.stringify({ ...first, measuredAt: new Date().toISOString().slice(0, 10), commit: headCommit() }, null, 2)}\n`);
  console.log(describeShapes(shapes));
  console.log(`\nwrote ${path.relative(ROOT, CALIBRATION)} from ${first.corpus}: the generated corpus follows it (bench/corpus.ts)`);
  return 0;
}

function headCommit(): string {
  return spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim();
}

function benchGenerated(): void {
  const calibration = loadCalibration();
  const shapes = [calibration];
  const results: DirectoryResult[] = [];
  for (const size of SIZES) {
    const started = performance.now();
    const corpus = ensureCorpus(WORK, size);
    const shape = { ...measureShape(corpus), corpus: `generated ${size.toLocaleString('en')}` };
    shapes.push(shape);
    console.log(`\ncorpus ${size}: ${shape.sourceFiles} files, ${shape.scanned} scanned, ${shape.kinds.passing.count + shape.kinds['generated-passing'].count} pass the prefilter (ready in ${((performance.now() - started) / 1000).toFixed(1)} s)`);
    const targets = size >= GENERATED_TARGETS_FROM ? REAL_CORPUS : undefined;
    if (!targets) console.log(`  (report only: the targets apply from ${GENERATED_TARGETS_FROM.toLocaleString('en')} files, the real corpus's size)`);
    const peerRuns = size > 20_000 ? PEER_RUNS_LARGE : RUNS;
    const result = benchOrRecord(corpus, `generated ${size.toLocaleString('en')}`, targets, { peerRuns, eslint: process.env.BENCH_ESLINT === '0' ? 'none' : 'cold+warm' });
    if (!result) continue;
    shape.scan = result.scan;
    results.push(result);
  }
  console.log(`\nshape: calibration (${calibration.corpus}) beside the generated corpora\n`);
  console.log(describeShapes(shapes));
  const [small, large] = [results.at(-2), results.at(-1)];
  const cold = (result: DirectoryResult | undefined): number | undefined => result?.rows.find((row) => row.tool === COLD)?.wallMs;
  const [t1, t2] = [cold(small), cold(large)];
  if (small && large && t1 && t2) {
    console.log(`\ngrowth exponent of our cold time from ${small.files} to ${large.files} files: ${(Math.log(t2 / t1) / Math.log(large.files / small.files)).toFixed(2)} (1.00 = linear)`);
  }

  console.log('\nruntime (ws-mock-audit/runtime):');
  const runtime = benchRuntime();
  console.log(`  WebSocketContext.create: ${Math.round(runtime.contextsPerSecond).toLocaleString('en')} contexts/s`);
  console.log(`  factory look-ups (forWebSocket, existing instance): ${Math.round(runtime.lookupsPerSecond).toLocaleString('en')} /s`);
  console.log(`  memory per live context: ${runtime.bytesPerContext.toFixed(0)} bytes`);
  writeFileSync(path.join(WORK, 'results-runtime.json'), JSON.stringify(runtime, null, 2));
}

const COLD = 'ws-mock-audit cold';
const JOBS1 = 'ws-mock-audit --jobs 1';
const NO_PREFILTER = 'ws-mock-audit --no-prefilter (once)';
const WARM = 'ws-mock-audit warm --cache';
const EDITED = 'ws-mock-audit warm, 1 file edited';
const PRECOMMIT_WS = 'ws-mock-audit pre-commit (3 WebSocket files)';
const PRECOMMIT_OTHER = 'ws-mock-audit pre-commit (3 other files)';
const AST_GREP = 'ast-grep (2 threads)';
const ESLINT_COLD = 'eslint cold';
const ESLINT_WARM = 'eslint warm --cache';

interface RowResult {
  tool: string;
  wallMs: number;
  rssMiB: number | undefined;
  status: number | null;
}

interface DirectoryResult {
  label: string;
  corpus: string;
  commit: string;
  date: string;
  loadAverage: number[];
  runs: number;
  files: number;
  scanned: number;
  passing: number;
  scan: ScanOutcome;
  rows: RowResult[];
  findings: number;
  lost: string[];
  extra: string[];
  internalErrors: number;
  slowest: { file: string; ms: number }[];
  slowestNoPrefilter: { file: string; ms: number }[];
  targets: TargetSet | undefined;
  met: number;
  checked: number;
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

/** A directory whose scan failed outright: its verdict is recorded, the run goes on with the next one. */
class DirectoryFailed extends Error {
  constructor(readonly label: string) {
    super(`${label}: a scan failed; see the targets summary`);
  }
}

/** `benchDirectory`, with a failed scan recorded as a missed target rather than ending the run. */
function benchOrRecord(...args: Parameters<typeof benchDirectory>): DirectoryResult | undefined {
  try {
    return benchDirectory(...args);
  } catch (error) {
    if (error instanceof DirectoryFailed) return undefined;
    throw error;
  }
}

/**
 * Measures one directory as it is, in one run: cold, `--jobs 1`, `--no-prefilter` (findings must be
 * identical, no internal error), warm, warm with one WebSocket file edited, pre-commit with and
 * without WebSocket code, ast-grep (and ESLint when asked), the 5 slowest files; then checks the
 * targets. Files are edited in place and restored.
 */
function benchDirectory(corpus: string, label: string, targets: TargetSet | undefined, options: { peerRuns: number; eslint: 'none' | 'cold' | 'cold+warm' }): DirectoryResult {
  const sg = astGrepBinary();
  const files = countFiles(corpus);
  const name = label.replace(/[^\w.-]+/g, '-');
  const cache = path.join(WORK, `cache-${name}`);
  const outFile = path.join(WORK, `out-${name}.json`);
  const noPrefilterOut = path.join(WORK, `out-${name}-no-prefilter.json`);
  const rows: RowResult[] = [];
  const crashed: string[] = [];
  const ours = (extra: string[], output = outFile): Sample => {
    rmSync(output, { force: true });
    return measure(node, [cli, corpus, '--format', 'json', '--output-file', output, '--stats', ...extra], ROOT);
  };
  /** The report a run just wrote; a run that wrote none stops this directory's bench, loudly. */
  const reportOf = (file: string, tool: string): JsonReport => {
    if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as JsonReport;
    check(label, 'every run exited 0 or 1', `${tool} wrote no report (${crashed.join('; ') || 'no exit status'}); the rest of ${label} was not measured`, false);
    throw new DirectoryFailed(label);
  };
  const add = (tool: string, sample: Sample): Sample => {
    rows.push({ tool, wallMs: sample.wallMs, rssMiB: sample.rssMiB, status: sample.status });
    if (sample.status !== 0 && sample.status !== 1) crashed.push(`${tool} ${sample.status === null ? `was killed after BENCH_TIMEOUT=${TIMEOUT_MS / 1000} s` : `exited ${sample.status}`}`);
    console.log(`  ${tool.padEnd(46)} ${(sample.wallMs / 1000).toFixed(2).padStart(8)} s  ${sample.rssMiB ? `${sample.rssMiB.toFixed(0)} MiB` : ''}`);
    return sample;
  };
  const verdict = (target: string, measured: string, ok: boolean): void => {
    if (targets) check(label, target, measured, ok);
  };
  const atMost = (target: string, limit: number | undefined, row: Sample, unit = 's'): void => {
    if (limit === undefined) return;
    const value = unit === 's' ? row.wallMs / 1000 : (row.rssMiB ?? Number.POSITIVE_INFINITY);
    verdict(`${target} ≤ ${limit} ${unit === 's' ? 's' : 'MiB'}`, unit === 's' ? `${value.toFixed(2)} s` : `${value.toFixed(0)} MiB`, value <= limit);
  };

  // Which discovered files pass the prefilter decides what the edit and pre-commit rows touch.
  const config = loadConfig(corpus, undefined, []);
  const prefilter = createPrefilter(config.facts);
  const discovered = discoverFiles([corpus], corpus, config, false).inputs.map((input) => input.file);
  const passing: string[] = [];
  const ordinary: string[] = [];
  for (const file of discovered) {
    const buffer = readFileSync(file);
    const kind = classify(file, buffer.toString('utf8'), buffer.length, config.maxFileSize, prefilter);
    if (kind === 'passing' || kind === 'generated-passing') passing.push(file);
    else if (kind === 'failing') ordinary.push(file);
  }
  console.log(`  ${discovered.length} of ${files} source files scanned, ${passing.length} pass the prefilter (${((100 * passing.length) / Math.max(1, discovered.length)).toFixed(1)}%)`);

  const cold = add(COLD, repeat(RUNS, () => undefined, () => ours([])));
  const report = reportOf(outFile, COLD);
  if (process.env.BENCH_JOBS1 !== '0') add(JOBS1, repeat(RUNS, () => undefined, () => ours(['--jobs', '1'])));
  const unfiltered = add(NO_PREFILTER, ours(['--no-prefilter'], noPrefilterOut));
  const reference = reportOf(noPrefilterOut, NO_PREFILTER);
  const kept = new Set(report.findings.map(findingKey));
  const all = new Set(reference.findings.map(findingKey));
  const lost = [...all].filter((key) => !kept.has(key));
  const extra = [...kept].filter((key) => !all.has(key));
  verdict('findings identical to --no-prefilter', `${report.findings.length} findings, ${lost.length} lost, ${extra.length} extra`, lost.length === 0 && extra.length === 0);
  for (const key of lost.slice(0, 20)) console.log(`      lost: ${key}`);
  for (const key of extra.slice(0, 20)) console.log(`      extra: ${key}`);
  const internal = reference.errors.filter((error) => error.message.startsWith('internal error'));
  verdict('no internal error (--no-prefilter)', String(internal.length), internal.length === 0);
  for (const error of internal.slice(0, 10)) console.log(`      ${error.file}: ${error.message}`);

  rmSync(cache, { recursive: true, force: true });
  ours(['--cache', '--cache-location', cache]);
  const warm = add(WARM, repeat(RUNS, () => undefined, () => ours(['--cache', '--cache-location', cache])));
  atMost('warm', targets?.warmSeconds, warm);
  // One file with WebSocket code edited since the last run (each run sees a new edit), restored after.
  // The edit adds a function, as a real edit changes code: a comment added at the end leaves the file's
  // facts as they were, and the cache then reuses the last result without linking (a cheaper path
  // than the one this row is meant to measure).
  const findingFiles = [...new Set(report.findings.map((finding) => path.resolve(ROOT, finding.file)))];
  const wsFiles = [...findingFiles, ...passing.filter((file) => !findingFiles.includes(file))];
  const edited = wsFiles[0];
  if (edited) {
    const original = readFileSync(edited, 'utf8');
    let edits = 0;
    try {
      const sample = add(EDITED, repeat(RUNS, () => writeFileSync(edited, `${original}\nfunction wsMockAuditBenchEdit${++edits}() {\n  return ${edits};\n}\n`), () => ours(['--cache', '--cache-location', cache])));
      atMost('warm, 1 file edited', targets?.editedSeconds, sample);
    } finally {
      writeFileSync(edited, original);
    }
  } else verdict('warm, 1 file edited', 'not measured: no file passes the prefilter', targets?.editedSeconds === undefined);
  const precommit = (list: string[]): Sample => measure(node, [cli, ...list, '--format', 'json', '--output-file', out], corpus);
  atMost('pre-commit, 3 files with WebSocket code', targets?.precommitWsSeconds, add(PRECOMMIT_WS, repeat(RUNS, () => undefined, () => precommit(wsFiles.slice(0, 3)))));
  atMost('pre-commit, 3 files without', targets?.precommitOtherSeconds, add(PRECOMMIT_OTHER, repeat(RUNS, () => undefined, () => precommit(ordinary.slice(0, 3)))));
  const ours_ = rows.filter((row) => row.tool !== NO_PREFILTER);
  const peak = Math.max(...ours_.map((row) => row.rssMiB ?? 0));
  if (targets?.rssMiB !== undefined) verdict(`peak RSS ≤ ${targets.rssMiB} MiB (every row but --no-prefilter)`, `${peak.toFixed(0)} MiB`, peak > 0 && peak <= targets.rssMiB);

  const astGrep = add(AST_GREP, repeat(options.peerRuns, () => undefined, () => measure(sg, ['scan', '--config', sgConfig, '--threads', '2', '--json=compact', corpus], ROOT)));
  const ratio = cold.wallMs / astGrep.wallMs;
  console.log(`  cold / ast-grep: ${ratio.toFixed(3)}`);
  if (targets) verdict(`cold ≤ ${targets.coldRatio}× ast-grep`, `${ratio.toFixed(3)}× (${seconds(cold.wallMs)} / ${seconds(astGrep.wallMs)})`, ratio <= targets.coldRatio);
  if (options.eslint !== 'none') benchEslint(corpus, name, options.peerRuns, options.eslint === 'cold+warm', add);

  const slowest = slowestOf(cold.stderr);
  const slowestAll = slowestOf(unfiltered.stderr);
  const shown = (file: string): string => path.relative(corpus, path.resolve(ROOT, file));
  console.log('  5 slowest files (cold, parse + analysis):');
  for (const { file, ms } of slowest) console.log(`    ${String(ms).padStart(6)} ms  ${shown(file)}`);
  console.log('  5 slowest files (--no-prefilter: every file):');
  for (const { file, ms } of slowestAll) console.log(`    ${String(ms).padStart(6)} ms  ${shown(file)}`);
  if (targets) {
    for (const [run, list] of [['cold', slowest], ['--no-prefilter', slowestAll]] as const) {
      const top = list[0];
      verdict(`no file over ${targets.slowestFileMs} ms (${run})`, top ? `slowest ${top.ms} ms (${shown(top.file)})` : 'no per-file times in --stats', top !== undefined && top.ms <= targets.slowestFileMs);
    }
  }
  check(label, 'every run exited 0 or 1', crashed.join('; ') || 'yes', crashed.length === 0);

  console.log('\n| tool | wall s | files/s | peak RSS MiB |');
  console.log('|---|---:|---:|---:|');
  for (const row of rows) {
    const filesPerSecond = row.tool.includes('pre-commit') ? '' : Math.round(files / (row.wallMs / 1000)).toString();
    console.log(`| ${row.tool} | ${(row.wallMs / 1000).toFixed(2)} | ${filesPerSecond} | ${row.rssMiB?.toFixed(0) ?? '?'} |`);
  }
  const checkedHere = allVerdicts().filter((entry) => entry.corpus === label);
  const result: DirectoryResult = {
    label,
    corpus,
    commit: headCommit(),
    date: new Date().toISOString(),
    loadAverage: loadavg(),
    runs: RUNS,
    files,
    scanned: discovered.length,
    passing: passing.length,
    scan: scanOutcome(report),
    rows,
    findings: report.findings.length,
    lost,
    extra,
    internalErrors: internal.length,
    slowest: slowest.map(({ file, ms }) => ({ file: shown(file), ms })),
    slowestNoPrefilter: slowestAll.map(({ file, ms }) => ({ file: shown(file), ms })),
    targets,
    met: checkedHere.filter((entry) => entry.ok).length,
    checked: checkedHere.length,
  };
  writeFileSync(path.join(WORK, `results-${name}.json`), JSON.stringify(result, null, 2));
  return result;
}

/**
 * ESLint with the equivalent `no-restricted-syntax` rule. ESLint 9 only lints files under its config's
 * directory, so the config goes into the corpus root for the run (importing the parser from this
 * repository by absolute URL) and is removed after.
 */
function benchEslint(corpus: string, name: string, runs: number, warm: boolean, add: (tool: string, sample: Sample) => Sample): void {
  const parserUrl = import.meta.resolve('@typescript-eslint/parser');
  const configFile = path.join(corpus, 'eslint.config.mjs');
  const existed = existsSync(configFile);
  if (existed) {
    console.log(`  (eslint not measured: ${configFile} exists)`);
    return;
  }
  writeFileSync(configFile, readFileSync(eslintConfig, 'utf8').replace("'@typescript-eslint/parser'", JSON.stringify(parserUrl)));
  try {
    const eslintCache = path.join(WORK, `eslint-cache-${name}`);
    const eslintArgs = [eslint, '--format', 'json', '--output-file', out, '.'];
    add(ESLINT_COLD, repeat(runs, () => rmSync(eslintCache, { force: true }), () => measure(node, eslintArgs, corpus)));
    if (!warm) return;
    rmSync(eslintCache, { force: true });
    measure(node, [...eslintArgs, '--cache', '--cache-location', eslintCache], corpus);
    add(ESLINT_WARM, repeat(runs, () => undefined, () => measure(node, [...eslintArgs, '--cache', '--cache-location', eslintCache], corpus)));
  } finally {
    rmSync(configFile, { force: true });
  }
}

/**
 * The README's Performance table from the last results in BENCH_DIR: the largest generated corpus,
 * then every measured directory, one column each, with the targets they are held to.
 */
function performanceTable(): string {
  const results = readdirSync(WORK)
    .filter((file) => /^results-.*\.json$/.test(file) && !/no-prefilter|runtime|corpora/.test(file))
    .map((file) => JSON.parse(readFileSync(path.join(WORK, file), 'utf8')) as DirectoryResult)
    .filter((result) => Array.isArray(result.rows));
  const generated = results.filter((result) => result.label.startsWith('generated')).sort((a, b) => b.files - a.files).slice(0, 1);
  const columns = [...generated, ...results.filter((result) => !result.label.startsWith('generated')).sort((a, b) => b.files - a.files)];
  if (columns.length === 0) return `no results in ${WORK}: run npm run bench first`;
  const n = (value: number): string => value.toLocaleString('en');
  const row = (label: string, cell: (result: DirectoryResult) => string, target = ''): string => `| ${label} | ${columns.map(cell).join(' | ')} | ${target} |`;
  const find = (result: DirectoryResult, tool: string): RowResult | undefined => result.rows.find((entry) => entry.tool === tool);
  // A cell over its column's target says so: the table is read without the log.
  const missed = (result: DirectoryResult, pick: (set: TargetSet) => number | undefined, value: number): string => {
    const bound = result.targets ? pick(result.targets) : undefined;
    return bound !== undefined && !(value <= bound) ? ' ✗' : '';
  };
  const wall = (tool: string, pick: (set: TargetSet) => number | undefined = () => undefined) => (result: DirectoryResult): string => {
    const found = find(result, tool);
    return found ? `${seconds(found.wallMs)}${missed(result, pick, found.wallMs / 1000)}` : '–';
  };
  const limit = (pick: (set: TargetSet) => number | undefined, unit: string): string => {
    const bounds = new Map<string, string[]>();
    for (const result of columns) {
      const bound = result.targets ? pick(result.targets) : undefined;
      if (bound !== undefined) bounds.set(`≤ ${bound}${unit}`, [...(bounds.get(`≤ ${bound}${unit}`) ?? []), result.label]);
    }
    return [...bounds].map(([bound, labels]) => (bounds.size > 1 ? `${bound} (${labels.join(', ')})` : bound)).join('; ');
  };
  const ratio = (result: DirectoryResult): number | undefined => {
    const [cold, sg] = [find(result, COLD), find(result, AST_GREP)];
    return cold && sg ? cold.wallMs / sg.wallMs : undefined;
  };
  const peak = (result: DirectoryResult): number => Math.max(...result.rows.filter((entry) => entry.tool !== NO_PREFILTER && entry.tool.startsWith('ws-mock-audit')).map((entry) => entry.rssMiB ?? 0));
  const lines = [
    `| | ${columns.map((result) => result.label).join(' | ')} | target (issue 14) |`,
    `|---|${columns.map(() => '---:').join('|')}|---|`,
    row('source files / scanned / pass the prefilter', (result) => `${n(result.files)} / ${n(result.scanned)} / ${n(result.passing)}`),
    row(`cold (median of ${columns[0]?.runs ?? RUNS})`, wall(COLD)),
    row('cold, `--jobs 1`', wall(JOBS1)),
    row('warm `--cache`, nothing changed', wall(WARM, (set) => set.warmSeconds), limit((set) => set.warmSeconds, ' s')),
    row('warm, 1 file edited (a function added)', wall(EDITED, (set) => set.editedSeconds), limit((set) => set.editedSeconds, ' s')),
    row('pre-commit, 3 files with WebSocket code', wall(PRECOMMIT_WS, (set) => set.precommitWsSeconds), limit((set) => set.precommitWsSeconds, ' s')),
    row('pre-commit, 3 files without', wall(PRECOMMIT_OTHER, (set) => set.precommitOtherSeconds), limit((set) => set.precommitOtherSeconds, ' s')),
    row('ast-grep 0.51, 2 threads', wall(AST_GREP)),
    row('**cold / ast-grep**', (result) => {
      const value = ratio(result);
      return value === undefined ? '–' : `**${value.toFixed(2)}×**${missed(result, (set) => set.coldRatio, value)}`;
    }, limit((set) => set.coldRatio, '×')),
    row('peak RSS (cold, warm, edit, pre-commit)', (result) => `${peak(result).toFixed(0)} MiB${missed(result, (set) => set.rssMiB, peak(result))}`, limit((set) => set.rssMiB, ' MiB')),
    row('`--no-prefilter` (every file parsed, once)', wall(NO_PREFILTER)),
    row('findings; lost / extra against `--no-prefilter`', (result) => `${n(result.findings)}; ${result.lost.length} / ${result.extra.length}${result.lost.length + result.extra.length > 0 ? ' ✗' : ''}`, '0 / 0'),
    row('slowest file: cold / `--no-prefilter`', (result) => {
      const [cold, all] = [result.slowest[0]?.ms ?? Number.NaN, result.slowestNoPrefilter[0]?.ms ?? Number.NaN];
      return `${cold} ms / ${all} ms${missed(result, (set) => set.slowestFileMs, Math.max(cold, all))}`;
    }, limit((set) => set.slowestFileMs, ' ms')),
    row('targets met', (result) => (result.checked ? `${result.met} / ${result.checked}` : 'report only')),
  ];
  const files = (list: { file: string; ms: number }[]): string => list.map((entry) => `\`${entry.file}\` ${entry.ms} ms`).join(', ');
  const slow = columns.map((result) => `- ${result.label}, 5 slowest files. Cold: ${files(result.slowest)}. \`--no-prefilter\`: ${files(result.slowestNoPrefilter)}.`);
  const when = columns.map((result) => `${result.label} at ${result.commit}, ${result.date.slice(0, 16).replace('T', ' ')} UTC, load ${result.loadAverage.map((value) => value.toFixed(1)).join(' ')}`);
  return [...lines, '', ...slow, '', `Measured: ${when.join('; ')}.`].join('\n');
}

interface JsonReport {
  findings: { ruleId: string; file: string; line: number; column: number; fingerprint: string }[];
  errors: { file: string; message: string }[];
  summary: { filesParsed: number };
}

/** The `slowest files:` line of `--stats`, as file and milliseconds. */
function slowestOf(stderr: string | undefined): { file: string; ms: number }[] {
  const line = /slowest files: (.*)$/m.exec(stderr ?? '')?.[1] ?? '';
  return line.split(', ').flatMap((entry) => {
    const match = /^(.*) (\d+) ms$/.exec(entry);
    return match ? [{ file: match[1] as string, ms: Number(match[2]) }] : [];
  });
}

const findingKey = (finding: JsonReport['findings'][number]): string => `${finding.ruleId} ${finding.file}:${finding.line}:${finding.column} ${finding.fingerprint}`;

/**
 * One `--no-prefilter` run over a real corpus: every discovered file is parsed, so any input that
 * breaks the analysis shows up as an internal error (issue 12 requires none).
 */
function benchEveryFile(corpus: string, includeTests: boolean): Record<string, unknown> {
  if (!existsSync(corpus)) throw new Error(`no such corpus directory: ${corpus} (bench/corpora.md says how to fetch it)`);
  const output = path.join(WORK, `out-${path.basename(corpus)}-every-file.json`);
  const sample = measure(node, [cli, corpus, '--no-prefilter', ...(includeTests ? ['--include-tests'] : []), '--format', 'json', '--output-file', output], ROOT);
  const { summary } = JSON.parse(readFileSync(output, 'utf8')) as { summary: { filesScanned: number; filesParsed: number; skipped: Record<string, number>; internalErrors: number } };
  const skipped = Object.entries(summary.skipped).filter(([, count]) => count > 0).map(([reason, count]) => `${count} ${reason}`);
  console.log(`
corpus ${corpus} (--no-prefilter${includeTests ? ' --include-tests' : ''}): ${countFiles(corpus)} source files`);
  console.log(`  ${summary.filesScanned} scanned, ${summary.filesParsed} parsed, skipped: ${skipped.join(', ') || 'none'}`);
  console.log(`  internal errors: ${summary.internalErrors} (exit status ${sample.status})`);
  console.log(`  ${(sample.wallMs / 1000).toFixed(1)} s, peak RSS ${sample.rssMiB?.toFixed(0) ?? '?'} MiB`);
  return { corpus, includeTests, wallMs: sample.wallMs, rssMiB: sample.rssMiB, status: sample.status, ...summary };
}

process.exitCode = main();
