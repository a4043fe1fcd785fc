import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { FAKE_HANDLER, runCli } from './helpers/cli.js';

const FAKE = FAKE_HANDLER;
const CLEAN = `export const answer = 42;\n`;

function project(files: Record<string, string | Buffer>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'wma-cli-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

const cli = suite('cli');

cli('exit 1 with findings, stylish by default, to stdout', () => {
  const dir = project({ 'src/server.ts': FAKE });
  const run = runCli(['src'], { cwd: dir });
  assert.is(run.status, 1, run.stderr);
  assert.match(run.stdout, 'src/server.ts');
  assert.match(run.stdout, 'error[fake-request]: The `ws` `message` handler passes an object literal double-cast through `unknown` to `Request`');
  assert.match(run.stdout, /> 6 \|/);
  assert.match(run.stdout, /\^{10,}/);
  assert.match(run.stdout, '✖ 2 problems (2 errors, 0 warnings, 0 info) in 1 file scanned.');
  assert.not.match(run.stdout, '\u001b[', 'no colour when stdout is not a terminal');
  rmSync(dir, { recursive: true, force: true });
});

cli('exit 0 on a clean project; the current directory is the default path', () => {
  const dir = project({ 'index.ts': CLEAN });
  const run = runCli([], { cwd: dir });
  assert.is(run.status, 0, run.stderr);
  assert.match(run.stdout, 'No problems found (1 file scanned)');
  rmSync(dir, { recursive: true, force: true });
});

cli('json output follows the contract exactly', () => {
  const dir = project({ 'src/server.ts': FAKE, 'src/ok.ts': CLEAN });
  const run = runCli(['--format', 'json'], { cwd: dir });
  assert.is(run.status, 1);
  const report = JSON.parse(run.stdout);
  assert.equal(Object.keys(report), ['tool', 'findings', 'errors', 'summary']);
  assert.equal(Object.keys(report.tool), ['name', 'version']);
  assert.equal(Object.keys(report.summary), ['filesScanned', 'filesParsed', 'errors', 'warnings', 'infos', 'suppressed', 'baselined', 'skipped', 'internalErrors', 'durationMs']);
  const [finding] = report.findings;
  assert.equal(Object.keys(finding), ['ruleId', 'severity', 'message', 'file', 'line', 'column', 'endLine', 'endColumn', 'fingerprint', 'fixable', 'related']);
  assert.is(finding.file, 'src/server.ts');
  assert.equal([finding.line, finding.column, finding.endLine, finding.endColumn], [6, 18, 6, 81]);
  assert.equal(finding.related, [{ file: 'src/server.ts', line: 5, column: 3, message: '`ws` `message` handler registered here' }]);
  assert.match(finding.fingerprint, /^[0-9a-f]{20}$/);
  assert.equal(report.summary.filesScanned, 2);
  assert.equal(report.summary.filesParsed, 1, 'the clean file is skipped by the prefilter');
  assert.equal(report.errors, []);
  rmSync(dir, { recursive: true, force: true });
});

cli('formats combine, each to its own --output-file', () => {
  const dir = project({ 'src/server.ts': FAKE });
  const run = runCli(['--format', 'json', '-o', 'report.json', '--format', 'stylish'], { cwd: dir });
  assert.is(run.status, 1);
  assert.match(run.stdout, 'error[fake-request]');
  assert.is(JSON.parse(readFileSync(path.join(dir, 'report.json'), 'utf8')).findings.length, 2);
  rmSync(dir, { recursive: true, force: true });
});

cli('colour follows FORCE_COLOR, NO_COLOR and --no-color', () => {
  const dir = project({ 'src/server.ts': FAKE });
  assert.match(runCli([], { cwd: dir, env: { FORCE_COLOR: '1' } }).stdout, '\u001b[');
  assert.not.match(runCli(['--no-color'], { cwd: dir, env: { FORCE_COLOR: '1' } }).stdout, '\u001b[');
  assert.not.match(runCli([], { cwd: dir, env: { FORCE_COLOR: '1', NO_COLOR: '1' } }).stdout, '\u001b[');
  rmSync(dir, { recursive: true, force: true });
});

cli('--quiet drops non-errors; --max-warnings turns warnings into exit 1', () => {
  const dir = project({
    'src/server.ts': FAKE,
    'ws-mock-audit.config.json': '{ "rules": { "fake-request": "warning", "request-scoped-factory": "off" } }',
  });
  assert.is(runCli([], { cwd: dir }).status, 0, 'warnings alone pass');
  assert.is(runCli(['--max-warnings', '0'], { cwd: dir }).status, 1);
  assert.is(runCli(['--max-warnings', '1'], { cwd: dir }).status, 0);
  const quiet = runCli(['--quiet', '--format', 'json'], { cwd: dir });
  assert.equal(JSON.parse(quiet.stdout).findings, []);
  rmSync(dir, { recursive: true, force: true });
});

cli('bad usage and bad config exit 2 with a message naming the problem', () => {
  const dir = project({ 'src/server.ts': FAKE });
  const missing = runCli(['does-not-exist'], { cwd: dir });
  assert.is(missing.status, 2);
  assert.match(missing.stderr, 'ws-mock-audit: No such file or directory: does-not-exist');
  assert.is(runCli(['--format', 'xml'], { cwd: dir }).status, 2);
  assert.is(runCli(['--max-warnings', 'many'], { cwd: dir }).status, 2);
  writeFileSync(path.join(dir, 'ws-mock-audit.config.json'), '{ "rules": { "fake-requests": "error" } }');
  const badRule = runCli([], { cwd: dir });
  assert.is(badRule.status, 2);
  assert.match(badRule.stderr, 'ws-mock-audit.config.json: `rules.fake-requests` is not a rule');
  writeFileSync(path.join(dir, 'ws-mock-audit.config.json'), '{ "rulez": {} }');
  assert.match(runCli([], { cwd: dir }).stderr, '`rulez` is not a known option');
  writeFileSync(path.join(dir, 'ws-mock-audit.config.json'), '{ "rules": { "fake-request": "loud" } }');
  assert.match(runCli([], { cwd: dir }).stderr, '`rules.fake-request` must be one of');
  writeFileSync(path.join(dir, 'ws-mock-audit.config.json'), '{ "rules": ');
  assert.match(runCli([], { cwd: dir }).stderr, 'invalid JSON at line 1');
  rmSync(dir, { recursive: true, force: true });
});

cli('config from the "ws-mock-audit" key of package.json, found by walking up', () => {
  const dir = project({
    'package.json': JSON.stringify({ name: 'x', 'ws-mock-audit': { rules: { 'fake-request': 'off', 'request-scoped-factory': 'off' } } }),
    'packages/api/src/server.ts': FAKE,
  });
  const run = runCli(['packages/api/src'], { cwd: dir });
  assert.is(run.status, 0, run.stdout);
  rmSync(dir, { recursive: true, force: true });
});

cli('test files are skipped unless --include-tests or named on the command line', () => {
  const dir = project({ 'src/server.test.ts': FAKE, '__tests__/ws.ts': FAKE, 'src/ok.ts': CLEAN });
  assert.is(runCli([], { cwd: dir }).status, 0);
  assert.is(runCli(['--include-tests'], { cwd: dir }).status, 1);
  assert.is(runCli(['src/server.test.ts'], { cwd: dir }).status, 1, 'files named explicitly (lint-staged) are scanned');
  rmSync(dir, { recursive: true, force: true });
});

cli('.gitignore is honoured', () => {
  const dir = project({ '.gitignore': 'generated/\n', 'generated/server.ts': FAKE, 'src/ok.ts': CLEAN });
  assert.is(runCli([], { cwd: dir }).status, 0);
  rmSync(dir, { recursive: true, force: true });
});

cli('bad input gives a per-file error and the scan goes on', () => {
  const big = `// generated\n${'export const x' + 'y'.repeat(10) + ' = 1;\n'}`.repeat(1) + 'const WebSocket = 1;\n'.repeat(260_000);
  const dir = project({
    'src/server.ts': FAKE,
    'src/broken.ts': `import { WebSocketServer } from 'ws';\nconst wss = new WebSocketServer({ port: 1 });\nwss.on('connection', (ws) => {\n  ws.on('message', (raw) => { const f = { headers: {} } as unknown as Request; \n`,
    'src/binary.ts': Buffer.from([0x00, 0x01, 0x02, 0x57, 0x65, 0x62, 0x53, 0x6f, 0x63, 0x6b, 0x65, 0x74]),
    'src/latin1.ts': Buffer.from('const s = "caf\xe9 WebSocket";\n', 'latin1'),
    'src/huge.ts': big,
  });
  symlinkSync(path.join(dir, 'nowhere.ts'), path.join(dir, 'src', 'dangling.ts'));
  mkdirSync(path.join(dir, 'src', 'loop'));
  symlinkSync(path.join(dir, 'src'), path.join(dir, 'src', 'loop', 'back'));
  writeFileSync(path.join(dir, 'src', 'secret.ts'), FAKE);
  chmodSync(path.join(dir, 'src', 'secret.ts'), 0o000);
  const run = runCli(['--format', 'json'], { cwd: dir });
  assert.is(run.status, 1, run.stderr);
  const report = JSON.parse(run.stdout);
  const byFile = Object.fromEntries(report.errors.map((e: { file: string; message: string }) => [e.file, e.message]));
  assert.match(byFile['src/broken.ts'], /^syntax error at 5:1: .*\(the rest of the file was still analysed\)$/);
  assert.match(byFile['src/binary.ts'], 'binary content');
  assert.match(byFile['src/latin1.ts'], 'not valid UTF-8');
  assert.match(byFile['src/huge.ts'], /MiB is over the 2\.0 MiB limit/);
  assert.match(byFile['src/dangling.ts'], 'broken symbolic link');
  assert.match(byFile['src/loop/back'], 'symbolic link loop');
  const rootUser = process.getuid?.() === 0;
  if (!rootUser) assert.match(byFile['src/secret.ts'], 'cannot read (EACCES)');
  const files = new Set(report.findings.map((f: { file: string }) => f.file));
  assert.ok(files.has('src/server.ts'), 'the good file is still reported');
  assert.ok(files.has('src/broken.ts'), 'the file with a syntax error is still analysed');
  chmodSync(path.join(dir, 'src', 'secret.ts'), 0o644);
  rmSync(dir, { recursive: true, force: true });
});

cli('rules, explain, --help and --version', () => {
  const rules = runCli(['rules']);
  assert.is(rules.status, 0);
  for (const id of ['fake-request', 'fake-response', 'request-scoped-factory', 'legacy-flag-branch']) assert.match(rules.stdout, id);
  const explain = runCli(['explain', 'fake-response']);
  assert.is(explain.status, 0);
  assert.match(explain.stdout, '# fake-response');
  const unknown = runCli(['explain', 'nope']);
  assert.is(unknown.status, 2);
  assert.match(unknown.stderr, 'Unknown rule `nope`');
  const help = runCli(['--help']);
  assert.is(help.status, 0);
  for (const flag of ['--format', '--output-file', '--config', '--include-tests', '--max-warnings', '--quiet', '--no-color', '--stats', 'Exit status']) {
    assert.match(help.stdout, flag);
  }
  assert.match(runCli(['--version']).stdout, /^\d+\.\d+\.\d+/);
});

cli('--stats reports to stderr and keeps stdout clean', () => {
  const dir = project({ 'src/server.ts': FAKE, 'src/ok.ts': CLEAN });
  const run = runCli(['--stats', '--format', 'json'], { cwd: dir });
  JSON.parse(run.stdout);
  assert.match(run.stderr, /2 files discovered, 1 skipped by the prefilter, 0 not analysed \(0 minified\), 1 parsed/);
  assert.match(run.stderr, /discover \d+ ms, read\+prefilter \d+ ms, facts \d+ ms, link \d+ ms, rules \d+ ms, total \d+ ms, peak RSS \d+ MiB/);
  rmSync(dir, { recursive: true, force: true });
});
cli.run();
