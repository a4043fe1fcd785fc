// The speed and correctness targets of issue 14, checked by every bench run: a missed target is a
// line marked MISSED under its row, a summary at the end, and exit status 1.
import { existsSync } from 'node:fs';
import path from 'node:path';

export interface TargetSet {
  /** Cold wall time over ast-grep's, same run, same directory. */
  coldRatio: number;
  warmSeconds?: number;
  editedSeconds?: number;
  rssMiB?: number;
  precommitWsSeconds?: number;
  precommitOtherSeconds?: number;
  /** No file's parse + analysis over this, in a cold run and in a `--no-prefilter` run. */
  slowestFileMs: number;
}

/** The real corpus (bench/corpora.md) and the generated corpus at its size: every target of the issue. */
export const REAL_CORPUS: TargetSet = {
  coldRatio: 0.25,
  warmSeconds: 0.4,
  editedSeconds: 1.0,
  rssMiB: 300,
  precommitWsSeconds: 0.45,
  precommitOtherSeconds: 0.15,
  slowestFileMs: 1000,
};

/** The labelled real-world sample (../shared/realworld): a few hundred files per repository, so start-up weighs more. */
export const REAL_WORLD_SAMPLE: TargetSet = { coldRatio: 3, slowestFileMs: 1000 };

/** The repositories of `real-13` (bench/corpora.md), as `owner+name` folders. */
const REAL_13 = [
  'cloudflare+workers-sdk',
  'elysiajs+elysia',
  'enisdenjo+graphql-ws',
  'feathersjs+feathers',
  'h3js+crossws',
  'honojs+hono',
  'medusajs+medusa',
  'microsoft+playwright',
  'payloadcms+payload',
  'socketio+socket.io',
  'trpc+trpc',
  'typeorm+typeorm',
  'websockets+ws',
];

const holdsReal13 = (dir: string): string[] => REAL_13.filter((repo) => !existsSync(path.join(dir, repo)));

/** How tables name a directory: `real-13` for the real corpus, else its folder's name. */
export function corpusLabel(dir: string): string {
  return holdsReal13(dir).length === 0 ? 'real-13' : path.basename(dir);
}

/** Which targets a `--corpus` directory is held to: `--targets` when given, else real-13's when it holds real-13. */
export function targetsFor(dir: string, given: string | undefined): { name: 'real' | 'sample'; set: TargetSet; why: string } {
  if (given === 'real') return { name: 'real', set: REAL_CORPUS, why: '--targets real' };
  if (given === 'sample') return { name: 'sample', set: REAL_WORLD_SAMPLE, why: '--targets sample' };
  if (given !== undefined) throw new Error(`--targets ${given}: expected real or sample`);
  const missing = holdsReal13(dir);
  if (missing.length === 0) return { name: 'real', set: REAL_CORPUS, why: 'it holds the 13 repositories of real-13' };
  return { name: 'sample', set: REAL_WORLD_SAMPLE, why: `not real-13 (no ${missing[0]}); --targets real holds it to the real corpus's targets` };
}

export interface Verdict {
  corpus: string;
  target: string;
  measured: string;
  ok: boolean;
}

const verdicts: Verdict[] = [];

/** Records one target and prints it under the row it belongs to. */
export function check(corpus: string, target: string, measured: string, ok: boolean): Verdict {
  const verdict = { corpus, target, measured, ok };
  verdicts.push(verdict);
  console.log(`    ${ok ? 'ok    ' : 'MISSED'} ${target}: ${measured}`);
  return verdict;
}

export function allVerdicts(): readonly Verdict[] {
  return verdicts;
}

/** The summary at the end of a run; returns the exit status (1 when any target is missed). */
export function summarise(): number {
  if (verdicts.length === 0) return 0;
  const missed = verdicts.filter((verdict) => !verdict.ok);
  console.log(`\ntargets (issue 14): ${verdicts.length - missed.length} of ${verdicts.length} met`);
  for (const verdict of verdicts) console.log(`  ${verdict.ok ? 'ok    ' : 'MISSED'} ${verdict.corpus}: ${verdict.target}: ${verdict.measured}`);
  if (missed.length > 0) console.error(`\nbench: ${missed.length} target${missed.length === 1 ? '' : 's'} missed: ${missed.map((verdict) => `${verdict.corpus} ${verdict.target}`).join('; ')}`);
  return missed.length > 0 ? 1 : 0;
}
