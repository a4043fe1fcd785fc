// npm run bench:history — what `report --history 50` costs next to one cold scan, on the generated
// 10k-file corpus (bench/corpus.ts) committed to a git repository with 50 first-parent commits, each
// editing a few files (one WebSocket handler in every fifth). Also: the size of the page, and how
// long headless chromium takes to load the 1,000-finding page, when chromium is there.
// BENCH_HISTORY_FILES=10000  BENCH_HISTORY_COMMITS=50  BENCH_RUNS=3  BENCH_DIR=<tmp>
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ensureCorpus } from './corpus.js';
import { findChromium, openPage } from '../test/helpers/chromium.js';
import { manyFindingsProject } from '../test/helpers/many-findings.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const WORK = process.env.BENCH_DIR ?? path.join(tmpdir(), 'ws-mock-audit-bench');
const FILES = Number(process.env.BENCH_HISTORY_FILES ?? 10_000);
const COMMITS = Number(process.env.BENCH_HISTORY_COMMITS ?? 50);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const CLI = path.join(ROOT, 'bin', 'ws-mock-audit.js');

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.email=bench@example.com', '-c', 'user.name=bench', '-c', 'commit.gpgsign=false', ...args], { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
}

/** The corpus as a repository with COMMITS commits; rebuilt when missing or of another shape. */
function historyRepo(): string {
  const corpus = ensureCorpus(WORK, FILES);
  const repo = path.join(WORK, `history-${FILES}-${COMMITS}`);
  if (existsSync(path.join(repo, '.git')) && git(repo, 'rev-list', '--count', 'HEAD').trim() === String(COMMITS)) return repo;
  rmSync(repo, { recursive: true, force: true });
  execFileSync('cp', ['-r', corpus, repo]);
  git(repo, 'init', '-q', '-b', 'main');
  git(repo, 'add', '-A');
  git(repo, 'commit', '-qm', 'import');
  const sources = readdirSync(path.join(repo, 'src'), { recursive: true, encoding: 'utf8' }).filter((name) => /\.(ts|tsx|js)$/.test(name));
  const handlers = sources.filter((name) => /ws-handler\d+\.ts$/.test(name));
  for (let i = 1; i < COMMITS; i++) {
    const edited = Array.from({ length: 8 }, (_, k) => sources[(i * 7919 + k * 104729) % sources.length] as string);
    if (i % 5 === 0) edited.push(handlers[i % handlers.length] as string);
    for (const name of edited) appendFileSync(path.join(repo, 'src', name), `// change ${i}\n`);
    git(repo, 'commit', '-qam', `change ${i}`);
  }
  return repo;
}

function timed(args: string[], cwd: string): { ms: number; stderr: string } {
  const started = performance.now();
  const run = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024 });
  const ms = performance.now() - started;
  if (run.status !== 0 && run.status !== 1) throw new Error(`${args.join(' ')} exited ${run.status}: ${run.stderr}`);
  return { ms, stderr: run.stderr };
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
}

async function main(): Promise<void> {
  const started = performance.now();
  const repo = historyRepo();
  console.log(`repository: ${FILES} files, ${COMMITS} commits (ready in ${((performance.now() - started) / 1000).toFixed(1)} s)`);
  const out = path.join(WORK, 'history-report.html');
  const cold = median(Array.from({ length: RUNS }, () => timed(['src', '--format', 'json', '--output-file', path.join(WORK, 'history-scan.json')], repo).ms));
  const reports = Array.from({ length: RUNS }, () => timed(['report', 'src', '--history', String(COMMITS), '-o', out], repo));
  const history = median(reports.map((run) => run.ms));
  const plain = median(Array.from({ length: RUNS }, () => timed(['report', 'src', '-o', out], repo).ms));
  console.log(`  one cold scan:                         ${(cold / 1000).toFixed(2)} s`);
  console.log(`  report (work tree only):               ${(plain / 1000).toFixed(2)} s`);
  console.log(`  report --history ${COMMITS}:                 ${(history / 1000).toFixed(2)} s  = ${(history / cold).toFixed(2)}x one cold scan (target <= 5x)`);
  console.log(`  ${reports.at(-1)?.stderr.split('\n').find((line) => line.includes('history of'))?.replace(/^ws-mock-audit: /, '') ?? ''}`);
  console.log(`  page: ${(statSync(out).size / 1024).toFixed(0)} KiB`);

  const many = manyFindingsProject(250);
  const page = path.join(many, 'report.html');
  timed(['report', 'src', '-o', page], many);
  console.log(`\n1,000-finding page: ${(statSync(page).size / 1024 / 1024).toFixed(2)} MiB (target < 1.5 MiB)`);
  const chromium = findChromium();
  if (chromium) {
    const browser = await openPage(chromium);
    const loads: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      await browser.navigate(pathToFileURL(page).href);
      loads.push(await browser.evaluate<number>("performance.getEntriesByType('navigation')[0].loadEventEnd"));
    }
    await browser.close();
    console.log(`  opens in headless chromium (load event): ${median(loads).toFixed(0)} ms (target < 1000 ms)`);
  } else console.log('  (no chromium on PATH: open time not measured)');
  rmSync(many, { recursive: true, force: true });
}

await main();
