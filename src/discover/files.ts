import { readFileSync, readdirSync, realpathSync, statSync, type Dirent } from 'node:fs';
import path from 'node:path';
import { compileGitignore, parseGitignore, type Gitignore } from './gitignore.js';
import { compileGlobs } from './globs.js';
import { UsageError } from '../errors.js';
import type { FileError } from '../types.js';
import { compareText } from '../compare.js';
import type { Config } from './config.js';
import type { IndexedPaths } from './source.js';

export const SOURCE_FILE = /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/;
const DECLARATION_FILE = /\.d\.(ts|mts|cts)$/;
const ALWAYS_SKIPPED_DIRS = new Set(['node_modules', '.git', '.hg', '.svn']);

export interface Input {
  file: string;
  /** Named on the command line: scanned even if it looks like a test. */
  explicit: boolean;
}

export interface Discovery {
  inputs: Input[];
  errors: FileError[];
}

interface IgnoreLayer {
  dir: string;
  /** Where the path of an entry below `dir` starts, relative to `dir`. */
  offset: number;
  /** The .gitignore, for messages. */
  file: string;
  rules: Gitignore;
}

/** Why entries under a named path were left out (reason → how many), for the message when nothing is left. */
type Exclusions = Map<string, number>;

export function isSourceFile(file: string): boolean {
  return SOURCE_FILE.test(file) && !DECLARATION_FILE.test(file);
}

/**
 * Decides whether a file is part of the scan: config include/exclude and test patterns; explicit
 * files always are. Returns why a file is left out (the setting that excludes it), or undefined.
 */
export function createInputFilter(cwd: string, config: Config, includeTests: boolean): (file: string, explicit: boolean, root: string) => string | undefined {
  const base = config.file ? path.dirname(config.file) : cwd;
  const setting = (key: string): string => (config.file ? `\`${key}\` in ${config.file}` : `\`${key}\``);
  const included = config.include.length > 0 ? compileGlobs(config.include) : undefined;
  const excluded = config.exclude.length > 0 ? compileGlobs(config.exclude) : undefined;
  const isTest = compileGlobs(config.testPatterns);
  return (file, explicit, root) => {
    if (explicit) return undefined;
    if (included || excluded) {
      const fromBase = relativePosix(base, file);
      if (included && !included(fromBase)) return `not matched by ${setting('include')}`;
      if (excluded?.(fromBase)) return `matched by ${setting('exclude')}`;
    }
    if (includeTests || !isTest(relativePosix(root, file))) return undefined;
    return `test files (${setting('testPatterns')}; --include-tests scans them)`;
  };
}

/**
 * Folders whose every file the filter would leave out, so a walk need not enter them: a test
 * pattern or an `exclude` glob of the form `P/**` covers everything below a folder that `P` matches
 * (every `test` and `__tests__` folder, with the default test patterns). Real repositories hold
 * thousands of such folders, and a warm run would otherwise stat each of them.
 * Returns why a folder is skipped, or undefined.
 */
export function createFolderFilter(cwd: string, config: Config, includeTests: boolean): (dir: string, root: string) => string | undefined {
  const base = config.file ? path.dirname(config.file) : cwd;
  const setting = (key: string): string => (config.file ? `\`${key}\` in ${config.file}` : `\`${key}\``);
  const folders = (patterns: string[]): ((path: string) => boolean) | undefined => {
    // A negated pattern (`!keep/**`) does not cover a folder's contents the same way: never used here.
    const prefixes = patterns.flatMap((pattern) => (pattern.endsWith('/**') && pattern.length > 3 && !pattern.startsWith('!') ? [pattern.slice(0, -3)] : []));
    return prefixes.length > 0 ? compileGlobs(prefixes) : undefined;
  };
  const excluded = folders(config.exclude);
  const tests = includeTests ? undefined : folders(config.testPatterns);
  if (!excluded && !tests) return () => undefined;
  return (dir, root) => {
    if (excluded?.(relativePosix(base, dir))) return `folders matched by ${setting('exclude')}`;
    if (tests?.(relativePosix(root, dir))) return `test folders (${setting('testPatterns')}; --include-tests scans them)`;
    return undefined;
  };
}

/** `path.relative`, with a fast path for files under `from` (the common case in a walk and a cache). */
export function relativeTo(from: string, file: string): string {
  if (file.length > from.length && file.startsWith(from) && (file[from.length] === path.sep || from.endsWith(path.sep))) {
    return file.slice(from.endsWith(path.sep) ? from.length : from.length + 1);
  }
  return path.relative(from, file);
}

/** `relativeTo` with `/` separators. */
function relativePosix(from: string, file: string): string {
  return toPosix(relativeTo(from, file));
}

/**
 * What a walk read, so a later run can tell from stats alone that it would list the same files:
 * the mtime of every directory walked and .gitignore read, and above the root, whether each
 * .gitignore and .git is there. Not `exact` when the listing depends on more than that (symbolic
 * links, whose targets can change elsewhere; unreadable directories; files named directly).
 */
export interface WalkTrace {
  /** Path → mtime, or ABSENT / PRESENT where only existence matters. */
  watched: Map<string, number>;
  exact: boolean;
}

export const ABSENT = -1;
export const PRESENT = -2;

/**
 * Whether every path a walk watched (`files[i]` with `mtimes[i]`, resolved by `resolve`) is as it
 * was: then the walk would list the same files. A warm run calls this for every folder of the
 * project: plain arrays, and each full path made only while it is needed.
 */
export function walkStillHolds(files: readonly string[], mtimes: readonly number[], resolve: (name: string) => string = (name) => name): boolean {
  for (let i = 0; i < files.length; i++) {
    const expected = mtimes[i];
    const stats = statSync(resolve(files[i] as string), MAY_BE_ABSENT);
    const now = stats === undefined ? ABSENT : expected === PRESENT ? PRESENT : stats.mtimeMs;
    if (now !== expected) return false;
  }
  return true;
}

/** `statSync` options shared by the loops that stat every file and folder. */
export const MAY_BE_ABSENT = Object.freeze({ throwIfNoEntry: false });

/**
 * Lists the files a scan covers: walks directories, honours .gitignore, config globs and test
 * patterns. A named path is always scanned: ignore files apply below it, never to it, and a
 * directory with its own `.git` takes no rule from above (git's semantics, and ripgrep's). A named
 * path that yields no file at all is a usage error naming what excluded its contents, so a run
 * never reports "no problems" about code it did not look at. `onInput` hears of each file as the walk
 * finds it.
 */
export function discoverFiles(paths: string[], cwd: string, config: Config, includeTests: boolean, trace?: WalkTrace, onInput?: (input: Input) => void): Discovery {
  const inputs: Input[] = [];
  const errors: FileError[] = [];
  const seen = new Set<string>();
  const filter = createInputFilter(cwd, config, includeTests);
  const skipFolder = createFolderFilter(cwd, config, includeTests);
  let exclusions: Exclusions = new Map();
  let accepted = 0;
  const accept = (file: string, explicit: boolean, root: string): void => {
    if (seen.has(file)) {
      accepted++;
      return;
    }
    const excluded = filter(file, explicit, root);
    if (excluded) {
      exclude(exclusions, excluded);
      return;
    }
    seen.add(file);
    accepted++;
    inputs.push({ file, explicit });
    // As found, in walk order (a scan starts reading before the walk ends); `inputs` come sorted.
    onInput?.({ file, explicit });
  };

  for (const given of paths.length > 0 ? paths : ['.']) {
    const absolute = path.resolve(cwd, given);
    let stats;
    try {
      stats = statSync(absolute);
    } catch {
      throw new UsageError(`No such file or directory: ${given}`, 'Check the paths given to ws-mock-audit.');
    }
    if (stats.isFile()) {
      if (trace) trace.exact = false;
      accept(absolute, true, path.dirname(absolute));
      continue;
    }
    let real: string;
    try {
      real = realpathSync(absolute);
    } catch (error) {
      errors.push({ file: absolute, message: `cannot resolve directory (${code(error)})`, kind: 'unreadable' });
      continue;
    }
    exclusions = new Map();
    accepted = 0;
    const errorsBefore = errors.length;
    const layers = gitignoreLayersAbove(absolute, trace);
    const state: Walk = { visited: new Set(), onFile: (file) => accept(file, false, absolute), skipFolder: (dir) => skipFolder(dir, absolute), errors, exclusions, trace };
    walk(state, absolute, real, layers);
    if (accepted === 0 && errors.length === errorsBefore) throw nothingToScan(given, exclusions);
  }
  if (trace && errors.length > 0) trace.exact = false;
  inputs.sort((a, b) => compareText(a.file, b.file));
  return { inputs, errors };
}

/**
 * `--staged`: the staged source files under the given paths (files named exactly count as explicit).
 * With `indexed` (every path in the git index), a named file that is in the index but unchanged is
 * scanned too (its staged content is what will be committed), and a named path that is not in the
 * index at all (untracked, never added, misspelt) is a usage error naming it, rather than a run that
 * scans nothing and passes.
 */
export function discoverStaged(staged: string[], paths: string[], cwd: string, config: Config, includeTests: boolean, indexed?: IndexedPaths): Discovery {
  const filter = createInputFilter(cwd, config, includeTests);
  const roots = (paths.length > 0 ? paths : ['.']).map((given) => path.resolve(cwd, given));
  const candidates = new Set(staged);
  if (indexed && paths.length > 0) {
    const missing = roots.filter((root) => !indexed.has(root) && !indexed.hasBelow(root));
    if (missing.length > 0) throw notInIndex(missing.map((root) => relativeTo(cwd, root) || '.'));
    for (const root of roots) if (indexed.has(root)) candidates.add(root);
  }
  const inputs: Input[] = [];
  for (const file of [...candidates].sort()) {
    if (!isSourceFile(file)) continue;
    const explicit = roots.includes(file);
    const root = roots.find((candidate) => explicit || file.startsWith(`${candidate}${path.sep}`));
    if (!root || filter(file, explicit, explicit ? path.dirname(file) : root) !== undefined) continue;
    inputs.push({ file, explicit });
  }
  return { inputs, errors: [] };
}

function notInIndex(names: string[]): UsageError {
  const listed = names.map((name) => `\`${name}\``).join(', ');
  return new UsageError(
    `--staged scans the git index, and ${listed} ${names.length === 1 ? 'is' : 'are'} not in it (untracked, not added yet, or misspelt): nothing of ${names.length === 1 ? 'it' : 'them'} was scanned.`,
    `\`git add\` ${names.length === 1 ? 'the file' : 'them'} first, or drop --staged to scan the work tree.`,
  );
}

/** The directory fingerprints are relative to: the enclosing git work tree, else `cwd`. */
export function projectRoot(cwd: string): string {
  for (let dir = cwd; ; dir = path.dirname(dir)) {
    if (pathExists(path.join(dir, '.git'))) return dir;
    if (path.dirname(dir) === dir) return cwd;
  }
}

/** What every folder of one walk shares. */
interface Walk {
  visited: Set<string>;
  onFile: (file: string) => void;
  /** Why a folder below the root is not entered (everything in it would be filtered out), if it is not. */
  skipFolder: (dir: string) => string | undefined;
  errors: FileError[];
  exclusions: Exclusions;
  trace: WalkTrace | undefined;
}

/**
 * Lists `dir` and walks on into its folders. `real` is the directory's real path, for loop
 * detection: derived from the parent's unless reached through a link.
 */
function walk(state: Walk, dir: string, real: string, parentLayers: IgnoreLayer[]): void {
  const { visited, errors, exclusions, trace } = state;
  if (visited.has(real)) {
    errors.push({ file: dir, message: `skipped: symbolic link loop (already visited ${real})` });
    return;
  }
  visited.add(real);
  // The mtime is taken before the listing: a change in between shows as a different mtime next time.
  if (trace) watch(trace, dir);
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    errors.push({ file: dir, message: `cannot read directory (${code(error)})`, kind: 'unreadable' });
    return;
  }
  let hasGitignore = false;
  let hasGit = false;
  for (const entry of entries) {
    if (entry.name === '.gitignore') hasGitignore = true;
    else if (entry.name === '.git') hasGit = true;
  }
  const own = hasGitignore ? readGitignore(dir, trace) : undefined;
  // A repository of its own (a checkout under another's ignored `vendor/`): no rule from above.
  const inherited = hasGit ? [] : parentLayers;
  const layers = own ? [...inherited, own] : inherited;
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const name = entry.name;
    const link = entry.isSymbolicLink();
    // Most entries are not sources (docs, images, JSON): dropped before anything else is asked
    // of them, or a path is even made.
    if (!link && entry.isFile() && !isSourceFile(name)) {
      exclude(exclusions, NOT_SOURCES);
      continue;
    }
    const full = `${dir}${path.sep}${name}`;
    let isDir = entry.isDirectory();
    let isFile = entry.isFile();
    if (link) {
      if (trace) trace.exact = false;
      try {
        const target = statSync(full);
        isDir = target.isDirectory();
        isFile = target.isFile();
      } catch (error) {
        if (isSourceFile(name)) errors.push({ file: full, message: `cannot read: broken symbolic link (${code(error)})`, kind: 'unreadable' });
        continue;
      }
    }
    if (isDir && ALWAYS_SKIPPED_DIRS.has(name)) {
      exclude(exclusions, `\`${name}\` folders, which are never scanned`);
      continue;
    }
    if (!isDir && isFile && !isSourceFile(name)) {
      exclude(exclusions, NOT_SOURCES);
      continue;
    }
    const ignoredBy = ignoringRule(layers, full, name, isDir);
    if (ignoredBy) {
      exclude(exclusions, ignoredBy);
      continue;
    }
    const skippedBy = isDir ? state.skipFolder(full) : undefined;
    if (skippedBy) {
      exclude(exclusions, skippedBy);
      continue;
    }
    if (isDir) {
      let childReal = real.endsWith(path.sep) ? `${real}${name}` : `${real}${path.sep}${name}`;
      if (link) {
        try {
          childReal = realpathSync(full);
        } catch (error) {
          errors.push({ file: full, message: `cannot resolve directory (${code(error)})`, kind: 'unreadable' });
          continue;
        }
      }
      walk(state, full, childReal, layers);
    } else if (isFile) state.onFile(full);
  }
}

const NOT_SOURCES = 'files that are not JavaScript or TypeScript sources (.ts .tsx .mts .cts .js .jsx .mjs .cjs; not .d.ts)';

function exclude(exclusions: Exclusions, reason: string): void {
  exclusions.set(reason, (exclusions.get(reason) ?? 0) + 1);
}

/** The error for a named path that yields no file: what excluded its entries, most entries first. */
function nothingToScan(given: string, exclusions: Exclusions): UsageError {
  const reasons = [...exclusions].sort((a, b) => b[1] - a[1]);
  const listed = reasons.map(([reason, count]) => `  ${count} excluded: ${reason}`).join('\n');
  return new UsageError(
    `No file to scan in \`${given}\`${reasons.length > 0 ? `; everything in it was excluded:\n${listed}` : ': it is empty.'}`,
    'Name files or folders that hold JavaScript or TypeScript sources, or change the rule or setting above.',
  );
}

function watch(trace: WalkTrace, file: string): void {
  const mtime = statSync(file, { throwIfNoEntry: false })?.mtimeMs;
  if (mtime === undefined) trace.exact = false;
  else trace.watched.set(file, mtime);
}

/**
 * The .gitignore layers from the directories above the walk's root, up to the enclosing git work
 * tree; none when the root is a work tree of its own. They apply below the root, never to it: a
 * rule that excludes the root or a folder above it is set aside (scanning `vendor/x` where
 * `vendor/` is ignored scans `vendor/x`, as ripgrep does). Those directories' own mtimes change
 * with unrelated files (think /tmp), so a trace watches only their .gitignore (its mtime, or that
 * there is none) and whether .git is there.
 */
function gitignoreLayersAbove(dir: string, trace: WalkTrace | undefined): IgnoreLayer[] {
  const layers: IgnoreLayer[] = [];
  const ownRepository = pathExists(path.join(dir, '.git'));
  trace?.watched.set(path.join(dir, '.git'), ownRepository ? PRESENT : ABSENT);
  if (ownRepository) return layers;
  for (let current = path.dirname(dir); ; current = path.dirname(current)) {
    const layer = readGitignore(current, trace);
    if (layer) layers.unshift(withoutRulesExcluding(layer, dir));
    else trace?.watched.set(path.join(current, '.gitignore'), ABSENT);
    const isTop = pathExists(path.join(current, '.git'));
    trace?.watched.set(path.join(current, '.git'), isTop ? PRESENT : ABSENT);
    if (isTop || path.dirname(current) === current) break;
  }
  return layers;
}

/** The layer without the rules that exclude `root` itself or a folder above it (the layer as is when none does). */
function withoutRulesExcluding(layer: IgnoreLayer, root: string): IgnoreLayer {
  const folders = relativePosix(layer.dir, root).split('/');
  // Each folder from the layer's down to the root, as the walk would have met it.
  const paths = folders.map((name, index) => ({ path: folders.slice(0, index + 1).join('/'), name }));
  if (!paths.some(({ path, name }) => layer.rules.ignores(path, name, true))) return layer;
  const excludes = (rule: Gitignore['rules'][number]): boolean => {
    const alone = compileGitignore([rule]);
    return paths.some(({ path, name }) => alone.ignores(path, name, true));
  };
  return { ...layer, rules: compileGitignore(layer.rules.rules.filter((rule) => !excludes(rule))) };
}

/** A file or directory is there (`.git` is either, in work trees and worktrees). */
function pathExists(file: string): boolean {
  return statSync(file, { throwIfNoEntry: false }) !== undefined;
}

function readGitignore(dir: string, trace: WalkTrace | undefined): IgnoreLayer | undefined {
  const file = path.join(dir, '.gitignore');
  let text: string;
  try {
    const mtime = statSync(file).mtimeMs;
    text = readFileSync(file, 'utf8');
    trace?.watched.set(file, mtime);
  } catch {
    return undefined;
  }
  return { dir, offset: dir.endsWith(path.sep) ? dir.length : dir.length + 1, file, rules: parsedGitignore(text) };
}

/** Parsed .gitignore texts: a monorepo's packages and examples repeat a handful of them. */
const parsedTexts = new Map<string, Gitignore>();

function parsedGitignore(text: string): Gitignore {
  let rules = parsedTexts.get(text);
  if (rules) return rules;
  // Bounded for a long-lived process that scans many trees.
  if (parsedTexts.size >= 1000) parsedTexts.clear();
  rules = parseGitignore(text);
  parsedTexts.set(text, rules);
  return rules;
}

/**
 * The rule that ignores an entry (for messages: "`dist/` in /repo/.gitignore"), if one does. The
 * layers come outermost first; the deepest with a rule that matches the entry decides. Each layer is
 * asked about the entry alone: the walk entered every folder above it, so none of them is ignored.
 */
function ignoringRule(layers: IgnoreLayer[], file: string, name: string, isDir: boolean): string | undefined {
  // The fast test: most entries no layer ignores.
  if (!layers.some((layer) => layer.rules.ignores(toPosix(file.slice(layer.offset)), name, isDir))) return undefined;
  // As in git: a package's `!rule` re-includes what the root's rules ignore, and its own rules win
  // over the root's negations.
  for (let index = layers.length - 1; index >= 0; index--) {
    const layer = layers[index] as IgnoreLayer;
    const relative = toPosix(file.slice(layer.offset));
    const rule = layer.rules.decidingRule(relative, name, isDir);
    if (!rule) continue;
    return rule.negative ? undefined : `ignore rule \`${rule.pattern}\` in ${layer.file}`;
  }
  return undefined;
}

export function toPosix(file: string): string {
  return path.sep === '/' ? file : file.split(path.sep).join('/');
}

function code(error: unknown): string {
  return (error as NodeJS.ErrnoException)?.code ?? String(error);
}
