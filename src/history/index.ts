import path from 'node:path';
import { RULES } from '../../rules/index.js';
import { isSourceFile } from '../discover/files.js';
import { funnelCounts, stageOf, type HistoryPoint } from '../report/migration.js';
import { scan, type ScanOptions, type ScanResult } from '../scan.js';
import { createContentCache, gitBlobId, type ContentCache } from './blob-cache.js';
import { advanceTree, gitTop, pickCommits, readBlobs, readTree, treeReader, type Tree } from './git.js';

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

/**
 * Scans first-parent commits of HEAD from git's object store, oldest first. Each commit's tree
 * comes from the previous one plus `git diff-tree`; only blobs not seen before are read, and only
 * contents not seen before are parsed: facts are shared by content across commits. When no file
 * that the last result rested on changed, the result itself is reused.
 */
export async function scanHistory(scanOptions: ScanOptions, options: HistoryOptions): Promise<HistoryOutcome> {
  const started = performance.now();
  const cwd = path.resolve(scanOptions.cwd ?? process.cwd());
  const top = gitTop(cwd);
  const commits = pickCommits(top, options.count, options.since);
  const roots = (scanOptions.paths?.length ? scanOptions.paths : ['.']).map((given) => path.resolve(cwd, given));
  const inScope = (file: string): boolean => isSourceFile(file) && roots.some((root) => file === root || file.startsWith(`${root}${path.sep}`));
  const cache = createContentCache();
  const points: HistoryPoint[] = [];
  const seenFakes = new Set<string>();
  let tree: Tree | undefined;
  let previous: string | undefined;
  for (const [index, commit] of commits.entries()) {
    tree = tree && previous ? advanceTree(top, tree, previous, commit.sha) : readTree(top, commit.sha);
    previous = commit.sha;
    const current = tree;
    // Fetch, in one batch, the blobs whose content this run has not met yet.
    const unseen = new Set<string>();
    const files: string[] = [];
    for (const [file, blob] of current) {
      if (!inScope(file)) continue;
      files.push(file);
      if (!cache.knows(blob, file)) unseen.add(blob);
    }
    const fetched = readBlobs(top, unseen);
    const result = await scan({
      ...scanOptions,
      cwd,
      source: { reader: treeReader(top, current, fetched), files },
      factsCache: cache.view((file) => current.get(file)),
      // Workers pay off on the first, cold commit only; later ones parse a few changed files.
      ...(index > 0 ? { jobs: 1 } : {}),
    });
    for (const finding of result.findings) if (stage(finding.ruleId) === 'fake') seenFakes.add(finding.fingerprint);
    points.push({ commit: commit.sha, date: commit.date, subject: commit.subject, files: result.stats.filesDiscovered, ...funnelCounts(result.findings, stage) });
  }
  return { points, seenFakes, cache, parsed: cache.parsed, durationMs: Math.round(performance.now() - started) };
}

/** The work tree, through the history's content cache: files unchanged since HEAD are not parsed again. */
export function scanWorkTree(scanOptions: ScanOptions, cache: ContentCache): Promise<ScanResult> {
  return scan({ ...scanOptions, factsCache: cache.view((_file, readText) => {
    const text = readText();
    return text === undefined ? undefined : gitBlobId(text);
  }) });
}
