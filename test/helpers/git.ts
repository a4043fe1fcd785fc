import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A git identity for commits made by the clients under test (hooks run `git` themselves). */
export const GIT_IDENTITY = { GIT_AUTHOR_NAME: 'CI', GIT_AUTHOR_EMAIL: 'ci@example.com', GIT_COMMITTER_NAME: 'CI', GIT_COMMITTER_EMAIL: 'ci@example.com' };

/** A real git repository in a temporary directory. */
export function gitRepo(files: Record<string, string>): { dir: string; git(...args: string[]): string; write(name: string, text: string): void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'wma-git-'));
  const git = (...args: string[]): string =>
    execFileSync('git', ['-c', 'user.email=ci@example.com', '-c', 'user.name=CI', '-c', 'commit.gpgsign=false', ...args], { cwd: dir, encoding: 'utf8' });
  const write = (name: string, text: string): void => {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  };
  git('init', '-q', '-b', 'main');
  for (const [name, text] of Object.entries(files)) write(name, text);
  git('add', '-A');
  git('commit', '-q', '-m', 'initial');
  return { dir, git, write };
}
