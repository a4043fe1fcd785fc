import type { ChalkInstance } from 'chalk';
import { SKIP_REASONS, type Finding, type SkipReason } from '../types.js';
import { codeFrame } from './codeframe.js';
import type { Report } from './model.js';

/** ESLint-like output: findings grouped by file, each with a code frame, then one summary line. */
export function formatStylish(report: Report, color: ChalkInstance): string {
  const byFile = new Map<string, Finding[]>();
  for (const finding of report.findings) {
    const list = byFile.get(finding.file) ?? [];
    list.push(finding);
    byFile.set(finding.file, list);
  }
  const out: string[] = [];
  for (const [file, findings] of byFile) {
    out.push('', color.underline(file));
    for (const finding of findings) {
      const severity = finding.severity === 'error' ? color.red('error') : finding.severity === 'warning' ? color.yellow('warning') : color.blue('info');
      out.push(`${severity}[${finding.ruleId}]: ${finding.message}`);
      out.push(`  ${color.dim('-->')} ${file}:${finding.line}:${finding.column}${finding.fixable ? color.green('  (fixable)') : ''}`);
      const source = report.source(file);
      if (source !== undefined) out.push(codeFrame(source, finding, color));
      for (const related of finding.related) {
        out.push(`  ${color.dim('=')} ${color.dim(`${related.file}:${related.line}:${related.column}`)} ${related.message}`);
      }
      out.push('');
    }
  }
  out.push(summaryLine(report.summary, color));
  return `${out.join('\n').replace(/^\n/, '')}\n`;
}

const SKIP_WORDS: Record<SkipReason, string> = { minified: 'minified', tooLarge: 'too large', binary: 'binary', notUtf8: 'not UTF-8', unreadable: 'unreadable' };

/**
 * "✔" only when every scanned file was analysed and nothing was found: files skipped (minified,
 * too large, ...) or failed by an internal error are stated on the same line, so a green line
 * never covers code nobody looked at.
 */
function summaryLine(summary: Report['summary'], color: ChalkInstance): string {
  const { errors, warnings, infos, suppressed, baselined, filesScanned, internalErrors } = summary;
  const total = errors + warnings + infos;
  const parts = [`${errors} error${errors === 1 ? '' : 's'}`, `${warnings} warning${warnings === 1 ? '' : 's'}`, `${infos} info`];
  const extras = [suppressed ? `${suppressed} suppressed` : '', baselined ? `${baselined} in baseline` : ''].filter(Boolean);
  const count = (n: number, noun: string): string => `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;
  const skipped = SKIP_REASONS.reduce((sum, reason) => sum + summary.skipped[reason], 0);
  const byReason = SKIP_REASONS.filter((reason) => summary.skipped[reason] > 0).map((reason) => `${summary.skipped[reason].toLocaleString('en-US')} ${SKIP_WORDS[reason]}`);
  const gaps = [
    skipped > 0 ? `${skipped.toLocaleString('en-US')} skipped: ${byReason.join(', ')}` : '',
    internalErrors > 0 ? `${count(internalErrors, 'file')} not analysed because of an internal error` : '',
  ].filter(Boolean);
  const notes = [...gaps, ...extras];
  const see = skipped > 0 ? ' — see --stats' : '';
  if (total === 0 && gaps.length === 0) return color.green(`✔ No problems found (${[`${count(filesScanned, 'file')} scanned`, ...extras].join(', ')}).`);
  if (total === 0) {
    const text = `No problems found in ${count(filesScanned, 'file')}; ${notes.join('; ')}${see}.`;
    return internalErrors > 0 ? `${color.red.bold('✖')} ${text}` : color.yellow(text);
  }
  const mark = errors > 0 || internalErrors > 0 ? color.red.bold('✖') : color.yellow.bold('⚠');
  return `${mark} ${total} problem${total === 1 ? '' : 's'} (${parts.join(', ')}) in ${count(filesScanned, 'file')} scanned${notes.length ? `; ${notes.join('; ')}` : ''}${see}.`;
}
