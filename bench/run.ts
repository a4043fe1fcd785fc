// npm run bench: measures ws-mock-audit side by side with ESLint and ast-grep running equivalent
// rules on the same generated corpus, in one run, and prints ratios (never asserted in npm test).
// npm run bench -- --corpus DIR [--corpus DIR2]: measures those directories instead (bench/corpora.md
// lists the real one); ESLint only with BENCH_ESLINT=1 there, since it takes many minutes on real code.
// npm run bench -- --corpus DIR --no-prefilter [--include-tests]: one row only, every file parsed: files
// scanned, parsed, skipped by reason and internal errors (issue 12: there must be none).
// BENCH_SIZES=1000,10000,50000  BENCH_RUNS=3 (median)  BENCH_PEER_RUNS_LARGE=1 (peers above 20k files)  BENCH_DIR=<tmp>
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/discover/config.js';
import { discoverFiles } from '../src/discover/files.js';
import { createPrefilter, isMinified } from '../src/prefilter/index.js';
import { ensureCorpus } from './corpus.js';
import { benchRuntime } from './runtime.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// Outside the repository: the repository's .gitignore must not apply to the corpus.
const WORK = process.env.BENCH_DIR ?? path.join(tmpdir(), 'ws-mock-audit-bench');
const SIZES = (process.env.BENCH_SIZES ?? '1000,10000,50000').split(',').map(Number);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const PEER_RUNS_LARGE = Number(process.env.BENCH_PEER_RUNS_LARGE ?? 1);
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

interface Sample {
  wallMs: number;
  rssMiB: number | undefined;
  status: number | null;
  stderr?: string;
}

/** Runs a command once: wall time, and peak RSS through GNU time when it is there. */
function measure(command: string, args: string[], cwd: string): Sample {
  const started = performance.now();
  const run = TIME
    ? spawnSync(TIME, ['-f', '__RSS_KB=%M', command, ...args], { cwd, encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024 })
    : spawnSync(command, args, { cwd, encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024 });
  const wallMs = performance.now() - started;
  const rss = /__RSS_KB=(\d+)/.exec(run.stderr ?? '')?.[1];
  if (run.status !== 0 && run.status !== 1) {
    console.error(`  ! ${path.basename(command)} exited ${run.status}: ${(run.stderr ?? '').split('\n').slice(-4).join(' ')}`);
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
    samples.push(run());
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

interface Row {
  size: number;
  tool: string;
  sample: Sample;
  files: number;
}

const node = process.execPath;
const cli = path.join(ROOT, 'bin', 'ws-mock-audit.js');
const eslint = path.join(ROOT, 'node_modules', 'eslint', 'bin', 'eslint.js');
const eslintConfig = path.join(ROOT, 'bench', 'eslint.config.mjs');
const sgConfig = path.join(ROOT, 'bench', 'ast-grep', 'sgconfig.yml');
const out = path.join(WORK, 'out.json');

function corporaFromArgs(argv: string[]): { dirs: string[]; flags: string[] } {
  const dirs: string[] = [];
  const flags: string[] = [];
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index] as string;
    if (arg === '--corpus' && argv[index + 1]) dirs.push(path.resolve(argv[++index] as string));
    else if (arg.startsWith('--corpus=')) dirs.push(path.resolve(arg.slice('--corpus='.length)));
    else if (arg === '--no-prefilter' || arg === '--include-tests') flags.push(arg);
    else throw new Error(`unknown argument ${arg}: npm run bench [-- --corpus DIR ... [--no-prefilter [--include-tests]]]`);
  }
  return { dirs, flags };
}

function main(): void {
  mkdirSync(WORK, { recursive: true });
  const { dirs: corpora, flags } = corporaFromArgs(process.argv.slice(2));
  if (flags.includes('--no-prefilter')) {
    if (corpora.length === 0) throw new Error('--no-prefilter measures a real corpus: give --corpus DIR');
    const results = corpora.map((dir) => benchEveryFile(dir, flags.includes('--include-tests')));
    writeFileSync(path.join(WORK, 'results-no-prefilter.json'), JSON.stringify(results, null, 2));
    return;
  }
  if (corpora.length > 0) {
    const results = corpora.map((dir) => benchCorpus(dir));
    writeFileSync(path.join(WORK, 'results-corpora.json'), JSON.stringify(results, null, 2));
    return;
  }
  benchGenerated();
}

function benchGenerated(): void {
  const sg = astGrepBinary();
  const rows: Row[] = [];

  for (const size of SIZES) {
    const started = performance.now();
    const corpus = ensureCorpus(WORK, size);
    const files = countFiles(corpus);
    console.log(`\ncorpus ${size}: ${files} files (ready in ${((performance.now() - started) / 1000).toFixed(1)} s)`);
    const cache = path.join(WORK, `cache-${size}`);
    const peerRuns = size > 20_000 ? PEER_RUNS_LARGE : RUNS;
    const ours = (extra: string[]): Sample => measure(node, [cli, corpus, '--format', 'json', '--output-file', out, ...extra], ROOT);
    const add = (tool: string, sample: Sample): void => {
      rows.push({ size, tool, sample, files });
      console.log(`  ${tool.padEnd(34)} ${(sample.wallMs / 1000).toFixed(2).padStart(8)} s  ${sample.rssMiB ? `${sample.rssMiB.toFixed(0)} MiB` : ''}`);
    };

    add('ws-mock-audit cold', repeat(RUNS, () => undefined, () => ours([])));
    add('ws-mock-audit --jobs 1', repeat(RUNS, () => undefined, () => ours(['--jobs', '1'])));
    rmSync(cache, { recursive: true, force: true });
    ours(['--cache', '--cache-location', cache]);
    add('ws-mock-audit warm --cache', repeat(RUNS, () => undefined, () => ours(['--cache', '--cache-location', cache])));

    const changed = readdirSync(corpus, { recursive: true, encoding: 'utf8' }).filter((name) => /ws-handler\d+\.ts$/.test(name)).slice(0, 3);
    // The common CI case: one file edited since the last run (each run sees a new edit). The file
    // is parsed again, and linking and the rules run over cached facts; its original comes back after.
    const edited = path.join(corpus, changed[0] as string);
    const original = readFileSync(edited, 'utf8');
    let edits = 0;
    add('ws-mock-audit warm, 1 file edited', repeat(RUNS, () => writeFileSync(edited, `${original}// edit ${++edits}\n`), () => ours(['--cache', '--cache-location', cache])));
    writeFileSync(edited, original);
    add('ws-mock-audit pre-commit (3)', repeat(RUNS, () => undefined, () => measure(node, [cli, ...changed, '--format', 'json', '--output-file', out], corpus)));

    add('ast-grep (2 threads)', repeat(peerRuns, () => undefined, () => measure(sg, ['scan', '--config', sgConfig, '--threads', '2', '--json=compact', corpus], ROOT)));
    // ESLint 9 only lints files under its config's directory: the config goes into the corpus root,
    // importing the parser from this repository by absolute URL.
    const parserUrl = import.meta.resolve('@typescript-eslint/parser');
    writeFileSync(path.join(corpus, 'eslint.config.mjs'), readFileSync(eslintConfig, 'utf8').replace("'@typescript-eslint/parser'", JSON.stringify(parserUrl)));
    const eslintCache = path.join(WORK, `eslint-cache-${size}`);
    const eslintArgs = [eslint, '--format', 'json', '--output-file', out, '.'];
    add('eslint cold', repeat(peerRuns, () => rmSync(eslintCache, { force: true }), () => measure(node, eslintArgs, corpus)));
    rmSync(eslintCache, { force: true });
    measure(node, [...eslintArgs, '--cache', '--cache-location', eslintCache], corpus);
    add('eslint warm --cache', repeat(peerRuns, () => undefined, () => measure(node, [...eslintArgs, '--cache', '--cache-location', eslintCache], corpus)));
  }

  const get = (size: number, tool: string): Sample | undefined => rows.find((row) => row.size === size && row.tool === tool)?.sample;
  console.log('\n| files | tool | wall s | files/s | peak RSS MiB |');
  console.log('|---:|---|---:|---:|---:|');
  for (const row of rows) {
    const filesPerSecond = row.tool.includes('pre-commit') ? '' : Math.round(row.files / (row.sample.wallMs / 1000)).toString();
    console.log(`| ${row.files} | ${row.tool} | ${(row.sample.wallMs / 1000).toFixed(2)} | ${filesPerSecond} | ${row.sample.rssMiB?.toFixed(0) ?? '?'} |`);
  }
  console.log('\nratios (ours / theirs, lower is better):');
  for (const size of SIZES) {
    const cold = get(size, 'ws-mock-audit cold');
    const warm = get(size, 'ws-mock-audit warm --cache');
    const sg = get(size, 'ast-grep (2 threads)');
    const eslintCold = get(size, 'eslint cold');
    if (!cold || !warm || !sg || !eslintCold) continue;
    console.log(
      `  ${size}: cold/ast-grep ${(cold.wallMs / sg.wallMs).toFixed(3)}, cold/eslint ${(cold.wallMs / eslintCold.wallMs).toFixed(3)}, ` +
        `warm speed-up ${(cold.wallMs / warm.wallMs).toFixed(1)}x, pre-commit ${(get(size, 'ws-mock-audit pre-commit (3)')?.wallMs ?? 0).toFixed(0)} ms`,
    );
  }
  const [small, large] = [SIZES.at(-2), SIZES.at(-1)];
  const t1 = small && get(small, 'ws-mock-audit cold');
  const t2 = large && get(large, 'ws-mock-audit cold');
  if (small && large && t1 && t2) {
    console.log(`growth exponent of our cold time from ${small} to ${large} files: ${(Math.log(t2.wallMs / t1.wallMs) / Math.log(large / small)).toFixed(2)} (1.00 = linear)`);
  }

  console.log('\nruntime (ws-mock-audit/runtime):');
  const runtime = benchRuntime();
  console.log(`  WebSocketContext.create: ${Math.round(runtime.contextsPerSecond).toLocaleString('en')} contexts/s`);
  console.log(`  factory look-ups (forWebSocket, existing instance): ${Math.round(runtime.lookupsPerSecond).toLocaleString('en')} /s`);
  console.log(`  memory per live context: ${runtime.bytesPerContext.toFixed(0)} bytes`);
  writeFileSync(path.join(WORK, 'results.json'), JSON.stringify({ rows, runtime }, null, 2));
}

interface JsonReport {
  findings: { ruleId: string; file: string; line: number; column: number; fingerprint: string }[];
  errors: { file: string; message: string }[];
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

/**
 * Measures one directory as it is (a real corpus: bench/corpora.md): cold, warm, warm with one file
 * edited, pre-commit with and without WebSocket code, ast-grep, the 5 slowest files, and whether
 * the findings are identical to a `--no-prefilter` run. Files are edited in place and restored.
 */
function benchCorpus(corpus: string): Record<string, unknown> {
  if (!existsSync(corpus)) throw new Error(`no such corpus directory: ${corpus} (bench/corpora.md says how to fetch it)`);
  const sg = astGrepBinary();
  const files = countFiles(corpus);
  const name = path.basename(corpus);
  const cache = path.join(WORK, `cache-corpus-${name}`);
  const outFile = path.join(WORK, `out-${name}.json`);
  const noPrefilterOut = path.join(WORK, `out-${name}-no-prefilter.json`);
  const rows: { tool: string; sample: Sample }[] = [];
  const ours = (extra: string[], output = outFile): Sample => measure(node, [cli, corpus, '--format', 'json', '--output-file', output, '--stats', ...extra], ROOT);
  const add = (tool: string, sample: Sample): Sample => {
    rows.push({ tool, sample });
    console.log(`  ${tool.padEnd(46)} ${(sample.wallMs / 1000).toFixed(2).padStart(8)} s  ${sample.rssMiB ? `${sample.rssMiB.toFixed(0)} MiB` : ''}`);
    return sample;
  };
  console.log(`\ncorpus ${corpus}: ${files} source files`);

  // Which discovered files pass the prefilter decides what the edit and pre-commit rows touch.
  const config = loadConfig(corpus, undefined, []);
  const prefilter = createPrefilter(config.facts);
  const discovered = discoverFiles([corpus], corpus, config, false).inputs.map((input) => input.file);
  const passing: string[] = [];
  const failing: string[] = [];
  for (const file of discovered) {
    const text = readFileSync(file, 'utf8');
    (!isMinified(file, text) && prefilter(text) ? passing : failing).push(file);
  }
  console.log(`  ${discovered.length} discovered, ${passing.length} pass the prefilter (${((100 * passing.length) / Math.max(1, discovered.length)).toFixed(1)}%)`);

  const cold = add('ws-mock-audit cold', repeat(RUNS, () => undefined, () => ours([])));
  const report = JSON.parse(readFileSync(outFile, 'utf8')) as JsonReport;
  add('ws-mock-audit --jobs 1', repeat(RUNS, () => undefined, () => ours(['--jobs', '1'])));
  const unfiltered = add('ws-mock-audit --no-prefilter (once)', ours(['--no-prefilter'], noPrefilterOut));
  const reference = JSON.parse(readFileSync(noPrefilterOut, 'utf8')) as JsonReport;
  const kept = new Set(report.findings.map(findingKey));
  const all = new Set(reference.findings.map(findingKey));
  const lost = [...all].filter((key) => !kept.has(key));
  const extra = [...kept].filter((key) => !all.has(key));

  rmSync(cache, { recursive: true, force: true });
  ours(['--cache', '--cache-location', cache]);
  add('ws-mock-audit warm --cache', repeat(RUNS, () => undefined, () => ours(['--cache', '--cache-location', cache])));
  // One file with WebSocket code edited since the last run (each run sees a new edit), restored after.
  const findingFiles = [...new Set(report.findings.map((finding) => path.resolve(ROOT, finding.file)))];
  const wsFiles = [...findingFiles, ...passing.filter((file) => !findingFiles.includes(file))];
  const edited = wsFiles[0];
  if (edited) {
    const original = readFileSync(edited, 'utf8');
    let edits = 0;
    try {
      add('ws-mock-audit warm, 1 file edited', repeat(RUNS, () => writeFileSync(edited, `${original}// edit ${++edits}\n`), () => ours(['--cache', '--cache-location', cache])));
    } finally {
      writeFileSync(edited, original);
    }
  }
  const precommit = (list: string[]): Sample => measure(node, [cli, ...list, '--format', 'json', '--output-file', out], corpus);
  add('ws-mock-audit pre-commit (3 WebSocket files)', repeat(RUNS, () => undefined, () => precommit(wsFiles.slice(0, 3))));
  add('ws-mock-audit pre-commit (3 other files)', repeat(RUNS, () => undefined, () => precommit(failing.slice(0, 3))));
  const astGrep = add('ast-grep (2 threads)', repeat(RUNS, () => undefined, () => measure(sg, ['scan', '--config', sgConfig, '--threads', '2', '--json=compact', corpus], ROOT)));
  if (process.env.BENCH_ESLINT === '1') {
    const parserUrl = import.meta.resolve('@typescript-eslint/parser');
    const configFile = path.join(WORK, `eslint-${name}.config.mjs`);
    writeFileSync(configFile, readFileSync(eslintConfig, 'utf8').replace("'@typescript-eslint/parser'", JSON.stringify(parserUrl)));
    add('eslint cold (once)', measure(node, [eslint, '--config', configFile, '--format', 'json', '--output-file', out, '.'], corpus));
  }

  console.log(`\n  findings: ${report.findings.length}; identical to --no-prefilter: ${lost.length === 0 && extra.length === 0 ? 'yes' : `NO (${lost.length} lost, ${extra.length} extra)`}`);
  for (const key of lost.slice(0, 20)) console.log(`    lost: ${key}`);
  for (const key of extra.slice(0, 20)) console.log(`    extra: ${key}`);
  const internal = reference.errors.filter((error) => error.message.startsWith('internal error'));
  console.log(`  internal errors (--no-prefilter): ${internal.length}`);
  for (const error of internal.slice(0, 10)) console.log(`    ${error.file}: ${error.message}`);
  const slowPrefiltered = slowestOf(cold.stderr);
  const slowAll = slowestOf(unfiltered.stderr);
  console.log('  5 slowest files (cold, parse + analysis):');
  const shown = (file: string): string => path.relative(corpus, path.resolve(ROOT, file));
  for (const { file, ms } of slowPrefiltered) console.log(`    ${String(ms).padStart(6)} ms  ${shown(file)}`);
  console.log('  5 slowest files (--no-prefilter: every file):');
  for (const { file, ms } of slowAll) console.log(`    ${String(ms).padStart(6)} ms  ${shown(file)}`);
  console.log(`  cold / ast-grep: ${(cold.wallMs / astGrep.wallMs).toFixed(3)}`);

  console.log('\n| tool | wall s | files/s | peak RSS MiB |');
  console.log('|---|---:|---:|---:|');
  for (const row of rows) {
    const filesPerSecond = row.tool.includes('pre-commit') ? '' : Math.round(files / (row.sample.wallMs / 1000)).toString();
    console.log(`| ${row.tool} | ${(row.sample.wallMs / 1000).toFixed(2)} | ${filesPerSecond} | ${row.sample.rssMiB?.toFixed(0) ?? '?'} |`);
  }
  return {
    corpus,
    files,
    discovered: discovered.length,
    passing: passing.length,
    rows: rows.map(({ tool, sample }) => ({ tool, wallMs: sample.wallMs, rssMiB: sample.rssMiB, status: sample.status })),
    findings: report.findings.length,
    lost,
    extra,
    internalErrors: internal,
    slowest: slowPrefiltered,
    slowestNoPrefilter: slowAll,
  };
}

main();
