import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BIN, ROOT } from './cli.js';

export interface DemoHistory {
  dir: string;
  /** Oldest first. */
  commits: { sha: string; subject: string }[];
  git(...args: string[]): string;
}

/** A handler added, then deleted, during the story: files come and go in a real history. */
const PRESENCE = `import type { IncomingMessage } from 'node:http';
import type { Server } from 'socket.io';
import { getRequestScopedSupervisor } from '../supervisor.js';

export function attachPresence(io: Server): void {
  io.on('connection', (socket) => {
    socket.on('presence', async (status: string) => {
      const fake = { headers: { 'x-user-id': String(socket.data.userId) }, url: '/presence' } as unknown as IncomingMessage;
      const supervisor = await getRequestScopedSupervisor(fake);
      await supervisor.handle({ type: 'presence', text: status });
    });
  });
}
`;

/**
 * The demo app in a temporary git repository with a migration story, one commit a week: the legacy
 * app; a README edit (no code change); a new handler with a new fake; the real codemod's
 * `fix --flagged` (phase 3a) and `fix --remove-legacy` (phase 3c); the new handler deleted.
 */
export function demoHistoryRepo(): DemoHistory {
  const dir = mkdtempSync(path.join(tmpdir(), 'wma-history-'));
  cpSync(path.join(ROOT, 'fixtures', 'demo-app'), dir, { recursive: true });
  let week = 0;
  const git = (...args: string[]): string => {
    const date = new Date(Date.UTC(2026, 8, 7 + 7 * week, 12)).toISOString();
    return execFileSync('git', ['-c', 'user.email=ci@example.com', '-c', 'user.name=CI', '-c', 'commit.gpgsign=false', ...args], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date },
    });
  };
  const commit = (subject: string): void => {
    git('add', '-A');
    git('commit', '-q', '-m', subject);
    week++;
  };
  const fix = (...args: string[]): void => {
    // Exit 1 means "some sites are left for manual review", which is the demo's honest state.
    try {
      execFileSync(process.execPath, [BIN, 'fix', ...args, 'src'], { cwd: dir, stdio: 'pipe' });
    } catch (error) {
      if ((error as { status?: number }).status !== 1) throw error;
    }
  };
  git('init', '-q', '-b', 'main');
  commit('legacy chat server');
  writeFileSync(path.join(dir, 'README.md'), '# legacy-chat\n\nMigrating to WebSocketContext, one room at a time.\n');
  commit('docs: migration plan');
  writeFileSync(path.join(dir, 'src', 'ws', 'presence.ts'), PRESENCE);
  commit('presence: a new handler reusing the HTTP supervisor');
  fix('--flagged');
  commit('rooms: new path behind USE_WEBSOCKET_SUPERVISOR_V3');
  fix('--remove-legacy');
  commit('rooms: remove the legacy path');
  rmSync(path.join(dir, 'src', 'ws', 'presence.ts'));
  commit('presence: removed');
  const commits = git('log', '--first-parent', '--reverse', '--format=%H %s')
    .trim()
    .split('\n')
    .map((line) => ({ sha: line.slice(0, 40), subject: line.slice(41) }));
  return { dir, commits, git };
}
