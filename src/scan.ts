import { createHash } from 'node:crypto';
import path from 'node:path';
import { RULES } from '../rules/index.js';
import { loadConfig, type Config } from './discover/config.js';
import { discoverFiles, toPosix } from './discover/files.js';
import { readSource } from './discover/read.js';
import { describeError } from './errors.js';
import { createPrefilter } from './prefilter/index.js';
import type { RuleFinding } from './rule.js';
import type { FileError, FileFacts, Finding, Severity } from './types.js';

export interface ScanOptions {
  /** Files and directories; none means the current directory. */
  paths?: string[];
  cwd?: string;
  /** Path of a config file; otherwise found by walking up from the first path. */
  config?: string;
  includeTests?: boolean;
  /** Skip files that cannot start a WebSocket scope without parsing them (default true). */
  prefilter?: boolean;
}

export interface ScanStats {
  filesDiscovered: number;
  filesPrefiltered: number;
  filesParsed: number;
  filesLinkedLazily: number;
}

export interface ScanResult {
  findings: Finding[];
  errors: FileError[];
  suppressed: number;
  stats: ScanStats;
  durationMs: number;
  config: Config;
  /** Source text of files that have findings, for code frames. */
  sources: Map<string, string>;
}

type FactsModule = typeof import('./facts/index.js');

/** Runs the whole pipeline: discover → prefilter → facts → link → rules. */
export async function scan(options: ScanOptions = {}): Promise<ScanResult> {
  const started = performance.now();
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const paths = options.paths && options.paths.length > 0 ? options.paths : ['.'];
  const ruleIds = RULES.map((rule) => rule.meta.id);
  const config = loadConfig(startDir(cwd, paths[0] ?? '.'), options.config, ruleIds);
  const discovery = discoverFiles(paths, cwd, config, options.includeTests ?? false);
  const errors: FileError[] = [...discovery.errors];
  const texts = new Map<string, string>();
  const prefilter = options.prefilter === false ? () => true : createPrefilter(config.facts);

  const candidates: string[] = [];
  let prefiltered = 0;
  for (const { file } of discovery.inputs) {
    const read = readSource(file, config.maxFileSize);
    if (!read.ok) {
      errors.push({ file, message: read.message });
      continue;
    }
    if (!prefilter(read.text)) {
      prefiltered++;
      continue;
    }
    texts.set(file, read.text);
    candidates.push(file);
  }

  // The parser and everything behind it load only when some file can matter.
  let findings: Finding[] = [];
  let suppressed = 0;
  let parsed = 0;
  let lazily = 0;
  if (candidates.length > 0) {
    const facts: FactsModule = await import('./facts/index.js');
    const { link } = await import('./link/index.js');
    const { isSourceFile } = await import('./discover/files.js');
    const extract = (file: string, text: string): FileFacts | undefined => {
      try {
        parsed++;
        const result = facts.extractFacts(file, text, config.facts);
        for (const syntax of result.syntaxErrors.slice(0, 1)) {
          errors.push({ file, message: `syntax error at ${syntax.loc.line}:${syntax.loc.column}: ${syntax.message} (the rest of the file was still analysed)` });
        }
        return result;
      } catch (error) {
        errors.push({ file, message: `internal error while analysing: ${describeError(error)}` });
        return undefined;
      }
    };
    const all: FileFacts[] = [];
    for (const file of candidates) {
      const result = extract(file, texts.get(file) ?? '');
      if (result) all.push(result);
    }
    const load = (file: string): FileFacts | undefined => {
      if (!isSourceFile(file)) return undefined;
      const read = readSource(file, config.maxFileSize);
      if (!read.ok) {
        errors.push({ file, message: read.message });
        return undefined;
      }
      lazily++;
      texts.set(file, read.text);
      return extract(file, read.text);
    };
    const graph = link(all, { load });
    const raw = runRules(graph, config);
    const applied = applySuppressions(raw, graph.files);
    suppressed = applied.suppressed;
    findings = fingerprint(applied.kept, cwd);
  }

  const sources = new Map<string, string>();
  for (const finding of findings) {
    const text = texts.get(finding.file);
    if (text !== undefined) sources.set(finding.file, text);
  }
  return {
    findings,
    errors: errors.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0)),
    suppressed,
    stats: { filesDiscovered: discovery.inputs.length, filesPrefiltered: prefiltered, filesParsed: parsed, filesLinkedLazily: lazily },
    durationMs: Math.round(performance.now() - started),
    config,
    sources,
  };
}

function startDir(cwd: string, first: string): string {
  const absolute = path.resolve(cwd, first);
  return /\.[cm]?[jt]sx?$/.test(absolute) ? path.dirname(absolute) : absolute;
}

interface RawFinding extends RuleFinding {
  ruleId: string;
  severity: Severity;
}

function runRules(graph: Awaited<ReturnType<typeof import('./link/index.js').link>>, config: Config): RawFinding[] {
  const context = { factories: config.facts.factories };
  const result: RawFinding[] = [];
  for (const rule of RULES) {
    const setting = config.rules[rule.meta.id] ?? rule.meta.defaultSeverity;
    if (setting === 'off') continue;
    for (const finding of rule.check(graph, context)) result.push({ ...finding, ruleId: rule.meta.id, severity: setting });
  }
  return result;
}

function applySuppressions(findings: RawFinding[], files: Map<string, FileFacts>): { kept: RawFinding[]; suppressed: number } {
  let suppressed = 0;
  const kept = findings.filter((finding) => {
    const suppressions = files.get(finding.file)?.suppressions ?? [];
    const hit = suppressions.some(
      (entry) => (entry.line === 0 || entry.line === finding.loc.line) && (entry.rules.length === 0 || entry.rules.includes(finding.ruleId)),
    );
    if (hit) suppressed++;
    return !hit;
  });
  return { kept, suppressed };
}

/**
 * Fingerprints hash the rule, the file, the enclosing function and the flagged text, never line
 * numbers, so they survive unrelated edits; identical snippets are told apart by their order.
 */
function fingerprint(findings: RawFinding[], cwd: string): Finding[] {
  const sorted = [...findings].sort(
    (a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.loc.line - b.loc.line || a.loc.column - b.loc.column || (a.ruleId < b.ruleId ? -1 : 1),
  );
  const occurrences = new Map<string, number>();
  const unique = new Set<string>();
  const result: Finding[] = [];
  for (const finding of sorted) {
    const key = `${finding.ruleId}:${finding.file}:${finding.loc.line}:${finding.loc.column}`;
    if (unique.has(key)) continue;
    unique.add(key);
    const relative = toPosix(path.relative(cwd, finding.file));
    const base = `${finding.ruleId}\0${relative}\0${finding.anchor}`;
    const nth = occurrences.get(base) ?? 0;
    occurrences.set(base, nth + 1);
    result.push({
      ruleId: finding.ruleId,
      severity: finding.severity,
      message: finding.message,
      file: finding.file,
      line: finding.loc.line,
      column: finding.loc.column,
      endLine: finding.loc.endLine,
      endColumn: finding.loc.endColumn,
      fingerprint: createHash('sha256').update(`${base}\0${nth}`).digest('hex').slice(0, 20),
      fixable: finding.fixable,
      related: finding.related.map((step) => ({ file: step.file, line: step.loc.line, column: step.loc.column, message: step.message })),
    });
  }
  return result;
}
