import type { FactsOptions } from '../facts/options.js';
import { customHint, escape, HINTS, holds, TYPE_AWARE_HINT, type Hint } from './hints.js';

export type Prefilter = (text: string) => boolean;

/**
 * Whether a file can hold a WebSocket registration (or the rollout flag, or a suppression comment).
 * One scan finds the hints' literals; only a hint whose literal occurs runs its expressions, once,
 * and the scan stops at the first hint that holds. Most files contain no literal and cost one
 * pass over their text. A file that fails still takes part in linking when a file that passes
 * imports it (link loads it lazily), so no cross-file finding is lost.
 */
export function createPrefilter(options: FactsOptions, typeAware = false): Prefilter {
  const custom = customHint(options.registrations.map((registration) => registration.callee));
  const hints = [...HINTS, ...(typeAware ? [TYPE_AWARE_HINT] : []), ...(custom ? [custom] : [])];
  const literals = essential(hints.flatMap((hint) => hint.literals));
  // A hint is worth trying once a literal occurs that one of its own literals contains.
  const hintsOf = new Map(literals.map((literal) => [literal, hints.filter((hint) => hint.literals.some((own) => own.includes(literal)))]));
  const scan = new RegExp(literals.map(escape).join('|'), 'g');
  return (text) => {
    const tried = new Set<Hint>();
    scan.lastIndex = 0;
    for (let match = scan.exec(text); match; match = scan.exec(text)) {
      for (const hint of hintsOf.get(match[0]) ?? []) {
        if (tried.has(hint)) continue;
        if (holds(hint, text)) return true;
        tried.add(hint);
      }
      if (tried.size === hints.length) return false;
      // An empty literal (--type-aware) matches everywhere: step past it.
      if (match[0] === '') scan.lastIndex++;
    }
    return false;
  };
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
