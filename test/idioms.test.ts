import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { scan } from '../src/scan.js';
import type { Finding } from '../src/types.js';

/**
 * What the fixture annotations cannot say: why a finding's code counts as WebSocket handling. A
 * finding that rests on signature evidence says so (the reader must know no registration was seen),
 * one that rests on a seen registration must not, and boundary reports say where they stand.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const idioms = suite('idioms: findings say what their WebSocket scope rests on');

interface Case {
  name: string;
  fixture: string;
  file: string;
  /** Text that occurs on exactly one line of the file: the line the finding is reported on. */
  at: string;
  ruleId: string;
  says: RegExp[];
  never?: RegExp[];
}

const NOT_SEEN = /no registration was seen/;

const cases: Case[] = [
  {
    name: 'a library exporting socket.io middleware: signature evidence, registration not seen',
    fixture: 'session-socket-lib',
    file: 'index.js',
    at: 'module.exports = (session) =>',
    ruleId: 'fake-response',
    says: [/recognised by its signature `\(socket, next\)` and its use of `socket\.handshake`/, NOT_SEEN],
  },
  {
    name: 'an upgrade listener on a parameter: the event decides, the receiver is named as untraced',
    fixture: 'untraced-upgrade-cjs',
    file: 'lib/attach.js',
    at: 'sessionParser(request, {}',
    ruleId: 'fake-response',
    says: [/recognised by the `upgrade` event/, /the receiver `server` is not traced/],
  },
  {
    name: 'a wrapper registered in the same file: the registration is followed through the returned function',
    fixture: 'socketio-wrap-ts',
    file: 'server.ts',
    at: 'middleware(socket.request as never, {} as never',
    ruleId: 'fake-response',
    says: [/^The socket\.io middleware passes an object literal/],
    never: [NOT_SEEN, /recognised by/],
  },
  {
    name: 'a wrapper imported from another module: the wrapper itself is followed, not guessed',
    fixture: 'socketio-wrap-ts',
    file: 'middleware/wrap.ts',
    at: 'return (socket: Socket, next: Next) =>',
    ruleId: 'fake-response',
    says: [/^The socket\.io middleware passes/],
    never: [NOT_SEEN],
  },
  {
    name: 'the registration of an imported wrapper: a boundary report that leads into the other module',
    fixture: 'socketio-wrap-ts',
    file: 'server.ts',
    at: 'io.use(wrapMiddleware(passport.initialize()))',
    ruleId: 'fake-response',
    says: [/^This leads WebSocket handling into another module/],
  },
  {
    name: 'a CommonJS `module.exports = wrap`: followed through `require`',
    fixture: 'socketio-wrap-cjs',
    file: 'lib/wrap.js',
    at: 'middleware(socket.request, {}, next)',
    ruleId: 'fake-response',
    says: [/^The socket\.io middleware passes/],
    never: [NOT_SEEN],
  },
  {
    name: 'a request-building helper: reported where the literal is made',
    fixture: 'to-request-mjs',
    file: 'src/http/to-request.mjs',
    at: 'return { // expect',
    ruleId: 'fake-request',
    says: [/is made here for WebSocket handling/, /`card:move` handler/],
  },
  {
    name: 'ws `verifyClient`: an option hook',
    fixture: 'options-hooks-esm',
    file: 'src/server.js',
    at: 'sessionParser(info.req, {}',
    ruleId: 'fake-response',
    says: [/`verifyClient` option/],
  },
  {
    name: 'engine.io `allowRequest`: an option hook',
    fixture: 'options-hooks-esm',
    file: 'src/server.js',
    at: 'sessionParser(req, { setHeader() {}',
    ruleId: 'fake-response',
    says: [/`allowRequest` option/],
  },
  {
    name: 'Apollo `onConnect` calling a helper in another module: the helper names the hook it runs from',
    fixture: 'apollo-subscriptions-ts',
    file: 'src/auth/session.ts',
    at: 'sessionMiddleware(req as any, {} as any',
    ruleId: 'fake-response',
    says: [/`onConnect` hook/],
  },
  {
    name: 'a NestJS guard for WebSocket contexts: the guard is named',
    fixture: 'nest-graphql-ws',
    file: 'src/auth/ws-auth.guard.ts',
    at: 'return { headers: client.handshake.headers }',
    ruleId: 'fake-request',
    says: [/`WsAuthGuard\.getRequest\(\)`/],
  },
];

function lineOf(file: string, text: string): number {
  const lines = readFileSync(file, 'utf8').split(/\r?\n/);
  const matches = lines.flatMap((content, index) => (content.includes(text) ? [index + 1] : []));
  assert.is(matches.length, 1, `\`${text}\` occurs on exactly one line of ${file}`);
  return matches[0] as number;
}

const scans = new Map<string, Promise<Finding[]>>();
const findingsOf = (fixture: string): Promise<Finding[]> => {
  let pending = scans.get(fixture);
  if (!pending) {
    pending = scan({ paths: [path.join(root, 'fixtures', 'idioms', fixture)], cwd: root }).then((result) => result.findings);
    scans.set(fixture, pending);
  }
  return pending;
};

for (const entry of cases) {
  idioms(entry.name, async () => {
    const file = path.join(root, 'fixtures', 'idioms', entry.fixture, entry.file);
    const line = lineOf(file, entry.at);
    const findings = (await findingsOf(entry.fixture)).filter((f) => f.file === file && f.line === line && f.ruleId === entry.ruleId);
    assert.is(findings.length, 1, `one ${entry.ruleId} at ${entry.fixture}/${entry.file}:${line}`);
    const message = (findings[0] as Finding).message;
    for (const pattern of entry.says) assert.match(message, pattern);
    for (const pattern of entry.never ?? []) assert.not.match(message, pattern);
  });
}

idioms.run();
