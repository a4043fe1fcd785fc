import jscodeshift from 'jscodeshift';
import { createResolver } from '../link/resolve.js';
import type { Config } from '../discover/config.js';
import type { Finding } from '../types.js';
import { ACTIONABLE, rewriteOptions } from './actionable.js';
import { parseAst, parserFor } from './parsers.js';
import { planFromFindings } from './plan.js';
import { isRewritten, rewriteProject, type FileRewrite } from './project.js';
import type { FixPlan } from './rewrite.js';

export { ACTIONABLE, rewriteOptions };

/**
 * Plans per file from the findings a phase acts on: every finding of the rewrite's rules (the
 * codemod decides, and says why when it cannot), only the fixable flag branches for phase 3c.
 */
export function plansFromFindings(findings: Finding[], acting: string[]): Map<string, FixPlan> {
  const byFile = new Map<string, Finding[]>();
  for (const finding of findings) {
    if (acting.includes(finding.ruleId) && (finding.fixable || ACTIONABLE.includes(finding.ruleId))) byFile.set(finding.file, [...(byFile.get(finding.file) ?? []), finding]);
  }
  return new Map([...byFile].map(([file, list]) => [file, planFromFindings(list)]));
}

export function parserOf(file: string): ReturnType<typeof jscodeshift.withParser> {
  return jscodeshift.withParser(parserFor(file) as never);
}

/**
 * `fixable` is true exactly when `fix` rewrites the site: the scan runs the project rewrite in
 * memory over the same plan `fix` uses, and marks the findings that lie inside an edit (the site
 * itself, or the fake removed with its factory call).
 */
export function confirmFixable(findings: Finding[], read: (file: string) => string | undefined, files: () => string[], config: Config): Finding[] {
  const plans = plansFromFindings(findings, ACTIONABLE);
  if (plans.size === 0) return findings;
  const outcomes: Map<string, FileRewrite> = rewriteProject({ plans, read, files, resolve: createResolver(), parser: parserOf, parse: parseAst, options: rewriteOptions(config) });
  return findings.map((finding) => (ACTIONABLE.includes(finding.ruleId) ? { ...finding, fixable: isRewritten(outcomes.get(finding.file), finding) } : finding));
}
