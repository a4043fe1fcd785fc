import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { delayOptimisation, tieringFlag } from '../src/cli/tiering.js';
import { BIN, FAKE_HANDLER, ROOT, runCli } from './helpers/cli.js';
import { scratchDir, writeFiles } from './helpers/consumer.js';

// The CLI asks V8 to optimise only the hottest code of a short run (src/cli/tiering.ts). Its
// effect is speed, measured by `npm run bench`; what a test pins is which flag each V8 gets, that
// the running V8 knows it (an unknown flag prints an error on every run), and that a user's own wins.
/** What `node --v8-options` gives as each flag's default (Node 20; Node 22 and 24). */
const V8_DEFAULTS: Record<string, number> = { '--interrupt-budget': 67_584, '--invocation-count-for-turbofan': 3000 };

const tiering = suite('V8 tier-up settings for the CLI process');

tiering('each V8 gets the flag its tiering has; unknown versions get none', () => {
  assert.is(tieringFlag('11.3.244.8-node.38'), '--interrupt-budget=540672');
  assert.is(tieringFlag('12.4.254.21-node.21'), '--invocation-count-for-turbofan=30000');
  assert.is(tieringFlag('13.6.233.10-node.28'), '--invocation-count-for-turbofan=30000');
  assert.is(tieringFlag('10.2.154.26-node.36'), undefined);
  assert.is(tieringFlag('14.1.0.0'), undefined);
  assert.is(tieringFlag(''), undefined);
});

tiering('a tier-up flag given to node is left as given, in either spelling', () => {
  const flag = tieringFlag(process.versions.v8);
  if (!flag) return;
  const name = flag.slice(0, flag.indexOf('='));
  assert.is(delayOptimisation({ argv: [], execArgv: [`${name}=1000`] }), undefined);
  assert.is(delayOptimisation({ argv: [], execArgv: [`--${name.slice(2).replaceAll('-', '_')}=1000`] }), undefined);
});

tiering('a run with --cache keeps V8 as it is (a warm run: the optimising compiler has a core of its own)', () => {
  assert.is(delayOptimisation({ argv: ['src', '--cache'], execArgv: [] }), undefined);
});

tiering('the running V8 takes the flag without a word on stderr, and the CLI reports as before', () => {
  const entry = pathToFileURL(path.join(ROOT, 'dist', 'cli', 'tiering.js')).href;
  const set = spawnSync(process.execPath, ['--input-type=module', '-e', `const { delayOptimisation } = await import(${JSON.stringify(entry)}); console.log(delayOptimisation({ argv: [] }) ?? 'none');`], { encoding: 'utf8' });
  assert.is(set.status, 0, set.stderr);
  assert.is(set.stdout.trim(), tieringFlag(process.versions.v8) ?? 'none');
  assert.is(set.stderr, '', 'V8 printed nothing: it knows the flag');

  const dir = scratchDir('wma-tiering-');
  writeFiles(dir, { 'src/chat.ts': FAKE_HANDLER });
  const tuned = runCli(['src', '--format', 'json'], { cwd: dir });
  assert.is(tuned.status, 1, tuned.stderr);
  assert.is(tuned.stderr, '');
  // The same run with V8's tiering as the user set it on the command line: here, V8's default.
  const flag = tieringFlag(process.versions.v8);
  const name = flag?.slice(0, flag.indexOf('='));
  const given = name ? [`${name}=${V8_DEFAULTS[name]}`] : [];
  const asGiven = spawnSync(process.execPath, [...given, BIN, 'src', '--format', 'json'], { cwd: dir, encoding: 'utf8' });
  assert.is(asGiven.stderr, '');
  const findings = (run: { stdout: string }): unknown => (JSON.parse(run.stdout) as { findings: unknown[] }).findings;
  assert.ok((findings(tuned) as unknown[]).length > 0);
  assert.equal(findings(tuned), findings(asGiven));
});

tiering.run();
