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

/** The paths of a git index, asked by absolute path. */
export interface IndexedPaths {
  has(file: string): boolean;
  /** Whether some indexed file lies below a directory (the top itself: whether any does). */
  hasBelow(dir: string): boolean;
}

export interface GitIndex {
  reader: SourceReader;
  /** Absolute paths of files added, copied, modified or renamed in the index. */
  staged: string[];
  /** Every file in the index. */
  indexed: IndexedPaths;
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
  // Kept by the path git prints (relative to the top, with `/`): a large index has tens of thousands
  // of entries, and spelling each as an absolute path (path.join) cost more than git itself (35 ms
  // for 6,400 entries, cold); the few paths asked about are made relative instead.
  const prefix = top.endsWith(path.sep) ? top : `${top}${path.sep}`;
  const relative = (file: string): string | undefined => {
    if (!file.startsWith(prefix)) return undefined;
    const rest = file.slice(prefix.length);
    return path.sep === '/' ? rest : rest.split(path.sep).join('/');
  };
  /** Path → blob id of the content to be committed (stage 0), or undefined (a conflicted file has none). */
  const entries = new Map<string, string | undefined>();
  const listing = git(top, ['ls-files', '-s', '-z']).toString('utf8');
  for (let at = 0; at < listing.length; ) {
    // "<mode> <blob> <stage>\t<path>\0": the stage is the digit before the tab, the blob the word before it.
    const end = listing.indexOf('\0', at);
    const stop = end < 0 ? listing.length : end;
    const tab = listing.indexOf('\t', at);
    if (tab > at && tab < stop) {
      const name = listing.slice(tab + 1, stop);
      const stageZero = listing[tab - 1] === '0' && listing[tab - 2] === ' ';
      if (stageZero) entries.set(name, listing.slice(listing.indexOf(' ', at) + 1, tab - 2));
      else if (!entries.has(name)) entries.set(name, undefined);
    }
    at = stop + 1;
  }
  const indexed: IndexedPaths = {
    has: (file) => {
      const name = relative(file);
      return name !== undefined && entries.has(name);
    },
    hasBelow: (dir) => {
      const below = dir.endsWith(path.sep) ? dir : `${dir}${path.sep}`;
      if (prefix.startsWith(below)) return entries.size > 0; // the top, or a directory above it
      const name = relative(below);
      if (name === undefined) return false;
      for (const entry of entries.keys()) if (entry.startsWith(name)) return true;
      return false;
    },
  };
  const blobOf = (file: string): string | undefined => {
    const name = relative(file);
    return name === undefined ? undefined : entries.get(name);
  };
  const staged = split(git(top, ['diff', '--cached', '--name-only', '-z', '--diff-filter=ACMR'])).map((name) => path.join(top, name));
  const fetched = readBlobs(top, staged.flatMap((file) => blobOf(file) ?? []));
  const reader: SourceReader = {
    exists: (file) => indexed.has(file),
    read(file, maxFileSize) {
      const blob = blobOf(file);
      const bytes = blob === undefined ? undefined : (fetched.get(blob) ?? readBlobs(top, [blob]).get(blob));
      if (!bytes) return { ok: false, message: 'cannot read from the git index (not staged or not tracked)', skipped: 'unreadable' };
      if (bytes.length > maxFileSize) return tooLarge(bytes.length, maxFileSize);
      return decodeSource(bytes);
    },
  };
  return { reader, staged, indexed };
}
