import type { Finding } from '../types.js';
import type { FixPlan, RewriteOptions } from './rewrite.js';
import type { EngineSupport } from './socketio-version.js';

/** What the codemod needs to know about one file, from a scan: where to act and with which settings. */
export interface FilePlan {
  plan: FixPlan;
  settings: Pick<RewriteOptions, 'runtimeImport' | 'factories' | 'requestTypes'>;
  /** The socket.io version check for the file (see socketio-version.ts), made by the scanner's side. */
  engine?: EngineSupport;
}

/** The sites of one file the codemod acts on, from the scanner's findings (the rewrite decides which it can fix; flag branches only when fixable). */
export function planFromFindings(findings: Finding[]): FixPlan {
  const sites = (ruleId: string): { line: number; column: number }[] =>
    findings.filter((finding) => finding.ruleId === ruleId && (finding.fixable || ruleId !== 'legacy-flag-branch')).map(({ line, column, framework }) => (framework ? { line, column, framework } : { line, column }));
  return { factoryCalls: sites('request-scoped-factory'), fakeResponses: sites('fake-response'), fakeRequests: sites('fake-request'), flagBranches: sites('legacy-flag-branch') };
}
