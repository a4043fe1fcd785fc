import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { compareText as cmp } from '../compare.js';
import { UsageError } from '../errors.js';
import type { Finding } from '../types.js';

export interface BaselineEntry {
  fingerprint: string;
  ruleId: string;
  file: string;
  /** The flagged code, for people reading the file; matching uses the fingerprint only. */
  snippet: string;
}

export interface Baseline {
  version: 1;
  tool: 'ws-mock-audit';
  findings: BaselineEntry[];
}

export function readBaseline(file: string): Baseline {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`${file}: cannot read the baseline (${code ?? (error as Error).message}).`, 'Create it with --update-baseline.');
  }
  const baseline = parsed as Partial<Baseline>;
  if (baseline?.version !== 1 || !Array.isArray(baseline.findings) || baseline.findings.some((entry) => typeof entry?.fingerprint !== 'string')) {
    throw new UsageError(`${file}: not a ws-mock-audit baseline (expected {"version": 1, "findings": [...]}).`, 'Recreate it with --update-baseline.');
  }
  return baseline as Baseline;
}

export interface BaselineOutcome {
  kept: Finding[];
  baselined: number;
  /** Entries whose finding is gone: prune them with --update-baseline so the baseline only shrinks. */
  fixed: BaselineEntry[];
}

export function applyBaseline(findings: Finding[], baseline: Baseline): BaselineOutcome {
  const known = new Map(baseline.findings.map((entry) => [entry.fingerprint, entry]));
  const matched = new Set<string>();
  const kept = findings.filter((finding) => {
    if (!known.has(finding.fingerprint)) return true;
    matched.add(finding.fingerprint);
    return false;
  });
  return { kept, baselined: matched.size, fixed: baseline.findings.filter((entry) => !matched.has(entry.fingerprint)) };
}

/** Sorted by file, rule and fingerprint, one entry per line-friendly object: small, stable diffs. */
export function buildBaseline(findings: Finding[], source: (file: string) => string | undefined): Baseline {
  const entries = findings.map((finding) => ({
    fingerprint: finding.fingerprint,
    ruleId: finding.ruleId,
    file: finding.file,
    snippet: snippetAt(source(finding.file), finding),
  }));
  entries.sort((a, b) => cmp(a.file, b.file) || cmp(a.ruleId, b.ruleId) || cmp(a.fingerprint, b.fingerprint));
  return { version: 1, tool: 'ws-mock-audit', findings: entries };
}

/** Written to a temporary file and renamed, so a crash never leaves half a baseline. */
export function writeBaseline(file: string, baseline: Baseline): void {
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  writeFileSync(temporary, `${JSON.stringify(baseline, null, 2)}\n`);
  renameSync(temporary, file);
}

function snippetAt(source: string | undefined, finding: Finding): string {
  const line = source?.split(/\r?\n/)[finding.line - 1] ?? '';
  const text = line.slice(finding.column - 1, finding.endLine === finding.line ? finding.endColumn - 1 : undefined).trim();
  return text.length > 100 ? `${text.slice(0, 97)}...` : text;
}
