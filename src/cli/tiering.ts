import { setFlagsFromString } from 'node:v8';

/**
 * When V8 optimises hot functions for a run that lasts a few seconds. The CLI's work is one pass of
 * TypeScript's 9 MB parser, and our own passes, over a few hundred files: code that grows warm
 * rather than hot. By default V8 hands thousands of such functions to its optimising compiler
 * (TurboFan), on background threads that share the machine's cores with the two threads that
 * parse and walk. On 2 cores that cost more than the optimised code saved: a cold scan of 13 real
 * repositories (npm run bench's real-13) spent 5.0 s of CPU in 2.66 s; asking for more calls
 * before a function is optimised, 3.8 s in 2.09 s (Node 22: 2.33 s to 1.87 s). Where a run is long
 * (every file parsed, --no-prefilter: 10 s) it is 2-6% slower on Node 20 and 10% faster on Node 22.
 * Only the hottest functions (the scanner's inner loops) are still optimised.
 *
 * The flags differ by V8 version: V8 12 (Node 22) and later count invocations per tier (Maglev,
 * then TurboFan); V8 11 (Node 20) has one bytecode budget. Each value was measured on its own
 * Node: 10× the default invocation count for TurboFan (3,000), 8× the budget on V8 11 (66 KiB;
 * 24× was slower again on the real-world sample). A V8 flag named on the command line is left
 * alone: the user's choice wins.
 *
 * The CLI's own process only, before any code it runs is compiled or any worker starts (flags are
 * process-wide): a program that imports the library keeps V8 as it set it. Code cached under one
 * setting is rejected under the other: the code cache keeps an entry for each (cacheEntryOf).
 * Returns the flag set, if one was.
 */
export function delayOptimisation({ argv = process.argv.slice(2), execArgv = process.execArgv, v8Version = process.versions.v8 }: { argv?: readonly string[]; execArgv?: readonly string[]; v8Version?: string } = {}): string | undefined {
  // A run with --cache is mostly a warm one: stats on one thread, and the optimising compiler has
  // the other core to itself (real-13, warm: 0.32 s with V8's tiering, 0.36 s with the flag).
  if (argv.includes('--cache')) return undefined;
  const flag = tieringFlag(v8Version);
  if (!flag) return undefined;
  const name = flag.slice(0, flag.indexOf('='));
  // V8 takes `--a-b` and `--a_b` alike.
  const given = (arg: string): boolean => arg.replaceAll('_', '-').startsWith(name);
  if (execArgv.some(given)) return undefined;
  setFlagsFromString(flag);
  return flag;
}

/** The flag for a V8 version (`process.versions.v8`), or undefined where none is known to help. */
export function tieringFlag(v8Version: string): string | undefined {
  const major = Number.parseInt(v8Version, 10);
  if (!Number.isInteger(major)) return undefined;
  // An unknown flag is not an error, but V8 prints one to stderr: only versions whose flags are known.
  if (major >= 12 && major <= MAX_KNOWN_MAJOR) return `--invocation-count-for-turbofan=${10 * 3000}`;
  if (major === 11) return `--interrupt-budget=${8 * 66 * 1024}`;
  return undefined;
}

/** The newest V8 whose flags were checked (`node --v8-options`): 13.6, in Node 24. */
const MAX_KNOWN_MAJOR = 13;
