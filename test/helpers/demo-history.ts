import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BIN, ROOT } from './cli.js';

export interface DemoHistory {
  dir: string;
  /** Oldest first. */
  commits: { sha: string; subject: string }[];
  git(...args: string[]): string;
}

/**
 * The demo app in a temporary git repository with a migration story made by the real codemod, one
 * commit a week: the legacy app; a README edit (no code change); `fix --flagged` (phase 3a);
 * `fix --remove-legacy` (phase 3c).
 */
export function demoHistoryRepo(): DemoHistory {
  const dir = mkdtempSync(path.join(tmpdir(), 'wma-history-'));
  cpSync(path.join(ROOT, 'fixtures', 'demo-app'), dir, { recursive: true });
  let day = 7;
  const git = (...args: string[]): string => {
    const date = `2026-09-${String(day).padStart(2, '0')}T12:00:00Z`;
    return execFileSync('git', ['-c', 'user.email=ci@example.com', '-c', 'user.name=CI', '-c', 'commit.gpgsign=false', ...args], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date },
    });
  };
  const commit = (subject: string): void => {
    git('add', '-A');
    git('commit', '-q', '-m', subject);
    day += 7;
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
  fix('--flagged');
  commit('rooms: new path behind USE_WEBSOCKET_SUPERVISOR_V3');
  fix('--remove-legacy');
  commit('rooms: remove the legacy path');
  const commits = git('log', '--first-parent', '--reverse', '--format=%H %s')
    .trim()
    .split('\n')
    .map((line) => ({ sha: line.slice(0, 40), subject: line.slice(41) }));
  return { dir, commits, git };
}
