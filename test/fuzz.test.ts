import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { scan } from '../src/scan.js';
import { CHAINS, CYCLES, EXTRAS, WRAPPERS, planArbitrary, render, type Plan } from './helpers/hostile.js';

// `npm test` runs a bounded, seeded sample; `npm run fuzz` sets these for a long random run.
const RUNS = Number(process.env.FUZZ_RUNS ?? 25);
const LIMITS = { depth: Number(process.env.FUZZ_DEPTH ?? 40), length: Number(process.env.FUZZ_LENGTH ?? 1500) };
const SEED = process.env.FUZZ_SEED === 'random' ? Date.now() : Number(process.env.FUZZ_SEED ?? 20261130);
/** Repetitions of each wrapper, and levels of each nesting chain (terms of a flat chain: 20 times more), in the dedicated cases. */
const DEEP = Number(process.env.FUZZ_DEEP ?? 300);

/** Scans a rendered plan; the outcome the property checks. */
async function scanPlan(plan: Plan): Promise<{ internal: string[]; planted: boolean; program: string }> {
  const program = render(plan);
  const dir = mkdtempSync(path.join(tmpdir(), 'wma-fuzz-'));
  try {
    for (const [name, text] of Object.entries(program.files)) writeFileSync(path.join(dir, name), text);
    // Named, so that no file is passed over as minified (a 30,000-term member chain is one long line).
    const result = await scan({ paths: Object.keys(program.files).map((name) => path.join(dir, name)), cwd: dir, jobs: 1 });
    const main = path.join(dir, program.main);
    return {
      internal: result.errors.filter((error) => error.kind === 'internal').map((error) => `${path.basename(error.file)}: ${error.message}`),
      planted: result.findings.some((finding) => finding.ruleId === 'fake-request' && finding.file === main && finding.line === program.fakeLine),
      program: program.files[program.main] ?? '',
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function assertSurvives(plan: Plan): Promise<void> {
  const outcome = await scanPlan(plan);
  const shown = outcome.program.length > 2000 ? `${outcome.program.slice(0, 2000)}…` : outcome.program;
  assert.equal(outcome.internal, [], `no internal error for ${JSON.stringify(plan)}`);
  assert.ok(outcome.planted, `the planted fake is found in:\n${shown}`);
}

const plain: Plan = { nesting: [], chains: [], cycles: [], extras: [], crlf: false, bom: false };

const fuzz = suite('fuzz: hostile programs never break the analysis, and the planted fake is still found');

fuzz('the generator is honest: a plain program has its fake found', async () => {
  await assertSurvives(plain);
});

fuzz(`every wrapper nested ${DEEP} times`, async () => {
  for (const wrapper of WRAPPERS) await assertSurvives({ ...plain, nesting: [{ wrapper, times: DEEP }] });
});

fuzz(`every chain ${DEEP * 20} terms long (or ${DEEP} levels deep), at module level and in the handler`, async () => {
  for (const chain of CHAINS) {
    const nested = /^(parens|nested|unary|genericType|asCasts|ternary)/.test(chain);
    await assertSurvives({ ...plain, chains: [{ chain, length: nested ? DEEP : DEEP * 20, inHandler: false }, { chain, length: 200, inHandler: true }] });
  }
});

fuzz('every binding cycle and every unusual syntax, together, with CRLF and a BOM', async () => {
  await assertSurvives({ ...plain, cycles: [...CYCLES], extras: [...EXTRAS], crlf: true, bom: true });
});

fuzz(`${RUNS} random plans (seed ${SEED})`, async () => {
  await fc.assert(
    fc.asyncProperty(planArbitrary(LIMITS), async (plan) => {
      const outcome = await scanPlan(plan);
      return outcome.internal.length === 0 && outcome.planted;
    }),
    { numRuns: RUNS, seed: SEED, endOnFailure: false },
  );
});

fuzz.run();
