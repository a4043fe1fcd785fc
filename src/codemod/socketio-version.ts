import { readFileSync } from 'node:fs';
import path from 'node:path';
import semver from 'semver';

/**
 * `io.engine.use(mw)` exists from socket.io 4.6 on; on an older socket.io the rewrite would fail at
 * start-up (`io.engine.use is not a function`), so the codemod must know which socket.io a file
 * runs on. `supported: undefined` when nothing says (no manifest declares it): then the rewrite goes
 * ahead, as it does for code outside any package.
 */
export interface EngineSupport {
  supported: boolean | undefined;
  /** What was found, for the refusal: `socket.io ^2.3.0 (package.json)`. */
  found?: string;
}

const FIRST_WITH_ENGINE_USE = '4.6.0';
/** NestJS pins socket.io: @nestjs/platform-socket.io 10.0.0 ships 4.6.2 (9.x ships 4.5 or 4.6). */
const FIRST_NEST_WITH_ENGINE_USE = '10.0.0';

/**
 * Walks up from the file: the installed socket.io (node_modules), the version package-lock.json
 * pins, then the range package.json declares (its lowest version must have `engine.use`). The
 * first package.json that names socket.io or @nestjs/platform-socket.io decides.
 */
export function engineSupport(file: string, read: (file: string) => string | undefined): EngineSupport {
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    const manifest = parseJson(read(path.join(dir, 'package.json')));
    const declared = manifest ? declaredRange(manifest) : undefined;
    if (declared) return decide(dir, declared, read);
    if (path.dirname(dir) === dir) return { supported: undefined };
  }
}

function decide(dir: string, declared: { name: string; range: string }, read: (file: string) => string | undefined): EngineSupport {
  const minimum = declared.name === 'socket.io' ? FIRST_WITH_ENGINE_USE : FIRST_NEST_WITH_ENGINE_USE;
  const installed = parseJson(read(path.join(dir, 'node_modules', ...declared.name.split('/'), 'package.json')))?.version;
  if (typeof installed === 'string' && semver.valid(installed)) return verdict(installed, minimum, `${declared.name} ${installed} (installed)`);
  const lock = parseJson(read(path.join(dir, 'package-lock.json')));
  const locked = (lock?.packages as Record<string, { version?: string }> | undefined)?.[`node_modules/${declared.name}`]?.version;
  if (typeof locked === 'string' && semver.valid(locked)) return verdict(locked, minimum, `${declared.name} ${locked} (package-lock.json)`);
  const lowest = semver.validRange(declared.range) ? semver.minVersion(declared.range) : null;
  // `latest`, a tag, a URL or a workspace reference: no version to compare.
  if (!lowest || declared.range.trim() === '*' || declared.range.trim() === '') return { supported: undefined, found: `${declared.name} ${declared.range}` };
  return verdict(lowest.version, minimum, `${declared.name} ${declared.range} (package.json)`);
}

function verdict(version: string, minimum: string, found: string): EngineSupport {
  return { supported: semver.gte(version, minimum), found };
}

function declaredRange(manifest: Record<string, unknown>): { name: string; range: string } | undefined {
  for (const name of ['socket.io', '@nestjs/platform-socket.io']) {
    for (const field of ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies']) {
      const range = (manifest[field] as Record<string, unknown> | undefined)?.[name];
      if (typeof range === 'string') return { name, range };
    }
  }
  return undefined;
}

function parseJson(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    // A broken manifest says nothing about versions.
    return undefined;
  }
}

/** A file's text, or undefined when it is absent or unreadable (a missing manifest says nothing). */
export function readIfPresent(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
