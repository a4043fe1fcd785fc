import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { API, FileInfo, Options } from 'jscodeshift';
import type { FilePlan } from './plan.js';
import { rewrite } from './rewrite.js';

export type { FixPlan, RewriteOptions, RewriteResult } from './rewrite.js';
export { rewrite } from './rewrite.js';

/**
 * Run directly by jscodeshift, the transform asks the scanner where to act through a child
 * process: jscodeshift compiles every module a transform requires with Babel, so this module
 * depends on nothing but the small rewrite.
 */
function planFor(file: string): FilePlan {
  const bin = path.join(__dirname, '..', '..', 'bin', 'ws-mock-audit.js');
  const output = execFileSync(process.execPath, [bin, 'plan', file], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(output) as FilePlan;
}

/**
 * The jscodeshift transform: `jscodeshift -t node_modules/ws-mock-audit/dist/codemod/transform.cjs
 * --parser=ts src/` (options: --flagged=true, --remove-legacy=true, --runtime-import=<module>).
 * `ws-mock-audit fix` runs the same rewrite in-process with the plan from its own scan.
 * Returns the new source, or undefined when nothing changed; refusals go to `api.report`.
 */
export default function transform(file: FileInfo, api: API, options: Options): string | undefined {
  const { plan, settings, engine } = planFor(path.resolve(file.path));
  const links = { importedWrappers: new Set<string>(), externalUses: new Map<string, number>(), exportedHelpers: new Map<string, string[]>(), file: path.resolve(file.path), engine: () => engine ?? { supported: undefined } };
  const result = rewrite(
    api.jscodeshift,
    file.source,
    plan,
    {
      ...settings,
      flagged: isOn(options.flagged),
      removeLegacy: isOn(options.removeLegacy ?? options['remove-legacy']),
      runtimeImport: String(options.runtimeImport ?? options['runtime-import'] ?? settings.runtimeImport),
    },
    links,
  );
  for (const refusal of result.refused) api.report(`${file.path}:${refusal.line}: left unchanged: ${refusal.reason}`);
  return result.output;
}

/** jscodeshift passes `--flagged=true` as the string "true" (and a bare `--flagged` as true). */
function isOn(value: unknown): boolean {
  return value === true || value === 'true' || value === '1';
}

/** jscodeshift's default parser for this transform when --parser is not given. */
export const parser = 'tsx';
