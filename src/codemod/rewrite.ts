import type { JSCodeshift } from 'jscodeshift';
import type { Node, Site } from './ast.js';
import { emptyLinks, type ProjectLinks, type SiteContext } from './context.js';
import { applyEdits, overlaps, rewrites, type Edit } from './edits.js';
import { rewriteFactoryCall } from './factory-call.js';
import { FLAG_FUNCTION } from './flag.js';
import { addImports, removeUnusedImports } from './imports.js';
import { removeDeadFakes, removeLegacyBranch } from './legacy-branch.js';
import { rewriteImportedWrappers, rewriteMiddlewareSite } from './middleware.js';
import { rewriteRequestLiteral } from './request-literal.js';

/** Where to act, from the scanner's findings (1-based line and column, as in findings). */
export interface FixPlan {
  /** `request-scoped-factory` findings: calls to rewrite to their WebSocket-scoped counterpart. */
  factoryCalls: Site[];
  /** `fake-response` findings: socket.io middleware wrappers to turn into `io.engine.use(mw)`. */
  fakeResponses: Site[];
  /** `fake-request` findings: request literals that only copy the handshake, to replace with the real request. */
  fakeRequests?: Site[];
  /** `legacy-flag-branch` findings: flag checks to resolve with --remove-legacy. */
  flagBranches: Site[];
}

export interface RewriteOptions {
  /** Phase 3a: keep the legacy call behind `isWebSocketSupervisorV3Enabled(...)`. */
  flagged: boolean;
  /** Phase 3c: keep the new branch of flagged code, drop the flag and the legacy branch. */
  removeLegacy: boolean;
  runtimeImport: string;
  /** Request-scoped factory → WebSocket-scoped counterpart (null: none known). */
  factories: Record<string, string | null>;
  requestTypes: string[];
}

export interface Refusal {
  line: number;
  reason: string;
}

export interface RewriteResult {
  /** The new source, or undefined when nothing changed. */
  output: string | undefined;
  applied: number;
  refused: Refusal[];
  /** The edits made, as offsets into the source (a finding inside one is gone). */
  edits: Edit[];
  /** What the project step learns from this file (exported helpers) and how many imported-wrapper uses stayed. */
  links: ProjectLinks;
  wrapperUsesLeft: Map<string, number>;
}

type Outcome = true | string | undefined;

/** Rewrites the planned sites of one file. Pure: source in, source out. */
export function rewrite(j: JSCodeshift, source: string, plan: FixPlan, options: RewriteOptions, links: ProjectLinks = emptyLinks()): RewriteResult {
  const root = links.parse ? j(links.parse(source) as never) : j(source);
  const text = (node: Node): string => source.slice(node.start ?? 0, node.end ?? 0);
  const edits: Edit[] = [];
  const refused: Refusal[] = [];
  const imports = new Set<string>();
  /** Names that may have lost their last use, with the ranges being removed or replaced. */
  const released = new Set<string>();
  let applied = 0;
  const context: SiteContext = { j, root, source, text, edits, imports, released, options, project: links };
  const covered = (site: Site): boolean => {
    const offset = offsetOf(source, site);
    return edits.some((edit) => rewrites(edit, offset));
  };
  const run = (sites: Site[], handler: (site: Site) => Outcome): void => {
    for (const site of sites) {
      if (covered(site)) continue; // already rewritten with another site (a fake with its factory call)
      context.framework = site.framework;
      const before = edits.length;
      const outcome = handler(site);
      if (outcome === true && !overlaps(edits, before)) applied++;
      else {
        edits.splice(before);
        if (typeof outcome === 'string') refused.push({ line: site.line, reason: outcome });
        else if (outcome === true) refused.push({ line: site.line, reason: 'overlaps another rewrite in this file; run the codemod again' });
      }
    }
  };

  let wrapperUsesLeft = new Map<string, number>();
  if (options.removeLegacy) run(plan.flagBranches, (site) => removeLegacyBranch(context, site));
  else {
    run(plan.factoryCalls, (site) => rewriteFactoryCall(context, site));
    if (links.importedWrappers.size > 0) {
      const before = edits.length;
      const outcome = rewriteImportedWrappers(context);
      if (overlaps(edits, before)) edits.splice(before);
      else applied += outcome.rewritten;
      wrapperUsesLeft = outcome.left;
    }
    run(plan.fakeResponses, (site) => rewriteMiddlewareSite(context, site));
    run(plan.fakeRequests ?? [], (site) => rewriteRequestLiteral(context, site));
  }
  const result = (output: string | undefined): RewriteResult => ({ output, applied, refused, edits, links, wrapperUsesLeft });
  if (applied === 0) return result(undefined);

  if (options.removeLegacy) {
    removeDeadFakes(context);
    for (const name of [FLAG_FUNCTION, ...Object.keys(options.factories)]) released.add(name);
  }
  removeUnusedImports(context);
  addImports(context);
  const output = applyEdits(source, edits);
  return result(output === source ? undefined : output);
}

/** Offset of a 1-based line and column. */
export function offsetOf(source: string, { line, column }: Site): number {
  let offset = 0;
  for (let current = 1; current < line; current++) {
    const next = source.indexOf('\n', offset);
    if (next < 0) return source.length;
    offset = next + 1;
  }
  return offset + column - 1;
}
