import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { UsageError } from '../errors.js';
import { readBlobs } from '../history/git.js';
import { decodeSource, isFile, readSource, tooLarge, type ReadResult } from './read.js';

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

/**
 * Reads staged content (the index's blobs), never the work tree, so a pre-commit scan sees what will
 * be committed. A hook pays for every git process it starts: four in all, however many files are
 * staged (the staged blobs come in one `git cat-file --batch`; a helper linked later is read alone).
 */
export function openGitIndex(cwd: string): GitIndex {
  let top: string;
  try {
    // The top spelt from cwd (not git's real path): paths named through a symbolic link then match.
    top = path.resolve(cwd, git(cwd, ['rev-parse', '--show-cdup']).toString().trim());
  } catch {
    throw new UsageError('--staged needs a git repository, and this directory is not in one.', 'Run it inside the repository, or drop --staged.');
  }
  const split = (buffer: Buffer): string[] => buffer.toString('utf8').split('\0').filter(Boolean);
  const indexed = new Set<string>();
  /** Path → blob id of the content to be committed (stage 0; a conflicted file has none). */
  const blobs = new Map<string, string>();
  for (const entry of split(git(top, ['ls-files', '-s', '-z']))) {
    // "<mode> <blob> <stage>\t<path>"
    const tab = entry.indexOf('\t');
    if (tab < 0) continue;
    const file = path.join(top, entry.slice(tab + 1));
    const [, blob, stage] = entry.slice(0, tab).split(' ');
    indexed.add(file);
    if (stage === '0' && blob) blobs.set(file, blob);
  }
  const staged = split(git(top, ['diff', '--cached', '--name-only', '-z', '--diff-filter=ACMR'])).map((name) => path.join(top, name));
  const fetched = readBlobs(top, staged.flatMap((file) => blobs.get(file) ?? []));
  const reader: SourceReader = {
    exists: (file) => indexed.has(file),
    read(file, maxFileSize) {
      const blob = blobs.get(file);
      const bytes = blob === undefined ? undefined : (fetched.get(blob) ?? readBlobs(top, [blob]).get(blob));
      if (!bytes) return { ok: false, message: 'cannot read from the git index (not staged or not tracked)', skipped: 'unreadable' };
      if (bytes.length > maxFileSize) return tooLarge(bytes.length, maxFileSize);
      return decodeSource(bytes);
    },
  };
  return { reader, staged, indexed };
}
