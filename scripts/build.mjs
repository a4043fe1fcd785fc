// Builds dist/: the library as ESM (dist/src, with types), the runtime once more as CommonJS
// (index.cjs + index.d.cts), the command line as an ESM bundle (dist/cli: one file to load at
// start-up instead of some eighty modules, which a pre-commit hook and a warm --cache run feel),
// and the codemod as one CommonJS file that `jscodeshift -t` loads (jscodeshift requires transforms).
import { execFileSync } from 'node:child_process';
import { build } from 'esbuild';
import { renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const dist = path.join(root, 'dist');

rmSync(dist, { recursive: true, force: true });
// Everything the build says goes to stderr: `npm pack` runs it as `prepack`, and pre-commit reads the
// tarball's name from `npm pack`'s stdout, so one stray line there breaks the hook's install.
const toStderr = { stdio: ['ignore', 2, 2] };
execFileSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.json')], toStderr);
execFileSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.runtime-cjs.json')], toStderr);

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
// The parser (ts-morph, TypeScript), jscodeshift and ajv stay outside: they load lazily, only
// when a file has to be parsed or a config validated. Dynamic imports become chunks of their own.
// The worker is an entry point next to the chunk that starts it (`new URL('./worker.js', ...)`).
await build({
  entryPoints: { main: path.join(root, 'src', 'cli', 'index.ts'), worker: path.join(root, 'src', 'facts', 'worker.ts') },
  outdir: path.join(dist, 'cli'),
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // jsonc-parser's `main` is a UMD build that requires its own files at run time.
  mainFields: ['module', 'main'],
  external: ['ts-morph', '@ts-morph/common', 'typescript', 'jscodeshift', '@babel/parser', 'ajv'],
  // Bundled CommonJS dependencies call require() for Node's built-ins.
  banner: { js: "import { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);" },
  logLevel: 'warning',
});
console.error('built dist/');
