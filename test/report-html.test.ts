import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { RULES } from '../rules/index.js';
import { createPrefilter } from '../src/prefilter/index.js';
import { loadConfig } from '../src/discover/config.js';
import { scanHistory, scanWorkTree } from '../src/history/index.js';
import { stageOf } from '../src/report/migration.js';
import { ROOT, runCli } from './helpers/cli.js';
import { demoHistoryRepo, type DemoHistory } from './helpers/demo-history.js';
import { gitRepo } from './helpers/git.js';
import { manyFindingsProject } from './helpers/many-findings.js';

interface JsonFinding {
  ruleId: string;
  fingerprint: string;
  fixable: boolean;
  related: unknown[];
  file: string;
}

const STAGE = new Map(RULES.map((rule) => [rule.meta.id, stageOf(rule.meta)]));

/** What the page should show, from the JSON of a scan and the rules' own stage metadata. */
function expectedCounts(findings: JsonFinding[]): { open: number; fixable: number; legacy: number } {
  const fakes = findings.filter((finding) => STAGE.get(finding.ruleId) === 'fake');
  return { open: fakes.length, fixable: fakes.filter((finding) => finding.fixable).length, legacy: findings.filter((finding) => STAGE.get(finding.ruleId) === 'legacy-branch').length };
}

function jsonScan(args: string[], cwd: string): JsonFinding[] {
  const run = runCli([...args, '--format', 'json'], { cwd });
  assert.ok(run.status === 0 || run.status === 1, run.stderr);
  return JSON.parse(run.stdout).findings as JsonFinding[];
}

function count(html: string, key: string): string | undefined {
  return new RegExp(`data-count="${key}">([^<]*)<`).exec(html)?.[1];
}

function tableRows(html: string, id: string): string[][] {
  const table = new RegExp(`<table id="${id}">([\\s\\S]*?)</table>`).exec(html)?.[1] ?? '';
  return [...table.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((row) => [...(row[1] ?? '').matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((cell) => (cell[1] ?? '').replace(/<[^>]+>/g, '').trim()));
}

function assertSelfContained(html: string): void {
  assert.not.match(html, /<link\b/i, 'no stylesheet links');
  assert.not.match(html, /<(script|img|iframe|source|video|audio|embed|object)\b[^>]*\bsrc=/i, 'no external resources');
  assert.not.match(html, /url\(|@import|@font-face/i, 'no CSS that loads anything');
}

const tmp = (): string => mkdtempSync(path.join(tmpdir(), 'wma-report-'));

const page = suite('report: one self-contained HTML page');

page('the demo app: totals, funnel, charts with tables, every finding with its frame, chain and anchor', () => {
  const out = path.join(tmp(), 'report.html');
  const run = runCli(['report', 'fixtures/demo-app', '-o', out]);
  assert.is(run.status, 0, run.stderr);
  const html = readFileSync(out, 'utf8');
  assertSelfContained(html);
  const findings = jsonScan(['fixtures/demo-app'], ROOT);
  const expected = expectedCounts(findings);
  assert.ok(findings.length > 0);
  assert.is(count(html, 'open'), String(expected.open));
  assert.is(count(html, 'fixable'), String(expected.fixable));
  assert.is(count(html, 'legacy'), String(expected.legacy));
  assert.is(count(html, 'findings'), String(findings.length));
  assert.is(count(html, 'removed'), '–', 'nothing tells what was removed without history or baseline');
  assert.is((html.match(/<article /g) ?? []).length, findings.length);
  for (const finding of findings) {
    const article = new RegExp(`<article id="f-${finding.fingerprint}"[^>]*>([\\s\\S]*?)</article>`).exec(html)?.[1];
    assert.ok(article, `finding ${finding.fingerprint} has an anchor`);
    assert.match(article, `<a class="fp" href="#f-${finding.fingerprint}">`);
    assert.match(article, /<pre class="frame"><code>[\s\S]*<mark>/, 'code frame with the span marked');
    if (finding.related.length > 0) assert.match(article, /<ol class="chain"/);
  }
  // Every chart has labelled axes and its numbers in a table.
  const charts = html.match(/<svg class="chart"[\s\S]*?<\/svg>/g) ?? [];
  assert.ok(charts.length >= 4, 'funnel, framework, shape, directory');
  for (const chart of charts) assert.is((chart.match(/class="axis-title"/g) ?? []).length, 2);
  for (const id of ['funnel-table', 'by-framework-table', 'by-shape-table', 'by-directory-table', 'rules-table']) assert.match(html, `<table id="${id}">`);
  // The framework table's totals are the fakes, by the scanner's own framework data.
  const frameworkTotal = tableRows(html, 'by-framework-table').slice(1).reduce((sum, row) => sum + Number(row[1]), 0);
  assert.ok(frameworkTotal > 0 && frameworkTotal <= expected.open);
  const rulesTotal = tableRows(html, 'rules-table').find((row) => row[0] === 'All rules');
  assert.is(rulesTotal?.[4], String(findings.length));
});

page('scan --format html writes the same kind of page next to other formats', () => {
  const dir = tmp();
  const run = runCli(['fixtures/demo-app', '--format', 'html', '-o', path.join(dir, 'scan.html'), '--format', 'json', '-o', path.join(dir, 'scan.json')]);
  assert.is(run.status, 1, 'the demo has error findings');
  const html = readFileSync(path.join(dir, 'scan.html'), 'utf8');
  const json = JSON.parse(readFileSync(path.join(dir, 'scan.json'), 'utf8'));
  assert.is((html.match(/<article /g) ?? []).length, json.findings.length);
  assertSelfContained(html);
});

page('code from the scanned repository is escaped', () => {
  const dir = tmp();
  mkdirSync(path.join(dir, 'src'));
  writeFileSync(
    path.join(dir, 'src', 'evil.ts'),
    "import { WebSocketServer } from 'ws';\nconst wss = new WebSocketServer({ port: 1 });\nwss.on('connection', (ws) => {\n  ws.on('message', async () => {\n    await getToken({ url: '</script><img src=x onerror=alert(1)>' } as unknown as Request);\n  });\n});\ndeclare function getToken(req: Request): Promise<void>;\n",
  );
  const out = path.join(dir, 'report.html');
  assert.is(runCli(['report', 'src', '-o', out], { cwd: dir }).status, 0);
  const html = readFileSync(out, 'utf8');
  assert.match(html, '&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;');
  assert.not.match(html, '<img src=x');
  assert.is((html.match(/<\/script>/g) ?? []).length, 1, 'only the page script ends a script');
});

page('a 1,000-finding project makes a page under 1.5 MB', () => {
  const dir = manyFindingsProject(250);
  const out = path.join(dir, 'report.html');
  const run = runCli(['report', 'src', '-o', out], { cwd: dir });
  assert.is(run.status, 0, run.stderr);
  const html = readFileSync(out, 'utf8');
  assert.is(count(html, 'findings'), '1000');
  const size = statSync(out).size;
  assert.ok(size < 1.5 * 1024 * 1024, `${size} bytes`);
  rmSync(dir, { recursive: true, force: true });
});

page.run();

const history = suite('report --history: commits read from git, nothing checked out');
let demo: DemoHistory;
history.before(() => {
  demo = demoHistoryRepo();
});
history.after(() => rmSync(demo.dir, { recursive: true, force: true }));

/** Findings at a commit, by scanning an exported copy of it the ordinary way. */
function findingsAt(repo: DemoHistory, sha: string): JsonFinding[] {
  const dir = tmp();
  execFileSync('sh', ['-c', `git -C "${repo.dir}" archive ${sha} | tar -x -C "${dir}"`]);
  const findings = jsonScan(['src'], dir);
  rmSync(dir, { recursive: true, force: true });
  return findings;
}

history('each point equals a scan of that commit checked out; removed counts fakes that are gone', () => {
  const status = demo.git('status', '--porcelain');
  const out = path.join(demo.dir, '.out', 'report.html');
  const run = runCli(['report', 'src', '--history', '10', '-o', out], { cwd: demo.dir });
  assert.is(run.status, 0, run.stderr);
  assert.match(run.stderr, /history of 4 commits/);
  assert.is(demo.git('status', '--porcelain').replace(/\?\? \.out\/\n/, ''), status, 'the work tree is untouched');
  const html = readFileSync(out, 'utf8');
  assertSelfContained(html);
  const rows = tableRows(html, 'history-table').slice(1).reverse();
  assert.is(rows.length, demo.commits.length);
  const seen = new Set<string>();
  demo.commits.forEach((commit, i) => {
    const findings = findingsAt(demo, commit.sha);
    const expected = expectedCounts(findings);
    for (const finding of findings) if (STAGE.get(finding.ruleId) === 'fake') seen.add(finding.fingerprint);
    const row = rows[i] as string[];
    assert.ok(row[0]?.startsWith(commit.sha.slice(0, 10)), `${row[0]} is ${commit.sha}`);
    assert.equal([row[1], row[2], row[3]].map(Number), [expected.open, expected.fixable, expected.legacy], commit.subject);
  });
  const first = expectedCounts(findingsAt(demo, demo.commits[0]?.sha as string));
  const last = expectedCounts(findingsAt(demo, demo.commits.at(-1)?.sha as string));
  assert.ok(last.open < first.open, 'the codemod commits remove fakes');
  const open = new Set(jsonScan(['src'], demo.dir).map((finding) => finding.fingerprint));
  assert.is(count(html, 'removed'), String([...seen].filter((fp) => !open.has(fp)).length));
  assert.ok(Number(count(html, 'removed')) > 0);
  // One point per commit and series.
  const chart = /<svg class="chart" id="history-chart"[\s\S]*?<\/svg>/.exec(html)?.[0] ?? '';
  assert.is((chart.match(/data-point/g) ?? []).length, 3 * demo.commits.length);
});

history('an unchanged file is never parsed twice: commits and the work tree share facts by content', async () => {
  const options = { paths: ['src'], cwd: demo.dir };
  const oldest = await scanHistory(options, { count: 1, since: '2026-09-01' });
  assert.is(oldest.points.length, 1);
  const config = loadConfig(path.join(demo.dir, 'src'), undefined, RULES.map((rule) => rule.meta.id));
  const matters = createPrefilter(config.facts);
  // Source files each later commit changed whose new content can matter (the prefilter passes it).
  let changed = 0;
  for (let i = 1; i < demo.commits.length; i++) {
    const names = demo.git('diff', '--name-only', demo.commits[i - 1]?.sha as string, demo.commits[i]?.sha as string).trim().split('\n').filter((name) => /\.ts$/.test(name));
    for (const name of names) if (matters(demo.git('show', `${demo.commits[i]?.sha}:${name}`))) changed++;
  }
  assert.ok(changed > 0);
  const all = await scanHistory(options, {});
  assert.is(all.points.length, demo.commits.length);
  assert.is(all.parsed, oldest.parsed + changed, 'each commit parses only what changed');
  const before = all.cache.parsed;
  const work = await scanWorkTree(options, all.cache);
  assert.is(all.cache.parsed, before, 'the work tree equals HEAD: nothing parsed again');
  assert.is(work.findings.length, jsonScan(['src'], demo.dir).length);
});

history('--since with --history n picks n commits evenly spaced, oldest and newest included', () => {
  const repo = gitRepo({ 'a.ts': 'export const a = 0;\n' });
  for (let i = 1; i < 10; i++) {
    repo.write('a.ts', `export const a = ${i};\n`);
    repo.git('commit', '-qam', `change ${i}`);
  }
  const shas = repo.git('log', '--first-parent', '--reverse', '--format=%H').trim().split('\n');
  const picked = (args: string[]): string[] => {
    const out = path.join(repo.dir, '.out', 'r.html');
    const run = runCli(['report', ...args, '-o', out], { cwd: repo.dir });
    assert.is(run.status, 0, run.stderr);
    return tableRows(readFileSync(out, 'utf8'), 'history-table').slice(1).map((row) => (row[0] ?? '').slice(0, 10)).reverse();
  };
  assert.equal(picked(['--since', '2000-01-01', '--history', '4']), [0, 3, 6, 9].map((i) => shas[i]?.slice(0, 10)));
  assert.equal(picked(['--history', '3']), shas.slice(-3).map((sha) => sha.slice(0, 10)));
  assert.is(picked(['--since', '2000-01-01']).length, 10);
  const bad = runCli(['report', '--history', '0'], { cwd: repo.dir });
  assert.is(bad.status, 2);
  rmSync(repo.dir, { recursive: true, force: true });
});

history('outside a git repository --history is a usage error', () => {
  const dir = tmp();
  writeFileSync(path.join(dir, 'a.ts'), 'export {};\n');
  const run = runCli(['report', '--history', '3', '-o', path.join(dir, 'r.html')], { cwd: dir });
  assert.is(run.status, 2);
  assert.match(run.stderr, 'not in one');
});

history.run();
