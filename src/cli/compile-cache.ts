import { isAscii } from 'node:buffer';
import { createHash } from 'node:crypto';
import fs, { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cachedDataVersionTag } from 'node:v8';
import vm from 'node:vm';
import { isMainThread } from 'node:worker_threads';

/**
 * Compiling the parser is most of a short run: TypeScript's compiler is one 9 MB CommonJS file
 * that V8 compiles afresh in every process (~0.25 s on 2 cores, the bulk of a pre-commit hook on
 * three files), and jscodeshift with Babel adds more when a finding is checked for `fix`. V8 can
 * reuse compiled code across processes from a code cache. Node 22.1+ keeps one itself
 * (`module.enableCompileCache()`); on older Node the same is done here for large CommonJS
 * modules from node_modules and from this folder (the build's bundle of jscodeshift), in a
 * directory of the temporary folder that belongs to this user.
 *
 * NODE_DISABLE_COMPILE_CACHE=1 turns either off; NODE_COMPILE_CACHE=dir moves it (as in Node).
 * Returns where the cache lives, or undefined when there is none.
 */
export function enableCompileCache(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.NODE_DISABLE_COMPILE_CACHE) return undefined;
  const native = (Module as unknown as { enableCompileCache?: (dir?: string) => { directory?: string } }).enableCompileCache;
  if (typeof native === 'function') return native(env.NODE_COMPILE_CACHE)?.directory;
  const base = env.NODE_COMPILE_CACHE || path.join(tmpdir(), 'ws-mock-audit-compile-cache');
  const dir = path.join(base, `${process.version}-${process.arch}`);
  if (!privateDirectory(base) || !privateDirectory(dir)) return undefined;
  installCodeCache(dir);
  return dir;
}

/** Below this size compiling costs less than looking a cache entry up. */
const MIN_SOURCE = 64 * 1024;

interface CommonJsModule {
  exports: unknown;
  require(id: string): unknown;
  _compile(content: string, filename: string, format?: string): unknown;
}

interface ModuleStatics {
  wrap(content: string): string;
  _resolveFilename(request: string, parent: CommonJsModule, isMain: boolean, options?: unknown): string;
  _resolveLookupPaths(request: string, parent: CommonJsModule): string[] | null;
  _extensions: Record<string, ((this: unknown, module: CommonJsModule, filename: string) => unknown) | undefined>;
  _cache: unknown;
  prototype: CommonJsModule;
}

let installed = false;

/**
 * Wraps `Module.prototype._compile` (as v8-compile-cache does for older Node): a large module from
 * node_modules is compiled with the cached data when its entry (keyed by path, size and mtime; V8
 * itself checks its version, flags and the source length) is there, and its code is cached when it
 * was not. The entry is written at exit on the main thread, so it also holds the functions the run
 * compiled lazily (TypeScript's parser itself); a worker thread, which is terminated rather than
 * exiting, writes it as soon as the module has run, and so it is for the CLI bundle (CLI_BUNDLE).
 */
function installCodeCache(dir: string): void {
  if (installed) return;
  installed = true;
  const statics = Module as unknown as ModuleStatics;
  const original = statics.prototype._compile;
  const pending: { script: vm.Script; file: string }[] = [];
  const flush = (): void => {
    for (const { script, file } of pending.splice(0)) writeEntry(file, script.createCachedData());
  };
  if (isMainThread) process.once('exit', flush);
  readAsciiAsLatin1(statics);

  statics.prototype._compile = function compileWithCache(this: CommonJsModule, content: string, filename: string, format?: string): unknown {
    if ((format !== undefined && format !== 'commonjs') || content.length < MIN_SOURCE || !isCacheable(filename)) {
      return original.call(this, content, filename, format);
    }
    const file = cacheEntryOf(dir, filename);
    const cachedData = file ? readEntry(file) : undefined;
    let script: vm.Script;
    try {
      script = new vm.Script(statics.wrap(content), { filename, cachedData });
    } catch {
      // Whatever does not compile as a plain CommonJS wrapper (a hashbang line, ES module syntax)
      // goes the ordinary way, which also reports a real syntax error as Node does.
      return original.call(this, content, filename, format);
    }
    const compiled = script.runInThisContext({ displayErrors: true }) as (...args: unknown[]) => unknown;
    const result = compiled.call(this.exports, this.exports, requireFor(this, statics), this, filename, path.dirname(filename));
    if (file && (!cachedData || script.cachedDataRejected)) {
      if (!isMainThread || filename === CLI_BUNDLE) writeEntry(file, script.createCachedData());
      else pending.push({ script, file });
    }
    return result;
  };
}

/**
 * Node's loader reads a module as UTF-8 (`readFileSync(file, 'utf8')`), and V8 decodes TypeScript's
 * 9 MB character by character: ~25 ms of a pre-commit run. Those bytes are all ASCII (as are the
 * bundles the build writes), and ASCII read as Latin-1 is the same string, made by a copy (~3 ms).
 * For a large module that this cache covers and that is all ASCII, the loader's one read of it gets
 * that string; the loader does everything else (package type, format, errors) as always.
 */
function readAsciiAsLatin1(statics: ModuleStatics): void {
  const original = statics._extensions['.js'];
  if (!original) return;
  statics._extensions['.js'] = function loadJs(this: unknown, module: CommonJsModule, filename: string): unknown {
    const source = isCacheable(filename) ? asciiSource(filename) : undefined;
    if (source === undefined) return original.call(this, module, filename);
    const read = fs.readFileSync;
    const once = function readOnce(this: unknown, ...args: unknown[]): unknown {
      if (args[0] === filename && args[1] === 'utf8') {
        fs.readFileSync = read;
        return source;
      }
      return (read as (...all: unknown[]) => unknown).apply(this, args);
    } as typeof fs.readFileSync;
    fs.readFileSync = once;
    try {
      return original.call(this, module, filename);
    } finally {
      if (fs.readFileSync === once) fs.readFileSync = read;
    }
  };
}

/** A module's text when it is large and all ASCII; otherwise undefined (Node reads it as usual). */
function asciiSource(filename: string): string | undefined {
  const size = statSync(filename, { throwIfNoEntry: false })?.size ?? 0;
  if (size < MIN_SOURCE) return undefined;
  try {
    const bytes = readFileSync(filename);
    return isAscii(bytes) ? bytes.toString('latin1') : undefined;
  } catch {
    // Unreadable now: Node's own read reports it as it would have.
    return undefined;
  }
}

/**
 * Where a module's compiled code is kept: keyed by its path, Node's flags and V8's version tag (V8
 * rejects code cached under other flags, `--expose-gc` or `--cpu-prof`, or the tier-up flag the CLI
 * sets for some runs and not others (src/cli/tiering.ts), which the tag reflects: each keeps its own
 * entry instead of rewriting one shared entry at every switch), then by its size and mtime. The
 * first part names the module's slot: a new build or version of it replaces the entry it had
 * (writeEntry), so the folder holds one entry per module and set of flags, not one per build.
 * Undefined when it cannot be stat'ed.
 */
export function cacheEntryOf(dir: string, filename: string, execArgv: readonly string[] = process.execArgv, versionTag: number = cachedDataVersionTag()): string | undefined {
  const stats = statSync(filename, { throwIfNoEntry: false });
  if (!stats) return undefined;
  const hash = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 16);
  return path.join(dir, `${hash(`${filename}\0${execArgv.join(' ')}\0${versionTag}`)}-${hash(`${stats.size}\0${stats.mtimeMs}`)}`);
}

const OWN_DIR = `${path.dirname(fileURLToPath(import.meta.url))}${path.sep}`;

/**
 * The command line's own bundle holds every command and stage, of which a run uses a few: cached
 * code that a run does not use costs more to load than compiling the code it does use (real-13, a
 * warm run: 0.39 s CPU with the entry a cold scan left behind, 0.35 s with the code that loading the
 * bundle compiles). Its entry holds what loading it compiles, whichever run writes it.
 */
const CLI_BUNDLE = `${OWN_DIR}main.cjs`;

/** Packages, and the CommonJS bundles built next to this module (scripts/build.mjs). */
function isCacheable(filename: string): boolean {
  return filename.includes(`${path.sep}node_modules${path.sep}`) || filename.startsWith(OWN_DIR);
}

/** The `require` a module's code is given (what Node's own makeRequireFunction provides). */
function requireFor(module: CommonJsModule, statics: ModuleStatics): NodeJS.Require {
  const require = ((id: string) => module.require(id)) as NodeJS.Require;
  const resolve = ((request: string, options?: unknown) => statics._resolveFilename(request, module, false, options)) as NodeJS.RequireResolve;
  resolve.paths = (request: string) => statics._resolveLookupPaths(request, module);
  require.resolve = resolve;
  require.main = process.mainModule;
  require.extensions = statics._extensions as NodeJS.Require['extensions'];
  require.cache = statics._cache as NodeJS.Require['cache'];
  return require;
}

/**
 * A code cache is code this process will run, so it is only kept in a directory that this user
 * owns and nobody else can write to, nor its parent (the temporary folder is shared on multi-user
 * machines: whoever owns the parent could swap the folder).
 */
function privateDirectory(dir: string): boolean {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const stats = statSync(dir);
    const uid = process.getuid?.();
    return stats.isDirectory() && (uid === undefined || stats.uid === uid) && (stats.mode & 0o022) === 0;
  } catch {
    // No writable temporary folder: run without a cache, as before.
    return false;
  }
}

function readEntry(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    // No entry yet: this run compiles and writes one.
    return undefined;
  }
}

function writeEntry(file: string, data: Buffer): void {
  const temporary = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    writeFileSync(temporary, data, { mode: 0o600 });
    renameSync(temporary, file);
  } catch {
    // A full disk or a read-only folder only costs the next run its compile time.
    return;
  }
  // Entries of earlier builds of the same module under the same flags will never be read again.
  const name = path.basename(file);
  const slot = name.slice(0, name.indexOf('-') + 1);
  try {
    for (const other of readdirSync(path.dirname(file))) {
      if (other !== name && other.startsWith(slot) && !other.endsWith('.tmp')) rmSync(path.join(path.dirname(file), other), { force: true });
    }
  } catch {
    // Another process pruning the same folder at once: whatever is left goes next time.
  }
}
