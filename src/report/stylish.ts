import type { ChalkInstance } from 'chalk';
import type { Finding } from '../types.js';
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
  const { errors, warnings, infos, suppressed, baselined, filesScanned } = report.summary;
  const total = errors + warnings + infos;
  const parts = [`${errors} error${errors === 1 ? '' : 's'}`, `${warnings} warning${warnings === 1 ? '' : 's'}`, `${infos} info`];
  const extras = [suppressed ? `${suppressed} suppressed` : '', baselined ? `${baselined} in baseline` : ''].filter(Boolean);
  const files = `${filesScanned} file${filesScanned === 1 ? '' : 's'} scanned`;
  if (total === 0) {
    out.push(color.green(`✔ No problems found (${[files, ...extras].join(', ')}).`));
  } else {
    const mark = errors > 0 ? color.red.bold('✖') : color.yellow.bold('⚠');
    out.push(`${mark} ${total} problem${total === 1 ? '' : 's'} (${parts.join(', ')}) in ${files}${extras.length ? `; ${extras.join(', ')}` : ''}.`);
  }
  return `${out.join('\n').replace(/^\n/, '')}\n`;
}
