import type { Report } from './model.js';

const COMMAND = { error: 'error', warning: 'warning', info: 'notice' } as const;

/** Workflow-command data: `%`, CR and LF are escaped. */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Workflow-command property values: also `:` and `,`. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** GitHub Actions annotations: one `::error file=…,line=…::message` per finding. */
export function formatGithub(report: Report): string {
  const lines = report.findings.map((finding) => {
    const properties = [
      `file=${escapeProperty(finding.file)}`,
      `line=${finding.line}`,
      `col=${finding.column}`,
      `endLine=${finding.endLine}`,
      `endColumn=${finding.endColumn}`,
      `title=${escapeProperty(`ws-mock-audit(${finding.ruleId})`)}`,
    ].join(',');
    return `::${COMMAND[finding.severity]} ${properties}::${escapeData(finding.message)}`;
  });
  // An internal error fails the run (exit 2): shown as an error, not a warning.
  for (const error of report.errors) lines.push(`::${error.kind === 'internal' ? 'error' : 'warning'} file=${escapeProperty(error.file)},title=${escapeProperty('ws-mock-audit')}::${escapeData(error.message)}`);
  return lines.length ? `${lines.join('\n')}\n` : '';
}
