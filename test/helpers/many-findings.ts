import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * A project with `files` WebSocket modules in ten directories, each with two `ws` message handlers
 * that pass a fake request to the request-scoped factory: four findings per file.
 */
export function manyFindingsProject(files: number): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'wma-many-'));
  mkdirSync(path.join(dir, 'src'));
  writeFileSync(path.join(dir, 'src', 'supervisor.ts'), 'export async function getRequestScopedSupervisor(req: unknown) { return { handle: async (m: unknown) => [m, req] }; }\n');
  const handler = (i: number, k: number): string => `  wss.on('connection', (ws) => {
    ws.on('message', async (raw) => {
      const msg = JSON.parse(String(raw));
      const fake${k} = { headers: { 'x-user-id': msg.userId }, url: '/ws/${i}/${k}' } as unknown as IncomingMessage;
      const supervisor = await getRequestScopedSupervisor(fake${k});
      await supervisor.handle(msg);
    });
  });`;
  for (let i = 0; i < files; i++) {
    const area = path.join(dir, 'src', `area${i % 10}`);
    mkdirSync(area, { recursive: true });
    writeFileSync(
      path.join(area, `handler${i}.ts`),
      `import type { WebSocketServer } from 'ws';\nimport type { IncomingMessage } from 'http';\nimport { getRequestScopedSupervisor } from '../supervisor';\n\nexport function attach${i}(wss: WebSocketServer): void {\n${handler(i, 1)}\n${handler(i, 2)}\n}\n`,
    );
  }
  return dir;
}
