import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { scan, type ScanResult } from '../src/scan.js';
import { dateBack } from './helpers/mtime.js';

// The cache trusts a stat only when it is older than the run (by a 2 s margin for coarse file
// system clocks): these tests date files and directories back, as they are in a real checkout.
const cache = suite('--cache: directory snapshot, racy stats, pruning');

const handler = (name: string): string => `import { WebSocketServer } from 'ws';
import { get_request_scoped_supervisor } from './supervisor';

const wss = new WebSocketServer({ port: 8080 });
wss.on('connection', (socket) => {
  socket.on('message', async () => {
    const ${name} = { headers: {}, url: '/ws' } as unknown as Request;
    await get_request_scoped_supervisor(${name});
  });
});
`;

interface Project {
  outer: string;
  root: string;
  location: string;
  /** A cached scan of the project (or of `paths` in it), from its root. */
  run(paths?: string[]): Promise<ScanResult>;
  write(file: string, text: string): string;
  /** Dates every file and directory back by `secondsAgo` (distinct values tell edits apart). */
  age(secondsAgo: number): void;
  index(): { files: string[]; walk?: unknown; delta?: string };
}

function project(): Project {
  const outer = mkdtempSync(path.join(tmpdir(), 'wma-cache-'));
  const root = path.join(outer, 'app');
  const location = path.join(outer, 'cache');
  mkdirSync(path.join(root, 'src', 'ws'), { recursive: true });
  const write = (file: string, text: string): string => {
    const full = path.join(root, file);
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, text);
    return full;
  };
  write('src/ws/chat.ts', handler('chatRequest'));
  write('src/supervisor.ts', 'export function get_request_scoped_supervisor(request: Request) { return request; }\n');
  write('src/util.ts', 'export const add = (a: number, b: number): number => a + b;\n');
  const age = (secondsAgo: number): void => dateBack(outer, secondsAgo);
  return {
    outer,
    root,
    location,
    run: (paths = [root]) => scan({ paths, cwd: root, cache: true, cacheLocation: location }),
    write,
    age,
    index: () => JSON.parse(readFileSync(path.join(location, 'index.json'), 'utf8')),
  };
}

/** The fake-request findings (the handler also calls a request-scoped factory, a second finding). */
/** A test on a fresh project, removed afterwards. */
function withProject(name: string, body: (p: Project) => Promise<void>): void {
  cache(name, async () => {
    const p = project();
    try {
      await body(p);
    } finally {
      rmSync(p.outer, { recursive: true, force: true });
    }
  });
}

const names = (result: ScanResult): string[] =>
  result.findings.filter((finding) => finding.ruleId === 'fake-request').map((finding) => `${finding.ruleId}@${path.basename(finding.file)}:${finding.line}`);

withProject('unchanged directories: the file list comes from the cache; a new file in one of them is found', async (p) => {
  p.age(600);
  const cold = await p.run();
  assert.is(cold.stats.walkFromCache, false);
  assert.equal(names(cold), ['fake-request@chat.ts:7']);
  const warm = await p.run();
  assert.ok(warm.stats.walkFromCache, 'no directory changed: no walk');
  assert.is(warm.stats.filesParsed, 0);
  assert.equal(names(warm), names(cold));

  p.write('src/ws/admin.ts', handler('adminRequest'));
  p.age(300);
  const added = await p.run();
  assert.is(added.stats.walkFromCache, false, 'src/ws changed: walked again');
  assert.equal(names(added), ['fake-request@admin.ts:7', 'fake-request@chat.ts:7']);
  assert.ok((await p.run()).stats.walkFromCache);

  unlinkSync(path.join(p.root, 'src', 'ws', 'chat.ts'));
  p.age(200);
  const removed = await p.run();
  assert.equal(names(removed), ['fake-request@admin.ts:7'], 'the last result is not reused for another set of files');
  assert.not.ok(p.index().files.some((file) => file.endsWith('chat.ts')), 'a deleted file leaves the cache index');
});

withProject('an edited .gitignore, or a new one above the scanned directory, changes the file list', async (p) => {
  p.write('.gitignore', 'dist/\n');
  p.age(600);
  await p.run();
  assert.ok((await p.run()).stats.walkFromCache);

  // Edited in place: the directory's mtime stays, the .gitignore's own changes.
  writeFileSync(path.join(p.root, '.gitignore'), 'dist/\nsrc/ws/\n');
  p.age(500);
  const inside = await p.run();
  assert.is(inside.stats.walkFromCache, false);
  assert.equal(names(inside), []);

  writeFileSync(path.join(p.root, '.gitignore'), 'dist/\n');
  p.age(400);
  assert.equal(names(await p.run()), ['fake-request@chat.ts:7']);
  assert.ok((await p.run()).stats.walkFromCache);
  // Above the root, where directory mtimes are not watched (think /tmp): the .gitignore itself is.
  writeFileSync(path.join(p.outer, '.gitignore'), 'app/src/ws/\n');
  p.age(300);
  const above = await p.run();
  assert.is(above.stats.walkFromCache, false);
  assert.equal(names(above), []);
});

withProject('a file rewritten within the same second (same size, same mtime) is still seen to change', async (p) => {
  p.age(600);
  await p.run();
  // Rewrite a file now, scan at once (its stat is "racy": as new as the run), then rewrite it
  // again with content of the same length and put its mtime back: size and mtime cannot tell.
  const chat = path.join(p.root, 'src', 'ws', 'chat.ts');
  writeFileSync(chat, handler('chatRequest'));
  const now = Math.floor(Date.now() / 1000); // whole seconds: set back exactly below
  utimesSync(chat, now, now);
  const first = await p.run();
  assert.equal(names(first), ['fake-request@chat.ts:7']);
  const original = handler('chatRequest');
  const honest = original.replace("{ headers: {}, url: '/ws' } as unknown as Request", 'String(socket)');
  writeFileSync(chat, `${honest}//${'.'.repeat(original.length - honest.length - 3)}\n`);
  assert.is(statSync(chat).size, Buffer.byteLength(original), 'same size');
  utimesSync(chat, now, now);
  assert.is(statSync(chat).mtimeMs, now * 1000, 'same mtime');
  const second = await p.run();
  assert.equal(names(second), [], 'the racy entry was checked by content');
});

withProject('directories changed around the time of the run are not trusted for the next one', async (p) => {
  await p.run();
  const next = await p.run();
  assert.is(next.stats.walkFromCache, false, 'the project was just written: walk again');
  assert.is(next.stats.filesParsed, 0, 'file contents are still reused (checked by hash)');
  p.age(600);
  await p.run();
  assert.ok((await p.run()).stats.walkFromCache);
});

withProject('a change of rule settings is not answered with the last result', async (p) => {
  p.age(600);
  await p.run();
  assert.equal(names(await p.run()), ['fake-request@chat.ts:7']);
  p.write('ws-mock-audit.config.json', JSON.stringify({ rules: { 'fake-request': 'off' } }));
  p.age(300);
  const off = await p.run();
  assert.is(off.stats.filesParsed, 0, 'the facts still come from the cache');
  assert.equal(names(off), []);
});

withProject('a scan of a few files (a hook) keeps the cache of the full scan; a moved checkout starts afresh', async (p) => {
  p.age(600);
  const full = await p.run();
  const few = await p.run([path.join(p.root, 'src', 'util.ts')]);
  assert.is(few.stats.filesDiscovered, 1);
  const again = await p.run();
  assert.is(again.stats.filesParsed, 0, 'nothing the hook did not see was dropped');
  assert.equal(names(again), names(full));

  const moved = path.join(p.outer, 'moved');
  renameSync(p.root, moved);
  const there = await scan({ paths: [moved], cwd: moved, cache: true, cacheLocation: p.location });
  assert.ok(there.stats.filesParsed > 0, 'facts name files by absolute path: not reused from another place');
  assert.ok(there.findings.every((finding) => finding.file.startsWith(moved)));
  assert.equal(names(there), names(full));
});

withProject('an edit rewrites only the edited files\' facts (a delta file), not the facts of the whole project', async (p) => {
  p.write('src/ws/room.ts', handler('roomRequest'));
  p.age(600);
  const cold = await p.run();
  const factsFile = path.join(p.location, 'index.facts.json');
  const deltaFile = path.join(p.location, 'index.facts-delta.json');
  const base = readFileSync(factsFile, 'utf8');
  const deltaNames = (): string[] => Object.keys(JSON.parse(readFileSync(deltaFile, 'utf8')).facts).sort();

  p.write('src/ws/chat.ts', handler('renamedRequest'));
  p.age(300);
  const edited = await p.run();
  assert.is(edited.stats.filesParsed, 1);
  assert.equal(names(edited), ['fake-request@chat.ts:7', 'fake-request@room.ts:7']);
  assert.is(readFileSync(factsFile, 'utf8'), base, 'the facts file is not written again');
  assert.equal(deltaNames(), [path.join('src', 'ws', 'chat.ts')]);
  // The delta carries over: an edit elsewhere adds to it, and both are read back.
  p.write('src/ws/room.ts', handler('otherRequest'));
  p.age(200);
  await p.run();
  assert.equal(deltaNames(), [path.join('src', 'ws', 'chat.ts'), path.join('src', 'ws', 'room.ts')]);
  p.write('src/ws/chat.ts', handler('chatRequest'));
  p.age(100);
  const warm = await p.run();
  assert.is(warm.stats.filesParsed, 1, 'the edit of room.ts comes from the delta');
  assert.equal(names(warm), names(cold));
  assert.is(readFileSync(factsFile, 'utf8'), base);

  // A lost delta file: the facts file is stale for files only the delta could name, so nothing
  // in it is trusted and every file with facts is analysed again (room.ts's old facts would
  // otherwise be taken for its new content).
  // (An edit that changes facts makes the scan link again, and so read the facts.)
  rmSync(deltaFile);
  p.write('src/ws/chat.ts', handler('recoveredRequest'));
  p.age(50);
  const recovered = await p.run();
  assert.is(recovered.stats.filesParsed, cold.stats.filesParsed);
  assert.equal(names(recovered), names(cold));
});

withProject('cache files are ASCII even when paths are not, and read back as the same paths', async (p) => {
  p.write('src/worker-♫/chat.ts', handler('noteRequest'));
  p.age(600);
  const cold = await p.run();
  for (const name of ['index.json', 'index.facts.json']) {
    const bytes = readFileSync(path.join(p.location, name));
    assert.ok(bytes.every((byte) => byte < 0x80), `${name} is ASCII`);
  }
  assert.ok(p.index().files.includes(path.join('src', 'worker-♫', 'chat.ts')));
  const warm = await p.run();
  assert.is(warm.stats.filesParsed, 0);
  assert.equal(names(warm), names(cold));
  assert.ok(names(warm).includes('fake-request@chat.ts:7'));
});

withProject('once many files changed, the delta is folded into the facts file', async (p) => {
  for (let i = 0; i < 70; i++) p.write(`src/lib/m${i}.ts`, handler(`request${i}`));
  p.age(600);
  await p.run();
  for (let i = 0; i < 70; i++) p.write(`src/lib/m${i}.ts`, handler(`changed${i}`));
  p.age(300);
  const edited = await p.run();
  assert.is(edited.stats.filesParsed, 70);
  assert.not.ok(p.index().delta, 'no delta: everything is in the facts file again');
  p.write('src/lib/m0.ts', handler('again'));
  p.age(200);
  const once = await p.run();
  assert.is(once.stats.filesParsed, 1);
  assert.ok(p.index().delta);
  assert.is(once.findings.filter((finding) => finding.ruleId === 'fake-request').length, 71);
});

/** Every finding as it is reported: rule, place, fingerprint and the codemod's verdict. */
const full = (result: ScanResult): string[] => result.findings.map((f) => `${f.ruleId}@${path.basename(f.file)}:${f.line}:${f.column}:${f.fingerprint}:${f.fixable ? 'fixable' : 'manual'}`);
const uncached = (p: Project): Promise<ScanResult> => scan({ paths: [p.root], cwd: p.root });

withProject('an edit that changes no fact (a comment at the end) keeps the last result; one that moves lines links again', async (p) => {
  p.age(600);
  const cold = await p.run();
  const chat = path.join(p.root, 'src', 'ws', 'chat.ts');
  const original = readFileSync(chat, 'utf8');
  writeFileSync(chat, `${original}// reviewed\n`);
  p.age(300);
  const comment = await p.run();
  assert.is(comment.stats.filesParsed, 1, 'the edited file is parsed again');
  assert.is(comment.stats.timings.link, 0, 'its facts are the same: nothing is linked again');
  assert.equal(full(comment), full(cold));
  assert.equal(full(comment), full(await uncached(p)), 'as a scan without the cache');

  writeFileSync(chat, `// reviewed\n${original}`);
  p.age(200);
  const moved = await p.run();
  assert.equal(names(moved), ['fake-request@chat.ts:8'], 'other facts (lines moved): linked again');
  assert.equal(full(moved), full(await uncached(p)));
  // Back to the first text: the cache holds the moved facts now, and the findings follow the text.
  writeFileSync(chat, original);
  p.age(100);
  assert.equal(full(await p.run()), full(cold));
});

withProject('fixable verdicts come from the cache until a file the codemod read changes, also one that is not scanned (package.json)', async (p) => {
  // socket.io middleware run with a fabricated response: `fix` moves it to `io.engine.use(mw)`,
  // which socket.io has since 4.6 (the version is read from package.json).
  const manifest = (range: string): string => JSON.stringify({ name: 'app', dependencies: { 'socket.io': range } });
  p.write('package.json', manifest('^4.8.1'));
  p.write(
    'src/io.ts',
    "import { Server } from 'socket.io';\nimport session from 'express-session';\n\nconst sessionMiddleware = session({ secret: 's' });\nconst io = new Server();\nio.use((socket, next) => sessionMiddleware(socket.request, {} as any, next));\n",
  );
  const pinger = "import { WebSocketServer } from 'ws';\nconst wss = new WebSocketServer({ port: 8081 });\nwss.on('connection', (socket) => socket.send('hello'));\n";
  p.write('src/ws/ping.ts', pinger);
  p.age(600);
  const engineFinding = (result: ScanResult): string[] => full(result).filter((line) => line.includes('@io.ts'));
  const cold = await p.run();
  assert.equal(engineFinding(cold).length, 1);
  assert.match(engineFinding(cold)[0] ?? '', /:fixable$/);
  assert.is(cold.stats.fixableFromCache, false, 'the first run asks the codemod');

  const warm = await p.run();
  assert.ok(warm.stats.fixableFromCache);
  assert.equal(full(warm), full(cold));

  // An edit the codemod did not read (a file it did not rewrite or resolve), with other facts: the
  // project is linked again, the verdicts stand.
  p.write('src/ws/ping.ts', `${pinger}wss.on('connection', (socket) => socket.on('message', () => socket.send('pong')));\n`);
  p.age(500);
  const elsewhere = await p.run();
  assert.is(elsewhere.stats.filesParsed, 1);
  assert.ok(elsewhere.stats.fixableFromCache, 'the codemod did not run');
  assert.equal(full(elsewhere), full(await uncached(p)));

  // The socket.io version in package.json (not a scanned file) drops below 4.6: no input changed,
  // and still the finding is no longer fixable, as a scan without the cache says.
  p.write('package.json', manifest('^4.5.0'));
  p.age(400);
  const older = await p.run();
  assert.is(older.stats.filesParsed, 0);
  assert.match(engineFinding(older)[0] ?? '', /:manual$/);
  assert.is(older.stats.fixableFromCache, false);
  assert.equal(full(older), full(await uncached(p)));
  const again = await p.run();
  assert.ok(again.stats.fixableFromCache);
  assert.equal(full(again), full(older));

  // The file the codemod rewrites changes without changing a fact (a comment at the end): the
  // result stands, the verdicts are made again from its new text.
  p.write('package.json', manifest('^4.8.1'));
  const io = path.join(p.root, 'src', 'io.ts');
  writeFileSync(io, `${readFileSync(io, 'utf8')}// engine\n`);
  p.age(300);
  const comment = await p.run();
  assert.is(comment.stats.timings.link, 0);
  assert.is(comment.stats.fixableFromCache, false);
  assert.match(engineFinding(comment)[0] ?? '', /:fixable$/);
  assert.equal(full(comment), full(await uncached(p)));
});

cache.run();
