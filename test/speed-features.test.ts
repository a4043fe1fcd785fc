import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { UsageError } from '../src/errors.js';
import { scan, type ScanResult } from '../src/scan.js';
import { ROOT } from './helpers/cli.js';

const keys = (result: ScanResult): string[] => result.findings.map((f) => `${f.ruleId}@${path.relative(ROOT, f.file)}:${f.line}:${f.column}:${f.fingerprint}`);
const speed = suite('prefilter, workers, cache, lazy start');

speed('--jobs: worker threads give the same findings as one job', async () => {
  const corpus = mkdtempSync(path.join(tmpdir(), 'wma-jobs-'));
  try {
    // Workers start only for scans of 2,000 files or more: the fixtures three times, plus ordinary code.
    for (const copy of ['a', 'b', 'c']) cpSync(path.join(ROOT, 'fixtures'), path.join(corpus, copy), { recursive: true });
    for (let i = 0; i < 2_000; i++) {
      mkdirSync(path.join(corpus, 'lib', `m${i % 40}`), { recursive: true });
      writeFileSync(path.join(corpus, 'lib', `m${i % 40}`, `util${i}.ts`), `export const value${i} = (n: number): number => n * ${i};\n`);
    }
    const single = await scan({ paths: [corpus], cwd: corpus, jobs: 1 });
    const parallel = await scan({ paths: [corpus], cwd: corpus, jobs: 3 });
    const reading = await scan({ paths: [corpus], cwd: corpus, jobs: 2 });
    assert.is(single.stats.workers, 0);
    assert.is(parallel.stats.workers, 3, 'three worker threads really ran (--jobs 3: a cold scan reads and parses in workers only)');
    assert.is(reading.stats.workers, 1, 'one worker reads and prefilters (--jobs 2: this thread parses what it keeps)');
    assert.ok(single.findings.length > 150);
    for (const other of [parallel, reading]) {
      assert.equal(keys(other), keys(single));
      assert.equal(other.errors, single.errors);
      assert.equal(other.skipped, single.skipped);
      assert.is(other.stats.filesParsed, single.stats.filesParsed);
      assert.is(other.stats.filesPrefiltered, single.stats.filesPrefiltered);
    }
    assert.ok(reading.stats.slowest.length > 0, 'files parsed here are timed as in a worker');
    // The worker's walk stops where this thread's would: a second named folder with nothing to
    // scan (the large first one was handed over before the walk reached it) is the same usage error.
    mkdirSync(path.join(corpus, 'empty'));
    writeFileSync(path.join(corpus, 'empty', 'notes.md'), '# nothing here\n');
    for (const jobs of [1, 2]) {
      const failed = await scan({ paths: [path.join(corpus, 'lib'), path.join(corpus, 'empty')], cwd: corpus, jobs }).then(
        () => undefined,
        (error: unknown) => error,
      );
      assert.instance(failed, UsageError, `--jobs ${jobs}`);
      assert.match((failed as UsageError).message, /No file to scan in `[^`]*empty`/);
    }
  } finally {
    rmSync(corpus, { recursive: true, force: true });
  }
});

speed('--cache: a warm run parses nothing; editing a helper in another file changes the findings', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'wma-cache-'));
  try {
    cpSync(path.join(ROOT, 'fixtures', 'cross-file', 'helper-module'), dir, { recursive: true });
    const location = path.join(dir, '.cache');
    const cold = await scan({ paths: [dir], cwd: dir, cache: true, cacheLocation: location });
    const warm = await scan({ paths: [dir], cwd: dir, cache: true, cacheLocation: location });
    assert.ok(cold.stats.filesParsed > 0);
    assert.is(warm.stats.filesParsed, 0);
    assert.is(warm.stats.filesFromCache, warm.stats.filesDiscovered);
    assert.equal(keys(warm), keys(cold));
    assert.is(warm.stats.timings.link, 0, 'nothing changed: the whole result is reused');

    // Losing the facts file (but not the index) makes the scan analyse those files again.
    rmSync(path.join(location, 'index.facts.json'));
    writeFileSync(path.join(dir, 'server.ts'), `${'// touched\n'}${readFileSync(path.join(dir, 'server.ts'), 'utf8')}`);
    const recovered = await scan({ paths: [dir], cwd: dir, cache: true, cacheLocation: location });
    assert.is(recovered.findings.length, cold.findings.length);

    // The helper stops faking: the finding in the handler file (unchanged, cached) disappears.
    const helper = path.join(dir, 'lib', 'fake-request.ts');
    writeFileSync(helper, "export function fakeRequestFor(userId: string) { return new URL('http://users/' + userId); }\nexport function upstream(p: string) { return new Request(p); }\nexport const SYSTEM_REQUEST = { headers: {} } as unknown as Request;\n");
    const edited = await scan({ paths: [dir], cwd: dir, cache: true, cacheLocation: location });
    assert.is(edited.stats.filesParsed, 1, 'only the edited helper is parsed again');
    // Both reports of that fake go: in the handler, and where the helper made it.
    assert.is(edited.findings.length, cold.findings.length - 2);
    assert.not.ok(edited.findings.some((f) => f.message.includes('fakeRequestFor')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

speed('--cache: a corrupt or foreign cache file is ignored with a warning', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'wma-cache-'));
  try {
    cpSync(path.join(ROOT, 'fixtures', 'shapes', 'literal.ts'), path.join(dir, 'literal.ts'));
    const fresh = await scan({ paths: [dir], cwd: dir });
    for (const content of ['{ not json', JSON.stringify({ tool: 'eslint', entries: [] })]) {
      const location = path.join(dir, 'cache.json');
      writeFileSync(location, content);
      const result = await scan({ paths: [dir], cwd: dir, cache: true, cacheLocation: location });
      assert.equal(keys(result), keys(fresh));
      assert.is(result.warnings.length, 1);
      assert.match(result.warnings[0] ?? '', /^ignoring .*cache\.json: /);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

speed('lazy start: --help, rules and a scan without WebSocket code never load the parser', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'wma-lazy-'));
  writeFileSync(path.join(dir, 'math.ts'), 'export const add = (a: number, b: number) => a + b;\n');
  const script = `
    const { run } = await import(${JSON.stringify(path.join(ROOT, 'dist', 'cli', 'main.js'))});
    const io = { stdout() {}, stderr() {}, cwd: ${JSON.stringify(dir)}, isTTY: false, env: {} };
    const codes = [await run(['--help'], io), await run(['rules'], io), await run(['.'], io)];
    const { createRequire } = await import('node:module');
    const loaded = Object.keys(createRequire(import.meta.url).cache).filter((file) => /ts-morph|typescript|jscodeshift|codemod-deps|@babel/.test(file));
    console.log(JSON.stringify({ codes, loaded }));
  `;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
  rmSync(dir, { recursive: true, force: true });
  const outcome = JSON.parse(run.stdout || '{}');
  assert.equal(outcome.codes, [0, 0, 0], run.stderr);
  assert.equal(outcome.loaded, []);
});
speed('a scan whose only actionable findings are fake responses where there is no socket.io engine never loads the codemod', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'wma-no-engine-'));
  writeFileSync(
    path.join(dir, 'upgrade.js'),
    [
      "import { createServer } from 'node:http';",
      "import session from 'express-session';",
      "import { WebSocketServer } from 'ws';",
      '',
      "const sessionParser = session({ secret: 'dev', resave: false, saveUninitialized: false });",
      'const server = createServer();',
      'const wss = new WebSocketServer({ noServer: true });',
      '',
      "server.on('upgrade', (request, socket, head) => {",
      '  sessionParser(request, {}, () => {',
      "    wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));",
      '  });',
      '});',
      '',
    ].join('\n'),
  );
  const script = `
    const { run } = await import(${JSON.stringify(path.join(ROOT, 'dist', 'cli', 'main.js'))});
    let out = '';
    const io = { stdout(text) { out += text; }, stderr() {}, cwd: ${JSON.stringify(dir)}, isTTY: false, env: {} };
    const code = await run(['.', '--format', 'json'], io);
    const { createRequire } = await import('node:module');
    const loaded = Object.keys(createRequire(import.meta.url).cache).filter((file) => /jscodeshift|codemod-deps|@babel|typescript/.test(file)).map((file) => file.split('/').pop());
    console.log(JSON.stringify({ code, loaded, findings: JSON.parse(out).findings.map((finding) => [finding.ruleId, finding.fixable]) }));
  `;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
  rmSync(dir, { recursive: true, force: true });
  const outcome = JSON.parse(run.stdout || '{}');
  assert.is(outcome.code, 1, run.stderr);
  assert.equal(outcome.findings, [['fake-response', false]]);
  assert.equal(outcome.loaded, ['typescript.js'], 'the parser, and neither jscodeshift nor Babel');
});
speed('a file that runs a capped worker out of memory is analysed again in the uncapped thread, with the same facts', async () => {
  const { DEFAULT_FACTS_OPTIONS, extractFacts } = await import('../src/facts/index.js');
  const { startPool } = await import('../src/facts/pool.js');
  // Thousands of handlers: a tree far larger than a 48 MB heap holds.
  const text = `import { WebSocketServer } from 'ws';\nconst wss = new WebSocketServer({ port: 1 });\n${Array.from({ length: 20_000 }, (_, i) => `wss.on('connection', (ws${i}, req) => { ws${i}.send(JSON.stringify({ n: ${i}, url: req.url, headers: req.headers })); });`).join('\n')}\n`;
  const before = process.env.WS_MOCK_AUDIT_WORKER_HEAP_MB;
  process.env.WS_MOCK_AUDIT_WORKER_HEAP_MB = '48';
  const pool = startPool(1, DEFAULT_FACTS_OPTIONS);
  try {
    const [capped] = await pool.submit([{ file: '/virtual/huge.ts', text }]);
    assert.ok(capped && 'error' in capped && capped.overflow, 'the capped worker runs out of memory and says so');
    assert.match(capped && 'error' in capped ? capped.error : '', /out of memory in a worker capped at 48 MB/);
    // The pool goes on with a fresh thread; the uncapped deep-stack thread analyses the file.
    const [small] = await pool.submit([{ file: '/virtual/small.ts', text: 'export const one = 1;\n' }]);
    assert.ok(small && 'facts' in small, 'a fresh thread took the place of the one that ran out of memory');
    const deep = startPool(1, DEFAULT_FACTS_OPTIONS, 64);
    try {
      const [again] = await deep.submit([{ file: '/virtual/huge.ts', text }]);
      assert.ok(again && 'facts' in again);
      assert.is(again && 'facts' in again ? again.facts.registrations.length : 0, extractFacts('/virtual/huge.ts', text, DEFAULT_FACTS_OPTIONS).registrations.length);
    } finally {
      await deep.close();
    }
  } finally {
    if (before === undefined) delete process.env.WS_MOCK_AUDIT_WORKER_HEAP_MB;
    else process.env.WS_MOCK_AUDIT_WORKER_HEAP_MB = before;
    await pool.close();
  }
});

speed.run();
