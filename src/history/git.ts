import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { UsageError } from '../errors.js';
import { decodeSource, tooLarge } from '../discover/read.js';
import type { SourceReader } from '../discover/source.js';

/**
 * Git plumbing for `report --history`: first-parent commits, their trees as path → blob id, and
 * blob contents read in batches. Nothing is checked out; the work tree is never touched.
 */

export interface Commit {
  sha: string;
  /** Committer date, ISO 8601. */
  date: string;
  subject: string;
}

function git(cwd: string, args: string[], input?: string): Buffer {
  return execFileSync('git', args, { cwd, input, maxBuffer: 2 * 1024 * 1024 * 1024, stdio: ['pipe', 'pipe', 'pipe'] });
}

export function gitTop(cwd: string): string {
  try {
    return git(cwd, ['rev-parse', '--show-toplevel']).toString().trim();
  } catch {
    throw new UsageError('--history and --since read the commits of a git repository, and this directory is not in one.', 'Run the report inside the repository, or drop --history/--since.');
  }
}

/**
 * The commits to scan, oldest first: the last `count` first-parent commits of HEAD, or with `since`
 * every one since that date, thinned to `count` evenly spaced ones (always keeping the oldest and
 * the newest) when there are more.
 */
export function pickCommits(top: string, count: number | undefined, since: string | undefined): Commit[] {
  const args = ['log', '--first-parent', '-z', '--format=%H%x1f%cI%x1f%s'];
  if (since) args.push(`--since=${since}`);
  else if (count !== undefined) args.push(`-n${count}`);
  args.push('HEAD', '--');
  let out: string;
  try {
    out = git(top, args).toString('utf8');
  } catch {
    throw new UsageError('This repository has no commits to read the history from.', 'Commit first, or drop --history/--since.');
  }
  const all = out
    .split('\0')
    .filter(Boolean)
    .map((record) => {
      const [sha = '', date = '', subject = ''] = record.replace(/^\n/, '').split('\x1f');
      return { sha, date, subject };
    })
    .reverse();
  if (count === undefined || all.length <= count) return all;
  if (count === 1) return all.slice(-1);
  const picked = new Set<number>();
  for (let i = 0; i < count; i++) picked.add(Math.round((i * (all.length - 1)) / (count - 1)));
  return [...picked].sort((a, b) => a - b).map((i) => all[i] as Commit);
}

/** A tree as absolute path → blob id, regular files only (no symbolic links, no submodules). */
export type Tree = Map<string, string>;

const REGULAR = new Set(['100644', '100755']);

export function readTree(top: string, commit: string): Tree {
  const tree: Tree = new Map();
  for (const entry of git(top, ['ls-tree', '-r', '-z', '--full-tree', commit]).toString('utf8').split('\0')) {
    // "<mode> <type> <blob>\t<path>"
    const tab = entry.indexOf('\t');
    if (tab < 0) continue;
    const [mode, type, blob] = entry.slice(0, tab).split(' ');
    if (type === 'blob' && mode && REGULAR.has(mode) && blob) tree.set(path.join(top, entry.slice(tab + 1)), blob);
  }
  return tree;
}

/** The next commit's tree from the last one and the diff between them: cheaper than a full listing. */
export function advanceTree(top: string, tree: Tree, from: string, to: string): Tree {
  const next: Tree = new Map(tree);
  const fields = git(top, ['diff-tree', '-r', '-z', '--no-renames', from, to]).toString('utf8').split('\0');
  // ":<old mode> <new mode> <old blob> <new blob> <status>", then the path.
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const header = fields[i] as string;
    const name = fields[i + 1] as string;
    if (!header.startsWith(':')) break;
    const [, mode, , blob] = header.slice(1).split(' ');
    const file = path.join(top, name);
    if (mode && blob && REGULAR.has(mode)) next.set(file, blob);
    else next.delete(file);
  }
  return next;
}

/** Reads many blobs with one `git cat-file --batch`. */
export function readBlobs(top: string, blobs: Iterable<string>): Map<string, Buffer> {
  const wanted = [...new Set(blobs)];
  const result = new Map<string, Buffer>();
  // Bounded batches keep one process's output within memory on large first commits.
  for (let start = 0; start < wanted.length; start += 4000) {
    const batch = wanted.slice(start, start + 4000);
    const out = git(top, ['cat-file', '--batch'], `${batch.join('\n')}\n`);
    let at = 0;
    while (at < out.length) {
      const end = out.indexOf(10, at);
      if (end < 0) break;
      const [blob = '', type, size] = out.subarray(at, end).toString('latin1').split(' ');
      at = end + 1;
      if (type !== 'blob' || size === undefined) continue;
      const length = Number(size);
      result.set(blob, out.subarray(at, at + length));
      at += length + 1;
    }
  }
  return result;
}

/** Reads a tree's files from blobs fetched beforehand, or one at a time for the few asked for later (files linked lazily). */
export function treeReader(top: string, tree: Tree, fetched: Map<string, Buffer>): SourceReader {
  return {
    exists: (file) => tree.has(file),
    read(file, maxFileSize) {
      const blob = tree.get(file);
      if (!blob) return { ok: false, message: 'not in this commit', skipped: 'unreadable' };
      let bytes = fetched.get(blob);
      if (!bytes) {
        bytes = readBlobs(top, [blob]).get(blob);
        if (!bytes) return { ok: false, message: `cannot read blob ${blob} from git`, skipped: 'unreadable' };
      }
      if (bytes.length > maxFileSize) return tooLarge(bytes.length, maxFileSize);
      return decodeSource(bytes);
    },
  };
}
