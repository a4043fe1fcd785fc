import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { scan } from '../src/scan.js';
import { compare, describeComparison, listFixtures, readAnnotations } from './helpers/fixtures.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const fixtures = suite('fixtures: findings match the annotations written next to the code');

for (const fixture of listFixtures(root)) {
  const name = path.relative(path.join(root, 'fixtures'), fixture);
  fixtures(name, async () => {
    const annotations = readAnnotations(fixture);
    assert.equal(annotations.unannotated.map((file) => path.relative(root, file)), [], 'every fixture file states what it expects');
    const result = await scan({ paths: [fixture], cwd: root });
    assert.equal(result.errors, [], 'fixtures scan without per-file errors');
    const comparison = compare(annotations, result.findings);
    const report = describeComparison(comparison, root);
    assert.is(report, '', `\n${report}`);
  });
}

fixtures('the prefilter loses no finding: every fixture scans the same without it', async () => {
  for (const fixture of listFixtures(root)) {
    const withFilter = await scan({ paths: [fixture], cwd: root });
    const without = await scan({ paths: [fixture], cwd: root, prefilter: false });
    const keys = (r: typeof withFilter): string[] => r.findings.map((f) => `${f.ruleId}@${f.file}:${f.line}:${f.column}:${f.fingerprint}`);
    assert.equal(keys(withFilter), keys(without), path.relative(root, fixture));
  }
});
fixtures.run();
