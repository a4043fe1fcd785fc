import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { UsageError } from '../errors.js';
import { decodeSource, isFile, readSource, tooLarge, type ReadResult } from './read.js';
import { toPosix } from './files.js';

/** Where file contents come from: the work tree, or the git index for `--staged`. */
export interface SourceReader {
  read(file: string, maxFileSize: number): ReadResult;
  exists(file: string): boolean;
}

export const workTreeReader: SourceReader = {
  read: readSource,
  exists: isFile,
};

export interface GitIndex {
  reader: SourceReader;
  /** Absolute paths of files added, copied, modified or renamed in the index. */
  staged: string[];
  /** Absolute paths of every file in the index. */
  indexed: ReadonlySet<string>;
}

function git(cwd: string, args: string[]): Buffer {
  return execFileSync('git', args, { cwd, maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Reads staged content (`git show :path`), never the work tree, so a pre-commit scan sees what will be committed. */
export function openGitIndex(cwd: string): GitIndex {
  let top: string;
  try {
    // The top spelt from cwd (not git's real path): paths named through a symbolic link then match.
    top = path.resolve(cwd, git(cwd, ['rev-parse', '--show-cdup']).toString().trim());
  } catch {
    throw new UsageError('--staged needs a git repository, and this directory is not in one.', 'Run it inside the repository, or drop --staged.');
  }
  const split = (buffer: Buffer): string[] => buffer.toString('utf8').split('\0').filter(Boolean);
  const indexed = new Set(split(git(top, ['ls-files', '-z', '--cached'])).map((name) => path.join(top, name)));
  const staged = split(git(top, ['diff', '--cached', '--name-only', '-z', '--diff-filter=ACMR'])).map((name) => path.join(top, name));
  const reader: SourceReader = {
    exists: (file) => indexed.has(file),
    read(file, maxFileSize) {
      const spec = `:${toPosix(path.relative(top, file))}`;
      try {
        const size = Number(git(top, ['cat-file', '-s', spec]).toString().trim());
        if (size > maxFileSize) return tooLarge(size, maxFileSize);
        return decodeSource(git(top, ['cat-file', 'blob', spec]));
      } catch {
        return { ok: false, message: 'cannot read from the git index (not staged or not tracked)', skipped: 'unreadable' };
      }
    },
  };
  return { reader, staged, indexed };
}
