import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = path.join(ROOT, 'bin', 'ws-mock-audit.js');

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built binary, as users do. */
export function runCli(args: string[], options: { cwd?: string; env?: Record<string, string | undefined> } = {}): CliRun {
  const env = { ...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined, ...options.env } as NodeJS.ProcessEnv;
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd: options.cwd ?? ROOT, env, encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A `ws` message handler that fabricates a request for `getRequestScopedSupervisor`: one finding. */
export const FAKE_HANDLER = `import { WebSocketServer } from 'ws';
import { getRequestScopedSupervisor } from './supervisor';
const wss = new WebSocketServer({ port: 1 });
wss.on('connection', (ws) => {
  ws.on('message', async (raw) => {
    const fake = { headers: { 'x-user-id': String(raw) } } as unknown as Request;
    await getRequestScopedSupervisor(fake);
  });
});
`;
