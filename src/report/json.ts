import type { Report } from './model.js';

/** The stable JSON contract of SPEC §4. */
export function formatJson(report: Report): string {
  const body = {
    tool: { name: report.tool.name, version: report.tool.version },
    findings: report.findings.map((f) => ({
      ruleId: f.ruleId,
      severity: f.severity,
      message: f.message,
      file: f.file,
      line: f.line,
      column: f.column,
      endLine: f.endLine,
      endColumn: f.endColumn,
      fingerprint: f.fingerprint,
      fixable: f.fixable,
      related: f.related.map((r) => ({ file: r.file, line: r.line, column: r.column, message: r.message })),
    })),
    errors: report.errors.map((e) => ({ file: e.file, message: e.message })),
    summary: report.summary,
  };
  return `${JSON.stringify(body, null, 2)}\n`;
}
