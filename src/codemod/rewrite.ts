import type { JSCodeshift } from 'jscodeshift';
import type { Node, Site } from './ast.js';
import type { SiteContext } from './context.js';
import { applyEdits, overlaps, type Edit } from './edits.js';
import { rewriteFactoryCall } from './factory-call.js';
import { FLAG_FUNCTION } from './flag.js';
import { addImports, removeUnusedImports } from './imports.js';
import { removeDeadFakes, removeLegacyBranch } from './legacy-branch.js';
import { rewriteMiddlewareWrapper } from './middleware.js';

/** Where to act, from the scanner's findings (1-based line and column, as in findings). */
export interface FixPlan {
  /** `request-scoped-factory` findings: calls to rewrite to their WebSocket-scoped counterpart. */
  factoryCalls: { line: number; column: number }[];
  /** `fake-response` findings: socket.io middleware wrappers to turn into `io.engine.use(mw)`. */
  fakeResponses: { line: number; column: number }[];
  /** `legacy-flag-branch` findings: flag checks to resolve with --remove-legacy. */
  flagBranches: { line: number; column: number }[];
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
}

/** Rewrites the planned sites of one file. Pure: source in, source out. */
export function rewrite(j: JSCodeshift, source: string, plan: FixPlan, options: RewriteOptions): RewriteResult {
  const root = j(source);
  const text = (node: Node): string => source.slice(node.start ?? 0, node.end ?? 0);
  const edits: Edit[] = [];
  const refused: Refusal[] = [];
  const imports = new Set<string>();
  /** Names that may have lost their last use, with the ranges being removed or replaced. */
  const released = new Set<string>();
  let applied = 0;
  const context: SiteContext = { j, root, source, text, edits, imports, released, options };
  const run = (sites: Site[], handler: (site: Site) => true | string | undefined): void => {
    for (const site of sites) {
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

  if (options.removeLegacy) run(plan.flagBranches, (site) => removeLegacyBranch(context, site));
  else {
    run(plan.factoryCalls, (site) => rewriteFactoryCall(context, site));
    run(plan.fakeResponses, (site) => rewriteMiddlewareWrapper(context, site));
  }
  if (applied === 0) return { output: undefined, applied, refused };

  if (options.removeLegacy) {
    removeDeadFakes(context);
    for (const name of [FLAG_FUNCTION, ...Object.keys(options.factories)]) released.add(name);
  }
  removeUnusedImports(context);
  addImports(context);
  const output = applyEdits(source, edits);
  return { output: output === source ? undefined : output, applied, refused };
}
