// npm run bench: measures ws-mock-audit side by side with ESLint and ast-grep running equivalent
// rules on the same generated corpus, in one run, and prints ratios (never asserted in npm test).
// BENCH_SIZES=1000,10000,50000  BENCH_RUNS=3 (median)  BENCH_PEER_RUNS_LARGE=1 (peers above 20k files)  BENCH_DIR=<tmp>
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
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
  return { wallMs, rssMiB: rss ? Number(rss) / 1024 : undefined, status: run.status };
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

function main(): void {
  mkdirSync(WORK, { recursive: true });
  const node = process.execPath;
  const cli = path.join(ROOT, 'bin', 'ws-mock-audit.js');
  const eslint = path.join(ROOT, 'node_modules', 'eslint', 'bin', 'eslint.js');
  const eslintConfig = path.join(ROOT, 'bench', 'eslint.config.mjs');
  const sg = astGrepBinary();
  const sgConfig = path.join(ROOT, 'bench', 'ast-grep', 'sgconfig.yml');
  const rows: Row[] = [];
  const out = path.join(WORK, 'out.json');

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

main();
