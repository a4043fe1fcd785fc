// Builds dist/: the tool as ESM, the runtime once more as CommonJS (index.cjs + index.d.cts), and
// the codemod as one CommonJS file that `jscodeshift -t` loads (jscodeshift requires transforms).
import { execFileSync } from 'node:child_process';
import { build } from 'esbuild';
import { renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const dist = path.join(root, 'dist');

rmSync(dist, { recursive: true, force: true });
execFileSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.json')], { stdio: 'inherit' });
execFileSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.runtime-cjs.json')], { stdio: 'inherit' });

const cjs = path.join(dist, 'runtime-cjs');
renameSync(path.join(cjs, 'index.js'), path.join(cjs, 'index.cjs'));
renameSync(path.join(cjs, 'index.d.ts'), path.join(cjs, 'index.d.cts'));
await build({
  entryPoints: [path.join(root, 'src', 'codemod', 'transform.ts')],
  outfile: path.join(dist, 'codemod', 'transform.cjs'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
});
console.log('built dist/');
