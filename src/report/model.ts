import path from 'node:path';
import { toPosix } from '../discover/files.js';
import { SKIP_REASONS, type FileError, type Finding, type Severity, type SkipReason } from '../types.js';

/** A rule as reports describe it (SARIF `tool.driver.rules`). */
export interface RuleDescriptor {
  id: string;
  description: string;
  defaultSeverity: Severity;
  helpUri: string;
  /** The rule's markdown page. */
  helpMarkdown: string;
  /** Its place in the migration funnel (`RuleMeta.stage`). */
  stage?: 'fake' | 'legacy-branch' | 'none';
}

/** Everything a formatter needs; formatters are pure functions of this. */
export interface Report {
  tool: { name: string; version: string; informationUri: string };
  rules: RuleDescriptor[];
  /** Absolute directory that relative paths are relative to (SARIF `%SRCROOT%`). */
  root: string;
  findings: Finding[];
  errors: FileError[];
  summary: {
    filesScanned: number;
    filesParsed: number;
    errors: number;
    warnings: number;
    infos: number;
    suppressed: number;
    baselined: number;
    /** Scanned files not analysed, by reason: a run with any is never "no problems". */
    skipped: Record<SkipReason, number>;
    /** Files whose analysis failed (a bug in the tool): the run exits 2. */
    internalErrors: number;
    durationMs: number;
  };
  /** Source text of a file (as the findings name it), read on demand: code frames and baselines need it, other formats never ask. */
  source(file: string): string | undefined;
}

/** Rewrites absolute paths to `/`-separated paths relative to `cwd`, as the JSON contract requires. */
export function relativeReport(report: Report, cwd: string): Report {
  const rel = (file: string): string => toPosix(path.relative(cwd, file)) || '.';
  return {
    ...report,
    findings: report.findings.map((finding) => ({
      ...finding,
      file: rel(finding.file),
      related: finding.related.map((related) => ({ ...related, file: rel(related.file) })),
    })),
    errors: report.errors.map((error) => ({ ...error, file: rel(error.file) })),
    source: (file) => report.source(path.resolve(cwd, file)),
  };
}

export function countSkipped(skipped: { reason: SkipReason }[]): Record<SkipReason, number> {
  const counts = Object.fromEntries(SKIP_REASONS.map((reason) => [reason, 0])) as Record<SkipReason, number>;
  for (const { reason } of skipped) counts[reason]++;
  return counts;
}

export function countBySeverity(findings: Finding[]): { errors: number; warnings: number; infos: number } {
  return {
    errors: findings.filter((f) => f.severity === 'error').length,
    warnings: findings.filter((f) => f.severity === 'warning').length,
    infos: findings.filter((f) => f.severity === 'info').length,
  };
}
