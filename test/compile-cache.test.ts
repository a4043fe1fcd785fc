import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { cacheEntryOf } from '../src/cli/compile-cache.js';
import { FAKE_HANDLER, runCli } from './helpers/cli.js';
import { scratchDir, writeFiles } from './helpers/consumer.js';

// The code cache bin/ installs before the parser loads (src/cli/compile-cache.ts): Node's own on
// 22.1+, ours on older Node. What a test can pin is that it is used and never changes an answer.
const cache = suite('compile cache: the parser compiled once, reused by later runs');
const nativeCache = typeof (Module as unknown as { enableCompileCache?: unknown }).enableCompileCache === 'function';

/**
 * The V8 version tag a scan's process has (entries are kept by it): the CLI's tier-up flag
 * (src/cli/tiering.ts) is part of it, and this process does not set that flag.
 */
function cliVersionTag(): number {
  const tiering = pathToFileURL(path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'cli', 'tiering.js')).href;
  const script = `const { delayOptimisation } = await import(${JSON.stringify(tiering)}); delayOptimisation({ argv: [] }); process.stdout.write(String((await import('node:v8')).cachedDataVersionTag()));`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.is(run.status, 0, run.stderr);
  return Number(run.stdout.trim());
}

function entries(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((name) => path.join(dir, name)).filter((file) => statSync(file).isFile());
}

/** The JSON report without its timing, which differs run to run. */
function report(run: { stdout: string }): unknown {
  const parsed = JSON.parse(run.stdout) as { summary: Record<string, unknown> };
  delete parsed.summary.durationMs;
  return parsed;
}

function project(): string {
  const dir = scratchDir('wma-compile-cache-');
  writeFiles(dir, { 'src/chat.ts': FAKE_HANDLER, 'src/supervisor.ts': 'export async function getRequestScopedSupervisor(req: Request) { return req; }\n' });
  return dir;
}

cache('the first run writes the cache, later runs read it and report the same; a corrupt entry is compiled afresh', () => {
  const dir = project();
  const location = scratchDir('wma-cc-location-');
  const env = { NODE_COMPILE_CACHE: location, NODE_DISABLE_COMPILE_CACHE: undefined };
  const first = runCli(['src', '--format', 'json'], { cwd: dir, env });
  assert.is(first.status, 1, first.stderr);
  const written = entries(location);
  assert.ok(written.length > 0, 'the parser (and jscodeshift for `fixable`) left compiled code behind');
  const second = runCli(['src', '--format', 'json'], { cwd: dir, env });
  assert.is(second.status, 1, second.stderr);
  assert.equal(report(second), report(first));

  // Garbage where the compiled code was: V8 rejects it, the run compiles from source, same answer.
  for (const file of written) writeFileSync(file, Buffer.alloc(statSync(file).size, 7));
  const corrupt = runCli(['src', '--format', 'json'], { cwd: dir, env });
  assert.is(corrupt.status, 1, corrupt.stderr);
  assert.equal(report(corrupt), report(first));
  if (!nativeCache) assert.ok(entries(location).some((file) => readFileSync(file).some((byte) => byte !== 7)), 'rejected entries are written again');
});

cache('NODE_DISABLE_COMPILE_CACHE=1 writes nothing', () => {
  const dir = project();
  const location = scratchDir('wma-cc-off-');
  const run = runCli(['src', '--format', 'json'], { cwd: dir, env: { NODE_COMPILE_CACHE: location, NODE_DISABLE_COMPILE_CACHE: '1' } });
  assert.is(run.status, 1, run.stderr);
  assert.equal(entries(location), []);
});

cache('compiled code is not taken from a folder that others can write to', () => {
  if (nativeCache) return; // Node's own cache decides for itself where it lives.
  const dir = project();
  const location = scratchDir('wma-cc-shared-');
  const versioned = path.join(location, `${process.version}-${process.arch}`);
  const env = { NODE_COMPILE_CACHE: location, NODE_DISABLE_COMPILE_CACHE: undefined };
  runCli(['src', '--format', 'json'], { cwd: dir, env });
  assert.ok(entries(versioned).length > 0);
  for (const file of entries(versioned)) rmSync(file);
  chmodSync(versioned, 0o777);
  const run = runCli(['src', '--format', 'json'], { cwd: dir, env });
  assert.is(run.status, 1, run.stderr);
  assert.equal(entries(versioned), [], 'a world-writable cache folder is ignored');
  // Nor is one whose parent others can write to: they could swap the folder.
  chmodSync(versioned, 0o700);
  chmodSync(location, 0o777);
  assert.is(runCli(['src', '--format', 'json'], { cwd: dir, env }).status, 1);
  assert.equal(entries(versioned), [], 'a folder inside a world-writable one is ignored');
  chmodSync(location, 0o700);
  assert.is(runCli(['src', '--format', 'json'], { cwd: dir, env }).status, 1);
  assert.ok(entries(versioned).length > 0, 'and used again once the parent is private');
});

cache('the CLI bundle, the parser and the bundled jscodeshift (the `fixable` check) each have an entry, kept apart from runs under other Node flags', () => {
  if (nativeCache) return; // Node's own cache names its entries itself.
  const dir = project();
  const location = scratchDir('wma-cc-entries-');
  const versioned = path.join(location, `${process.version}-${process.arch}`);
  const env = { NODE_COMPILE_CACHE: location, NODE_DISABLE_COMPILE_CACHE: undefined };
  const run = runCli(['src', '--format', 'json'], { cwd: dir, env });
  assert.is(run.status, 1, run.stderr);
  assert.ok((JSON.parse(run.stdout) as { findings: { fixable: boolean }[] }).findings.some((finding) => finding.fixable), 'the fixable check ran');
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const bundled = path.join(root, 'dist', 'cli', 'codemod-deps.cjs');
  const parser = path.join(root, 'node_modules', '@ts-morph', 'common', 'dist', 'typescript.js');
  const cli = path.join(root, 'dist', 'cli', 'main.cjs');
  const tag = cliVersionTag();
  for (const module of [cli, bundled, parser]) {
    const entry = cacheEntryOf(versioned, module, [], tag);
    assert.ok(entry && existsSync(entry), `${path.relative(root, module)} was compiled into the cache`);
    assert.is.not(cacheEntryOf(versioned, module, ['--expose-gc'], tag), entry, 'other flags, another entry');
    assert.is.not(cacheEntryOf(versioned, module, [], tag + 1), entry, 'another V8 version tag (V8 flags set at run time), another entry');
  }
  // The bundle holds jscodeshift's own modules: none is loaded, or cached, from node_modules.
  const fromPackage = cacheEntryOf(versioned, path.join(root, 'node_modules', 'recast', 'lib', 'printer.js'), [], tag);
  assert.ok(fromPackage && !existsSync(fromPackage), 'recast came from the bundle');
});

cache('the CLI bundle is cached as loading it compiles it, whichever run comes first: a cold scan leaves no more behind than --version', () => {
  if (nativeCache) return;
  const dir = project();
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const cli = path.join(root, 'dist', 'cli', 'main.cjs');
  const entryAfter = (args: string[]): Buffer => {
    const location = scratchDir('wma-cc-cli-');
    const run = runCli(args, { cwd: dir, env: { NODE_COMPILE_CACHE: location, NODE_DISABLE_COMPILE_CACHE: undefined } });
    assert.ok(run.status === 0 || run.status === 1, run.stderr);
    const entry = cacheEntryOf(path.join(location, `${process.version}-${process.arch}`), cli, [], cliVersionTag());
    assert.ok(entry && existsSync(entry), 'the CLI bundle has an entry');
    return readFileSync(entry);
  };
  const scanned = entryAfter(['src', '--format', 'json']);
  const version = entryAfter(['--version']);
  // (A few bytes may differ between runs; the functions a scan compiles would add a good part.)
  assert.ok(Math.abs(scanned.length - version.length) < version.length * 0.02, `the scan (parse, link, rules, codemod) added none of its code: ${scanned.length} bytes against ${version.length}`);
});

cache('a large module is read as Latin-1 only when it is all ASCII: UTF-8 text stays intact, and Node still decides the format (as without the cache)', () => {
  const dir = scratchDir('wma-cc-ascii-');
  // Over the size from which modules are cached (and read by the cache's own loader hook).
  const padding = `/*${'x'.repeat(70 * 1024)}*/\n`;
  writeFiles(dir, {
    'node_modules/plain/index.js': `${padding}module.exports = 'plain ' + 'text';\n`,
    'node_modules/accented/index.js': `${padding}module.exports = 'café – ✓ 𝄞';\n`,
    'node_modules/esm-only/package.json': '{ "type": "module" }\n',
    'node_modules/esm-only/index.js': `${padding}export const value = 1;\n`,
    'main.cjs': "const load = (name) => { try { return require(name); } catch (error) { return error.code; } };\nconsole.log(JSON.stringify(['plain', 'accented', 'esm-only'].map(load)));\n",
  });
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const hook = path.join(root, 'dist', 'cli', 'compile-cache.js');
  const script = `import { enableCompileCache } from ${JSON.stringify(hook)}; import { createRequire } from 'node:module';\nenableCompileCache({ NODE_COMPILE_CACHE: ${JSON.stringify(path.join(dir, 'cache'))} });\ncreateRequire(${JSON.stringify(path.join(dir, 'main.cjs'))})(${JSON.stringify(path.join(dir, 'main.cjs'))});\n`;
  // What Node alone does with them (an ES module under `require`: an error, or the module where require(esm) is on).
  const plain = spawnSync(process.execPath, [path.join(dir, 'main.cjs')], { cwd: dir, encoding: 'utf8' });
  assert.is(plain.status, 0, plain.stderr);
  const [plainText, accented, esm] = JSON.parse(plain.stdout) as unknown[];
  assert.equal([plainText, accented], ['plain text', 'café – ✓ 𝄞']);
  for (const run of ['compiles and writes the cache', 'reads the cache']) {
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: dir, encoding: 'utf8' });
    assert.is(child.status, 0, child.stderr);
    assert.equal(JSON.parse(child.stdout), [plainText, accented, esm], run);
  }
});

cache('a new build of a module replaces its entry: the folder keeps one entry per module and set of flags, not one per build', () => {
  if (nativeCache) return;
  const dir = scratchDir('wma-cc-prune-');
  const padding = `/*${'x'.repeat(70 * 1024)}*/\n`;
  const module = path.join(dir, 'node_modules', 'big', 'index.js');
  writeFiles(dir, { 'node_modules/big/index.js': `${padding}module.exports = 1;\n`, 'node_modules/other/index.js': `${padding}module.exports = 2;\n` });
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const hook = path.join(root, 'dist', 'cli', 'compile-cache.js');
  const location = path.join(dir, 'cache');
  const script = `import { enableCompileCache } from ${JSON.stringify(hook)}; import { createRequire } from 'node:module';\nenableCompileCache({ NODE_COMPILE_CACHE: ${JSON.stringify(location)} });\nconst require = createRequire(${JSON.stringify(path.join(dir, 'x.cjs'))});\nconsole.log(String(require('big') + require('other')));\n`;
  const versioned = path.join(location, `${process.version}-${process.arch}`);
  let before: string[] = [];
  for (const build of [1, 2, 3]) {
    // Each build a different size: entries are keyed by size and mtime, and a rewrite within the
    // same clock tick keeps the mtime.
    writeFileSync(module, `${padding}module.exports = ${build};${' '.repeat(build)}\n`);
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: dir, encoding: 'utf8' });
    assert.is(child.status, 0, child.stderr);
    assert.is(child.stdout.trim(), String(build + 2));
    const entries = readdirSync(versioned).sort();
    assert.is(entries.length, 2, `one entry for each module after build ${build}: ${entries.join(', ')}`);
    if (build > 1) {
      // The untouched module kept its entry; the rebuilt one has a new entry in its old slot.
      const changed = entries.filter((entry) => !before.includes(entry));
      assert.is(changed.length, 1, `build ${build}: ${before.join(', ')} → ${entries.join(', ')}`);
      assert.ok(before.some((entry) => entry.split('-')[0] === changed[0]?.split('-')[0]));
    }
    before = entries;
  }
});

cache.run();
