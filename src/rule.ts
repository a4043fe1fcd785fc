import type { ProjectGraph, ScopeReason, Step } from './link/index.js';
import { FRAMEWORK_NAMES } from './facts/frameworks/names.js';
import type { Loc, Severity } from './types.js';

export interface RuleMeta {
  id: string;
  description: string;
  defaultSeverity: Severity;
  /** Whether `ws-mock-audit fix` can rewrite some of this rule's findings. */
  fixable: boolean;
  /**
   * Where its findings stand in the migration funnel of the HTML report: `fake` (a fake or
   * request-scoped call still to rewrite), `legacy-branch` (rewritten, legacy path still behind the
   * flag). Unset: error-level rules count as `fake`, others stay out of the funnel.
   */
  stage?: 'fake' | 'legacy-branch' | 'none';
}

/** What a rule reports; severity, fingerprint and paths are filled in by the scan. */
export interface RuleFinding {
  file: string;
  loc: Loc;
  message: string;
  fixable: boolean;
  related: Step[];
  /** Text that identifies the finding independent of its line: the flagged snippet and its function. */
  anchor: string;
  /** Data for reports that group findings (the HTML report's charts): framework and fake shape ids. */
  framework?: string;
  shape?: string;
}

export interface RuleContext {
  /** Request-scoped factories and their WebSocket-scoped counterparts. */
  factories: Record<string, string | null>;
}

/** A rule is pure: graph in, findings out. */
export interface Rule {
  meta: RuleMeta;
  check(graph: ProjectGraph, context: RuleContext): RuleFinding[];
}

export function frameworkName(scope: ScopeReason): string {
  return FRAMEWORK_NAMES[scope.registration.framework] ?? scope.registration.framework;
}

/** "the socket.io `chat` handler" or "`loadUser()`, called from the `ws` `message` handler," */
export function whereDescription(scope: ScopeReason, fnName: string): string {
  const evidence = scope.registration.evidence ? ` (${scope.registration.evidence})` : '';
  const handler = `the ${frameworkName(scope)} ${scope.registration.event}${evidence}`;
  if (scope.path.length === 0) return handler;
  return `\`${fnName}()\`, which runs from ${handler},`;
}

/** Related locations: how the function comes to run as WebSocket handling, ending at the registration. */
export function scopeSteps(scope: ScopeReason): Step[] {
  return [
    ...[...scope.path].reverse(),
    { file: scope.registration.file, loc: scope.registration.loc, message: `${frameworkName(scope)} ${scope.registration.event} registered here` },
  ];
}

export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
