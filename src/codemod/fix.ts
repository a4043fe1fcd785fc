import { execFileSync } from 'node:child_process';
import { chmodSync, lstatSync, readFileSync, realpathSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createTwoFilesPatch } from 'diff';
import jscodeshift from 'jscodeshift';
import { compareText } from '../compare.js';
import { projectRoot, toPosix } from '../discover/files.js';
import { UsageError, describeError } from '../errors.js';
import { scan, type ScanOptions } from '../scan.js';
import type { Finding } from '../types.js';
import { parserFor } from './parsers.js';
import { planFromFindings } from './plan.js';
import { rewrite } from './rewrite.js';

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
}

/** The rules whose findings `fix` acts on, by phase. */
const ACTIONABLE = ['request-scoped-factory', 'fake-response'];

/** `ws-mock-audit fix`: scan, then rewrite the fixable findings file by file, safely. */
export async function fix(options: FixOptions): Promise<FixResult> {
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const scanned = await scan({ ...options, cwd });
  const acting = options.removeLegacy ? ['legacy-flag-branch'] : ACTIONABLE;
  const byFile = new Map<string, Finding[]>();
  const manual: ManualItem[] = [];
  for (const finding of scanned.findings) {
    if (acting.includes(finding.ruleId) && finding.fixable) byFile.set(finding.file, [...(byFile.get(finding.file) ?? []), finding]);
  }
  const errors = scanned.errors.filter((error) => byFile.has(error.file) || /syntax error/.test(error.message)).map((error) => ({ ...error }));
  const root = projectRoot(cwd);
  if (!options.dryRun && !options.allowDirty) assertClean([...byFile.keys()], root);

  const changed: string[] = [];
  const outputs = new Map<string, string>();
  let applied = 0;
  let diff = '';
  const config = scanned.config;
  for (const [file, findings] of byFile) {
    const outcome = fixFile(file, findings, {
      flagged: Boolean(options.flagged),
      removeLegacy: Boolean(options.removeLegacy),
      runtimeImport: config.runtimeImport,
      factories: config.facts.factories,
      requestTypes: config.facts.requestTypes,
      root,
      write: !options.dryRun,
    });
    const relative = toPosix(path.relative(cwd, file));
    if ('error' in outcome) {
      errors.push({ file, message: outcome.error });
      continue;
    }
    for (const refusal of outcome.refused) manual.push({ file, line: refusal.line, reason: refusal.reason });
    if (outcome.after === undefined) continue;
    applied += outcome.applied;
    changed.push(file);
    outputs.set(file, outcome.after);
    diff += createTwoFilesPatch(`a/${relative}`, `b/${relative}`, outcome.before, outcome.after, undefined, undefined, { context: 3 });
  }
  manual.push(...(await remaining(options, cwd, outputs, manual)));
  manual.sort((a, b) => compareText(a.file, b.file) || a.line - b.line);
  return { changed, applied, manual, errors, diff };
}

/**
 * What is left for a person after the rewrite: the scan again, over the rewritten text (written or
 * not). With --flagged the legacy branch stays on purpose, so only untouched files count.
 */
async function remaining(options: FixOptions, cwd: string, outputs: Map<string, string>, refused: ManualItem[]): Promise<ManualItem[]> {
  const after = await scan({ ...options, cwd, overlay: outputs, cache: false });
  const wanted = options.removeLegacy ? ['legacy-flag-branch'] : ['fake-request', 'fake-response', 'request-scoped-factory'];
  const explained = new Set(refused.map((item) => `${item.file}:${item.line}`));
  return after.findings
    .filter((finding) => wanted.includes(finding.ruleId))
    .filter((finding) => !(options.flagged && outputs.has(finding.file)))
    .filter((finding) => !explained.has(`${finding.file}:${finding.line}`))
    .map((finding) => ({ file: finding.file, line: finding.line, reason: `${finding.ruleId}: ${firstSentence(finding.message)}` }));
}

interface FileOptions {
  flagged: boolean;
  removeLegacy: boolean;
  runtimeImport: string;
  factories: Record<string, string | null>;
  requestTypes: string[];
  root: string;
  write: boolean;
}

type FileOutcome = { error: string } | { before: string; after: string | undefined; applied: number; refused: { line: number; reason: string }[] };

/** One file: decode (BOM, CRLF), rewrite, check the result parses, write atomically keeping the mode. */
function fixFile(file: string, findings: Finding[], options: FileOptions): FileOutcome {
  const link = lstatSync(file);
  if (link.isSymbolicLink()) {
    const target = realpathSync(file);
    if (!isInside(target, options.root)) return { error: `refusing to write through a symbolic link that leaves the project (${target})` };
  }
  const raw = readFileSync(file, 'utf8');
  const bom = raw.startsWith('\uFEFF');
  const withoutBom = bom ? raw.slice(1) : raw;
  const crlf = withoutBom.includes('\r\n') && !/(^|[^\r])\n/.test(withoutBom);
  const source = crlf ? withoutBom.replace(/\r\n/g, '\n') : withoutBom;
  const parser = parserFor(file);
  const j = jscodeshift.withParser(parser as never);
  let result;
  try {
    result = rewrite(j, source, planFromFindings(findings), options);
  } catch (error) {
    return { error: `could not be parsed or rewritten, left unchanged: ${describeError(error)}` };
  }
  if (result.output === undefined) return { before: raw, after: undefined, applied: 0, refused: result.refused };
  try {
    j(result.output);
  } catch (error) {
    return { error: `the rewritten file would not parse, so it was left unchanged: ${describeError(error)}` };
  }
  const after = `${bom ? '\uFEFF' : ''}${crlf ? result.output.replace(/\n/g, '\r\n') : result.output}`;
  if (options.write) writeAtomically(file, after);
  return { before: raw, after, applied: result.applied, refused: result.refused };
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
