import type {
  ExportFact,
  FakeKind,
  FakeOrigin,
  FactoryCallFact,
  FileFacts,
  FlagBranchFact,
  FrameworkId,
  FunctionFact,
  Loc,
  Position,
  RegistrationFact,
  Target,
  ValueRef,
} from '../types.js';
import { createDiskCache, createResolver, defaultFileExists, type DiskCache, type FileExists } from './resolve.js';

export interface Step {
  file: string;
  loc: Loc;
  message: string;
}

/** Why a function runs as WebSocket handling: where it was registered and the calls that lead to it. */
export interface ScopeReason {
  registration: RegistrationFact & { file: string };
  /** From the registered handler down to this function. */
  path: Step[];
}

export interface FnRef {
  file: string;
  fn: FunctionFact;
}

/** A fake that reaches WebSocket scope. */
export interface FakeHit {
  kind: FakeKind;
  origin: FakeOrigin;
  originFile: string;
  /** Where it enters WebSocket scope (the primary location). */
  file: string;
  loc: Loc;
  snippet: string;
  position?: Position;
  sink?: string;
  fn: FnRef;
  scope: ScopeReason;
  /** Helper functions the fake travelled through, innermost last. */
  via: Step[];
  /**
   * Set on the extra reports of a fake that crosses a function or file boundary: at the place it is
   * made (`origin`, when a helper returns it), and at the WebSocket code in another file that leads
   * to it (`caller`). `of` is the hit they repeat, reported where the fake enters WebSocket scope.
   */
  echo?: { at: 'origin' | 'caller'; of: FakeHit };
}

export interface FactoryHit {
  call: FactoryCallFact;
  file: string;
  fn: FnRef;
  scope: ScopeReason;
  /** What reaches the factory's request parameter. */
  argument: 'fake' | 'unknown';
}

export interface ProjectGraph {
  files: Map<string, FileFacts>;
  scopes: Map<string, ScopeReason>;
  fakes: FakeHit[];
  factories: FactoryHit[];
  flagBranches: { file: string; branch: FlagBranchFact }[];
}

export interface LinkOptions {
  /** Facts for a file that was not scanned (prefiltered out, or outside the paths), or undefined. */
  load?: (file: string) => FileFacts | undefined;
  exists?: FileExists;
  /**
   * What link learnt from disk, for the next link of the same scan (with the same `exists`): a
   * scan links again each time files it loads lazily come in.
   */
  cache?: LinkCache;
}

export interface LinkCache {
  disk: DiskCache;
  exists: Map<string, boolean>;
}

export function createLinkCache(): LinkCache {
  return { disk: createDiskCache(), exists: new Map() };
}

interface Resolved {
  origin: FakeOrigin;
  file: string;
  via: Step[];
}

type Exported =
  | { t: 'fn'; file: string; fn: FunctionFact }
  | { t: 'class'; file: string; name: string }
  | { t: 'values'; file: string; values: ValueRef[] };

const keyOf = (file: string, fn: number): string => `${file}#${fn}`;

/** Joins per-file facts into one project: resolves imports, spreads WebSocket scope and fakes across calls and files. */
export function link(input: FileFacts[], options: LinkOptions = {}): ProjectGraph {
  const files = new Map(input.map((facts) => [facts.file, facts]));
  const missing = new Set<string>();
  const children = new Map<string, Map<number, FunctionFact[]>>();

  const factsOf = (file: string): FileFacts | undefined => {
    const known = files.get(file);
    if (known || missing.has(file)) return known;
    const loaded = options.load?.(file);
    if (loaded) files.set(file, loaded);
    else missing.add(file);
    return loaded;
  };

  const onDisk = options.exists ?? defaultFileExists;
  const cache = options.cache ?? createLinkCache();
  const exists = (file: string): boolean => {
    if (files.has(file)) return true;
    let known = cache.exists.get(file);
    if (known === undefined) cache.exists.set(file, (known = onDisk(file)));
    return known;
  };

  const resolver = createResolver(exists, cache.disk);
  const resolveImport = (from: string, source: string): FileFacts | undefined => {
    const file = resolver(from, source);
    return file ? factsOf(file) : undefined;
  };

  const resolveExport = (facts: FileFacts, name: string, seen = new Set<string>()): Exported | undefined => {
    const key = `${facts.file}:${name}`;
    if (seen.has(key)) return undefined;
    seen.add(key);
    const direct = name === '*' ? undefined : facts.exports.find((entry) => entry.name === name);
    if (direct) return exportedThing(facts, direct, seen);
    for (const star of facts.exports.filter((entry) => entry.name === '*' && entry.from)) {
      const target = star.from && resolveImport(facts.file, star.from.source);
      const found = target && resolveExport(target, name, seen);
      if (found) return found;
    }
    return undefined;
  };

  const exportedThing = (facts: FileFacts, entry: ExportFact, seen: Set<string>): Exported | undefined => {
    if (entry.fn !== undefined) {
      const fn = facts.functions[entry.fn];
      return fn ? { t: 'fn', file: facts.file, fn } : undefined;
    }
    if (entry.className) return { t: 'class', file: facts.file, name: entry.className };
    if (entry.from) {
      const target = resolveImport(facts.file, entry.from.source);
      if (!target) return undefined;
      return resolveExport(target, entry.from.imported === '*' ? 'default' : entry.from.imported, seen);
    }
    return entry.values ? { t: 'values', file: facts.file, values: entry.values } : undefined;
  };

  const resolveTarget = (file: string, target: Target): Exported | undefined => {
    const facts = factsOf(file);
    if (!facts) return undefined;
    if (target.t === 'fn') {
      const fn = facts.functions[target.fn];
      return fn ? { t: 'fn', file, fn } : undefined;
    }
    if (target.t === 'class') return { t: 'class', file, name: target.name };
    if (target.t === 'result') return undefined;
    const imported = resolveImport(file, target.source);
    return imported ? resolveExport(imported, target.imported) : undefined;
  };

  /** `new X()` of a class runs its constructor; anything else stays as it is. */
  const constructorOf = (target: Exported | undefined): Exported | undefined => {
    if (target?.t !== 'class') return target;
    const facts = factsOf(target.file);
    const cls = facts?.classes.find((candidate) => candidate.name === target.name);
    const ctor = cls?.ctor === undefined ? undefined : facts?.functions[cls.ctor];
    return ctor ? { t: 'fn', file: target.file, fn: ctor } : undefined;
  };

  /** Functions a target designates; for `result`, the functions that calling it returns (value flow across files). */
  const resolveFns = (file: string, target: Target, seen = new Set<string>()): FnRef[] => {
    if (target.t !== 'result') {
      const resolved = resolveTarget(file, target);
      return resolved?.t === 'fn' ? [{ file: resolved.file, fn: resolved.fn }] : [];
    }
    return resolveFns(file, target.of, seen).flatMap((maker) => {
      const key = keyOf(maker.file, maker.fn.id);
      if (seen.has(key)) return [];
      seen.add(key);
      return (maker.fn.returnsFns ?? []).flatMap((returned) => resolveFns(maker.file, returned, seen));
    });
  };

  // --- WebSocket scope -------------------------------------------------------------------------
  const scopes = new Map<string, ScopeReason>();
  const queue: { file: string; fn: FunctionFact; reason: ScopeReason }[] = [];
  const enter = (file: string, fn: FunctionFact, reason: ScopeReason): void => {
    const key = keyOf(file, fn.id);
    if (scopes.has(key)) return;
    scopes.set(key, reason);
    queue.push({ file, fn, reason });
  };
  // Seen registrations first: a function that is also recognised by its signature alone keeps the
  // registration that was seen as its reason.
  const registrations = [...files.values()].flatMap((facts) => facts.registrations.map((registration) => ({ ...registration, file: facts.file })));
  registrations.sort((x, y) => Number(Boolean(x.evidence)) - Number(Boolean(y.evidence)));
  for (const registration of registrations) {
    for (const handler of resolveFns(registration.file, registration.handler)) {
      enter(handler.file, handler.fn, { registration, path: [] });
    }
  }
  // Breadth-first (shortest call paths first), with a read index instead of shift(), which is O(n).
  for (let next = 0; next < queue.length; next++) {
    const { file, fn, reason } = queue[next] as (typeof queue)[number];
    const facts = factsOf(file);
    if (!facts) continue;
    for (const child of childrenOf(facts, children).get(fn.id) ?? []) enter(file, child, reason);
    for (const call of fn.calls) {
      const callee = constructorOf(resolveTarget(file, call.target));
      if (callee?.t !== 'fn') continue;
      enter(callee.file, callee.fn, {
        registration: reason.registration,
        path: [...reason.path, { file, loc: call.loc, message: `\`${callee.fn.name}()\` is called from WebSocket handling here` }],
      });
    }
  }

  // --- Fakes -----------------------------------------------------------------------------------
  const returnsMemo = new Map<string, Resolved[]>();
  const inProgress = new Set<string>();

  const returnsOf = (file: string, fn: FunctionFact): Resolved[] => {
    const key = keyOf(file, fn.id);
    const memo = returnsMemo.get(key);
    if (memo) return memo;
    if (inProgress.has(key)) return [];
    inProgress.add(key);
    const step: Step = { file, loc: fn.loc, message: `\`${fn.name}()\` returns a fake` };
    const result = fn.returns.flatMap((value) => resolveValue(file, value)).map((resolved) => ({ ...resolved, via: [step, ...resolved.via] }));
    inProgress.delete(key);
    returnsMemo.set(key, result);
    return result;
  };

  const classFakes = (file: string, name: string, seen = new Set<string>()): Resolved[] => {
    const facts = factsOf(file);
    const cls = facts?.classes.find((candidate) => candidate.name === name);
    if (!facts || !cls || seen.has(`${file}:${name}`)) return [];
    seen.add(`${file}:${name}`);
    if (cls.fakes) {
      const origin: FakeOrigin = {
        kind: cls.fakes.kind,
        shape: 'subclass',
        describe: cls.fakes.typeName.startsWith('the ')
          ? `an instance of \`${name}\`, which imitates ${cls.fakes.typeName}`
          : `an instance of \`${name}\`, a subclass of \`${cls.fakes.typeName}\``,
        positional: false,
        loc: cls.loc,
        snippet: `class ${name}`,
      };
      return [{ origin, file, via: [] }];
    }
    const base = cls.base && resolveTarget(file, cls.base);
    return base?.t === 'class' ? classFakes(base.file, base.name, seen) : [];
  };

  const resolveValue = (file: string, value: ValueRef): Resolved[] => {
    if (value.t === 'fake') return [{ origin: value.origin, file, via: [] }];
    const target = resolveTarget(file, value.target);
    if (!target) return [];
    if (value.t === 'call') return target.t === 'fn' ? returnsOf(target.file, target.fn) : [];
    if (value.t === 'new') {
      if (target.t === 'class') return classFakes(target.file, target.name);
      // An ES5 constructor function that imitates a request or response (`shapes/mimic.ts`).
      return target.t === 'fn' ? classFakes(target.file, target.fn.name) : [];
    }
    if (target.t !== 'values') return [];
    return target.values.flatMap((inner) => resolveValue(target.file, inner));
  };

  const fakes: FakeHit[] = [];
  const factories: FactoryHit[] = [];
  const seenHits = new Map<string, FakeHit>();
  const byOrigin = new Map<string, FakeHit>();
  for (const [key, scope] of scopes) {
    const [file = '', id = ''] = splitKey(key);
    const fn = factsOf(file)?.functions[Number(id)];
    if (!fn) continue;
    for (const use of fn.uses) {
      for (const resolved of resolveValue(file, use.value)) {
        if (resolved.origin.positional && !use.position) continue;
        const kind = resolved.origin.positional ? (use.position as Position) : resolved.origin.kind;
        const originKey = `${key}|${resolved.file}:${resolved.origin.loc.line}:${resolved.origin.loc.column}`;
        const hitKey = `${originKey}|${use.loc.line}:${use.loc.column}`;
        // A position use is derived from a value already seen in this function (`const f = fake; factory(f)`):
        // it adds where the fake goes to the existing finding instead of making a new one.
        const existing = seenHits.get(hitKey) ?? (use.position ? byOrigin.get(originKey) : undefined);
        if (existing) {
          existing.position ??= use.position;
          existing.sink ??= use.sink;
          continue;
        }
        const hit: FakeHit = {
          kind,
          origin: resolved.origin,
          originFile: resolved.file,
          file,
          loc: use.loc,
          snippet: use.snippet,
          fn: { file, fn },
          scope,
          via: resolved.via,
          ...(use.position ? { position: use.position } : {}),
          ...(use.sink ? { sink: use.sink } : {}),
        };
        seenHits.set(hitKey, hit);
        if (!byOrigin.has(originKey)) byOrigin.set(originKey, hit);
        fakes.push(hit);
      }
    }
    for (const call of fn.factoryCalls) {
      const isFake = (call.arg ?? []).some((value) => resolveValue(file, value).length > 0);
      factories.push({ call, file, fn: { file, fn }, scope, argument: isFake ? 'fake' : 'unknown' });
    }
  }

  return {
    files,
    scopes,
    fakes: withBoundaryReports(dropEchoes(fakes)),
    factories,
    flagBranches: [...files.values()].flatMap((facts) => facts.flagBranches.map((branch) => ({ file: facts.file, branch }))),
  };
}

/**
 * A fake made inside WebSocket scope is reported where it is made; the places it is merely read
 * or returned to are echoes of the same finding.
 */
function dropEchoes(hits: FakeHit[]): FakeHit[] {
  const originId = (hit: FakeHit): string => `${hit.originFile}:${hit.origin.loc.line}:${hit.origin.loc.column}`;
  const madeInScope = new Set(
    hits.filter((hit) => hit.file === hit.originFile && sameLoc(hit.loc, hit.origin.loc)).map(originId),
  );
  return hits.filter((hit) => (hit.file === hit.originFile && sameLoc(hit.loc, hit.origin.loc)) || !madeInScope.has(originId(hit)));
}

/**
 * A fake made in a helper is also reported where it is made (that is the code to change), and a
 * fake reached from WebSocket code in another file is also reported at that code (that is where a
 * reviewer of the WebSocket file looks). One extra report per place.
 */
function withBoundaryReports(hits: FakeHit[]): FakeHit[] {
  const extra: FakeHit[] = [];
  const seen = new Set(hits.map((hit) => `${hit.file}:${hit.loc.line}:${hit.loc.column}:${hit.kind}`));
  const add = (hit: FakeHit, at: 'origin' | 'caller', file: string, loc: Loc): void => {
    const key = `${file}:${loc.line}:${loc.column}:${hit.kind}`;
    if (seen.has(key)) return;
    seen.add(key);
    extra.push({ ...hit, file, loc, echo: { at, of: hit } });
  };
  for (const hit of hits) {
    if (hit.via.length > 0 || hit.originFile !== hit.file) add(hit, 'origin', hit.originFile, hit.origin.loc);
    const entry = entryFromOtherFile(hit);
    if (entry) add(hit, 'caller', entry.file, entry.loc);
  }
  return [...hits, ...extra];
}

/** The last place on the way from the registration that lies in another file than the one the fake enters. */
function entryFromOtherFile(hit: FakeHit): { file: string; loc: Loc } | undefined {
  const made = hit.file;
  for (let index = hit.scope.path.length - 1; index >= 0; index--) {
    const step = hit.scope.path[index] as Step;
    if (step.file !== made) return step;
  }
  const registration = hit.scope.registration;
  return registration.file !== made ? { file: registration.file, loc: registration.loc } : undefined;
}

function sameLoc(a: Loc, b: Loc): boolean {
  return a.line === b.line && a.column === b.column;
}

function splitKey(key: string): [string, string] {
  const index = key.lastIndexOf('#');
  return [key.slice(0, index), key.slice(index + 1)];
}

/** Functions nested in each function of a file, indexed once per file. */
function childrenOf(facts: FileFacts, cache: Map<string, Map<number, FunctionFact[]>>): Map<number, FunctionFact[]> {
  let index = cache.get(facts.file);
  if (index) return index;
  index = new Map();
  for (const fn of facts.functions) {
    const siblings = index.get(fn.parent) ?? [];
    siblings.push(fn);
    index.set(fn.parent, siblings);
  }
  cache.set(facts.file, index);
  return index;
}

export type { FrameworkId };
