// A consumer project as users have it: this package installed from its packed tarball, next to the
// real clients that drive it (husky, lint-staged, jscodeshift). Packing and installing cost seconds,
// so the integration suites share one tarball and one install, made on first use in this process.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT } from './cli.js';

const scratch: string[] = [];
process.on('exit', () => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

/** A temporary directory removed when the test process exits. */
export function scratchDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  scratch.push(dir);
  return dir;
}

/** The version of a package as this repository's lockfile installed it, so a consumer gets the same one from npm's cache. */
export function installedVersion(name: string): string {
  return (JSON.parse(readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
}

let tarball: string | undefined;
/**
 * `npm pack` of this repository. `npm test` has just built dist/, so the `prepack` build is skipped
 * here (--ignore-scripts); the pre-commit suite is the one that packs a clean clone with its build.
 */
export function packedTarball(): string {
  if (tarball) return tarball;
  const dir = scratchDir('wma-pack-');
  execFileSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', dir], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const name = readdirSync(dir).find((file) => file.endsWith('.tgz'));
  if (!name) throw new Error(`npm pack left no tarball in ${dir}`);
  tarball = path.join(dir, name);
  return tarball;
}

let consumer: string | undefined;
/** A project that installed the tarball and the clients (husky, lint-staged, jscodeshift) from npm, as devDependencies. */
export function consumerProject(): string {
  if (consumer) return consumer;
  const dir = path.join(scratchDir('wma-consumer-'), 'app');
  mkdirSync(dir);
  const devDependencies: Record<string, string> = { 'ws-mock-audit': `file:${packedTarball()}` };
  for (const client of ['husky', 'lint-staged', 'jscodeshift']) devDependencies[client] = installedVersion(client);
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, devDependencies }, null, 2));
  // --prefer-offline: everything is in npm's cache after this repository's own `npm ci`.
  execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--silent'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 });
  consumer = dir;
  return dir;
}

/**
 * A fresh directory that sees the consumer's node_modules (a symlink), for a test that needs its own
 * git repository or files without disturbing the others.
 */
export function consumerCopy(prefix: string, packageJson: Record<string, unknown> = { name: 'consumer-copy', version: '1.0.0', private: true }): string {
  const dir = scratchDir(prefix);
  symlinkSync(path.join(consumerProject(), 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(packageJson, null, 2)}\n`);
  return dir;
}

/** Writes files under a directory, making folders as needed. */
export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
}

/** A WebSocket handler that fabricates a request for a request-scoped factory: two findings. */
export const FAKE_HANDLER = [
  "import { WebSocketServer } from 'ws';",
  "import { getRequestScopedSupervisor } from './supervisor';",
  'const wss = new WebSocketServer({ port: 8080 });',
  "wss.on('connection', (ws) => {",
  "  ws.on('message', async (raw) => {",
  '    const msg = JSON.parse(String(raw));',
  "    const fake = { headers: { 'x-user-id': msg.userId }, url: '/ws' } as unknown as Request;",
  '    const supervisor = await getRequestScopedSupervisor(fake);',
  '    await supervisor.handle(msg);',
  '  });',
  '});',
  '',
].join('\n');

/** The same handler done honestly: no finding. */
export const CLEAN_HANDLER = [
  "import { WebSocketServer } from 'ws';",
  "import { WebSocketContext, getWebSocketScopedSupervisor } from 'ws-mock-audit/runtime';",
  'const wss = new WebSocketServer({ port: 8080 });',
  "wss.on('connection', (ws) => {",
  "  ws.on('message', async (raw) => {",
  '    const msg = JSON.parse(String(raw));',
  '    const ctx = WebSocketContext.create({ socket: ws, userId: msg.userId });',
  '    const supervisor = await getWebSocketScopedSupervisor(ctx);',
  '    await supervisor.handle(msg);',
  '  });',
  '});',
  '',
].join('\n');
