import path from 'node:path';
import { RULES } from '../../rules/index.js';
import { discoverStaged, isSourceFile, type Input } from '../discover/files.js';
import { funnelCounts, stageOf, type HistoryPoint } from '../report/migration.js';
import { loadScanConfig, scan, type ScanOptions, type ScanResult } from '../scan.js';
import { createContentCache, gitBlobId, type ContentCache } from './blob-cache.js';
import { diffPairs, gitTop, pickCommits, readBlobs, readTree, treeReader, unmodifiedBlobs } from './git.js';

export interface HistoryOptions {
  /** How many commits (the last N; with `since`, N evenly spaced ones). */
  count?: number;
  /** A date git understands (`2026-01-01`, `3 months ago`). */
  since?: string;
}

export interface HistoryOutcome {
  points: HistoryPoint[];
  /** Fingerprints of fakes seen at any scanned commit. */
  seenFakes: Set<string>;
  /** The cache every snapshot shares; `scanWorkTree` uses it too. */
  cache: ContentCache;
  /** Distinct contents parsed over the whole history (each once). */
  parsed: number;
  durationMs: number;
}

const stageByRule = new Map(RULES.map((rule) => [rule.meta.id, stageOf(rule.meta)]));
const stage = (ruleId: string): ReturnType<typeof stageOf> => stageByRule.get(ruleId) ?? 'fake';
const byFile = (a: Input, b: Input): number => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0);

/**
 * Scans first-parent commits of HEAD from git's object store, oldest first, in a fixed number of
 * git processes: the first commit's tree is listed once, later trees follow from one
 * `git diff-tree --stdin` over all pairs, and every blob a commit brings is read in one
 * `git cat-file --batch`. Facts are shared by content across commits, so only new contents are
 * parsed; the input list is filtered once per path; and when no file the last result rested on
 * changed, the result itself is reused.
 */
export async function scanHistory(scanOptions: ScanOptions, options: HistoryOptions): Promise<HistoryOutcome> {
  const started = performance.now();
  const cwd = path.resolve(scanOptions.cwd ?? process.cwd());
  const paths = scanOptions.paths?.length ? scanOptions.paths : ['.'];
  const top = gitTop(cwd);
  const commits = pickCommits(top, options.count, options.since);
  const cache = createContentCache();
  const points: HistoryPoint[] = [];
  const seenFakes = new Set<string>();
  const outcome = (): HistoryOutcome => ({ points, seenFakes, cache, parsed: cache.parsed, durationMs: Math.round(performance.now() - started) });
  const first = commits[0];
  if (!first) return outcome();

  const config = loadScanConfig({ ...scanOptions, cwd });
  const roots = paths.map((given) => path.resolve(cwd, given));
  const inScope = (file: string): boolean => isSourceFile(file) && roots.some((root) => file === root || file.startsWith(`${root}${path.sep}`));
  const admit = (files: string[]): Input[] => discoverStaged(files.filter(inScope), paths, cwd, config, scanOptions.includeTests ?? false).inputs;

  const tree = readTree(top, first.sha);
  const changes = diffPairs(top, commits.slice(1).map((commit, i) => [(commits[i] as { sha: string }).sha, commit.sha]));
  const inputs = new Map(admit([...tree.keys()]).map((input) => [input.file, input]));
  // Every blob any scanned commit brings, read in one batch up front.
  const wanted = new Set([...inputs.keys()].map((file) => tree.get(file) as string));
  for (const list of changes) for (const [file, blob] of list) if (blob && inScope(file)) wanted.add(blob);
  const fetched = readBlobs(top, wanted);

  let list = [...inputs.values()].sort(byFile);
  for (const [index, commit] of commits.entries()) {
    let moved = false;
    for (const [file, blob] of changes[index - 1] ?? []) {
      if (blob === undefined) {
        tree.delete(file);
        moved = inputs.delete(file) || moved;
        continue;
      }
      tree.set(file, blob);
      if (inputs.has(file)) continue;
      for (const input of admit([file])) {
        inputs.set(input.file, input);
        moved = true;
      }
    }
    if (moved) list = [...inputs.values()].sort(byFile);
    const result = await scan({
      ...scanOptions,
      cwd,
      source: { reader: treeReader(top, tree, fetched), inputs: list },
      factsCache: cache.view((file) => tree.get(file)),
      // Workers pay off on the first, cold commit only; later ones parse a few changed files.
      ...(index > 0 ? { jobs: 1 } : {}),
    });
    for (const finding of result.findings) if (stage(finding.ruleId) === 'fake') seenFakes.add(finding.fingerprint);
    points.push({ commit: commit.sha, date: commit.date, subject: commit.subject, files: result.stats.filesDiscovered, ...funnelCounts(result.findings, stage) });
  }
  return outcome();
}

/**
 * The work tree through the history's content cache. Files git's own stat check calls unmodified
 * take their blob id from the index without being read; the rest are hashed. So files unchanged
 * since HEAD are neither parsed nor, when nothing they rest on changed, linked again.
 */
export function scanWorkTree(scanOptions: ScanOptions, cache: ContentCache): Promise<ScanResult> {
  const ids = unmodifiedBlobs(gitTop(path.resolve(scanOptions.cwd ?? process.cwd())));
  const hashed = new Map<string, string>();
  return scan({
    ...scanOptions,
    factsCache: cache.view((file, readText) => {
      const known = ids.get(file);
      if (known) return known;
      let id = hashed.get(file);
      if (id === undefined) {
        const text = readText();
        if (text === undefined) return undefined;
        hashed.set(file, (id = gitBlobId(text)));
      }
      return id;
    }),
  });
}
