import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli } from './helpers/cli.js';
import { gitRepo } from './helpers/git.js';

const HANDLER = (body: string[], before: string[] = []): string =>
  [
    "import { WebSocketServer } from 'ws';",
    "import { getToken } from './auth';",
    ...before,
    'const wss = new WebSocketServer({ port: 1 });',
    "wss.on('connection', (ws) => {",
    "  ws.on('message', async (raw) => {",
    ...body.map((line) => `    ${line}`),
    '  });',
    '});',
    '',
  ].join('\n');

const FAKE_A = "await getToken({ headers: { cookie: String(raw) } } as unknown as Request);";
const FAKE_B = "await getToken(new Request('http://x/' + String(raw)));";
const FAKE_C = "await getToken({ url: '/c' } as Request);";

const git = suite('baselines and --staged on real git repositories');

git('fingerprints survive moving code and editing unrelated lines; only new findings count', () => {
  const repo = gitRepo({ 'src/chat.ts': HANDLER([FAKE_A, FAKE_B]) });
  const update = runCli(['--update-baseline', '--baseline', 'baseline.json'], { cwd: repo.dir });
  assert.is(update.status, 0, update.stderr);
  const baseline = JSON.parse(readFileSync(path.join(repo.dir, 'baseline.json'), 'utf8'));
  assert.is(baseline.findings.length, 2);
  assert.equal(Object.keys(baseline.findings[0]), ['fingerprint', 'ruleId', 'file', 'snippet']);
  assert.is(baseline.findings[0].file, 'src/chat.ts');
  assert.match(baseline.findings.map((entry: { snippet: string }) => entry.snippet).join('\n'), "as unknown as Request");
  repo.git('add', '-A');
  repo.git('commit', '-q', '-m', 'baseline');

  // Unrelated edits: lines added above, a comment, the two fakes swapped, indentation changed.
  repo.write('src/chat.ts', HANDLER(['// reordered during a refactor', FAKE_B, 'const unrelated = 1;', `  ${FAKE_A}`], ['// header comment', "import { readFile } from 'node:fs/promises';", 'void readFile;']));
  repo.git('commit', '-qam', 'unrelated edits');
  const clean = runCli(['--baseline', 'baseline.json', '--format', 'json'], { cwd: repo.dir });
  assert.is(clean.status, 0, clean.stdout);
  const report = JSON.parse(clean.stdout);
  assert.is(report.findings.length, 0);
  assert.is(report.summary.baselined, 2);

  // A new fake is reported, the old ones stay baselined.
  repo.write('src/chat.ts', HANDLER([FAKE_B, FAKE_A, FAKE_C]));
  const fresh = runCli(['--baseline', 'baseline.json', '--format', 'json'], { cwd: repo.dir });
  assert.is(fresh.status, 1);
  const freshReport = JSON.parse(fresh.stdout);
  assert.is(freshReport.findings.length, 1);
  assert.match(freshReport.findings[0].message, 'cast to `Request`');
  assert.is(freshReport.summary.baselined, 2);

  // Fixing a baselined fake reports the stale entry, and --update-baseline prunes it.
  repo.write('src/chat.ts', HANDLER([FAKE_B]));
  const fixed = runCli(['--baseline', 'baseline.json'], { cwd: repo.dir });
  assert.is(fixed.status, 0);
  assert.match(fixed.stderr, '1 baseline entry is fixed; run with --update-baseline to prune it');
  runCli(['--update-baseline', '--baseline', 'baseline.json'], { cwd: repo.dir });
  assert.is(JSON.parse(readFileSync(path.join(repo.dir, 'baseline.json'), 'utf8')).findings.length, 1);
  rmSync(repo.dir, { recursive: true, force: true });
});

git('the baseline path can come from config, and a broken baseline is exit 2', () => {
  const repo = gitRepo({ 'src/chat.ts': HANDLER([FAKE_A]), 'ws-mock-audit.config.json': '{ "baseline": "audit/baseline.json" }' });
  assert.is(runCli(['--baseline', 'missing.json'], { cwd: repo.dir }).status, 2);
  repo.write('audit/baseline.json', '{"version": 1, "findings": []}');
  assert.is(runCli([], { cwd: repo.dir }).status, 1);
  assert.is(runCli(['--update-baseline'], { cwd: repo.dir }).status, 0);
  assert.is(runCli([], { cwd: repo.dir }).status, 0);
  repo.write('audit/baseline.json', '{"findings": "nope"}');
  const broken = runCli([], { cwd: repo.dir });
  assert.is(broken.status, 2);
  assert.match(broken.stderr, 'not a ws-mock-audit baseline');
  rmSync(repo.dir, { recursive: true, force: true });
});

git('--staged scans what is staged, not the work tree', () => {
  const repo = gitRepo({ 'src/chat.ts': HANDLER(['ws.send(String(raw));']), 'src/other.ts': 'export const x = 1;\n' });
  // Stage a fake, then remove it again in the work tree only.
  repo.write('src/chat.ts', HANDLER([FAKE_A]));
  repo.git('add', 'src/chat.ts');
  repo.write('src/chat.ts', HANDLER(['ws.send(String(raw));']));
  const staged = runCli(['--staged', '--format', 'json'], { cwd: repo.dir });
  assert.is(staged.status, 1, staged.stderr);
  const report = JSON.parse(staged.stdout);
  assert.is(report.findings.length, 1);
  assert.is(report.findings[0].file, 'src/chat.ts');
  assert.is(report.summary.filesScanned, 1, 'only staged files');
  assert.is(runCli([], { cwd: repo.dir }).status, 0, 'the work tree is clean');

  // The reverse: a fake only in the work tree is not reported by --staged.
  repo.git('commit', '-qm', 'x');
  repo.write('src/other.ts', HANDLER([FAKE_C]));
  assert.is(runCli(['--staged'], { cwd: repo.dir }).status, 0);
  rmSync(repo.dir, { recursive: true, force: true });
});

git('--staged links helpers from the index too', () => {
  const helper = "export function forge(id: string) { return { headers: { 'x-user-id': id } } as unknown as Request; }\n";
  const repo = gitRepo({ 'src/forge.ts': "export function forge(id: string) { return new Request('http://x/' + id); }\n", 'src/chat.ts': HANDLER(['ws.send(1);']) });
  repo.write('src/chat.ts', HANDLER(['await fetch(forge(String(raw)));', 'await getToken(forge("a"));'], ["import { forge } from './forge';"]));
  repo.write('src/forge.ts', helper);
  repo.git('add', 'src/chat.ts');
  // forge.ts is modified in the work tree only; the index still has the fetch-only version... which is real either way
  const run = runCli(['--staged', '--format', 'json'], { cwd: repo.dir });
  const report = JSON.parse(run.stdout);
  // Where the handler gets the fake, and where the staged helper makes it.
  assert.equal(report.findings.map((f: { file: string }) => f.file).sort(), ['src/chat.ts', 'src/forge.ts'], run.stdout);
  assert.ok(report.findings.every((f: { message: string }) => f.message.includes('`new Request()` from `forge()`')));
  rmSync(repo.dir, { recursive: true, force: true });
});

git('--staged with named files: one not in the index is exit 2 naming it; one in the index is scanned from it', () => {
  const repo = gitRepo({ 'src/chat.ts': HANDLER([FAKE_A]), 'src/other.ts': 'export const x = 1;\n' });
  // Untracked (never added): nothing of it is in the index, so nothing could be scanned.
  repo.write('src/new.ts', HANDLER([FAKE_B]));
  const untracked = runCli(['--staged', 'src/new.ts', '--format', 'json'], { cwd: repo.dir });
  assert.is(untracked.status, 2, untracked.stdout);
  assert.match(untracked.stderr, '`src/new.ts` is not in it');
  assert.match(untracked.stderr, 'git add');
  assert.not.match(untracked.stdout, '"filesScanned"');
  // A misspelt path among good ones is named, too.
  const misspelt = runCli(['--staged', 'src/chat.ts', 'src/chta.ts'], { cwd: repo.dir });
  assert.is(misspelt.status, 2);
  assert.match(misspelt.stderr, '`src/chta.ts`');
  // Tracked and unchanged: named, it is scanned from the index (what the commit will hold), not skipped.
  repo.write('src/chat.ts', HANDLER(['ws.send(String(raw));']));
  const unchanged = runCli(['--staged', 'src/chat.ts', '--format', 'json'], { cwd: repo.dir });
  assert.is(unchanged.status, 1, unchanged.stderr);
  const report = JSON.parse(unchanged.stdout);
  assert.is(report.summary.filesScanned, 1);
  assert.is(report.findings[0]?.file, 'src/chat.ts');
  // Once added, the new file is scanned.
  repo.git('add', 'src/new.ts');
  const added = runCli(['--staged', 'src/new.ts', '--format', 'json'], { cwd: repo.dir });
  assert.is(added.status, 1, added.stderr);
  assert.is(JSON.parse(added.stdout).findings[0]?.file, 'src/new.ts');
  // A named folder that holds tracked files but nothing staged has nothing to commit: not an error.
  repo.git('commit', '-qm', 'add new');
  assert.is(runCli(['--staged', 'src'], { cwd: repo.dir }).status, 0);
  rmSync(repo.dir, { recursive: true, force: true });
});

git('--staged outside a git repository is a usage error', () => {
  const run = runCli(['--staged'], { cwd: '/' });
  assert.is(run.status, 2);
  assert.match(run.stderr, '--staged needs a git repository');
});
git.run();
