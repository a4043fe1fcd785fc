import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { defaultConfig } from '../src/discover/config.js';
import { DEFAULT_FACTS_OPTIONS, extractFacts } from '../src/facts/index.js';
import { KeptFiles } from '../src/facts/kept.js';
import { startWalker, type Extracted } from '../src/facts/pool.js';

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
      const shared = new KeptFiles(async () => (file, text) => ({ facts: extractFacts(file, text, DEFAULT_FACTS_OPTIONS) }));
      for (const { file, text } of files) shared.keep(file, text);
      shared.help(async (items) => {
        lent += items.length;
        const results = await walker.parse(items);
        if (results) answered += results.length;
        return results;
      });
      await shared.settled();
      assert.ok(lent > 0, 'the worker was lent files');
      assert.is(answered, failing ? 0 : lent, failing ? 'a stopped worker answers nothing' : 'the worker analysed what it was lent');
      assert.is(shared.outcomes.size, files.length);
      for (const { file } of files) assert.equal(facts(shared.outcomes.get(file)), expected.get(file), file);
    } finally {
      await walker.close();
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

kept.run();
