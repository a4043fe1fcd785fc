// Builds dist/: the library as ESM (dist/src, with types), the runtime once more as CommonJS
// (index.cjs + index.d.cts), the command line as one CommonJS bundle (dist/cli/main.cjs: one file to
// load at start-up instead of some eighty modules, which a pre-commit hook and a warm --cache run
// feel), and the codemod as one CommonJS file that `jscodeshift -t` loads (jscodeshift requires transforms).
import { execFileSync } from 'node:child_process';
import { build } from 'esbuild';
import { readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
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
// The CommonJS packages load through `require` (the banner's), not `import`: Node's ESM loader
// would first scan their source for export names (cjs-module-lexer: ~60 ms over TypeScript's 9 MB)
// and bypass the code cache that bin/ installs for `require`. From @ts-morph/common the CLI takes
// only `ts`, so it requires the TypeScript module itself, not the whole ts-morph helper bundle.
const COMMONJS_EXTERNALS = /^(ts-morph|@ts-morph\/common|typescript|jscodeshift|@babel\/parser|ajv)$/;
// jscodeshift (recast, ast-types, Babel's parser: some seventy modules) is what a scan loads to
// confirm which findings are fixable. Node resolves, reads and compiles each module on its own, and
// the code cache skips files under MIN_SOURCE, so loading took ~80 ms; as one file the code cache
// covers it whole (~30 ms). The scan's chunks take it, and Babel's parser, from there (one copy of
// the parser). flow-parser and esprima stay outside: loaded only for parsers the codemod never asks for.
const CODEMOD_DEPS = './codemod-deps.cjs';
const FROM_CODEMOD_DEPS = { jscodeshift: 'jscodeshift', '@babel/parser': 'babelParser' };
await build({
  stdin: { contents: "module.exports = { jscodeshift: require('jscodeshift'), babelParser: require('@babel/parser') };", resolveDir: root, loader: 'js', sourcefile: 'codemod-deps.cjs' },
  outfile: path.join(dist, 'cli', CODEMOD_DEPS),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['flow-parser', 'esprima'],
  logLevel: 'warning',
});
const requireCommonJs = {
  name: 'require-commonjs-externals',
  setup(bundle) {
    // The shim's own require() of the package is left to esbuild, which keeps it external.
    bundle.onResolve({ filter: COMMONJS_EXTERNALS }, (args) => (args.namespace === 'commonjs-external' ? undefined : { path: args.path, namespace: 'commonjs-external' }));
    bundle.onResolve({ filter: /^\.\/codemod-deps\.cjs$/ }, (args) => ({ path: args.path, external: true }));
    bundle.onLoad({ filter: /.*/, namespace: 'commonjs-external' }, (args) => ({
      contents:
        args.path === '@ts-morph/common'
          ? "module.exports = { ts: require('@ts-morph/common/dist/typescript.js') };"
          : args.path in FROM_CODEMOD_DEPS
            ? `module.exports = require(${JSON.stringify(CODEMOD_DEPS)}).${FROM_CODEMOD_DEPS[args.path]};`
            : `module.exports = require(${JSON.stringify(args.path)});`,
      loader: 'js',
    }));
  },
};
checkTsMorphCommonImports(path.join(root, 'src'));
const cliOptions = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  // jsonc-parser's `main` is a UMD build that requires its own files at run time.
  mainFields: ['module', 'main'],
  external: ['ts-morph', '@ts-morph/common', 'typescript', 'jscodeshift', '@babel/parser', 'ajv'],
  plugins: [requireCommonJs],
  logLevel: 'warning',
};
// The command line is CommonJS so that it loads through `require`, and so through the code cache
// bin/ installs (src/cli/compile-cache.ts): Node 20 has no code cache for ES modules, and compiling
// and linking the CLI's modules was a third of a run that parses nothing (~45 ms of ~140 ms CPU).
// Without code splitting, the parts loaded on demand (facts, link, codemod, history) are in the
// same file, evaluated only when first imported. `import.meta` of the sources is the bundle's own.
await build({
  ...cliOptions,
  entryPoints: { main: path.join(root, 'src', 'cli', 'index.ts') },
  outdir: path.join(dist, 'cli'),
  outExtension: { '.js': '.cjs' },
  format: 'cjs',
  define: { 'import.meta.url': '__importMetaUrl', 'import.meta.resolve': '__importMetaResolve' },
  banner: {
    js: "const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;\nconst __importMetaResolve = (specifier) => require('node:url').pathToFileURL(require.resolve(specifier)).href;",
  },
});
// What runs before the CLI loads: V8's tier-up settings and the code cache (small modules of their
// own, so that they act before the CLI is compiled), and the facts worker (an ES module; it starts
// the code cache before loading the parser).
await build({
  ...cliOptions,
  entryPoints: {
    'compile-cache': path.join(root, 'src', 'cli', 'compile-cache.ts'),
    tiering: path.join(root, 'src', 'cli', 'tiering.ts'),
    worker: path.join(root, 'src', 'cli', 'worker-entry.ts'),
  },
  outdir: path.join(dist, 'cli'),
  format: 'esm',
  // Bundled CommonJS dependencies call require() for Node's built-ins.
  banner: { js: "import { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);" },
});
// The CLI as an ES module too, for `import` (tests, and programs that run the CLI in-process).
writeFileSync(
  path.join(dist, 'cli', 'main.js'),
  "import { createRequire } from 'node:module';\nconst cli = createRequire(import.meta.url)('./main.cjs');\nexport const run = cli.run;\nexport { enableCompileCache } from './compile-cache.js';\n",
);
console.error('built dist/');

/** The CLI bundle hands out only `ts` for @ts-morph/common: any other import from it must fail the build, not run undefined. */
function checkTsMorphCommonImports(dir) {
  for (const entry of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    if (!entry.endsWith('.ts')) continue;
    const text = readFileSync(path.join(dir, entry), 'utf8');
    for (const match of text.matchAll(/import\s+(type\s+)?\{([^}]*)\}\s+from\s+'@ts-morph\/common'/g)) {
      const names = (match[2] ?? '').split(',').map((name) => name.trim()).filter(Boolean);
      if (!match[1] && names.some((name) => name !== 'ts' && !name.startsWith('type '))) {
        throw new Error(`${entry} imports ${names.join(', ')} from @ts-morph/common; scripts/build.mjs gives the CLI only \`ts\` from it`);
      }
    }
    if (/import\s+\*\s+as\s+\w+\s+from\s+'@ts-morph\/common'|import\s+\w+\s+from\s+'@ts-morph\/common'/.test(text)) {
      throw new Error(`${entry} imports @ts-morph/common as a whole; scripts/build.mjs gives the CLI only \`ts\` from it`);
    }
  }
}
