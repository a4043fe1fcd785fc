import { FRAMEWORK_NAMES } from '../facts/frameworks/names.js';
import { compareText as cmp } from '../compare.js';
import type { Finding, Severity } from '../types.js';
import type { RuleDescriptor } from './model.js';

/**
 * Where a migration stands, derived from findings alone: what the HTML report draws. Framework and
 * shape come from the findings' data (`Finding.framework`, `Finding.shape`), so a framework or shape
 * the scanner learns later shows up here without a change.
 */
export type Stage = 'fake' | 'legacy-branch' | 'none';

export interface Bucket {
  /** Stable key (an id, or a directory path). */
  key: string;
  label: string;
  count: number;
  fixable: number;
}

export interface RuleTotals {
  ruleId: string;
  description: string;
  error: number;
  warning: number;
  info: number;
  fixable: number;
}

export interface Funnel {
  /** Fakes and request-scoped calls still in the code. */
  open: number;
  /** Of those, the ones `ws-mock-audit fix` can rewrite. */
  fixable: number;
  /** Rewritten code whose legacy path still waits behind the flag. */
  legacy: number;
  /** Fakes that were there (in the history or the baseline) and are gone; undefined when nothing tells. */
  removed: number | undefined;
}

export interface Migration {
  byRule: RuleTotals[];
  bySeverity: Record<Severity, number>;
  funnel: Funnel;
  byFramework: Bucket[];
  byShape: Bucket[];
  byDirectory: Bucket[];
  /** What `byDirectory` groups by: directories, or files when every fake sits in one directory. */
  placeAxis: 'directory' | 'file';
  /** Fake-stage findings that name no framework or shape (a factory call has no shape). */
  withoutFramework: number;
  withoutShape: number;
}

/** A rule's funnel stage: its declared one; otherwise error-level rules are fakes to remove. */
export function stageOf(rule: Pick<RuleDescriptor, 'stage' | 'defaultSeverity'> | undefined): Stage {
  if (rule?.stage) return rule.stage;
  return rule?.defaultSeverity === 'error' ? 'fake' : 'none';
}

export function stageIndex(rules: RuleDescriptor[]): (ruleId: string) => Stage {
  const stages = new Map(rules.map((rule) => [rule.id, stageOf(rule)]));
  return (ruleId) => stages.get(ruleId) ?? 'fake';
}

export function frameworkLabel(id: string): string {
  return (FRAMEWORK_NAMES[id] ?? id).replace(/`/g, '');
}

export function shapeLabel(id: string): string {
  return id.replace(/-/g, ' ');
}

/** Counts for one point in time: what the history chart plots. */
export function funnelCounts(findings: Finding[], stage: (ruleId: string) => Stage): { open: number; fixable: number; legacy: number } {
  let open = 0;
  let fixable = 0;
  let legacy = 0;
  for (const finding of findings) {
    const s = stage(finding.ruleId);
    if (s === 'fake') {
      open++;
      if (finding.fixable) fixable++;
    } else if (s === 'legacy-branch') legacy++;
  }
  return { open, fixable, legacy };
}

export function summariseMigration(findings: Finding[], rules: RuleDescriptor[], removed?: number): Migration {
  const stage = stageIndex(rules);
  const fakes = findings.filter((finding) => stage(finding.ruleId) === 'fake');
  const totals = new Map<string, RuleTotals>();
  for (const rule of rules) totals.set(rule.id, { ruleId: rule.id, description: rule.description, error: 0, warning: 0, info: 0, fixable: 0 });
  const bySeverity: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const finding of findings) {
    let row = totals.get(finding.ruleId);
    if (!row) totals.set(finding.ruleId, (row = { ruleId: finding.ruleId, description: '', error: 0, warning: 0, info: 0, fixable: 0 }));
    row[finding.severity]++;
    if (finding.fixable) row.fixable++;
    bySeverity[finding.severity]++;
  }
  const place = placeGrouping(fakes.map((finding) => finding.file));
  return {
    byRule: [...totals.values()],
    bySeverity,
    funnel: { ...funnelCounts(findings, stage), removed },
    byFramework: buckets(fakes, (finding) => finding.framework, frameworkLabel),
    byShape: buckets(fakes, (finding) => finding.shape, shapeLabel),
    byDirectory: buckets(fakes, (finding) => place.key(finding.file), (key) => key),
    placeAxis: place.axis,
    withoutFramework: fakes.filter((finding) => !finding.framework).length,
    withoutShape: fakes.filter((finding) => !finding.shape).length,
  };
}

function buckets(findings: Finding[], keyOf: (finding: Finding) => string | undefined, label: (key: string) => string): Bucket[] {
  const map = new Map<string, Bucket>();
  for (const finding of findings) {
    const key = keyOf(finding);
    if (key === undefined) continue;
    let bucket = map.get(key);
    if (!bucket) map.set(key, (bucket = { key, label: label(key), count: 0, fixable: 0 }));
    bucket.count++;
    if (finding.fixable) bucket.fixable++;
  }
  return [...map.values()].sort((a, b) => b.count - a.count || cmp(a.label, b.label));
}

/**
 * Groups files by the first directory below the deepest directory that holds them all, the way a
 * coverage report opens its tree one level down: in a monorepo that is the workspace package
 * (`packages/api/`), in one app its top-level folders (`src/ws/`). Files right in that directory
 * form their own group.
 */
export function placeGrouping(files: string[]): { axis: 'directory' | 'file'; key: (file: string) => string } {
  const directory = directoryGrouping(files);
  const distinct = new Set(files);
  // One bar says nothing: when all fakes share a directory, show the files in it.
  if (distinct.size > 1 && new Set(files.map(directory)).size === 1) return { axis: 'file', key: (file) => file };
  return { axis: 'directory', key: directory };
}

function directoryGrouping(files: string[]): (file: string) => string {
  const dirs = files.map((file) => file.split('/').slice(0, -1));
  let common = dirs[0] ?? [];
  for (const dir of dirs) {
    let k = 0;
    while (k < common.length && k < dir.length && common[k] === dir[k]) k++;
    common = common.slice(0, k);
  }
  return (file) => {
    const dir = file.split('/').slice(0, -1);
    const next = dir[common.length];
    return `${[...common, ...(next === undefined ? [] : [next])].join('/') || '.'}/`;
  };
}

/** One scanned commit of `report --history`. */
export interface HistoryPoint {
  commit: string;
  /** Committer date, ISO 8601. */
  date: string;
  subject: string;
  open: number;
  fixable: number;
  legacy: number;
  /** Files scanned at that commit. */
  files: number;
}
