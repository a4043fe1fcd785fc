// The codemod column of `npm run eval`: for every positive site the scanner marks fixable, `fix`
// (run on a temporary copy of the checkout, never on the checkout) must rewrite it; the rewritten
// files must parse, a re-scan must no longer report the site, a second `fix` must change nothing,
// and nothing may change outside the spans the rewrite reports. Where the repository has a
// tsconfig, rewritten TypeScript files are checked once more with TypeScript itself, file by file
// without dependencies (`noResolve`): only diagnostics the rewrite adds count.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { structuredPatch } from 'diff';
import ts from 'typescript';
import { fix } from '../src/codemod/fix.js';
import { scan } from '../src/scan.js';
import type { Finding } from '../src/types.js';

export interface CodemodLabel {
  repo: string;
  path: string;
  line: number;
  expect: 'positive' | 'negative';
  shape: string;
}

export interface CodemodSite {
  label: CodemodLabel;
  /** A finding near the label is marked fixable. */
  fixable: boolean;
  /** Fixable, and after `fix` no finding near the label keeps its fingerprint. */
  rewritten: boolean;
  /** Why the site was not rewritten: the codemod's refusal, or the scanner's verdict. */
  reason?: string;
}

export interface CodemodReport {
  sites: CodemodSite[];
  /** Rewritten files that do not parse afterwards. */
  unparsable: string[];
  /** Rewritten files with a change outside the reported edit spans. */
  outsideSpans: string[];
  /** Repositories where a second `fix` changed something. */
  notIdempotent: string[];
  /** Fixable findings still reported after `fix`. */
  stillReported: string[];
  /** TypeScript diagnostics the rewrite added, per file (syntax and local types, no dependencies). */
  typeRegressions: string[];
  /** Rewritten TypeScript files, and those of them checked (a tsconfig governs them) or not. */
  typeScriptFiles: number;
  typeChecked: number;
  typeUnchecked: string[];
  filesChanged: number;
}

const WINDOW = 3;
export const CODEMOD_FAMILIES = ['socketio-wrap', 'fake-response', 'cast-literal'];

const near = (label: CodemodLabel, file: string, line: number): boolean => file === label.path && Math.abs(line - label.line) <= WINDOW;

/** Runs the codemod on a scratch copy of each checkout that has a positive site or a fixable finding. */
export async function evaluateCodemod(root: string, repos: { repo: string; checkout: string }[], labels: CodemodLabel[]): Promise<CodemodReport> {
  const report: CodemodReport = { sites: [], unparsable: [], outsideSpans: [], notIdempotent: [], stillReported: [], typeRegressions: [], typeScriptFiles: 0, typeChecked: 0, typeUnchecked: [], filesChanged: 0 };
  for (const { repo, checkout } of repos) {
    const positives = labels.filter((label) => label.repo === repo && label.expect === 'positive');
    const scratch = mkdtempSync(path.join(tmpdir(), 'wma-eval-codemod-'));
    try {
      cpSync(path.join(root, checkout), scratch, { recursive: true, filter: (source) => !source.includes(`${path.sep}node_modules${path.sep}`) });
      await evaluateRepo(repo, scratch, path.join(root, checkout), positives, report);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }
  return report;
}

async function evaluateRepo(repo: string, dir: string, pristine: string, positives: CodemodLabel[], report: CodemodReport): Promise<void> {
  const relative = (finding: Finding): string => path.relative(dir, finding.file).split(path.sep).join('/');
  const before = await scan({ paths: ['.'], cwd: dir, jobs: 1 });
  const fixable = before.findings.filter((finding) => finding.fixable && finding.ruleId !== 'legacy-flag-branch');
  if (before.findings.length === 0) {
    for (const label of positives) report.sites.push({ label, fixable: false, rewritten: false, reason: 'not found by the scanner' });
    return;
  }
  const result = await fix({ paths: ['.'], cwd: dir, allowDirty: true, jobs: 1 });
  report.filesChanged += result.changed.length;
  const after = await scan({ paths: ['.'], cwd: dir, jobs: 1 });
  const remaining = new Set(after.findings.map((finding) => finding.fingerprint));
  for (const finding of fixable) {
    if (remaining.has(finding.fingerprint)) report.stillReported.push(`${repo} ${relative(finding)}:${finding.line} ${finding.ruleId}`);
  }
  for (const label of positives) {
    const here = before.findings.filter((finding) => near(label, relative(finding), finding.line));
    const marked = here.filter((finding) => finding.fixable);
    const rewritten = marked.length > 0 && marked.every((finding) => !remaining.has(finding.fingerprint));
    const refusal = result.manual.find((item) => near(label, path.relative(dir, item.file).split(path.sep).join('/'), item.line));
    const reason = rewritten ? undefined : marked.length === 0 ? (refusal?.reason ?? (here.length === 0 ? 'not found by the scanner' : 'not marked fixable')) : 'marked fixable but still reported after fix';
    report.sites.push({ label, fixable: marked.length > 0, rewritten, reason });
  }
  const again = await fix({ paths: ['.'], cwd: dir, allowDirty: true, jobs: 1 });
  if (again.changed.length > 0) report.notIdempotent.push(`${repo}: ${again.changed.map((file) => path.relative(dir, file)).join(', ')}`);
  checkFiles(repo, dir, pristine, result.edits, report);
}

/** Parses every rewritten file, compares it line by line with the original outside the reported spans, and type-checks TypeScript. */
function checkFiles(repo: string, dir: string, pristine: string, edits: { file: string; spans: { start: number; end: number }[] }[], report: CodemodReport): void {
  for (const { file, spans } of edits) {
    const name = `${repo} ${path.relative(dir, file)}`;
    const output = decode(readFileSync(file, 'utf8'));
    const original = decode(readFileSync(path.join(pristine, path.relative(dir, file)), 'utf8'));
    if (parseErrors(file, output).length > 0) report.unparsable.push(name);
    if (!changesInside(original, output, spans)) report.outsideSpans.push(name);
    if (!/\.[cm]?tsx?$/.test(file)) continue;
    report.typeScriptFiles++;
    const tsconfig = nearestTsconfig(file, dir);
    if (!tsconfig) {
      report.typeUnchecked.push(`${name} (no tsconfig.json between the file and the repository root)`);
      continue;
    }
    report.typeChecked++;
    const options = compilerOptions(tsconfig);
    const before = typeDiagnostics(file, original, options);
    const added = typeDiagnostics(file, output, options).filter((message) => !before.includes(message));
    if (added.length > 0) report.typeRegressions.push(`${name}: ${added.slice(0, 3).join(' | ')}`);
  }
}

/** The tsconfig.json that governs a file: the nearest one from its folder up to the repository root. */
function nearestTsconfig(file: string, root: string): string | undefined {
  for (let folder = path.dirname(file); ; folder = path.dirname(folder)) {
    const candidate = path.join(folder, 'tsconfig.json');
    if (existsSync(candidate)) return candidate;
    if (folder === root || path.dirname(folder) === folder) return undefined;
  }
}

/**
 * The project's own compiler options (strictness, target, decorators, JSX), read from its
 * tsconfig; what cannot be read without the dependencies (an `extends` from a package) falls back
 * to TypeScript's defaults. Always without resolving imports or loading `@types`: the checkouts
 * have no node_modules.
 */
function compilerOptions(tsconfig: string): ts.CompilerOptions {
  const read = ts.readConfigFile(tsconfig, ts.sys.readFile);
  const parsed = read.error ? undefined : ts.parseJsonConfigFileContent(read.config, ts.sys, path.dirname(tsconfig));
  return { ...(parsed?.options ?? {}), noEmit: true, noResolve: true, skipLibCheck: true, types: [], allowJs: true, composite: false, incremental: false, declaration: false, paths: undefined, baseUrl: undefined };
}

function decode(raw: string): string {
  return raw.replace(/^\uFEFF/, '').replace(/\r\n/g, '\n');
}

/** TypeScript's parser: the rewritten file must have no syntax error (JavaScript too). */
function parseErrors(file: string, text: string): string[] {
  const kind = /\.tsx$|\.jsx$/.test(file) ? ts.ScriptKind.TSX : /\.[cm]?ts$/.test(file) ? ts.ScriptKind.TS : ts.ScriptKind.JS;
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, kind);
  const diagnostics = (source as unknown as { parseDiagnostics: ts.Diagnostic[] }).parseDiagnostics;
  return diagnostics.map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
}

/**
 * Each changed line of the diff lies on a line some edit span covers (a blank line next to a
 * deleted span may go with it).
 */
function changesInside(original: string, output: string, spans: { start: number; end: number }[]): boolean {
  const lineOf = (offset: number): number => original.slice(0, offset).split('\n').length;
  const covered = spans.map(({ start, end }) => ({ from: lineOf(start), to: lineOf(Math.max(start, end - 1)) + 1 }));
  const patch = structuredPatch('a', 'b', original, output, undefined, undefined, { context: 0 });
  for (const hunk of patch.hunks) {
    let line = hunk.oldStart;
    for (const change of hunk.lines) {
      if (change.startsWith('\\')) continue; // "\ No newline at end of file"
      if (change.startsWith('+')) {
        if (!covered.some(({ from, to }) => line >= from - 1 && line <= to)) return false;
        continue;
      }
      if (change.startsWith('-')) {
        const blank = change.slice(1).trim() === '';
        if (!covered.some(({ from, to }) => line >= from - (blank ? 1 : 0) && line <= to)) return false;
      }
      line++;
    }
  }
  return true;
}

/** Diagnostics of one file compiled alone: syntax and what TypeScript can tell without the project's dependencies. */
function typeDiagnostics(file: string, text: string, options: ts.CompilerOptions): string[] {
  const host = ts.createCompilerHost(options);
  const read = host.readFile.bind(host);
  host.readFile = (name) => (path.resolve(name) === path.resolve(file) ? text : read(name));
  const getSource = host.getSourceFile.bind(host);
  host.getSourceFile = (name, version) => (path.resolve(name) === path.resolve(file) ? ts.createSourceFile(name, text, version, true) : getSource(name, version));
  const program = ts.createProgram([file], options, host);
  const source = program.getSourceFile(file);
  return [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)].map((diagnostic) => `TS${diagnostic.code}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ')}`);
}

const share = (part: number, whole: number): string => `${String(part).padStart(3)} / ${String(whole).padEnd(3)} ${(whole === 0 ? 1 : part / whole).toFixed(2)}`;

/** The codemod column: per family, positives rewritten out of all positives and out of those marked fixable. */
export function codemodLines(report: CodemodReport): string[] {
  const out = ['codemod (fix on a scratch copy of each checkout)', `  ${'shape'.padEnd(20)} ${'rewritten / positives'.padEnd(22)} ${'rewritten / fixable'}`];
  const shapes = [...new Set(report.sites.map((site) => site.label.shape))].sort();
  const row = (name: string, sites: CodemodSite[]): string => {
    const rewritten = sites.filter((site) => site.rewritten).length;
    return `  ${name.padEnd(20)} ${share(rewritten, sites.length).padEnd(22)} ${share(rewritten, sites.filter((site) => site.fixable).length)}`;
  };
  for (const shape of shapes) out.push(row(shape, report.sites.filter((site) => site.label.shape === shape)));
  out.push(row('three families', report.sites.filter((site) => CODEMOD_FAMILIES.includes(site.label.shape))));
  out.push(row('all positives', report.sites));
  out.push(`  ${report.filesChanged} files rewritten: ${report.unparsable.length} do not parse, ${report.outsideSpans.length} changed outside the edited spans, ${report.notIdempotent.length} repositories changed by a second fix, ${report.stillReported.length} fixable findings still reported`);
  out.push(`  type check (the nearest tsconfig's options, file by file, imports unresolved): ${report.typeChecked} of ${report.typeScriptFiles} rewritten TypeScript files checked, ${report.typeRegressions.length} with new diagnostics; JavaScript files are parsed only`);
  for (const unchecked of report.typeUnchecked) out.push(`    not type-checked: ${unchecked}`);
  const left = report.sites.filter((site) => !site.rewritten && CODEMOD_FAMILIES.includes(site.label.shape));
  out.push(`  not rewritten in the three families (${left.length})`);
  for (const site of left) out.push(`    ${site.label.repo} ${site.label.path}:${site.label.line} [${site.label.shape}] ${(site.reason ?? '').slice(0, 200)}`);
  for (const [title, list] of [['do not parse', report.unparsable], ['changed outside the edited spans', report.outsideSpans], ['second fix changed', report.notIdempotent], ['still reported', report.stillReported], ['new type diagnostics', report.typeRegressions]] as const) {
    if (list.length > 0) out.push(`  ${title}: ${list.join('; ')}`);
  }
  return out;
}

/** The hard bars: every check on what was rewritten; the 80% share is reported as a target. */
export function codemodFailures(report: CodemodReport): string[] {
  const failures: string[] = [];
  if (report.unparsable.length > 0) failures.push(`${report.unparsable.length} rewritten file(s) do not parse`);
  if (report.outsideSpans.length > 0) failures.push(`${report.outsideSpans.length} file(s) changed outside the edited spans`);
  if (report.notIdempotent.length > 0) failures.push(`a second fix changed ${report.notIdempotent.length} repositor(ies)`);
  if (report.stillReported.length > 0) failures.push(`${report.stillReported.length} fixable finding(s) still reported after fix`);
  if (report.sites.some((site) => site.fixable && !site.rewritten)) failures.push('a positive site marked fixable was not rewritten');
  const families = report.sites.filter((site) => CODEMOD_FAMILIES.includes(site.label.shape));
  const share = families.length === 0 ? 1 : families.filter((site) => site.rewritten).length / families.length;
  if (share < 0.8) failures.push(`codemod rewrote ${share.toFixed(2)} of the socketio-wrap, fake-response and cast-literal positives < 0.8`);
  return failures;
}
