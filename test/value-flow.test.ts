import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { DEFAULT_FACTS_OPTIONS, extractFacts } from '../src/facts/index.js';
import { link } from '../src/link/index.js';
import type { FileFacts } from '../src/types.js';

const flow = suite('value flow: handlers and fakes as values');

const facts = (file: string, text: string): FileFacts => extractFacts(file, text, DEFAULT_FACTS_OPTIONS);

/** Links in-memory files; nothing is read from disk. */
function project(files: Record<string, string>): ReturnType<typeof link> {
  const all = Object.entries(files).map(([file, text]) => facts(file, text));
  return link(all, { exists: (file) => file in files });
}

const scopeNames = (graph: ReturnType<typeof link>): string[] =>
  [...graph.scopes.keys()].map((key) => {
    const [file = '', id = ''] = key.split('#');
    return `${file.split('/').pop()}:${graph.files.get(file)?.functions[Number(id)]?.name}`;
  });

flow('a handler held in a variable, a conditional, or bound with .bind is registered', () => {
  const text = `
import { Server } from 'socket.io';
const io = new Server();
function onConnect(socket) {}
function onOther(socket) {}
const chosen = process.env.X ? onConnect : onOther;
io.on('connection', chosen.bind(null));
`;
  const registered = facts('/p/a.ts', text).registrations.map((r) => r.handler);
  assert.equal(registered, [{ t: 'fn', fn: 0 }, { t: 'fn', fn: 1 }]);
});

flow('a handler returned by a local factory, or read from an object a factory returns', () => {
  const text = `
import { Server } from 'socket.io';
const io = new Server();
const wrap = (mw) => (socket, next) => mw(socket.request, {}, next);
function makeHandlers(deps) { return { auth: (socket, next) => next(), log: function (socket, next) { next(); } }; }
io.use(wrap(session));
io.use(makeHandlers(deps).auth);
`;
  const f = facts('/p/a.ts', text);
  const registered = f.registrations.filter((r) => !r.evidence).map((r) => (r.handler.t === 'fn' ? f.functions[r.handler.fn] : undefined));
  const wrap = f.functions.find((fn) => fn.name === 'wrap');
  // The middleware `wrap` returns (not `wrap` itself), and the `auth` property of the returned object.
  assert.is(registered[0]?.parent, wrap?.id);
  assert.is(registered[1]?.name, 'auth');
  assert.is(registered.length, 2);
});

flow('a function that returns a function records it, so an importing module can register the result', () => {
  const f = facts('/p/wrap.js', 'const wrap = (mw) => (socket, next) => { mw(socket.request, {}, next); };\nmodule.exports = wrap;\n');
  const outer = f.functions.find((fn) => fn.name === 'wrap');
  assert.equal(outer?.returnsFns, [{ t: 'fn', fn: 1 }]);
});

flow('io.use(wrap(mw)) with wrap from a CommonJS module: the returned middleware runs as WebSocket handling', () => {
  const graph = project({
    '/p/server.js': "const wrap = require('./wrap');\nconst io = require('socket.io')(server);\nio.use(wrap(session));\n",
    '/p/wrap.js': 'module.exports = (mw) => (socket, next) => mw(socket.request, {}, next);\n',
  });
  assert.ok(scopeNames(graph).some((name) => name.startsWith('wrap.js:')), scopeNames(graph).join(', '));
  const where = graph.fakes.map((hit) => `${hit.file.split('/').pop()}:${hit.loc.line}${hit.echo ? `(${hit.echo.at})` : ''}`);
  // The fake response where it is made, and the registration in the module that leads to it.
  assert.equal(where.sort(), ['server.js:3(caller)', 'wrap.js:1']);
});

flow('results of results: a factory in one module returning a wrapper from another', () => {
  const graph = project({
    '/p/server.ts': "import { Server } from 'socket.io';\nimport { sessionFor } from './session';\nconst io = new Server();\nio.use(sessionFor(store));\n",
    '/p/session.ts': "import { wrap } from './wrap';\nexport function sessionFor(store) { return wrap(makeSession(store)); }\n",
    '/p/wrap.ts': 'export const wrap = (mw) => (socket, next) => mw(socket.handshake, {}, next);\n',
  });
  assert.ok(graph.fakes.some((hit) => hit.file === '/p/wrap.ts' && !hit.echo && hit.kind === 'response'));
});

flow('this.method() between ES5 prototype methods, and new of a constructor function, carry scope', () => {
  const text = `
const WebSocket = require('ws');
const Server = WebSocket.Server;
function Conn(ws, req) { this.ws = ws; ws.on('message', (m) => this.onMessage(m)); }
Conn.prototype.onMessage = function (m) { this.reply(m); };
Conn.prototype.reply = function (m) { getRequestScopedSupervisor({ headers: {} }); };
const wss = new Server({ port: 1 });
wss.on('connection', (ws, req) => { new Conn(ws, req); });
`;
  const graph = project({ '/p/a.js': text });
  assert.ok(scopeNames(graph).includes('a.js:Conn.reply'), scopeNames(graph).join(', '));
  assert.is(graph.factories.length, 1);
});

flow('a fake returned by a helper is reported where it is made and where WebSocket code gets it', () => {
  const graph = project({
    '/p/server.ts': "import { WebSocketServer } from 'ws';\nimport { toRequest } from './req';\nconst wss = new WebSocketServer();\nwss.on('connection', (ws, req) => { ws.on('message', () => getSession(toRequest(req))); });\n",
    '/p/req.ts': 'export function toRequest(req) {\n  return { headers: req.headers, url: req.url };\n}\n',
  });
  const where = graph.fakes.map((hit) => `${hit.file.split('/').pop()}:${hit.loc.line}:${hit.echo?.at ?? 'entry'}`).sort();
  assert.equal(where, ['req.ts:2:origin', 'server.ts:4:entry']);
});

flow('binding cycles and self-returning functions end', () => {
  const text = `
import { Server } from 'socket.io';
const io = new Server();
let a = b; let b = a;
function loop() { return loop(); }
const self = () => self;
io.use(a); io.use(loop()); io.use(self());
`;
  const f = facts('/p/a.ts', text);
  assert.ok(Array.isArray(f.registrations));
});

flow.run();
