// The pre-commit framework (Debian's `pre-commit`, which .ci/run installs) installing this hook the
// way it installs any node hook: clone the hook's repository at `rev`, `npm install` there, read the
// tarball name from `npm pack`'s stdout, `npm install -g` that tarball. Nothing here is simulated:
// the hook's repository is a git snapshot of this working tree and the user's repository commits
// through `git commit`.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parse, stringify } from 'yaml';
import { ROOT } from './helpers/cli.js';
import { CLEAN_HANDLER, FAKE_HANDLER, scratchDir, writeFiles } from './helpers/consumer.js';
import { GIT_IDENTITY } from './helpers/git.js';
import { readmeBlock } from './helpers/readme.js';


/** This working tree (tracked and untracked files, minus ignored ones) committed to a fresh repository, as a clone of main would have it. */
function hookRepository(): { dir: string; rev: string } {
  const dir = path.join(scratchDir('wma-hook-'), 'ws-mock-audit');
  mkdirSync(dir);
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
  for (const file of files) {
    const from = path.join(ROOT, file);
    if (!existsSync(from) || lstatSync(from).isDirectory()) continue; // deleted in the work tree, or a nested repository
    cpSync(from, path.join(dir, file), { verbatimSymlinks: true });
  }
  const git = (...args: string[]): string => execFileSync('git', args, { cwd: dir, encoding: 'utf8', env: { ...process.env, ...GIT_IDENTITY } });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '--no-verify', '-m', 'snapshot');
  return { dir, rev: git('rev-parse', 'HEAD').trim() };
}

const preCommit = suite('pre-commit framework: the hook installed from a git clone');

let repo = '';
let env: NodeJS.ProcessEnv = {};
function run(command: string, args: string[]): { status: number | null; output: string } {
  const result = spawnSync(command, args, { cwd: repo, env, encoding: 'utf8', timeout: 600_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

preCommit.before(() => {
  const found = spawnSync('pre-commit', ['--version'], { encoding: 'utf8' });
  assert.is(found.status, 0, 'the pre-commit framework is not installed: `apt-get install pre-commit` (.ci/run does this)');
  const hook = hookRepository();
  repo = scratchDir('wma-precommit-user-');
  // Its own PRE_COMMIT_HOME: the first run installs the hook from nothing, as on a new machine.
  env = { ...process.env, ...GIT_IDENTITY, PRE_COMMIT_HOME: scratchDir('wma-precommit-home-'), NO_COLOR: '1' };
  // The README's configuration, pointed at the local clone instead of the published repository.
  const config = parse(readmeBlock('**pre-commit**', 'yaml')) as { repos: Array<{ repo: string; rev: string }> };
  assert.is(config.repos.length, 1);
  config.repos[0] = { ...config.repos[0], repo: hook.dir, rev: hook.rev };
  writeFiles(repo, { '.pre-commit-config.yaml': stringify(config), 'README.md': '# app\n' });
  const git = (...args: string[]): void => {
    execFileSync('git', args, { cwd: repo, env, stdio: 'pipe' });
  };
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'initial');
  const install = run('pre-commit', ['install']);
  assert.is(install.status, 0, install.output);
  // Installs the hook's environment (the slow part), outside any commit.
  const warm = run('pre-commit', ['install-hooks']);
  assert.is(warm.status, 0, warm.output);
});

preCommit('a staged fake fails `git commit`, with the finding printed', () => {
  writeFiles(repo, { 'src/server.ts': FAKE_HANDLER });
  run('git', ['add', 'src/server.ts']);
  const commit = run('git', ['commit', '-m', 'add a fake']);
  assert.is.not(commit.status, 0, commit.output);
  assert.match(commit.output, /ws-mock-audit\.+Failed/);
  assert.match(commit.output, /error\[fake-request\]/);
  assert.match(commit.output, /src\/server\.ts:7:/);
  assert.is(run('git', ['rev-list', '--count', 'HEAD']).output.trim(), '1', 'nothing was committed');
});

preCommit('a clean change passes and is committed', () => {
  writeFiles(repo, { 'src/server.ts': CLEAN_HANDLER });
  run('git', ['add', 'src/server.ts']);
  const commit = run('git', ['commit', '-m', 'honest context']);
  assert.is(commit.status, 0, commit.output);
  assert.match(commit.output, /ws-mock-audit\.+Passed/);
  assert.is(run('git', ['rev-list', '--count', 'HEAD']).output.trim(), '2');
});

preCommit('only the files pre-commit passes are scanned: a committed fake elsewhere does not block a clean commit', () => {
  writeFiles(repo, { 'src/legacy.ts': FAKE_HANDLER });
  run('git', ['add', 'src/legacy.ts']);
  assert.is(run('git', ['commit', '--no-verify', '-m', 'legacy fake, committed past the hook']).status, 0);

  writeFiles(repo, { 'src/server.ts': `${CLEAN_HANDLER}// touched\n`, 'notes.md': "const fake = {} as unknown as Request; // prose, not code\n" });
  run('git', ['add', 'src/server.ts', 'notes.md']);
  const commit = run('git', ['commit', '-m', 'clean edit beside a legacy fake']);
  assert.is(commit.status, 0, commit.output);

  // --verbose shows the hook's own summary: one file (the one named), not the whole repository.
  const verbose = run('pre-commit', ['run', '--verbose', '--files', 'src/server.ts', 'notes.md']);
  assert.is(verbose.status, 0, verbose.output);
  assert.match(verbose.output, /No problems found \(1 file scanned\)/);
  const legacy = run('pre-commit', ['run', '--files', 'src/legacy.ts']);
  assert.is(legacy.status, 1, legacy.output);
  assert.match(legacy.output, /src\/legacy\.ts:7:/);
});

preCommit('a file named to `pre-commit run --files` is scanned even when git does not track it yet', () => {
  writeFiles(repo, { 'src/draft.ts': FAKE_HANDLER });
  const draft = run('pre-commit', ['run', '--files', 'src/draft.ts']);
  assert.is(draft.status, 1, draft.output);
  assert.match(draft.output, /src\/draft\.ts:7:/);
  assert.ok(existsSync(path.join(repo, 'src', 'draft.ts')));
  assert.is(readFileSync(path.join(repo, 'src', 'draft.ts'), 'utf8'), FAKE_HANDLER, 'the hook does not rewrite files');
});

preCommit.run();
