import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { allAdvice } from '../src/codemod/advice.js';
import { fix } from '../src/codemod/fix.js';
import { scan } from '../src/scan.js';
import { ROOT, runCli } from './helpers/cli.js';
import { gitRepo } from './helpers/git.js';

const FIXTURES = path.join(ROOT, 'fixtures', 'codemod');
const isInput = (name: string): boolean => /\.input\.[cm]?[jt]sx?$/.test(name);
const cases = readdirSync(FIXTURES).filter((name) => isInput(name)).sort();
/** Multi-file cases: a folder whose `*.input.*` files are rewritten together (helpers in other modules). */
const folders = readdirSync(FIXTURES, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
const outputOf = (input: string, dir = FIXTURES): string | undefined => {
  const output = input.replace('.input.', '.output.');
  return readdirSync(dir).includes(output) ? output : undefined;
};
const optionsOf = (name: string): { flagged: boolean; removeLegacy: boolean } => ({ flagged: name.includes('.flagged.'), removeLegacy: name.includes('.remove-legacy.') });

/** A scratch copy of one input fixture, named like the real file would be. */
function scratch(input: string): { dir: string; file: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'wma-codemod-'));
  const file = path.join(dir, input.replace('.input.', '.'));
  copyFileSync(path.join(FIXTURES, input), file);
  return { dir, file };
}

/** A scratch copy of a folder case under a project root that holds the shared stubs (`../supervisor`). */
function scratchFolder(folder: string): { root: string; dir: string } {
  const root = mkdtempSync(path.join(tmpdir(), 'wma-codemod-'));
  for (const stub of ['supervisor.ts', 'middleware.ts']) copyFileSync(path.join(FIXTURES, stub), path.join(root, stub));
  const dir = path.join(root, folder);
  mkdirSync(dir);
  for (const name of readdirSync(path.join(FIXTURES, folder))) {
    if (name.includes('.output.')) continue;
    copyFileSync(path.join(FIXTURES, folder, name), path.join(dir, name.replace('.input.', '.')));
  }
  return { root, dir };
}

const annotations = (text: string, kind: 'refuses' | 'error'): { line: number; reason: string }[] =>
  text.split('\n').flatMap((line, index) => {
    const match = new RegExp(`// codemod-${kind}: (.*)$`).exec(line);
    return match?.[1] ? [{ line: index + 1, reason: match[1].trim() }] : [];
  });

/** Every refusal the fixtures produced: each advice sentence must be among them (see the last test). */
const refusalsSeen: string[] = [];

function assertRefusals(text: string, file: string, result: Awaited<ReturnType<typeof fix>>): void {
  refusalsSeen.push(...result.manual.map((item) => item.reason));
  for (const refusal of annotations(text, 'refuses')) {
    assert.ok(
      result.manual.some((item) => item.file === file && item.line === refusal.line && item.reason.includes(refusal.reason)),
      `expected a refusal at ${path.basename(file)}:${refusal.line} containing "${refusal.reason}", got ${JSON.stringify(result.manual)}`,
    );
  }
}

const codemod = suite('codemod');

for (const input of cases) {
  const expected = outputOf(input);
  codemod(`${input}: ${expected ? `rewrites to ${expected}` : 'leaves the file unchanged and says why'}`, async () => {
    const { dir, file } = scratch(input);
    try {
      const before = readFileSync(file, 'utf8');
      const result = await fix({ paths: [file], cwd: dir, ...optionsOf(input) });
      const after = readFileSync(file, 'utf8');
      if (expected) assert.fixture(after, readFileSync(path.join(FIXTURES, expected), 'utf8'));
      else assert.is(after, before, 'a refused or unparsable file is left byte for byte');
      assertRefusals(before, file, result);
      for (const error of annotations(before, 'error')) {
        assert.ok(result.errors.some((item) => item.message.includes(error.reason)), JSON.stringify(result.errors));
      }
      if (expected) {
        const again = await fix({ paths: [file], cwd: dir, ...optionsOf(input) });
        assert.equal(again.changed, [], 'a second run changes nothing');
        assert.is(readFileSync(file, 'utf8'), after);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

for (const folder of folders) {
  codemod(`${folder}/: rewrites its modules together`, async () => {
    const { root, dir } = scratchFolder(folder);
    try {
      const names = readdirSync(path.join(FIXTURES, folder)).filter((name) => !name.includes('.output.'));
      const before = new Map(names.map((name) => [name, readFileSync(path.join(dir, name.replace('.input.', '.')), 'utf8')]));
      const result = await fix({ paths: [dir], cwd: dir });
      for (const name of names) {
        const file = path.join(dir, name.replace('.input.', '.'));
        const output = isInput(name) ? outputOf(name, path.join(FIXTURES, folder)) : undefined;
        const after = readFileSync(file, 'utf8');
        if (output) assert.fixture(after, readFileSync(path.join(FIXTURES, folder, output), 'utf8'));
        else assert.is(after, before.get(name), `${name} is left byte for byte`);
        assertRefusals(before.get(name) ?? '', file, result);
      }
      const again = await fix({ paths: [dir], cwd: dir });
      assert.equal(again.changed, [], 'a second run changes nothing');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
}

/** Every fixture project: the codemod's cases (single files together, each folder) and the scanner's fixture trees. */
function fixtureProjects(): { name: string; copy(into: string): void }[] {
  const singles = {
    name: 'codemod cases',
    copy: (into: string): void => {
      for (const name of [...cases, 'supervisor.ts', 'middleware.ts']) copyFileSync(path.join(FIXTURES, name), path.join(into, name.replace('.input.', '.')));
    },
  };
  const folderProjects = folders.map((folder) => ({
    name: `codemod/${folder}`,
    copy: (into: string): void => cpSync(path.join(FIXTURES, folder), into, { recursive: true, filter: (source) => !source.includes('.output.') }),
  }));
  const trees = readdirSync(path.join(ROOT, 'fixtures'))
    .filter((name) => name !== 'codemod' && statSync(path.join(ROOT, 'fixtures', name)).isDirectory())
    .map((name) => ({ name, copy: (into: string): void => cpSync(path.join(ROOT, 'fixtures', name), into, { recursive: true }) }));
  return [singles, ...folderProjects, ...trees];
}

codemod('every refusal kind, in every framework it has advice for, has a fixture that refuses with that advice', () => {
  const missing = allAdvice().filter(({ sentence }) => !refusalsSeen.some((reason) => reason.endsWith(sentence)));
  assert.equal(missing.map(({ kind, framework }) => `${kind} (${framework})`), [], 'advice no fixture produces');
});

codemod('`fixable` is exact: in every fixture project, fix removes each finding the scan marks fixable', async () => {
  let fixable = 0;
  for (const project of fixtureProjects()) {
    const dir = mkdtempSync(path.join(tmpdir(), 'wma-fixable-'));
    try {
      project.copy(dir);
      for (const name of readdirSync(dir)) if (name.includes('.input.')) renameSync(path.join(dir, name), path.join(dir, name.replace('.input.', '.')));
      const before = await scan({ paths: [dir], cwd: dir });
      const marked = before.findings.filter((finding) => finding.fixable && finding.ruleId !== 'legacy-flag-branch');
      fixable += marked.length;
      await fix({ paths: [dir], cwd: dir, allowDirty: true });
      const after = await scan({ paths: [dir], cwd: dir });
      for (const finding of marked) {
        const same = (other: typeof finding): boolean => other.ruleId === finding.ruleId && other.file === finding.file;
        const left = after.findings.filter(same).length;
        const expected = before.findings.filter(same).length - marked.filter(same).length;
        assert.ok(left <= expected && !after.findings.some((other) => other.fingerprint === finding.fingerprint), `${project.name}: ${finding.ruleId} at ${path.relative(dir, finding.file)}:${finding.line} is marked fixable but fix left it`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  assert.ok(fixable >= 20, `only ${fixable} fixable findings in the fixtures`);
});

codemod('rewritten outputs type-check with tsc against the runtime declarations', () => {
  const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const run = spawnSync(process.execPath, [tsc, '-p', path.join(FIXTURES, 'tsconfig.json')], { encoding: 'utf8' });
  assert.is(run.status, 0, run.stdout + run.stderr);
});

codemod('--dry-run prints a unified diff and writes nothing (the tree hashes the same)', () => {
  const { dir, file } = scratch('ws-literal.input.ts');
  const hash = (): string => createHash('sha256').update(readdirSync(dir).map((name) => name + readFileSync(path.join(dir, name), 'utf8')).join('\0')).digest('hex');
  const before = hash();
  const run = runCli(['fix', '--dry-run', path.basename(file)], { cwd: dir });
  assert.is(run.status, 0, run.stderr);
  assert.match(run.stdout, '--- a/ws-literal.ts');
  assert.match(run.stdout, '+    const supervisor = await getWebSocketScopedSupervisor(WebSocketContext.create({ socket: ws, userId: msg.userId, threadId: msg.threadId }));');
  assert.match(run.stderr, 'would rewrite 1 site in 1 file (dry run: nothing written)');
  assert.is(hash(), before);
  rmSync(dir, { recursive: true, force: true });
});

codemod('CRLF line endings, a BOM and the file mode are kept; the write is atomic', async () => {
  const { dir, file } = scratch('ws-literal.input.ts');
  writeFileSync(file, `\uFEFF${readFileSync(file, 'utf8').replace(/\n/g, '\r\n')}`);
  chmodSync(file, 0o640);
  await fix({ paths: [file], cwd: dir });
  const after = readFileSync(file, 'utf8');
  assert.ok(after.startsWith('\uFEFF'), 'BOM kept');
  assert.not.match(after.replace(/\r\n/g, ''), '\n', 'every line break is still CRLF');
  assert.match(after, 'getWebSocketScopedSupervisor(WebSocketContext.create(');
  assert.is(statSync(file).mode & 0o777, 0o640);
  assert.equal(readdirSync(dir).filter((name) => name.includes('.tmp')), [], 'no temporary file left');
  rmSync(dir, { recursive: true, force: true });
});

codemod('exit status says whether anything is left for manual review', () => {
  const { dir, file } = scratch('refuse-helper.input.ts');
  const run = runCli(['fix', path.basename(file)], { cwd: dir });
  assert.is(run.status, 1);
  assert.match(run.stderr, /Left for manual review \(\d+\):\n(?: {2}.*\n)*? {2}refuse-helper\.ts:14 {2}`forge\(\)` does more than return the fake/);
  rmSync(dir, { recursive: true, force: true });
  const clean = scratch('ws-literal.input.ts');
  assert.is(runCli(['fix', path.basename(clean.file)], { cwd: clean.dir }).status, 0);
  rmSync(clean.dir, { recursive: true, force: true });
});

codemod('refuses to write through a symbolic link that leaves the project', async () => {
  const repo = gitRepo({ 'README.md': 'x\n' });
  const outside = mkdtempSync(path.join(tmpdir(), 'wma-outside-'));
  copyFileSync(path.join(FIXTURES, 'ws-literal.input.ts'), path.join(outside, 'server.ts'));
  mkdirSync(path.join(repo.dir, 'src'));
  symlinkSync(path.join(outside, 'server.ts'), path.join(repo.dir, 'src', 'server.ts'));
  const before = readFileSync(path.join(outside, 'server.ts'), 'utf8');
  const result = await fix({ paths: ['src'], cwd: repo.dir, allowDirty: true });
  assert.ok(result.errors.some((error) => error.message.includes('symbolic link that leaves the project')), JSON.stringify(result.errors));
  assert.is(readFileSync(path.join(outside, 'server.ts'), 'utf8'), before);
  rmSync(repo.dir, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

codemod('refuses files with uncommitted changes unless --allow-dirty', () => {
  const repo = gitRepo({ 'src/server.ts': readFileSync(path.join(FIXTURES, 'ws-literal.input.ts'), 'utf8') });
  repo.write('src/server.ts', `${readFileSync(path.join(repo.dir, 'src', 'server.ts'), 'utf8')}// work in progress\n`);
  const refused = runCli(['fix', 'src'], { cwd: repo.dir });
  assert.is(refused.status, 2);
  assert.match(refused.stderr, 'Refusing to rewrite files with uncommitted changes: src/server.ts');
  assert.match(readFileSync(path.join(repo.dir, 'src', 'server.ts'), 'utf8'), 'getRequestScopedSupervisor(fake)');
  assert.is(runCli(['fix', 'src', '--allow-dirty'], { cwd: repo.dir }).status, 0);
  assert.match(readFileSync(path.join(repo.dir, 'src', 'server.ts'), 'utf8'), 'getWebSocketScopedSupervisor(');
  rmSync(repo.dir, { recursive: true, force: true });
});

codemod('the transform runs through the real jscodeshift runner (and its own scan)', () => {
  for (const [input, parser] of [['ws-literal.input.ts', 'ts'], ['commonjs.input.js', 'babel'], ['socketio-middleware.input.ts', 'ts']] as const) {
    const { dir, file } = scratch(input);
    const run = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'jscodeshift', 'bin', 'jscodeshift.js'), '-t', path.join(ROOT, 'dist', 'codemod', 'transform.cjs'), `--parser=${parser}`, file], { cwd: dir, encoding: 'utf8' });
    assert.match(run.stdout, '1 ok', run.stdout + run.stderr);
    assert.fixture(readFileSync(file, 'utf8'), readFileSync(path.join(FIXTURES, outputOf(input) ?? ''), 'utf8'));
    rmSync(dir, { recursive: true, force: true });
  }
  const flagged = scratch('phase-3a.flagged.input.ts');
  spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'jscodeshift', 'bin', 'jscodeshift.js'), '-t', path.join(ROOT, 'dist', 'codemod', 'transform.cjs'), '--parser=ts', '--flagged=true', flagged.file], { cwd: flagged.dir });
  assert.fixture(readFileSync(flagged.file, 'utf8'), readFileSync(path.join(FIXTURES, 'phase-3a.flagged.output.ts'), 'utf8'));
  rmSync(flagged.dir, { recursive: true, force: true });
});
codemod.run();

