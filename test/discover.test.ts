import { mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { loadConfig } from '../src/discover/config.js';
import { discoverFiles, type WalkTrace } from '../src/discover/files.js';
import { scan } from '../src/scan.js';
import { FAKE_HANDLER, runCli } from './helpers/cli.js';
import { gitRepo } from './helpers/git.js';
import { dateBack } from './helpers/mtime.js';

const FAKE = FAKE_HANDLER;
const CLEAN = 'export const answer = 42;\n';

/** The files with a fake-request finding, relative to `dir`. */
const flagged = (stdout: string): string[] =>
  [...new Set((JSON.parse(stdout) as { findings: { ruleId: string; file: string }[] }).findings.filter((f) => f.ruleId === 'fake-request').map((f) => f.file))].sort();

const walk = suite('discover: a named path is scanned; ignore rules apply below it');

walk('a checkout with its own .git inside a folder the outer repository ignores is scanned in full', () => {
  const outer = gitRepo({ '.gitignore': '.cache/\n*.gen.ts\n', 'src/ok.ts': CLEAN });
  try {
    const inner = path.join(outer.dir, '.cache', 'realworld', 'app');
    mkdirSync(inner, { recursive: true });
    const app = gitRepo({ 'src/server.ts': FAKE, 'src/routes.gen.ts': FAKE });
    renameSync(app.dir, inner);

    // From inside the checkout, as a user runs it, and from the outer repository naming the path.
    const fromInside = runCli(['--format', 'json'], { cwd: inner });
    assert.is(fromInside.status, 1, fromInside.stderr);
    assert.equal(flagged(fromInside.stdout), ['src/routes.gen.ts', 'src/server.ts'], 'the outer *.gen.ts rule does not reach into another repository');
    const named = runCli(['--format', 'json', '.cache/realworld/app'], { cwd: outer.dir });
    assert.is(named.status, 1, named.stderr);
    assert.equal(flagged(named.stdout), ['.cache/realworld/app/src/routes.gen.ts', '.cache/realworld/app/src/server.ts']);
    // The outer repository's own scan still honours its .gitignore.
    const whole = runCli(['--format', 'json'], { cwd: outer.dir });
    assert.is(whole.status, 0, whole.stderr);
    assert.equal(JSON.parse(whole.stdout).summary.filesScanned, 1);
  } finally {
    rmSync(outer.dir, { recursive: true, force: true });
  }
});

walk('a nested repository met during the walk takes no rule from the directories above it', () => {
  const outer = gitRepo({ '.gitignore': 'server.ts\n', 'server.ts': FAKE, 'src/ok.ts': CLEAN });
  try {
    mkdirSync(path.join(outer.dir, 'packages'));
    renameSync(gitRepo({ 'server.ts': FAKE }).dir, path.join(outer.dir, 'packages', 'vendored'));
    const run = runCli(['--format', 'json'], { cwd: outer.dir });
    assert.equal(flagged(run.stdout), ['packages/vendored/server.ts'], 'the outer server.ts is ignored, the nested one is not');
  } finally {
    rmSync(outer.dir, { recursive: true, force: true });
  }
});

walk('a named folder that its parent ignores is scanned; the parent rules that do not exclude it still apply below it', () => {
  const repo = gitRepo({ '.gitignore': 'dist/\n*.gen.ts\n', 'src/ok.ts': CLEAN });
  try {
    repo.write('dist/server.ts', FAKE);
    repo.write('dist/routes.gen.ts', FAKE);
    const run = runCli(['--format', 'json', 'dist'], { cwd: repo.dir });
    assert.is(run.status, 1, run.stderr);
    assert.equal(flagged(run.stdout), ['dist/server.ts']);
  } finally {
    rmSync(repo.dir, { recursive: true, force: true });
  }
});

walk('a named path that yields no file is exit 2, naming the path and what excluded its files', () => {
  const repo = gitRepo({ 'src/ok.ts': CLEAN });
  try {
    repo.write('generated/.gitignore', '*.ts\n');
    repo.write('generated/server.ts', FAKE);
    const ignored = runCli(['generated'], { cwd: repo.dir });
    assert.is(ignored.status, 2, ignored.stdout);
    assert.is(ignored.stdout, '', 'no "No problems found" for a folder nothing was read from');
    assert.match(ignored.stderr, 'No file to scan in `generated`');
    assert.match(ignored.stderr, `ignore rule \`*.ts\` in ${path.join(repo.dir, 'generated', '.gitignore')}`);

    repo.write('specs/chat.test.ts', FAKE);
    const tests = runCli(['specs'], { cwd: repo.dir });
    assert.is(tests.status, 2);
    assert.match(tests.stderr, 'No file to scan in `specs`');
    assert.match(tests.stderr, '1 excluded: test files (`testPatterns`; --include-tests scans them)');
    assert.is(runCli(['specs', '--include-tests'], { cwd: repo.dir }).status, 1);

    repo.write('docs/README.md', '# docs\n');
    const docs = runCli(['docs'], { cwd: repo.dir });
    assert.is(docs.status, 2);
    assert.match(docs.stderr, 'files that are not JavaScript or TypeScript sources');

    repo.write('ws-mock-audit.config.json', '{ "exclude": ["legacy/**"] }\n');
    repo.write('legacy/server.ts', FAKE);
    const excluded = runCli(['legacy'], { cwd: repo.dir });
    assert.is(excluded.status, 2);
    assert.match(excluded.stderr, `matched by \`exclude\` in ${path.join(repo.dir, 'ws-mock-audit.config.json')}`);

    const empty = path.join(repo.dir, 'empty');
    mkdirSync(empty);
    assert.match(runCli(['empty'], { cwd: repo.dir }).stderr, 'No file to scan in `empty`: it is empty.');
    // One empty path among others still fails the run: it was named, so it was meant to be scanned.
    assert.is(runCli(['src', 'empty'], { cwd: repo.dir }).status, 2);
  } finally {
    rmSync(repo.dir, { recursive: true, force: true });
  }
});

walk('--cache: a .git appearing or vanishing at the scanned root changes which rules apply', async () => {
  const outer = gitRepo({ '.gitignore': 'server.ts\n', 'ok.ts': CLEAN });
  try {
    const app = path.join(outer.dir, 'app');
    const inner = gitRepo({ 'server.ts': FAKE, 'ok.ts': CLEAN });
    renameSync(inner.dir, app);
    const location = path.join(outer.dir, '.wma-cache');
    const age = (secondsAgo: number): void => dateBack(app, secondsAgo);
    const run = (): ReturnType<typeof scan> => scan({ paths: [app], cwd: outer.dir, cache: true, cacheLocation: location });
    age(600);
    const own = await run();
    assert.equal(own.findings.filter((f) => f.ruleId === 'fake-request').length, 1);
    assert.ok((await run()).stats.walkFromCache, 'nothing changed: the file list comes from the cache');

    renameSync(path.join(app, '.git'), path.join(outer.dir, 'moved-git'));
    age(500);
    const plain = await run();
    assert.is(plain.stats.walkFromCache, false, 'the .git went away: walked again');
    assert.equal(plain.findings.filter((f) => f.ruleId === 'fake-request').length, 0, "now the outer repository's server.ts rule applies");
  } finally {
    rmSync(outer.dir, { recursive: true, force: true });
  }
});

walk('folders whose every file a test pattern or exclude glob drops are not entered; the files are the same', () => {
  const repo = gitRepo({
    'ws-mock-audit.config.json': '{ "exclude": ["gen/**"] }\n',
    'src/server.ts': FAKE,
    'src/test/helper.ts': FAKE,
    'src/__tests__/chat.ts': FAKE,
    'src/testing/server.ts': FAKE,
    'src/chat.test.ts': FAKE,
    'gen/deep/server.ts': FAKE,
    'keep/server.ts': FAKE,
  });
  try {
    const config = loadConfig(repo.dir, undefined, []);
    const trace: WalkTrace = { watched: new Map(), exact: true };
    const found = discoverFiles([repo.dir], repo.dir, config, false, trace).inputs.map((input) => path.relative(repo.dir, input.file)).sort();
    // `testing/` is no test folder: walked.
    assert.equal(found, ['keep/server.ts', 'src/server.ts', 'src/testing/server.ts']);
    const watched = [...trace.watched.keys()].map((file) => path.relative(repo.dir, file));
    for (const folder of ['src/test', 'src/__tests__', 'gen', 'gen/deep']) assert.not.ok(watched.includes(folder), `${folder} is not entered`);
    assert.ok(watched.includes('src/testing') && watched.includes('keep'));
    // The same files a walk that enters every folder and filters each file finds.
    const filesOf = (settings: typeof config): string[] => discoverFiles([repo.dir], repo.dir, settings, false).inputs.map((input) => path.relative(repo.dir, input.file)).sort();
    const everything = { ...config, testPatterns: config.testPatterns.map((pattern) => pattern.replace(/\/\*\*$/, '/**/*')), exclude: ['gen/**/*'] };
    assert.equal(filesOf(everything), found);
    // A negated glob drops every file it does not match; it skips no folder, and the files agree.
    assert.equal(filesOf({ ...config, exclude: ['!keep/**'] }), ['keep/server.ts']);
    assert.equal(filesOf({ ...config, exclude: ['!keep/**/*'] }), ['keep/server.ts']);
    // --include-tests walks the test folders again.
    const withTests = discoverFiles([repo.dir], repo.dir, config, true).inputs.map((input) => path.relative(repo.dir, input.file)).sort();
    assert.equal(withTests, ['keep/server.ts', 'src/__tests__/chat.ts', 'src/chat.test.ts', 'src/server.ts', 'src/test/helper.ts', 'src/testing/server.ts']);
    // A named folder holding only test folders still says why nothing was scanned.
    const only = runCli(['src/test'], { cwd: path.join(repo.dir) });
    assert.is(only.status, 1, 'a named test folder is itself scanned: patterns apply below a named path');
    repo.write('pkg/test/x.ts', FAKE);
    const tests = runCli(['pkg'], { cwd: repo.dir });
    assert.is(tests.status, 2);
    assert.match(tests.stderr, '1 excluded: test folders (`testPatterns` in');
  } finally {
    rmSync(repo.dir, { recursive: true, force: true });
  }
});

walk.run();
