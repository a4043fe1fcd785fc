// The README's recipes run by the clients users run them with, in a consumer project that installed
// the packed tarball from npm: jscodeshift's own runner, and husky + lint-staged behind a real
// `git commit`. Nothing here loads this repository's own node_modules or dist/.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT } from './helpers/cli.js';
import { CLEAN_HANDLER, FAKE_HANDLER, consumerCopy, consumerProject, writeFiles } from './helpers/consumer.js';
import { nodeBinDir, oldestClaimedNode } from './helpers/node.js';
import { GIT_IDENTITY } from './helpers/git.js';
import { readmeBlock } from './helpers/readme.js';

const CODEMOD_FIXTURES = path.join(ROOT, 'fixtures', 'codemod');
const fixture = (name: string): string => readFileSync(path.join(CODEMOD_FIXTURES, name), 'utf8');

const jscodeshift = suite('jscodeshift runner with the installed transform');

jscodeshift('the README command rewrites a fake from the consumer project, and a second run changes nothing', () => {
  const installed = realpathSync(path.join(consumerProject(), 'node_modules', 'ws-mock-audit'));
  assert.not.ok(installed.startsWith(ROOT + path.sep), `the transform comes from the installed tarball, not ${ROOT}`);
  const app = consumerCopy('wma-jscodeshift-');
  writeFiles(app, { 'src/server.ts': fixture('ws-literal.input.ts'), 'src/supervisor.ts': fixture('supervisor.ts') });
  // The README line as users paste it, its trailing comment dropped.
  const command = readmeBlock('The parser is chosen by extension', 'sh').split('\n')[0]?.replace(/\s+#.*$/, '') ?? '';
  assert.match(command, /^npx jscodeshift -t node_modules\/ws-mock-audit\//);
  const first = spawnSync('bash', ['-c', command], { cwd: app, encoding: 'utf8', timeout: 120_000 });
  assert.match(first.stdout, /1 ok/, first.stdout + first.stderr);
  assert.fixture(readFileSync(path.join(app, 'src', 'server.ts'), 'utf8'), fixture('ws-literal.output.ts'));
  assert.is(readFileSync(path.join(app, 'src', 'supervisor.ts'), 'utf8'), fixture('supervisor.ts'));
  const second = spawnSync('bash', ['-c', command], { cwd: app, encoding: 'utf8', timeout: 120_000 });
  assert.match(second.stdout, /0 ok/, second.stdout + second.stderr);
  assert.fixture(readFileSync(path.join(app, 'src', 'server.ts'), 'utf8'), fixture('ws-literal.output.ts'));
});

jscodeshift('the package export `ws-mock-audit/transform` is the module jscodeshift loads, options included', () => {
  const app = consumerCopy('wma-jscodeshift-export-');
  writeFiles(app, { 'src/server.ts': fixture('phase-3a.flagged.input.ts'), 'src/supervisor.ts': fixture('supervisor.ts') });
  const transform = execFileSync(process.execPath, ['-p', "require.resolve('ws-mock-audit/transform')"], { cwd: app, encoding: 'utf8' }).trim();
  const run = spawnSync(path.join(app, 'node_modules', '.bin', 'jscodeshift'), ['-t', transform, '--parser=ts', '--flagged=true', 'src/server.ts'], { cwd: app, encoding: 'utf8', timeout: 120_000 });
  assert.match(run.stdout, /1 ok/, run.stdout + run.stderr);
  assert.fixture(readFileSync(path.join(app, 'src', 'server.ts'), 'utf8'), fixture('phase-3a.flagged.output.ts'));
});

jscodeshift.run();

const husky = suite('husky + lint-staged: the README recipe behind a real git commit');

let repo = '';
const env = { ...process.env, ...GIT_IDENTITY, NO_COLOR: '1', FORCE_COLOR: '0' };
const sh = (command: string, args: string[]): { status: number | null; output: string } => {
  const result = spawnSync(command, args, { cwd: repo, env, encoding: 'utf8', timeout: 300_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
};
const commits = (): string => sh('git', ['rev-list', '--count', 'HEAD']).output.trim();

husky.before(() => {
  const recipe = JSON.parse(readmeBlock('**husky + lint-staged**', 'json')) as Record<string, unknown>;
  repo = consumerCopy('wma-husky-', { name: 'husky-app', version: '1.0.0', private: true, ...recipe });
  writeFiles(repo, { '.gitignore': 'node_modules\n', 'README.md': '# app\n' });
  assert.is(sh('git', ['init', '-q', '-b', 'main']).status, 0);
  // `husky init` as the README says: it writes .husky/pre-commit and sets git's hooksPath.
  const init = sh('npx', ['--no-install', 'husky', 'init']);
  assert.is(init.status, 0, init.output);
  assert.is(sh('git', ['config', 'core.hooksPath']).output.trim(), '.husky/_');
  writeFiles(repo, { '.husky/pre-commit': `${readmeBlock('and in `.husky/pre-commit`', 'sh')}\n` });
  sh('git', ['add', '-A']);
  const initial = sh('git', ['commit', '-m', 'initial']);
  assert.is(initial.status, 0, initial.output);
});

husky('a commit that stages a fake is blocked, with the finding printed', () => {
  writeFiles(repo, { 'src/server.ts': FAKE_HANDLER });
  sh('git', ['add', 'src/server.ts']);
  const commit = sh('git', ['commit', '-m', 'add a fake']);
  assert.is.not(commit.status, 0, commit.output);
  assert.match(commit.output, /ws-mock-audit --staged/);
  assert.match(commit.output, /error\[fake-request\]/);
  assert.match(commit.output, /src\/server\.ts:7:/);
  assert.is(commits(), '1');
  // lint-staged restored the index: the fake is still staged, nothing lost.
  assert.match(sh('git', ['diff', '--cached', '--name-only']).output, /src\/server\.ts/);
});

husky('a clean commit goes through', () => {
  writeFiles(repo, { 'src/server.ts': CLEAN_HANDLER });
  sh('git', ['add', 'src/server.ts']);
  const commit = sh('git', ['commit', '-m', 'honest context']);
  assert.is(commit.status, 0, commit.output);
  assert.is(commits(), '2');
});

husky('what is staged decides, not the work tree: a fake staged under a clean unstaged edit is blocked', () => {
  writeFiles(repo, { 'src/other.ts': FAKE_HANDLER });
  sh('git', ['add', 'src/other.ts']);
  writeFiles(repo, { 'src/other.ts': CLEAN_HANDLER });
  const commit = sh('git', ['commit', '-m', 'hide a fake behind an unstaged edit']);
  assert.is.not(commit.status, 0, commit.output);
  assert.match(commit.output, /src\/other\.ts:7:/);
  assert.is(commits(), '2');
  assert.is(readFileSync(path.join(repo, 'src', 'other.ts'), 'utf8'), CLEAN_HANDLER, 'the unstaged edit survives');
});

husky.run();

const oldest = suite('the oldest Node that engines claims runs the installed package');

oldest('CLI, codemod and runtime (ESM and CommonJS) under that exact Node', () => {
  const version = oldestClaimedNode();
  const node = path.join(nodeBinDir(version), 'node');
  const app = consumerCopy('wma-oldest-node-');
  writeFiles(app, { 'src/server.ts': FAKE_HANDLER });
  const scan = spawnSync(node, ['node_modules/ws-mock-audit/bin/ws-mock-audit.js', 'src', '--format', 'json'], { cwd: app, encoding: 'utf8', timeout: 120_000 });
  assert.is(scan.status, 1, scan.stderr);
  assert.equal((JSON.parse(scan.stdout) as { findings: Array<{ ruleId: string }> }).findings.map((finding) => finding.ruleId).sort(), ['fake-request', 'request-scoped-factory']);
  const fix = spawnSync(node, ['node_modules/ws-mock-audit/bin/ws-mock-audit.js', 'fix', '--dry-run', 'src'], { cwd: app, encoding: 'utf8', timeout: 120_000 });
  assert.is(fix.status, 0, fix.stderr);
  assert.match(fix.stdout, /\+\s+const supervisor = await getWebSocketScopedSupervisor\(/);
  const esm = spawnSync(node, ['--input-type=module', '-e', "import { WebSocketContext } from 'ws-mock-audit/runtime'; console.log(process.version + ' ' + WebSocketContext.create({ socket: { readyState: 1 }, userId: 'u' }).state)"], { cwd: app, encoding: 'utf8' });
  assert.is(esm.stdout.trim(), `v${version} CONNECTED`, esm.stderr);
  const cjs = spawnSync(node, ['-e', "const { isWebSocketSupervisorV3Enabled } = require('ws-mock-audit/runtime'); console.log(process.version + ' ' + String(isWebSocketSupervisorV3Enabled({ userId: 'u', env: { USE_WEBSOCKET_SUPERVISOR_V3: '100%' } })))"], { cwd: app, encoding: 'utf8' });
  assert.is(cjs.stdout.trim(), `v${version} true`, cjs.stderr);
});

oldest.run();
