import { Buffer, isAscii } from 'node:buffer';
import type { FactsOptions } from '../facts/options.js';
import { confirmationsHold, customHint, expressionsHold, HINTS, TYPE_AWARE_HINT, type Hint } from './hints.js';
import { compileLiterals, type Found, type LiteralScanner } from './literals.js';

export type Prefilter = (text: string) => boolean;
/** The same test on a file's UTF-8 bytes; `text` decodes them, once, when an expression has to run. */
export type BytesPrefilter = (bytes: Uint8Array, text: () => string) => boolean;

/**
 * Whether a file can hold a WebSocket registration (or the rollout flag, or a suppression comment):
 * whether some hint holds in it. One pass over the text finds every occurrence of the hints'
 * literals; a hint's expressions run, once, only when one of its own literals occurs, and the pass
 * stops at the first hint that holds or once every hint has been tried. Most files contain no
 * literal and cost that one pass. A file that fails still takes part in linking when a file that
 * passes imports it (link loads it lazily), so no cross-file finding is lost.
 */
export function createPrefilter(options: FactsOptions, typeAware = false): Prefilter {
  // Compiled on first use: a cold scan creates one on the main thread, where workers do the prefiltering.
  let compiled: CompiledHints | undefined;
  return (text) => {
    const { scanner, test } = (compiled ??= compileHints(hintsFor(options, typeAware)));
    return test((found) => scanner.scanText(text, found), () => text, (end) => end);
  };
}

/**
 * The prefilter for a file not decoded yet: most files fail it, and are never turned into a
 * string. Undefined when a literal is not ASCII (a custom callee): bytes and text would differ.
 */
export function createBytesPrefilter(options: FactsOptions, typeAware = false): BytesPrefilter | undefined {
  const { scanner, test } = compileHints(hintsFor(options, typeAware));
  if (!scanner.ascii) return undefined;
  return (bytes, text) => {
    let offsets: ((byte: number) => number) | undefined;
    return test((found) => scanner.scanBytes(bytes, found), text, (end) => (offsets ??= textOffsets(bytes))(end));
  };
}

/**
 * Maps byte offsets, asked in increasing order, to offsets in the decoded text: the UTF-16 length
 * of what comes before, less a byte order mark, which the decoder drops. Identity in ASCII. The
 * offsets asked are where ASCII literals start or end, always between two characters, so each
 * stretch is decoded on its own (natively: a loop over the bytes here cost more than the scan).
 */
function textOffsets(bytes: Uint8Array): (byte: number) => number {
  if (isAscii(bytes)) return (byte) => byte;
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 1 : 0;
  let scanned = 0;
  let units = 0;
  return (byte) => {
    if (byte > scanned) {
      units += buffer.toString('utf8', scanned, byte).length;
      scanned = byte;
    }
    return units - bom;
  };
}

function hintsFor(options: FactsOptions, typeAware: boolean): Hint[] {
  const custom = customHint(options.registrations.map((registration) => registration.callee));
  return [...HINTS, ...(typeAware ? [TYPE_AWARE_HINT] : []), ...(custom ? [custom] : [])];
}

interface CompiledHints {
  scanner: LiteralScanner;
  /** `offsetOf`: a position `scan` reports (in increasing order) as an offset in the text. */
  test(scan: (found: Found) => boolean, text: () => string, offsetOf: (position: number) => number): boolean;
}

function compileHints(hints: Hint[]): CompiledHints {
  const literals = [...new Set(hints.flatMap((hint) => hint.literals))].filter((literal) => literal !== '');
  const hintsOf = literals.map((literal) => hints.flatMap((hint, index) => (hint.literals.includes(literal) ? [index] : [])));
  const sticky = hints.map((hint) => (hint.anchoredAtLiteral && hint.anchor ? new RegExp(hint.anchor.source, `${hint.anchor.flags.replace('g', '')}y`) : undefined));
  // An empty literal (--type-aware) occurs everywhere: its hint is tried on every file.
  const everywhere = hints.filter((hint) => hint.literals.includes(''));
  const withLiterals = hints.length - everywhere.length;
  // Which hints this file has tried: the file's serial number, so nothing is cleared between files.
  const triedIn = new Int32Array(hints.length);
  let serial = 0;
  const test = (scan: (found: Found) => boolean, text: () => string, offsetOf: (position: number) => number): boolean => {
    const file = ++serial;
    let tried = 0;
    let passed = false;
    scan((found, end) => {
      for (const literal of found) {
        for (const index of hintsOf[literal] ?? []) {
          if (triedIn[index] === file) continue;
          const hint = hints[index] as Hint;
          const here = sticky[index];
          if (here) {
            // Not here: maybe at the literal's next occurrence. Here: the anchor holds, the confirmations decide.
            here.lastIndex = offsetOf(end) + 1 - (literals[literal] as string).length;
            if (!here.test(text())) continue;
            triedIn[index] = file;
            tried++;
            if (confirmationsHold(hint, text())) return (passed = true);
            continue;
          }
          triedIn[index] = file;
          tried++;
          if (expressionsHold(hint, text())) return (passed = true);
        }
      }
      return tried === withLiterals;
    });
    return passed || everywhere.some((hint) => expressionsHold(hint, text()));
  };
  return { scanner: compileLiterals(literals), test };
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

/** isMinified on a file not decoded yet (valid UTF-8): `text` decodes it, if it has to. */
export function isMinifiedBytes(file: string, bytes: Uint8Array, text: () => string): boolean {
  if (MINIFIED_NAME.test(file)) return true;
  // UTF-8 has at least as many bytes as the text has UTF-16 units: below the size in bytes, the text is too.
  if (bytes.length < MIN_SIZE_FOR_LINE_TEST) return false;
  // Only in ASCII is the text's length its length in bytes.
  if (!isAscii(bytes)) return isMinified(file, text());
  let lines = 1;
  for (let index = bytes.indexOf(NEWLINE); index !== -1; index = bytes.indexOf(NEWLINE, index + 1)) lines++;
  return bytes.length / lines > MINIFIED_AVERAGE_LINE;
}

const NEWLINE = 0x0a;
