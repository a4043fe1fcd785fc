import { execFileSync } from 'node:child_process';
import { chmodSync, lstatSync, readFileSync, realpathSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { compareText } from '../compare.js';
import { discoverFiles, projectRoot, toPosix } from '../discover/files.js';
import { UsageError, describeError } from '../errors.js';
import { createResolver } from '../link/resolve.js';
import { scan, type ScanOptions } from '../scan.js';
import type { Finding } from '../types.js';
import { ACTIONABLE, parserOf, plansFromFindings, rewriteOptions } from './fixable.js';
import { parseAst } from './parsers.js';
import { rewriteProject } from './project.js';

export interface FixOptions extends ScanOptions {
  dryRun?: boolean;
  flagged?: boolean;
  removeLegacy?: boolean;
  allowDirty?: boolean;
}

export interface ManualItem {
  file: string;
  line: number;
  reason: string;
}

export interface FixResult {
  /** Files rewritten (or, with --dry-run, that would be). */
  changed: string[];
  /** Sites rewritten. */
  applied: number;
  /** What the codemod left alone, with the reason: for a person to review. */
  manual: ManualItem[];
  /** Files that could not be processed at all. */
  errors: { file: string; message: string }[];
  /** Unified diff of every change (always computed; printed with --dry-run). */
  diff: string;
  /** Per changed file, the spans of the original text (BOM removed, LF line breaks) that the rewrite replaced: nothing else changes. */
  edits: { file: string; spans: { start: number; end: number }[] }[];
}

/** `ws-mock-audit fix`: scan, rewrite the fixable findings across the project, then write the files safely. */
export async function fix(options: FixOptions): Promise<FixResult> {
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const scanned = await scan({ ...options, cwd });
  const plans = plansFromFindings(scanned.findings, options.removeLegacy ? ['legacy-flag-branch'] : ACTIONABLE);
  const manual: ManualItem[] = [];
  const errors = scanned.errors.filter((error) => plans.has(error.file) || /syntax error/.test(error.message)).map((error) => ({ ...error }));
  const root = projectRoot(cwd);
  const config = scanned.config;
  const decoded = new Map<string, Decoded>();
  const read = (file: string): string | undefined => {
    const known = decoded.get(file);
    if (known) return known.source;
    try {
      const text = decode(readFileSync(file, 'utf8'));
      decoded.set(file, text);
      return text.source;
    } catch {
      // Unreadable here means it cannot be rewritten; the scan has reported it already.
      return undefined;
    }
  };
  let projectFiles: string[] | undefined;
  const files = (): string[] => (projectFiles ??= discoverFiles(options.paths?.length ? options.paths : ['.'], cwd, config, Boolean(options.includeTests)).inputs.map((input) => input.file));
  const outcomes = rewriteProject({ plans, read, files, resolve: createResolver(), parser: parserOf, parse: parseAst, options: rewriteOptions(config, options) });

  const pending: { file: string; raw: string; after: string; applied: number; spans: { start: number; end: number }[] }[] = [];
  for (const [file, outcome] of outcomes) {
    if ('error' in outcome) {
      errors.push({ file, message: `could not be parsed or rewritten, left unchanged: ${describeError(outcome.error)}` });
      continue;
    }
    for (const refusal of outcome.result.refused) manual.push({ file, line: refusal.line, reason: refusal.reason });
    const output = outcome.result.output;
    if (output === undefined) continue;
    const checked = checkOutput(file, output, root);
    if (checked) {
      errors.push({ file, message: checked });
      continue;
    }
    const original = decoded.get(file) as Decoded;
    const spans = outcome.result.edits.map(({ start, end }) => ({ start, end }));
    pending.push({ file, raw: original.raw, after: encode(original, output), applied: outcome.result.applied, spans });
  }
  if (!options.dryRun && !options.allowDirty) assertClean(pending.map((item) => item.file), root);

  const changed: string[] = [];
  const outputs = new Map<string, string>();
  let applied = 0;
  let diff = '';
  const edits: FixResult['edits'] = [];
  for (const item of pending.sort((a, b) => compareText(a.file, b.file))) {
    const relative = toPosix(path.relative(cwd, item.file));
    if (!options.dryRun) writeAtomically(item.file, item.after);
    applied += item.applied;
    changed.push(item.file);
    outputs.set(item.file, item.after);
    edits.push({ file: item.file, spans: item.spans });
    diff += createTwoFilesPatch(`a/${relative}`, `b/${relative}`, item.raw, item.after, undefined, undefined, { context: 3 });
  }
  manual.push(...(await remaining(options, cwd, outputs, explainedBy(manual, scanned.findings))));
  manual.sort((a, b) => compareText(a.file, b.file) || a.line - b.line);
  return { changed, applied, manual, errors, diff, edits };
}

/**
 * What is left for a person after the rewrite: the scan again, over the rewritten text (written or
 * not). With --flagged the legacy branch stays on purpose, so only untouched files count.
 */
async function remaining(options: FixOptions, cwd: string, outputs: Map<string, string>, explained: Set<string>): Promise<ManualItem[]> {
  const after = await scan({ ...options, cwd, overlay: outputs, cache: false });
  const wanted = options.removeLegacy ? ['legacy-flag-branch'] : ['fake-request', 'fake-response', 'request-scoped-factory'];
  return after.findings
    .filter((finding) => wanted.includes(finding.ruleId))
    .filter((finding) => !(options.flagged && outputs.has(finding.file)))
    .filter((finding) => !explained.has(finding.fingerprint) && !explained.has(`${finding.file}:${finding.line}`))
    .map((finding) => ({ file: finding.file, line: finding.line, reason: `${finding.ruleId}: ${firstSentence(finding.message)}` }));
}

/**
 * Sites a refusal already explains: by place, and by the fingerprints of the findings there, which
 * survive the line shifts of the rewrite.
 */
function explainedBy(refused: ManualItem[], findings: Finding[]): Set<string> {
  const places = new Set(refused.map((item) => `${item.file}:${item.line}`));
  const fingerprints = findings.filter((finding) => places.has(`${finding.file}:${finding.line}`)).map((finding) => finding.fingerprint);
  return new Set([...places, ...fingerprints]);
}

interface Decoded {
  raw: string;
  source: string;
  bom: boolean;
  crlf: boolean;
}

/** The text the rewrite sees: no BOM, LF line breaks (put back on the way out). */
function decode(raw: string): Decoded {
  const bom = raw.startsWith('\uFEFF');
  const withoutBom = bom ? raw.slice(1) : raw;
  const crlf = withoutBom.includes('\r\n') && !/(^|[^\r])\n/.test(withoutBom);
  return { raw, source: crlf ? withoutBom.replace(/\r\n/g, '\n') : withoutBom, bom, crlf };
}

function encode(original: Decoded, output: string): string {
  return `${original.bom ? '\uFEFF' : ''}${original.crlf ? output.replace(/\n/g, '\r\n') : output}`;
}

/** Why a rewritten file must not be written, if it must not: a link out of the project, or output that does not parse. */
function checkOutput(file: string, output: string, root: string): string | undefined {
  const link = lstatSync(file);
  if (link.isSymbolicLink()) {
    const target = realpathSync(file);
    if (!isInside(target, root)) return `refusing to write through a symbolic link that leaves the project (${target})`;
  }
  try {
    parserOf(file)(output);
  } catch (error) {
    return `the rewritten file would not parse, so it was left unchanged: ${describeError(error)}`;
  }
  return undefined;
}

/** Temp file in the same directory, same mode, then rename: a crash never leaves half a file. */
function writeAtomically(file: string, text: string): void {
  const target = realpathSync(file);
  const mode = statSync(target).mode & 0o7777;
  const temporary = path.join(path.dirname(target), `.${path.basename(target)}.ws-mock-audit-${process.pid}.tmp`);
  try {
    writeFileSync(temporary, text, { mode });
    chmodSync(temporary, mode);
    renameSync(temporary, target);
  } catch (error) {
    try {
      unlinkSync(temporary);
    } catch {
      // The temporary file was never created.
    }
    throw error;
  }
}

/** Refuses to touch files with uncommitted changes: the codemod's diff must be reviewable on its own. */
function assertClean(files: string[], root: string): void {
  // projectRoot() is the enclosing git work tree, or the working directory when there is none.
  if (files.length === 0 || statSync(path.join(root, '.git'), { throwIfNoEntry: false }) === undefined) return;
  const status = execFileSync('git', ['status', '--porcelain', '-z', '--', ...files.map((file) => path.relative(root, file))], { cwd: root, encoding: 'utf8' });
  const dirty = status.split('\0').filter(Boolean).map((entry) => entry.slice(3));
  if (dirty.length > 0) {
    throw new UsageError(
      `Refusing to rewrite files with uncommitted changes: ${dirty.join(', ')}.`,
      'Commit or stash them first, so the codemod\'s changes can be reviewed on their own, or pass --allow-dirty.',
    );
  }
}

function isInside(file: string, root: string): boolean {
  const relative = path.relative(root, file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

function firstSentence(message: string): string {
  const end = message.indexOf('. ');
  return end < 0 ? message : message.slice(0, end + 1);
}
