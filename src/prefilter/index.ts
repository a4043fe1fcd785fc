import type { FactsOptions } from '../facts/options.js';
import { customHint, escape, HINTS, holds, TYPE_AWARE_HINT } from './hints.js';

export type Prefilter = (text: string) => boolean;

/**
 * Whether a file can hold a WebSocket registration (or the rollout flag, or a suppression comment):
 * one pass over all hints' literals first, so most files are rejected by a single scan of their text.
 * A file that fails still takes part in linking when a file that passes imports it (link loads it
 * lazily), so no cross-file finding is lost.
 */
export function createPrefilter(options: FactsOptions, typeAware = false): Prefilter {
  const custom = customHint(options.registrations.map((registration) => registration.callee));
  const hints = [...HINTS, ...(typeAware ? [TYPE_AWARE_HINT] : []), ...(custom ? [custom] : [])];
  const gate = new RegExp(essential(hints.flatMap((hint) => hint.literals)).map(escape).join('|'));
  return (text) => gate.test(text) && hints.some((hint) => holds(hint, text));
}

/** The literals that are not implied by a shorter one (`WebSocketPair` contains `ocket`): fewer alternatives, a faster scan. */
function essential(literals: string[]): string[] {
  const unique = [...new Set(literals)];
  return unique.filter((literal) => !unique.some((other) => other !== literal && literal.includes(other)));
}

const MINIFIED_NAME = /\.(min|bundle|chunk)\.[cm]?js$/;
const MIN_SIZE_FOR_LINE_TEST = 20_000;
const MINIFIED_AVERAGE_LINE = 400;

/**
 * Minified and bundled output (vendor bundles, build artefacts committed by accident) is not code
 * anyone migrates by hand; it is skipped cheaply, by name or by its average line length.
 */
export function isMinified(file: string, text: string): boolean {
  if (MINIFIED_NAME.test(file)) return true;
  if (text.length < MIN_SIZE_FOR_LINE_TEST) return false;
  let lines = 1;
  for (let index = text.indexOf('\n'); index !== -1; index = text.indexOf('\n', index + 1)) lines++;
  return text.length / lines > MINIFIED_AVERAGE_LINE;
}
