import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { DEFAULT_FACTS_OPTIONS, extractFacts } from '../src/facts/index.js';
import { link } from '../src/link/index.js';
import { RULES } from '../rules/index.js';

const signature = suite('signature evidence');

const registrationsOf = (text: string, file = '/p/a.js'): { event: string; evidence?: string }[] =>
  extractFacts(file, text, DEFAULT_FACTS_OPTIONS).registrations.map(({ event, evidence }) => ({ event, ...(evidence ? { evidence } : {}) }));

signature('stand-alone socket.io middleware: (socket, next) that reads the handshake', () => {
  const found = registrationsOf('module.exports = function (session) {\n  return function (socket, next) { session(socket.handshake, {}, next); };\n};\n');
  assert.is(found.length, 1);
  assert.is(found[0]?.event, 'middleware');
  assert.match(found[0]?.evidence ?? '', 'signature `(socket, next)` and its use of `socket.handshake`; no registration was seen');
});

signature('(socket, next) that never reads the handshake, and HTTP middleware, are not evidence', () => {
  assert.equal(registrationsOf('export const drain = (socket, next) => { socket.write("x"); next(); };\n'), []);
  assert.equal(registrationsOf('export function mw(req, res, next) { req.session = {}; next(); }\n'), []);
  assert.equal(registrationsOf('export const three = (socket, next, extra) => socket.request;\n'), []);
});

signature('an upgrade listener by its (req, socket, head) signature, and not by looser names', () => {
  const found = registrationsOf('export async function upgradeHandler(req, socket, head) {}\n');
  assert.equal(found.map((r) => r.event), ['HTTP `upgrade` listener']);
  assert.match(found[0]?.evidence ?? '', '`(req, socket, head)`');
  assert.equal(registrationsOf('export function copy(req, socket, options) {}\n'), []);
});

signature('an upgrade listener on a receiver the file cannot trace, and a seen registration, which wins', () => {
  const untraced = registrationsOf('export function attach(server) { server.on("upgrade", (req, socket, head) => {}); }\n');
  assert.ok(untraced.some((r) => r.evidence?.includes('the receiver `server` is not traced')), JSON.stringify(untraced));
  const seen = registrationsOf("import http from 'http';\nimport 'ws';\nconst server = http.createServer();\nserver.on('upgrade', (req, socket, head) => {});\n");
  assert.ok(seen.some((r) => r.event === 'HTTP `upgrade` handler' && !r.evidence), JSON.stringify(seen));
});

signature('the finding says that its scope rests on the signature', () => {
  const files = [extractFacts('/p/lib.js', 'module.exports = (session) => (socket, next) => session(socket.request, {}, next);\n', DEFAULT_FACTS_OPTIONS)];
  const graph = link(files, { exists: () => false });
  const findings = RULES.flatMap((rule) => rule.check(graph, { factories: DEFAULT_FACTS_OPTIONS.factories }));
  assert.is(findings.length, 1);
  assert.match(findings[0]?.message ?? '', 'no registration was seen');
});

signature('option hooks: verifyClient, allowRequest and subscription onConnect register; a top-level context does not', () => {
  const ws = registrationsOf("new WebSocketServer({ verifyClient: (info, cb) => sessionParser(info.req, {}, () => cb(true)) });\n");
  assert.equal(ws.map((r) => r.event), ['`verifyClient` option']);
  const io = registrationsOf('new Server(http, { allowRequest: (req, callback) => callback(null, true) });\n');
  assert.equal(io.map((r) => r.event), ['engine.io `allowRequest` option']);
  const apollo = registrationsOf('new ApolloServer({ context: ({ req }) => ({ req }), subscriptions: { onConnect: (params, webSocket) => webSocket.upgradeReq } });\n');
  assert.equal(apollo.map((r) => r.event), ['`onConnect` hook']);
  const returned = registrationsOf('export function subscriptionOptions() { return { onConnect(connectionParams, webSocket, context) { return {}; } }; }\n');
  assert.equal(returned.map((r) => r.event), ['`onConnect` hook']);
});

signature.run();
