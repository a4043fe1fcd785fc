import { createHash } from 'node:crypto';
import type { Config } from '../discover/config.js';
import type { Finding, FrameworkId } from '../types.js';
import type { RewriteOptions } from './rewrite.js';

// What the scan needs to know about the codemod before deciding to load it (jscodeshift, Babel):
// which findings it acts on, and the settings its verdicts depend on.

/** The rules whose findings `fix` acts on (phase 3c acts on `legacy-flag-branch` instead). */
export const ACTIONABLE = ['request-scoped-factory', 'fake-response', 'fake-request'];

/** Settings of the rewrite from a scan's config, for one phase. */
export function rewriteOptions(config: Config, phase: { flagged?: boolean; removeLegacy?: boolean } = {}): RewriteOptions {
  return {
    flagged: Boolean(phase.flagged),
    removeLegacy: Boolean(phase.removeLegacy),
    runtimeImport: config.runtimeImport,
    factories: config.facts.factories,
    requestTypes: config.facts.requestTypes,
  };
}

/** Whether the codemod acts on a finding (its `fixable` is the codemod's verdict). */
export const isActionable = (finding: Finding): boolean => ACTIONABLE.includes(finding.ruleId);

/**
 * Frameworks whose WebSocket handling runs on no socket.io engine. The codemod's one rewrite of a
 * fake response is `io.engine.use(mw)`, so it refuses a `fake-response` site in them before
 * anything else (saying why, with the framework's advice), and a scan whose every actionable
 * finding is such a site knows the verdicts without loading the codemod (jscodeshift, a second
 * parse of each file by Babel). NestJS gateways may run on socket.io, and a custom framework may
 * be anything: the codemod decides those.
 */
const WITHOUT_ENGINE: ReadonlySet<string> = new Set<FrameworkId>(['ws', 'express-ws', 'uWebSockets.js', 'fastify', 'bun', 'deno', 'cloudflare', 'hono', 'elysia', 'crossws', 'graphql-ws', 'trpc', 'whatwg', 'graphql-subscriptions']);

/** A fake response in this framework is never rewritten (see WITHOUT_ENGINE). */
export const hasNoEngine = (framework: string | undefined): boolean => framework !== undefined && WITHOUT_ENGINE.has(framework);

/** Whether the codemod may rewrite a finding's site: an actionable one, but for a fake response where there is no engine. */
export const mayRewrite = (finding: Finding): boolean => isActionable(finding) && !(finding.ruleId === 'fake-response' && hasNoEngine(finding.framework));

/**
 * What the `fixable` verdicts on these findings depend on besides the files the codemod reads (and
 * the project's file list, which a cache watches anyway): the sites it acts on and its settings.
 * Equal keys over equal contents give equal verdicts, so a cache can keep them across runs.
 */
export function verdictKey(findings: Finding[], config: Config): string {
  const sites = findings.filter(isActionable).map((finding) => [finding.file, finding.ruleId, finding.line, finding.column, finding.framework ?? null]);
  return createHash('sha256').update(JSON.stringify([rewriteOptions(config), sites])).digest('base64url');
}

/** The findings with their actionable ones' `fixable` set from verdicts (in the findings' order). */
export function withVerdicts(findings: Finding[], verdicts: boolean[]): Finding[] {
  let next = 0;
  return findings.map((finding) => (isActionable(finding) ? { ...finding, fixable: verdicts[next++] ?? false } : finding));
}
