import { readFileSync, readdirSync } from 'node:fs';
import { isFile } from '../discover/read.js';
import path from 'node:path';
import { parse as parseJsonc } from 'jsonc-parser';

const EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];
/** `./x.js` in TypeScript sources names `./x.ts` (and so on for the other output extensions). */
const SOURCE_FOR_OUTPUT: Record<string, string[]> = {
  '.js': ['.ts', '.tsx'],
  '.jsx': ['.tsx'],
  '.mjs': ['.mts'],
  '.cjs': ['.cts'],
};
/** Export conditions, most source-like first: we want the TypeScript the package is built from. */
const CONDITIONS = ['source', 'development', 'types', 'import', 'module', 'require', 'node', 'default'];

export type FileExists = (file: string) => boolean;

export const defaultFileExists: FileExists = isFile;

/** A file, with the extensions and `index` files Node and TypeScript would try. */
function resolveFile(base: string, exists: FileExists): string | undefined {
  const ext = path.extname(base);
  const candidates: string[] = [];
  if (ext && SOURCE_FOR_OUTPUT[ext]) {
    const stem = base.slice(0, -ext.length);
    candidates.push(...(SOURCE_FOR_OUTPUT[ext] ?? []).map((source) => stem + source));
  }
  candidates.push(base, ...EXTENSIONS.map((extension) => base + extension), ...EXTENSIONS.map((extension) => path.join(base, `index${extension}`)));
  return candidates.find(exists);
}

/**
 * Resolves a relative module specifier the way Node and TypeScript do for sources: exact file,
 * added extensions, `.js` pointing at `.ts`, then `index` files. Anything else is unknown here.
 */
export function resolveModule(fromFile: string, specifier: string, exists: FileExists = defaultFileExists): string | undefined {
  if (!specifier.startsWith('.') && !path.isAbsolute(specifier)) return undefined;
  return resolveFile(path.resolve(path.dirname(fromFile), specifier), exists);
}

interface PathsConfig {
  /** Directory `paths` targets are relative to (baseUrl, or the tsconfig that declares `paths`). */
  base: string;
  paths: [pattern: string, targets: string[]][];
  baseUrl: string | undefined;
}

interface WorkspacePackage {
  dir: string;
  manifest: { exports?: unknown; main?: string; module?: string; source?: string; types?: string };
}

export type Resolver = (fromFile: string, specifier: string) => string | undefined;

/**
 * What resolvers read from disk (whether a file is there, tsconfig `paths`, workspace packages),
 * kept for a whole scan: link runs again each time lazily loaded files come in, and each run would
 * otherwise stat the same candidates and parse every workspace package's package.json again. The
 * files of a scan do not change while it runs.
 */
export interface DiskCache {
  isFile: Map<string, boolean>;
  json: Map<string, Record<string, unknown> | undefined>;
  tsconfigOfDir: Map<string, PathsConfig | undefined>;
  workspacesOfDir: Map<string, Map<string, WorkspacePackage> | undefined>;
}

export function createDiskCache(): DiskCache {
  return { isFile: new Map(), json: new Map(), tsconfigOfDir: new Map(), workspacesOfDir: new Map() };
}

function remembered<K, V>(memo: Map<K, V>, key: K, compute: () => V): V {
  if (memo.has(key)) return memo.get(key) as V;
  const value = compute();
  memo.set(key, value);
  return value;
}

const fileOnDisk = (disk: DiskCache, file: string): boolean => remembered(disk.isFile, file, () => isFile(file));

/**
 * The whole-project resolver: relative specifiers, tsconfig `paths`/`baseUrl` (following
 * `extends`), and the packages of a monorepo's workspaces (their `exports`/`main`, mapped back to
 * sources). Packages from node_modules stay unknown. Config files are read from disk and cached.
 */
export function createResolver(exists: FileExists = defaultFileExists, disk: DiskCache = createDiskCache()): Resolver {
  /** By directory and specifier: a file's imports resolve the same way as its neighbours'. */
  const results = new Map<string, string | undefined>();

  const pathsFor = (dir: string): PathsConfig | undefined =>
    remembered(disk.tsconfigOfDir, dir, () => {
      const file = path.join(dir, 'tsconfig.json');
      const parent = path.dirname(dir);
      return fileOnDisk(disk, file) ? readTsconfig(disk, file, new Set()) : parent === dir ? undefined : pathsFor(parent);
    });

  const workspacesFor = (dir: string): Map<string, WorkspacePackage> | undefined =>
    remembered(disk.workspacesOfDir, dir, () => {
      const parent = path.dirname(dir);
      return readWorkspaces(disk, dir) ?? (parent === dir ? undefined : workspacesFor(parent));
    });

  const viaPaths = (fromFile: string, specifier: string): string | undefined => {
    const config = pathsFor(path.dirname(fromFile));
    if (!config) return undefined;
    let best: { targets: string[]; star: string; length: number } | undefined;
    for (const [pattern, targets] of config.paths) {
      const star = pattern.indexOf('*');
      if (star < 0) {
        if (pattern === specifier) best = { targets, star: '', length: Infinity };
        continue;
      }
      const prefix = pattern.slice(0, star);
      const suffix = pattern.slice(star + 1);
      if (specifier.startsWith(prefix) && specifier.endsWith(suffix) && specifier.length >= prefix.length + suffix.length && prefix.length > (best?.length ?? -1)) {
        best = { targets, star: specifier.slice(prefix.length, specifier.length - suffix.length), length: prefix.length };
      }
    }
    for (const target of best?.targets ?? []) {
      const resolved = resolveFile(path.resolve(config.base, target.replace('*', best?.star ?? '')), exists);
      if (resolved) return resolved;
    }
    return config.baseUrl ? resolveFile(path.resolve(config.baseUrl, specifier), exists) : undefined;
  };

  const viaWorkspace = (fromFile: string, specifier: string): string | undefined => {
    const packages = workspacesFor(path.dirname(fromFile));
    if (!packages) return undefined;
    const parts = specifier.split('/');
    const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? '');
    const pkg = packages.get(name);
    if (!pkg) return undefined;
    const subpath = `.${specifier.slice(name.length)}`;
    for (const target of exportTargets(pkg.manifest, subpath)) {
      const resolved = resolveFile(path.resolve(pkg.dir, target), exists) ?? sourceForBuilt(pkg.dir, target, exists);
      if (resolved) return resolved;
    }
    return resolveFile(path.join(pkg.dir, subpath === '.' ? 'src/index' : path.join('src', subpath)), exists) ?? resolveFile(path.join(pkg.dir, subpath), exists);
  };

  return (fromFile, specifier) => {
    if (specifier.startsWith('node:')) return undefined;
    return remembered(results, `${path.dirname(fromFile)}\0${specifier}`, () =>
      specifier.startsWith('.') || path.isAbsolute(specifier) ? resolveModule(fromFile, specifier, exists) : (viaPaths(fromFile, specifier) ?? viaWorkspace(fromFile, specifier)),
    );
  };
}

function readJson(disk: DiskCache, file: string): Record<string, unknown> | undefined {
  return remembered(disk.json, file, () => {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      // No such file (or unreadable): nothing configured there.
      return undefined;
    }
    let value: unknown;
    try {
      // Most manifests are plain JSON, which JSON.parse reads many times faster than the JSONC parser.
      value = JSON.parse(text);
    } catch {
      try {
        value = parseJsonc(text, [], { allowTrailingComma: true });
      } catch {
        // Not even JSONC: as if there were no file.
        return undefined;
      }
    }
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  });
}

/** `compilerOptions.paths`/`baseUrl`, following `extends` (relative files and packages in node_modules). */
function readTsconfig(disk: DiskCache, file: string, seen: Set<string>): PathsConfig | undefined {
  if (seen.has(file)) return undefined;
  seen.add(file);
  const json = readJson(disk, file);
  if (!json) return undefined;
  const dir = path.dirname(file);
  const extendsList = Array.isArray(json.extends) ? json.extends : json.extends ? [json.extends] : [];
  let inherited: PathsConfig | undefined;
  for (const parent of extendsList) {
    if (typeof parent !== 'string') continue;
    const target = parent.startsWith('.') ? path.resolve(dir, parent) : path.join(dir, 'node_modules', parent);
    const resolved = [target, `${target}.json`, path.join(target, 'tsconfig.json')].find((candidate) => fileOnDisk(disk, candidate));
    inherited = (resolved ? readTsconfig(disk, resolved, seen) : undefined) ?? inherited;
  }
  const options = (json.compilerOptions ?? {}) as { baseUrl?: unknown; paths?: unknown };
  const baseUrl = typeof options.baseUrl === 'string' ? path.resolve(dir, options.baseUrl) : inherited?.baseUrl;
  if (options.paths && typeof options.paths === 'object') {
    const paths = Object.entries(options.paths as Record<string, unknown>).map(
      ([pattern, targets]): [string, string[]] => [pattern, Array.isArray(targets) ? targets.filter((t): t is string => typeof t === 'string') : []],
    );
    return { base: baseUrl ?? dir, paths, baseUrl };
  }
  return inherited || baseUrl ? { base: inherited?.base ?? dir, paths: inherited?.paths ?? [], baseUrl } : undefined;
}

/** Workspace packages of a monorepo root: package.json `workspaces`, or pnpm-workspace.yaml `packages`. */
function readWorkspaces(disk: DiskCache, dir: string): Map<string, WorkspacePackage> | undefined {
  const manifest = readJson(disk, path.join(dir, 'package.json'));
  let patterns: string[] = [];
  const workspaces = manifest?.workspaces as string[] | { packages?: string[] } | undefined;
  if (Array.isArray(workspaces)) patterns = workspaces;
  else if (workspaces && Array.isArray(workspaces.packages)) patterns = workspaces.packages;
  else {
    try {
      const yaml = readFileSync(path.join(dir, 'pnpm-workspace.yaml'), 'utf8');
      patterns = [...yaml.matchAll(/^\s*-\s*['"]?([^'"\n#]+?)['"]?\s*$/gm)].map((match) => match[1] ?? '').filter(Boolean);
    } catch {
      return undefined;
    }
  }
  if (patterns.length === 0) return undefined;
  const packages = new Map<string, WorkspacePackage>();
  for (const pattern of patterns) {
    if (pattern.startsWith('!')) continue;
    for (const packageDir of expandWorkspacePattern(disk, dir, pattern)) {
      const pkg = readJson(disk, path.join(packageDir, 'package.json'));
      if (typeof pkg?.name === 'string') packages.set(pkg.name, { dir: packageDir, manifest: pkg as WorkspacePackage['manifest'] });
    }
  }
  return packages;
}

/** `packages/*`, `apps/**`, or a plain folder. */
function expandWorkspacePattern(disk: DiskCache, root: string, pattern: string): string[] {
  const clean = pattern.replace(/\/+$/, '');
  const star = clean.indexOf('*');
  if (star < 0) return [path.join(root, clean)];
  const parent = path.join(root, clean.slice(0, star).replace(/\/$/, ''));
  const deep = clean.slice(star).startsWith('**');
  const found: string[] = [];
  const visit = (dir: string, depth: number): void => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (!entry.isDirectory() || entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
      const child = path.join(dir, entry.name);
      if (fileOnDisk(disk, path.join(child, 'package.json'))) found.push(child);
      if (deep && depth < 4) visit(child, depth + 1);
    }
  };
  visit(parent, 0);
  return found;
}

/** Candidate files for a package subpath, from `exports` (conditions, `*` patterns) then `source`/`module`/`main`. */
function exportTargets(manifest: WorkspacePackage['manifest'], subpath: string): string[] {
  const targets: string[] = [];
  const exportsField = manifest.exports;
  const pick = (value: unknown): void => {
    if (typeof value === 'string') targets.push(value);
    else if (Array.isArray(value)) value.forEach(pick);
    else if (value && typeof value === 'object') {
      for (const condition of CONDITIONS) if (condition in value) pick((value as Record<string, unknown>)[condition]);
    }
  };
  if (typeof exportsField === 'string' || Array.isArray(exportsField)) {
    if (subpath === '.') pick(exportsField);
  } else if (exportsField && typeof exportsField === 'object') {
    const map = exportsField as Record<string, unknown>;
    const keyed = Object.keys(map).some((key) => key.startsWith('.'));
    if (!keyed && subpath === '.') pick(map);
    else if (subpath in map) pick(map[subpath]);
    else {
      for (const [key, value] of Object.entries(map)) {
        const star = key.indexOf('*');
        if (star < 0) continue;
        const prefix = key.slice(0, star);
        const suffix = key.slice(star + 1);
        if (subpath.startsWith(prefix) && subpath.endsWith(suffix)) {
          const middle = subpath.slice(prefix.length, subpath.length - suffix.length);
          const before = targets.length;
          pick(value);
          for (let i = before; i < targets.length; i++) targets[i] = (targets[i] ?? '').replace('*', middle);
        }
      }
    }
  }
  if (subpath === '.') for (const field of [manifest.source, manifest.module, manifest.main, manifest.types]) if (field) targets.push(field);
  // A declaration file has no code to follow: code conditions (`import`, `default`) come first.
  const isDeclaration = (target: string): boolean => /\.d\.[cm]?ts$/.test(target);
  return [...targets.filter((target) => !isDeclaration(target)), ...targets.filter(isDeclaration)];
}

/** `dist/index.js` of a workspace package whose build output is absent: try the same path under `src/`. */
function sourceForBuilt(dir: string, target: string, exists: FileExists): string | undefined {
  const match = /^\.?\/?(?:dist|build|lib|out)\/(.+?)(?:\.d)?\.[cm]?[jt]sx?$/.exec(target);
  return match?.[1] ? resolveFile(path.join(dir, 'src', match[1]), exists) : undefined;
}
