// npm run eval: scores the scanner on the labelled real-world set (../shared/realworld/labels.json).
// Checkouts are fetched and unpacked by hand (see that folder's README) into --root; nothing here
// touches the network, and no checkout is ever written to.
//
//   npm run eval -- [--root .cache/realworld] [--labels ../shared/realworld/labels.json] [--json out.json] [--no-codemod]
//
// A finding counts for a label when it is in the same file within ±3 lines; several findings in
// one window count once. Precision is over labelled sites: positives found / (positives found +
// negatives hit). Findings at no labelled site are listed to be read, and counted in no score.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { codemodFailures, codemodLines, evaluateCodemod } from './eval-codemod.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const WINDOW = 3;
const TARGETS = { precision: 0.98, recall: 0.9, family: 0.8, familyMin: 3 };

interface Label {
  repo: string;
  path: string;
  line: number;
  expect: 'positive' | 'negative';
  shape: string;
  framework: string;
  why: string;
}
interface LabelFile {
  repos: { repo: string; commit: string; checkout: string }[];
  sites: Label[];
}
interface JsonFinding {
  ruleId: string;
  message: string;
  file: string;
  line: number;
  fixable: boolean;
}
interface RepoRun {
  repo: string;
  findings: JsonFinding[];
  errors: { file: string; message: string }[];
  ms: number;
  status: number | null;
}

function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(name);
  return index >= 0 && process.argv[index + 1] ? (process.argv[index + 1] as string) : fallback;
}

function scanRepo(dir: string): Omit<RepoRun, 'repo'> {
  const started = performance.now();
  // Same invocation a user makes in the checkout; the repository's own config, if any, applies.
  const run = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'ws-mock-audit.js'), '.', '--format', 'json', '--no-color'], {
    cwd: dir,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  const ms = performance.now() - started;
  if (run.status !== 0 && run.status !== 1) {
    console.error(`  ! ${dir}: exit ${run.status}: ${(run.stderr ?? '').trim().split('\n').slice(-3).join(' | ')}`);
  }
  try {
    const parsed = JSON.parse(run.stdout) as { findings: JsonFinding[]; errors: RepoRun['errors'] };
    return { findings: parsed.findings, errors: parsed.errors, ms, status: run.status };
  } catch {
    return { findings: [], errors: [{ file: dir, message: `no JSON output (exit ${run.status})` }], ms, status: run.status };
  }
}

const near = (label: Label, finding: JsonFinding): boolean => finding.file === label.path && Math.abs(finding.line - label.line) <= WINDOW;

interface Tally {
  found: number;
  total: number;
}
const ratio = ({ found, total }: Tally): number => (total === 0 ? 1 : found / total);
const pct = (value: number): string => value.toFixed(2);

function tallyBy(labels: Label[], hit: Set<Label>, key: (label: Label) => string): Map<string, Tally> {
  const result = new Map<string, Tally>();
  for (const label of labels) {
    const entry = result.get(key(label)) ?? { found: 0, total: 0 };
    entry.total++;
    if (hit.has(label)) entry.found++;
    result.set(key(label), entry);
  }
  return new Map([...result].sort(([a], [b]) => a.localeCompare(b)));
}

async function main(): Promise<number> {
  const root = path.resolve(option('--root', path.join(ROOT, '.cache', 'realworld')));
  const labelsFile = path.resolve(option('--labels', path.join(ROOT, '..', 'shared', 'realworld', 'labels.json')));
  if (!existsSync(labelsFile)) {
    console.error(`eval: no labels at ${labelsFile}; pass --labels <path to shared/realworld/labels.json>`);
    return 2;
  }
  const only = option('--repo', '');
  const data = JSON.parse(readFileSync(labelsFile, 'utf8')) as LabelFile;
  const repos = data.repos.filter((entry) => !only || entry.repo === only);
  const missing = repos.filter((entry) => !existsSync(path.join(root, entry.checkout)));
  if (missing.length > 0) {
    console.error(`eval: ${missing.length} checkout(s) missing under ${root}: ${missing.map((m) => m.checkout).join(', ')}`);
    console.error('eval: fetch and unpack them as ../shared/realworld/README.md says; a partial set is not scored.');
    return 2;
  }

  const runs: RepoRun[] = repos.map((entry) => ({ repo: entry.repo, ...scanRepo(path.join(root, entry.checkout)) }));
  const sites = data.sites.filter((site) => runs.some((run) => run.repo === site.repo));
  const hit = new Set<Label>();
  const unlabelled: { repo: string; finding: JsonFinding }[] = [];
  for (const run of runs) {
    const labels = sites.filter((site) => site.repo === run.repo);
    for (const finding of run.findings) {
      const matched = labels.filter((label) => near(label, finding));
      for (const label of matched) hit.add(label);
      if (matched.length === 0) unlabelled.push({ repo: run.repo, finding });
    }
  }

  const positives = sites.filter((site) => site.expect === 'positive');
  const negatives = sites.filter((site) => site.expect === 'negative');
  const tp = positives.filter((site) => hit.has(site));
  const fp = negatives.filter((site) => hit.has(site));
  const precision = tp.length + fp.length === 0 ? 1 : tp.length / (tp.length + fp.length);
  const recall = positives.length === 0 ? 1 : tp.length / positives.length;
  const families = tallyBy(positives, hit, (label) => label.shape);
  const frameworks = tallyBy(positives, hit, (label) => label.framework);
  const totalMs = runs.reduce((sum, run) => sum + run.ms, 0);

  const out: string[] = [];
  out.push(`ws-mock-audit eval: ${runs.length} repositories, ${positives.length} positive and ${negatives.length} negative sites (${(totalMs / 1000).toFixed(1)} s of scanning)`);
  out.push('');
  out.push(`precision ${pct(precision)} (${tp.length} positive sites found, ${fp.length} negative sites hit)   target ≥ ${TARGETS.precision}`);
  out.push(`recall    ${pct(recall)} (${tp.length} / ${positives.length})   target ≥ ${TARGETS.recall}`);
  out.push('');
  out.push('by shape (positives)');
  for (const [shape, tally] of families) out.push(`  ${shape.padEnd(20)} ${String(tally.found).padStart(3)} / ${String(tally.total).padEnd(3)} ${pct(ratio(tally))}`);
  out.push('by framework (positives)');
  for (const [framework, tally] of frameworks) out.push(`  ${framework.padEnd(20)} ${String(tally.found).padStart(3)} / ${String(tally.total).padEnd(3)} ${pct(ratio(tally))}`);
  out.push('');
  const missed = positives.filter((site) => !hit.has(site));
  out.push(`missed positives (${missed.length})`);
  for (const site of missed) out.push(`  ${site.repo} ${site.path}:${site.line} [${site.shape}/${site.framework}] ${site.why}`);
  out.push(`negative sites hit (${fp.length})`);
  for (const site of fp) {
    const findings = runs.find((run) => run.repo === site.repo)?.findings.filter((finding) => near(site, finding)) ?? [];
    out.push(`  ${site.repo} ${site.path}:${site.line} [${site.shape}] ${findings.map((f) => `${f.ruleId}: ${f.message.slice(0, 140)}`).join(' | ')}`);
  }
  out.push(`findings at no labelled site (${unlabelled.length}): read each — a new true positive to label, or a false positive`);
  for (const { repo, finding } of unlabelled) out.push(`  ${repo} ${finding.file}:${finding.line} ${finding.ruleId}: ${finding.message.slice(0, 160)}`);
  const errored = runs.filter((run) => run.status !== 0 && run.status !== 1);
  if (errored.length > 0) out.push(`runs that failed (${errored.length}): ${errored.map((run) => `${run.repo} (exit ${run.status})`).join(', ')}`);
  const codemod = process.argv.includes('--no-codemod') ? undefined : await evaluateCodemod(root, repos, sites);
  if (codemod) out.push('', ...codemodLines(codemod));
  console.log(out.join('\n'));

  const json = option('--json', '');
  if (json) {
    writeFileSync(json, `${JSON.stringify({ precision, recall, families: Object.fromEntries(families), frameworks: Object.fromEntries(frameworks), missed, falsePositives: fp, unlabelled, runs: runs.map(({ repo, ms, status, findings }) => ({ repo, ms, status, findings })) }, null, 1)}\n`);
  }

  const failures: string[] = [];
  if (precision < TARGETS.precision) failures.push(`precision ${pct(precision)} < ${TARGETS.precision}`);
  if (recall < TARGETS.recall) failures.push(`recall ${pct(recall)} < ${TARGETS.recall}`);
  for (const [shape, tally] of families) {
    if (tally.total >= TARGETS.familyMin && ratio(tally) < TARGETS.family) failures.push(`${shape} ${pct(ratio(tally))} < ${TARGETS.family}`);
  }
  if (errored.length > 0) failures.push(`${errored.length} scan(s) failed`);
  if (codemod) failures.push(...codemodFailures(codemod));
  if (only) return errored.length > 0 ? 1 : 0;
  if (failures.length > 0) {
    console.log(`\nbelow target: ${failures.join('; ')}`);
    return 1;
  }
  console.log('\nall targets met');
  return 0;
}

process.exitCode = await main();
