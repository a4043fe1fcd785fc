// action.yml's steps, run as GitHub's runner runs a composite action (test/helpers/action.ts), against
// a temporary repository. The scan step's `npx --yes ws-mock-audit@<version>` is left as it is; the
// `version` input points it at the packed tarball (`file:` spec) instead of the registry. Node is the
// action's default (24) or the oldest version the package claims, put on PATH by the setup-node stand-in.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runAction, type ActionRun } from './helpers/action.js';
import { CLEAN_HANDLER, FAKE_HANDLER, packedTarball, scratchDir, writeFiles } from './helpers/consumer.js';
import { NODE_24, nodeBinDir, oldestClaimedNode } from './helpers/node.js';

const action = suite('GitHub Action: the composite steps with the variables GitHub sets');

let version = '';
let nodes: Record<string, string> = {};
action.before(() => {
  version = `file:${packedTarball()}`;
  const oldest = oldestClaimedNode();
  nodes = { [oldest]: nodeBinDir(oldest), [NODE_24]: nodeBinDir(NODE_24) };
});
action.after(() => {
  // npx keeps each spec it installed under npm's cache; this run's tarball path will never be asked for again.
  const npxCache = path.join(homedir(), '.npm', '_npx');
  for (const entry of existsSync(npxCache) ? readdirSync(npxCache) : []) {
    const manifest = path.join(npxCache, entry, 'package.json');
    if (existsSync(manifest) && readFileSync(manifest, 'utf8').includes(version)) rmSync(path.join(npxCache, entry), { recursive: true, force: true });
  }
});

function workspace(files: Record<string, string>): string {
  const dir = path.join(scratchDir('wma-action-'), 'workspace');
  writeFiles(dir, files);
  execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: dir });
  return dir;
}
const step = (run: ActionRun, id: string): ActionRun['steps'][number] => {
  const found = run.steps[run.steps.findIndex((candidate) => candidate.id === id)];
  assert.ok(found, `step ${id}`);
  return found as ActionRun['steps'][number];
};

action('findings (default Node): SARIF written where the input says and uploaded, exit-code=1 in GITHUB_OUTPUT, annotations in the log, the job fails', () => {
  const dir = workspace({ 'src/server.ts': FAKE_HANDLER, 'src/supervisor.ts': 'export async function getRequestScopedSupervisor(req: Request) { return { req }; }\n' });
  const run = runAction({ workspace: dir, nodes, inputs: { paths: 'src', version, 'sarif-file': 'reports/ws-mock-audit.sarif' } });
  const scan = step(run, 'scan');
  assert.is(scan.outcome, 'success', scan.stderr);
  assert.ok(run.env.PATH?.startsWith(`${nodes[NODE_24] ?? '-'}${path.delimiter}`), 'setup-node put Node 24 first on PATH');
  assert.is(run.outputs['exit-code'], '1', scan.stderr);
  assert.match(scan.stdout, /^::error file=src\/server\.ts,line=7,/m);
  const sarif = JSON.parse(readFileSync(path.join(dir, 'reports', 'ws-mock-audit.sarif'), 'utf8')) as { version: string; runs: Array<{ results: Array<{ ruleId: string }> }> };
  assert.is(sarif.version, '2.1.0');
  assert.equal(sarif.runs[0]?.results.map((result) => result.ruleId).sort(), ['fake-request', 'request-scoped-factory']);
  assert.is(run.uploads.length, 1);
  assert.is(run.uploads[0]?.category, 'ws-mock-audit');
  assert.is(run.steps.at(-1)?.outcome, 'failure');
  assert.is(run.steps.at(-1)?.exitCode, 1);
  assert.is(run.outcome, 'failure');
});

action('clean (oldest claimed Node): exit-code=0, the failing step is skipped, the job passes; upload-sarif: false skips the upload', () => {
  const dir = workspace({ 'src/server.ts': CLEAN_HANDLER });
  const run = runAction({ workspace: dir, nodes, inputs: { paths: 'src', version, 'upload-sarif': 'false', 'node-version': oldestClaimedNode() } });
  assert.is(run.outputs['exit-code'], '0', step(run, 'scan').stderr);
  assert.is(run.outcome, 'success');
  assert.is(run.steps.at(-1)?.outcome, 'skipped');
  assert.is(run.uploads.length, 0);
  const sarif = JSON.parse(readFileSync(path.join(dir, 'ws-mock-audit.sarif'), 'utf8')) as { runs: Array<{ results: unknown[] }> };
  assert.equal(sarif.runs[0]?.results, []);
});

action('a usage error (a path that does not exist; oldest claimed Node) is exit-code=2 and fails the job', () => {
  const dir = workspace({ 'src/server.ts': CLEAN_HANDLER });
  const run = runAction({ workspace: dir, nodes, inputs: { paths: 'sorce', version, 'node-version': oldestClaimedNode() } });
  assert.is(run.outputs['exit-code'], '2');
  assert.match(step(run, 'scan').stderr, /sorce/);
  assert.not.ok(existsSync(path.join(dir, 'ws-mock-audit.sarif')));
  assert.is(run.uploads.length, 0, 'no report, so no upload to fail in the scan\'s place');
  assert.is(run.steps.at(-1)?.exitCode, 2);
  assert.is(run.outcome, 'failure');
});

action.run();
