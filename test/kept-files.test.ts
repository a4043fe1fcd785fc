import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { defaultConfig } from '../src/discover/config.js';
import { DEFAULT_FACTS_OPTIONS, extractFacts } from '../src/facts/index.js';
import { KeptFiles } from '../src/facts/kept.js';
import { BY_WORKER, claimBatch, startWalker, type Extracted } from '../src/facts/pool.js';

const kept = suite('kept files: this thread and the walking worker share them');

/** A `ws` server module of about 3.5 KB whose handler differs by `n`. */
function serverModule(n: number): string {
  return `import { WebSocketServer } from 'ws';
import { getRequestScopedSupervisor } from './supervisor';
const wss${n} = new WebSocketServer({ port: ${8000 + n} });
wss${n}.on('connection', (ws, req) => {
  ws.on('message', async (data) => {
    const request = { headers: req.headers, url: '/ws/${n}', method: 'GET' } as unknown as Request;
    const supervisor = getRequestScopedSupervisor(request);
    ws.send(JSON.stringify(await supervisor.handle(String(data))));
  });
});
${Array.from({ length: 40 }, (_, i) => `export const helper${n}_${i} = (value: number): number => value * ${i} + ${n};`).join('\n')}
`;
}

const facts = (result: Extracted | undefined): unknown => (result && 'facts' in result ? result.facts : result);

kept('files lent to the walking worker come back with the facts this thread would give them; a failed worker hands its batch back', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'wma-kept-'));
  writeFileSync(path.join(dir, 'a.ts'), 'export const a = 1;\n');
  // 400 files of ~3.5 KB: more than the 1 MiB that has to wait before the worker takes a share.
  const files = Array.from({ length: 400 }, (_, n) => ({ file: path.join(dir, `server${n}.ts`), text: serverModule(n) }));
  const expected = new Map(files.map(({ file, text }) => [file, extractFacts(file, text, DEFAULT_FACTS_OPTIONS)]));
  const config = defaultConfig();
  for (const failing of [false, true]) {
    const ignore = (): void => undefined;
    const claims = new Int32Array(new SharedArrayBuffer(64));
    const walker = startWalker({ paths: [dir], cwd: dir, config, includeTests: false, prefilter: true, claims }, config.facts, { listing: ignore, walked: ignore });
    try {
      await walker.read;
      if (failing) await walker.close();
      let lent = 0;
      let answered = 0;
      // This thread is made slow (5 ms a file), so that the worker, once it has loaded the parser,
      // starts its batch before this thread could take it back.
      const pause = new Int32Array(new SharedArrayBuffer(4));
      const shared = new KeptFiles(async () => (file, text) => {
        Atomics.wait(pause, 0, 0, 5);
        return { facts: extractFacts(file, text, DEFAULT_FACTS_OPTIONS) };
      });
      for (const { file, text } of files) shared.keep(file, text);
      shared.help(async (items, claims) => {
        lent += items.length;
        const results = await walker.parse(items, claims);
        if (results) answered += results.filter(Boolean).length;
        return results;
      });
      await shared.settled();
      assert.ok(lent > 0, 'the worker was lent files');
      if (failing) assert.is(answered, 0, 'a stopped worker answers nothing');
      else assert.ok(answered > 0 && answered <= lent, `the worker analysed ${answered} of the ${lent} files it was lent`);
      assert.is(shared.outcomes.size, files.length);
      for (const { file } of files) assert.equal(facts(shared.outcomes.get(file)), expected.get(file), file);
    } finally {
      await walker.close();
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

kept('once its own queue is empty, this thread takes back the lent files the worker has not started, and no file is analysed twice', async () => {
  const files = Array.from({ length: 400 }, (_, n) => ({ file: `/virtual/server${n}.ts`, text: serverModule(n) }));
  const analysed = new Map<string, number>();
  const count = (file: string): void => void analysed.set(file, (analysed.get(file) ?? 0) + 1);
  const analyse = (file: string, text: string): Extracted => {
    count(file);
    return { facts: extractFacts(file, text, DEFAULT_FACTS_OPTIONS) };
  };
  const shared = new KeptFiles(async () => analyse);
  for (const { file, text } of files) shared.keep(file, text);
  let takenBack = 0;
  // A slow worker that claims each item as it starts it, as src/facts/worker.ts does; it starts
  // its batch only once this thread has analysed everything else (a worker descheduled on a busy machine).
  shared.help(async (items, claims) => {
    while (shared.outcomes.size < files.length - items.length) await new Promise((resolve) => setTimeout(resolve, 1));
    const results: (Extracted | undefined)[] = [];
    for (const [index, item] of items.entries()) {
      if (!claimBatch(claims, index, BY_WORKER)) {
        takenBack++;
        results.push(undefined);
        continue;
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
      results.push(analyse(item.file, item.text));
    }
    return results;
  });
  await shared.settled();
  assert.ok(takenBack > 0, 'this thread took lent files back');
  assert.is(shared.outcomes.size, files.length);
  assert.equal([...analysed.values()].filter((times) => times !== 1), [], 'each file analysed once');
  for (const { file, text } of files.slice(0, 20)) assert.equal(facts(shared.outcomes.get(file)), extractFacts(file, text, DEFAULT_FACTS_OPTIONS), file);
});

kept.run();
