import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { scan } from '../src/scan.js';
import { runCli } from './helpers/cli.js';

const HEAD = `import { WebSocketServer } from 'ws';
import { getRequestScopedSupervisor } from './supervisor';
const wss = new WebSocketServer({ port: 1 });
`;
/** A handler with one fake on one line (`fake-request` and `request-scoped-factory` both report it). */
const FAKE_LINE = "wss.on('connection', (ws) => { ws.on('message', async (raw) => { const fake = { headers: { id: String(raw) } } as unknown as Request; await getRequestScopedSupervisor(fake); }); });";
const FAKE = `${HEAD}${FAKE_LINE}\n`;

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'wma-silent-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

function withProject(files: Record<string, string>, body: (dir: string) => void | Promise<void>): () => Promise<void> {
  return async () => {
    const dir = project(files);
    try {
      await body(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

const fakeLines = (findings: { ruleId: string; file: string; line: number }[]): string[] =>
  findings.filter((f) => f.ruleId === 'fake-request').map((f) => `${path.basename(f.file)}:${f.line}`);

/** 3,000 arrow functions nested in each other, the fake in the innermost one. */
const nestedArrows = (depth: number): string =>
  `${HEAD}wss.on('connection', (ws) => {\n  ws.on('message', async (raw) => {\n    const run = ${'() => '.repeat(depth)}{ const fake = { headers: {} } as unknown as Request; return getRequestScopedSupervisor(fake); };\n    run;\n  });\n});\n`;

/** A string built from `terms` `+` terms on separate lines, as generated code does, inside the handler. */
const longChain = (terms: number): string => {
  const chain = Array.from({ length: terms }, (_, i) => `      + 'term${i}'`).join('\n');
  return `${HEAD}wss.on('connection', (ws) => {\n  ws.on('message', async (raw) => {\n    const text = 'start'\n${chain};\n    const fake = { headers: { text } } as unknown as Request;\n    await getRequestScopedSupervisor(fake);\n  });\n});\n`;
};

const deep = suite('no silent passes: deep files, cycles, internal errors');

deep(
  '3,000 nested arrows, a 50,000-term chain and a binding cycle are analysed: every fake is found',
  withProject(
    {
      'arrows.ts': nestedArrows(3000),
      'chain.ts': longChain(50_000),
      'cycle.ts': `${HEAD}let a: any;\nlet b: any = a;\na = b;\nb.on('connection', (s: any) => s);\n${FAKE_LINE}\n`,
    },
    async (dir) => {
      const result = await scan({ paths: [dir], cwd: dir });
      assert.equal(result.errors, []);
      assert.equal(fakeLines(result.findings), ['arrows.ts:6', 'chain.ts:50007', 'cycle.ts:8']);
    },
  ),
);

deep(
  'an internal error is exit 2 after the rest of the run, names the file and where to report it; the failure is cached',
  withProject({ 'deep.ts': nestedArrows(3000), 'chat.ts': FAKE }, (dir) => {
    // A 1 MB stack for the retry thread: the nesting exceeds it, a real failure of the analysis.
    const env = { WS_MOCK_AUDIT_DEEP_STACK_MB: '1' };
    const args = ['--cache', '--cache-location', path.join(dir, '.cache'), '--stats'];
    const cold = runCli(args, { cwd: dir, env });
    assert.is(cold.status, 2, cold.stderr);
    assert.match(cold.stdout, 'chat.ts:4', 'the other file is still reported');
    assert.match(cold.stdout, '1 file not analysed because of an internal error');
    assert.not.match(cold.stdout, 'No problems');
    assert.match(cold.stderr, /error deep\.ts: internal error while analysing this file: the file nests too deeply to analyse, even with a 1 MB stack/);
    assert.match(cold.stderr, 'please report it at https://github.com/ws-mock-audit/ws-mock-audit/issues');
    assert.match(cold.stderr, /2 parsed/);

    const warm = runCli(args, { cwd: dir, env });
    assert.is(warm.status, 2, 'a cached failure still fails the run');
    assert.match(warm.stderr, /error deep\.ts: internal error while analysing this file/);
    assert.match(warm.stderr, /0 parsed .* 2 from cache/, 'the failed file is not parsed again');

    const json = JSON.parse(runCli(['--format', 'json', ...args], { cwd: dir, env }).stdout);
    assert.is(json.summary.internalErrors, 1);
    assert.equal(json.errors.map((error: { file: string }) => error.file), ['deep.ts']);
    const github = runCli(['--format', 'github', ...args], { cwd: dir, env });
    assert.match(github.stdout, /^::error file=deep\.ts,title=ws-mock-audit::internal error while analysing/m);
    const sarif = JSON.parse(runCli(['--format', 'sarif', ...args], { cwd: dir, env }).stdout);
    const [invocation] = sarif.runs[0].invocations;
    assert.is(invocation.executionSuccessful, false);
    assert.is(invocation.toolExecutionNotifications[0].level, 'error');
  }),
);

deep.run();

const skipped = suite('no silent passes: skipped files are counted, named files are analysed');

const minifiedFake = `${HEAD}${'const pad = 1;'.repeat(2000)} ${FAKE_LINE}\n`;

skipped(
  'a minified file is skipped in a walk and counted; named on the command line it is analysed',
  withProject({ 'src/app.ts': 'export const answer = 42;\n', 'vendor/bundle.js': minifiedFake }, (dir) => {
    const walked = runCli(['--stats'], { cwd: dir });
    assert.is(walked.status, 0, walked.stderr);
    assert.match(walked.stdout, 'No problems found in 2 files; 1 skipped: 1 minified — see --stats.');
    assert.not.match(walked.stdout, '✔');
    assert.match(walked.stderr, /not analysed: vendor\/bundle\.js: skipped: minified/);
    const json = JSON.parse(runCli(['--format', 'json'], { cwd: dir }).stdout);
    assert.equal(json.summary.skipped, { minified: 1, tooLarge: 0, binary: 0, notUtf8: 0, unreadable: 0 });

    const named = runCli(['--format', 'json', 'vendor/bundle.js'], { cwd: dir });
    assert.is(named.status, 1, named.stderr);
    assert.equal(fakeLines(JSON.parse(named.stdout).findings), ['bundle.js:4']);
  }),
);

skipped(
  'too large, binary and non-UTF-8 files are counted by reason; the counts survive a warm --cache run',
  withProject({ 'src/app.ts': 'export const answer = 42;\n' }, (dir) => {
    writeFileSync(path.join(dir, 'src', 'huge.ts'), `${FAKE}${'// padding\n'.repeat(200_000)}`);
    writeFileSync(path.join(dir, 'src', 'blob.js'), Buffer.from([0x57, 0x00, 0x53]));
    writeFileSync(path.join(dir, 'src', 'latin1.js'), Buffer.from('const s = "caf\xe9";\n', 'latin1'));
    const args = ['--cache', '--cache-location', path.join(dir, '.wma')];
    for (const run of ['cold', 'warm']) {
      const result = runCli(args, { cwd: dir });
      assert.is(result.status, 0, `${run}: ${result.stderr}`);
      assert.match(result.stdout, 'No problems found in 4 files; 3 skipped: 1 too large, 1 binary, 1 not UTF-8 — see --stats.', run);
      assert.match(result.stderr, 'huge.ts: skipped: 2.1 MiB is over the 2.0 MiB limit', run);
    }
    const named = runCli(['src/huge.ts'], { cwd: dir });
    assert.is(named.status, 1, 'named on the command line, a file over the size limit is analysed');
  }),
);

skipped('nothing skipped and nothing found: the one case for ✔', withProject({ 'src/app.ts': 'export const answer = 42;\n' }, (dir) => {
  const run = runCli([], { cwd: dir });
  assert.is(run.status, 0);
  assert.is(run.stdout, '✔ No problems found (1 file scanned).\n');
}));

skipped.run();
