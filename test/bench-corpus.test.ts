import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ensureCorpus, loadCalibration } from '../bench/corpus.js';
import { PERCENTILES, measureShape, type CorpusShape, type Kind } from '../bench/shape.js';
import { scan } from '../src/scan.js';

const generated = suite('bench: the generated corpus follows the calibration');

const share = (shape: CorpusShape, kind: Kind): number => shape.kinds[kind].count / shape.scanned;
const median = (shape: CorpusShape, kind: Kind): number => shape.kinds[kind].bytes[PERCENTILES.indexOf(50)] as number;

function digest(dir: string): string {
  const hash = createHash('sha256');
  for (const name of readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort()) {
    if (/\.(ts|tsx|js|jsx|mjs|cjs|mts|cts)$/.test(name)) hash.update(name).update(readFileSync(path.join(dir, name)));
  }
  return hash.digest('hex');
}

generated('2,000 files: the shares and median sizes of real-13, as the scanner itself sees them; the same bytes every time', async () => {
  const calibration = loadCalibration();
  const [first, second] = [mkdtempSync(path.join(tmpdir(), 'wma-gen-')), mkdtempSync(path.join(tmpdir(), 'wma-gen-'))];
  try {
    const dir = ensureCorpus(first, 2_000);
    const shape = measureShape(dir);
    assert.is(shape.sourceFiles, 2_000);
    assert.ok(Math.abs(shape.scanned / shape.sourceFiles - calibration.scanned / calibration.sourceFiles) < 0.01, `scanned share ${shape.scanned / shape.sourceFiles}`);
    // Whole files: a share is met to within one file (the helper modules of fakes pass too).
    for (const kind of ['passing', 'failing', 'generated-failing'] as const) {
      assert.ok(Math.abs(share(shape, kind) - share(calibration, kind)) * shape.scanned <= 2, `${kind}: ${share(shape, kind)} against ${share(calibration, kind)}`);
    }
    for (const kind of ['passing', 'failing'] as const) {
      const ratio = median(shape, kind) / median(calibration, kind);
      assert.ok(ratio > 0.75 && ratio < 1.33, `${kind} median ${median(shape, kind)} bytes against ${median(calibration, kind)}`);
    }
    assert.ok(shape.largePassing.count > 0, 'large central files are there even in a small corpus');
    const result = await scan({ paths: [dir], cwd: dir });
    assert.ok(new Set(result.findings.map((finding) => finding.file)).size >= 3, 'at least 3 files with a fake, for the edit and pre-commit rows');
    assert.is(digest(ensureCorpus(second, 2_000)), digest(dir));
  } finally {
    rmSync(first, { recursive: true, force: true });
    rmSync(second, { recursive: true, force: true });
  }
});

generated.run();
