import { spawnSync } from 'node:child_process';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { consumerCopy, writeFiles } from './helpers/consumer.js';

const npx = suite('npx ws-mock-audit from the packed tarball');

npx('npm pack, install into a fresh project, run npx ws-mock-audit; the runtime resolves from import and require', () => {
  const app = consumerCopy('wma-npx-');
  writeFiles(app, {
    'src/server.ts': [
      "import { Server } from 'socket.io';",
      "import { getRequestScopedSupervisor } from './supervisor';",
      'const io = new Server();',
      "io.on('connection', (socket) => {",
      "  socket.on('chat', async () => {",
      "    const supervisor = await getRequestScopedSupervisor({ headers: socket.handshake.headers } as unknown as Request);",
      '    socket.emit("ok", supervisor);',
      '  });',
      '});',
      '',
    ].join('\n'),
  });
  const run = spawnSync('npx', ['--no-install', 'ws-mock-audit', 'src', '--format', 'json'], { cwd: app, encoding: 'utf8', timeout: 120_000 });
  assert.is(run.status, 1, run.stderr);
  const report = JSON.parse(run.stdout);
  assert.equal(report.findings.map((finding: { ruleId: string }) => finding.ruleId), ['request-scoped-factory', 'fake-request']);
  assert.is(report.findings[1].file, 'src/server.ts');
  assert.equal(report.errors, []);
  assert.is(spawnSync('npx', ['--no-install', 'ws-mock-audit', 'rules'], { cwd: app, encoding: 'utf8' }).status, 0);

  const esm = spawnSync(process.execPath, ['--input-type=module', '-e', "import { WebSocketContext } from 'ws-mock-audit/runtime'; console.log(WebSocketContext.create({ socket: { readyState: 1 }, userId: 'u' }).state)"], { cwd: app, encoding: 'utf8' });
  assert.is(esm.stdout.trim(), 'CONNECTED', esm.stderr);
  const cjs = spawnSync(process.execPath, ['-e', "const { isWebSocketSupervisorV3Enabled } = require('ws-mock-audit/runtime'); console.log(String(isWebSocketSupervisorV3Enabled({ userId: 'u', env: { USE_WEBSOCKET_SUPERVISOR_V3: 'true' } })))"], { cwd: app, encoding: 'utf8' });
  assert.is(cjs.stdout.trim(), 'true', cjs.stderr);
  const api = spawnSync(process.execPath, ['--input-type=module', '-e', "import { scan } from 'ws-mock-audit'; const r = await scan({ paths: ['src'] }); console.log(String(r.findings.length))"], { cwd: app, encoding: 'utf8' });
  assert.is(api.stdout.trim(), '2', api.stderr);
});
npx.run();
