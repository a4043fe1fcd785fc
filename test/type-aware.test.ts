import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { scan } from '../src/scan.js';
import { ROOT } from './helpers/cli.js';
import { compare, describeComparison, readAnnotations } from './helpers/fixtures.js';

const APP = path.join(ROOT, 'fixtures', 'type-aware', 'app');
const typed = suite('--type-aware');

typed('the typed mode finds what only types reveal, and stays silent on the near misses', async () => {
  const annotations = readAnnotations(APP);
  assert.ok(annotations.expected.length >= 3);
  const result = await scan({ paths: [APP], cwd: ROOT, typeAware: true });
  const report = describeComparison(compare(annotations, result.findings), ROOT);
  assert.is(report, '', `\n${report}`);
});

typed('the plain mode misses every one of them', async () => {
  const annotations = readAnnotations(APP);
  const result = await scan({ paths: [APP], cwd: ROOT });
  const comparison = compare(annotations, result.findings);
  assert.is(comparison.missing.length, annotations.expected.length, describeComparison(comparison, ROOT));
  assert.equal(comparison.noisy, []);
});

typed('without the flag the type checker is never built', () => {
  // A child process where building a ts-morph program throws: the plain scan must not notice.
  const script = `
    import { Project } from 'ts-morph';
    Project.prototype.getProgram = () => { throw new Error('type checker loaded'); };
    const { scan } = await import(${JSON.stringify(path.join(ROOT, 'dist', 'src', 'scan.js'))});
    const plain = await scan({ paths: [${JSON.stringify(APP)}] });
    let typedError = '';
    try { await scan({ paths: [${JSON.stringify(APP)}], typeAware: true }); } catch (error) { typedError = error.message; }
    console.log(JSON.stringify({ plain: plain.findings.length, typedError }));
  `;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
  const outcome = JSON.parse(run.stdout || '{}');
  assert.is(outcome.plain, 0, run.stderr);
  assert.is(outcome.typedError, 'type checker loaded');
});
typed.run();
