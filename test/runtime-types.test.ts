import { execFileSync, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const types = suite('runtime types and entry points');

types('passing a request to the WebSocket factory (or a context to the request factory) is a compile error', () => {
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'test', 'types', 'tsconfig.json')], { encoding: 'utf8' });
  assert.is(result.status, 0, `tsc reported:\n${result.stdout}${result.stderr}`);
});

types('the built runtime loads from import and require, and a context from one is accepted by the other', async () => {
  const esm = (await import('ws-mock-audit/runtime')) as typeof import('../src/runtime/index.js');
  const cjs = createRequire(import.meta.url)('ws-mock-audit/runtime') as typeof import('../src/runtime/index.js');
  assert.type(esm.WebSocketContext.create, 'function');
  assert.type(cjs.WebSocketContext.create, 'function');
  const ctx = esm.WebSocketContext.create({ socket: { readyState: 1 }, userId: 'dual' });
  const supervisor = await cjs.defineScopedFactory({ create: () => 'ok' }).forWebSocket(ctx);
  assert.is(supervisor, 'ok');
});

types('the runtime has no dependencies: it imports nothing', () => {
  const out = execFileSync(process.execPath, ['-e', "const m=require('module');const seen=[];const o=m._load;m._load=function(r,...a){seen.push(r);return o.call(this,r,...a)};require('./dist/runtime-cjs/index.cjs');console.log(JSON.stringify(seen))"], { cwd: root, encoding: 'utf8' });
  assert.equal(JSON.parse(out), ['./dist/runtime-cjs/index.cjs']);
});
types.run();
