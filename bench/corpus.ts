// The generated corpus of `npm run bench`: ordinary TS/TSX/JS in the shape bench/calibration.json
// measured on a real corpus (bench/corpora.md): the share of files that discovery drops as tests,
// and of the scanned files the share that passes the prefilter, is generated code, minified or too
// large, each with its measured size distribution (so the large central files that pass the
// prefilter on real code are here too). Deterministic: the same files on every machine and run.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync, existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { KINDS, PERCENTILES, type CorpusShape, type Kind } from './shape.js';

export const CALIBRATION = path.join(path.dirname(fileURLToPath(import.meta.url)), 'calibration.json');

/** Mulberry32: the corpus is the same on every machine and every run. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Random = () => number;
const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
const WORDS = ['order', 'invoice', 'customer', 'payment', 'shipment', 'catalog', 'review', 'session', 'report', 'ledger', 'profile', 'inventory', 'coupon', 'audit', 'tenant'];
const cap = (word: string): string => word.charAt(0).toUpperCase() + word.slice(1);

function service(random: Random, name: string, peers: string[]): string {
  const entity = cap(pick(random, WORDS));
  const methods = Array.from({ length: 3 + Math.floor(random() * 6) }, (_, i) => {
    const verb = pick(random, ['load', 'save', 'update', 'remove', 'list', 'sync', 'validate']);
    return `  async ${verb}${entity}${i}(id: string, options: Options = {}): Promise<${entity} | undefined> {
    const cached = this.cache.get(id);
    if (cached && !options.fresh) return cached;
    const rows = await this.db.query<${entity}>('select * from ${entity.toLowerCase()} where id = $1', [id]);
    const value = rows.map((row) => ({ ...row, updatedAt: new Date(row.updatedAt) }))[0];
    if (value) this.cache.set(id, value);
    this.metrics.increment('${name}.${verb}', { hit: Boolean(cached) });
    return value;
  }`;
  });
  const imports = peers.slice(0, 3).map((peer, i) => `import { helper${i} } from '${peer}';`).join('\n');
  return `${imports}
import type { Database, Metrics } from '../infra/types';

export interface ${entity} {
  id: string;
  name: string;
  updatedAt: Date;
  tags: string[];
}

interface Options {
  fresh?: boolean;
}

export class ${cap(name)}Service {
  private readonly cache = new Map<string, ${entity}>();
  constructor(private readonly db: Database, private readonly metrics: Metrics) {}

${methods.join('\n\n')}
}

export function format${entity}(value: ${entity}): string {
  return [value.id, value.name, value.tags.join(',')].join(' | ');
}
`;
}

function utility(random: Random): string {
  const fns = Array.from({ length: 4 + Math.floor(random() * 8) }, (_, i) => {
    const kind = pick(random, ['sum', 'group', 'chunk', 'debounce', 'retry']);
    if (kind === 'sum') return `export const sum${i} = (values: number[]): number => values.reduce((total, value) => total + value, 0);`;
    if (kind === 'group') return `export function group${i}<T, K extends string>(items: T[], key: (item: T) => K): Record<K, T[]> {\n  const out = {} as Record<K, T[]>;\n  for (const item of items) (out[key(item)] ??= []).push(item);\n  return out;\n}`;
    if (kind === 'chunk') return `export function chunk${i}<T>(items: T[], size: number): T[][] {\n  const out: T[][] = [];\n  for (let index = 0; index < items.length; index += size) out.push(items.slice(index, index + size));\n  return out;\n}`;
    if (kind === 'debounce') return `export function debounce${i}<A extends unknown[]>(fn: (...args: A) => void, ms: number) {\n  let timer: ReturnType<typeof setTimeout> | undefined;\n  return (...args: A) => {\n    clearTimeout(timer);\n    timer = setTimeout(() => fn(...args), ms);\n  };\n}`;
    return `export async function retry${i}<T>(task: () => Promise<T>, attempts = 3): Promise<T> {\n  let last: unknown;\n  for (let attempt = 0; attempt < attempts; attempt++) {\n    try {\n      return await task();\n    } catch (error) {\n      last = error;\n    }\n  }\n  throw last;\n}`;
  });
  return `${fns.join('\n\n')}\n`;
}

function component(random: Random, name: string): string {
  const entity = cap(pick(random, WORDS));
  return `import { useEffect, useState } from 'react';

interface Props {
  id: string;
  onSelect?: (id: string) => void;
}

export function ${cap(name)}(props: Props) {
  const [items, setItems] = useState<{ id: string; label: string }[]>([]);
  useEffect(() => {
    let cancelled = false;
    fetch('/api/${entity.toLowerCase()}s?owner=' + props.id)
      .then((response) => response.json())
      .then((data) => !cancelled && setItems(data));
    return () => {
      cancelled = true;
    };
  }, [props.id]);
  return (
    <ul className="${name}">
      {items.map((item) => (
        <li key={item.id} onClick={() => props.onSelect?.(item.id)}>
          {item.label}
        </li>
      ))}
    </ul>
  );
}
`;
}

function route(random: Random): string {
  const entity = pick(random, WORDS);
  return `import express, { type Request, type Response } from 'express';
import { getRequestScopedSupervisor } from '../infra/supervisor';

export const router = express.Router();

router.get('/${entity}s/:id', async (req: Request, res: Response) => {
  const supervisor = await getRequestScopedSupervisor(req);
  const value = await supervisor.load(req.params.id);
  if (!value) return res.status(404).json({ error: 'not found' });
  res.json(value);
});

router.post('/${entity}s', async (req: Request, res: Response) => {
  const supervisor = await getRequestScopedSupervisor(req);
  res.status(201).json(await supervisor.create(req.body));
});
`;
}

function fakeHelper(): string {
  return `import type { IncomingMessage } from 'node:http';

export function requestForUser(userId: string): IncomingMessage {
  return { headers: { 'x-user-id': userId }, url: '/ws' } as unknown as IncomingMessage;
}

export function upstream(path: string): Request {
  return new Request('https://api.internal' + path);
}
`;
}

function wsHandler(random: Random, helper: string, index: number): string {
  const flavour = index % 3;
  if (flavour === 0) {
    return `import { WebSocketServer } from 'ws';
import { getRequestScopedSupervisor } from '../infra/supervisor';
import { requestForUser, upstream } from '${helper}';

const wss = new WebSocketServer({ port: ${8000 + index} });
wss.on('connection', (ws, req) => {
  ws.on('message', async (raw) => {
    const msg = JSON.parse(String(raw));
    const fake = { headers: { 'x-user-id': msg.userId } } as unknown as Request;
    const supervisor = await getRequestScopedSupervisor(requestForUser(msg.userId));
    await fetch(upstream('/events'));
    ws.send(JSON.stringify(await supervisor.handle(msg, fake, req.headers)));
  });
});
`;
  }
  if (flavour === 1) {
    return `import { Server } from 'socket.io';
import { getToken } from 'next-auth/jwt';
import type { NextApiRequest } from 'next';

export function attach(io: Server) {
  io.on('connection', (socket) => {
    socket.on('${pick(random, WORDS)}', async (payload: unknown) => {
      const token = await getToken({ req: { headers: socket.handshake.headers } as unknown as NextApiRequest, secret: 's' });
      const real = socket.request;
      socket.emit('done', { token, payload, url: real.url });
    });
  });
}
`;
  }
  return `import { WebSocketServer } from 'ws';
import { WebSocketContext, getWebSocketScopedSupervisor } from 'ws-mock-audit/runtime';

const wss = new WebSocketServer({ port: ${9000 + index} });
wss.on('connection', (ws, req) => {
  const context = WebSocketContext.create({ socket: ws, userId: String(req.headers['x-user-id']) });
  ws.on('message', async (raw) => (await getWebSocketScopedSupervisor(context)).handle(JSON.parse(String(raw))));
});
`;
}

function minifiedBundle(random: Random, bytes: number): string {
  const parts: string[] = ['!function(e){"use strict";var WebSocket=e.WebSocket;'];
  let size = parts[0]?.length ?? 0;
  let i = 0;
  while (size < bytes) {
    const chunk = `function a${i}(t,n){return t&&n?t.map(function(r){return r+n*${Math.floor(random() * 100)}}):[]}var b${i}={k:"${pick(random, WORDS)}",v:a${i}([1,2,3],${i})};`;
    parts.push(chunk);
    size += chunk.length;
    i++;
  }
  parts.push('}(window);');
  return parts.join('');
}


/** A central server or adapter file with WebSocket handling and no fake (most passing files on real code). */
function centralServer(random: Random, index: number): string {
  const flavour = index % 3;
  if (flavour === 0) {
    return `import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';

const wss = new WebSocketServer({ noServer: true });
export const server = createServer((req, res) => res.end('${pick(random, WORDS)}'));
server.on('upgrade', (req, socket, head) => {
  wss.handleUpgrade(req, socket, head, (client) => wss.emit('connection', client, req));
});
`;
  }
  if (flavour === 1) {
    return `import { Server } from 'socket.io';

export function mount(io: Server, audit: (event: string, id: string) => void) {
  io.use((socket, next) => (socket.handshake.auth.token ? next() : next(new Error('unauthorised'))));
  io.on('connection', (socket) => {
    audit('connected', socket.id);
    socket.on('disconnect', () => audit('disconnected', socket.id));
  });
}
`;
  }
  return `export const websocket = {
  open(ws: { data: { room: string }; subscribe(topic: string): void }) {
    ws.subscribe(ws.data.room);
  },
  message(ws: { send(data: string): void }, message: string) {
    ws.send(message.toUpperCase());
  },
};
`;
}

/** The smallest passing files: one registration and little else. */
const tinyPassing = (index: number): string => `import { WebSocketServer } from 'ws';\n\nexport const wss${index} = new WebSocketServer({ noServer: true });\n`;

/** Ordinary code for padding a file to its size: no word the prefilter looks for. */
function block(random: Random, kind: 'ts' | 'js' | 'tsx', serial: number): string {
  const entity = cap(pick(random, WORDS));
  if (kind === 'tsx') {
    return `
export function ${entity}Row${serial}({ value, onPick }: { value: ${entity}Like; onPick?: (id: string) => void }) {
  const label = value.name.length > 40 ? value.name.slice(0, 37) + '...' : value.name;
  return (
    <tr onClick={() => onPick?.(value.id)}>
      <td>{value.id}</td>
      <td title={value.name}>{label}</td>
    </tr>
  );
}
`;
  }
  const roll = random();
  const typed = kind === 'ts';
  if (roll < 0.4) {
    return `
router.${pick(random, ['get', 'post', 'put', 'delete'])}(
  '/${entity.toLowerCase()}s/:id/${pick(random, WORDS)}${serial}',
  async (req${typed ? ': Request' : ''}, res${typed ? ': Response' : ''}) => {
    const value = await store.load${entity}(req.params.id);
    if (!value) return res.status(404).json({ error: '${entity.toLowerCase()} not found', id: req.params.id });
    const page = Number(req.query.page ?? 0);
    res.json({ ...value, page, items: value.items.slice(page * 50, page * 50 + 50) });
  },
);
`;
  }
  if (roll < 0.75) {
    return `
export async function sync${entity}${serial}(ids${typed ? ': string[]' : ''}, options${typed ? ': { dryRun?: boolean }' : ''} = {})${typed ? ': Promise<number>' : ''} {
  let changed = 0;
  for (const id of ids) {
    const current = await store.load${entity}(id);
    if (!current || current.version === undefined) continue;
    if (!options.dryRun) await store.save${entity}({ ...current, version: current.version + 1 });
    changed++;
  }
  return changed;
}
`;
  }
  return `
export const ${entity.toLowerCase()}Rules${serial} = [
  { field: 'name', required: true, max: ${10 + Math.floor(random() * 200)}, message: 'name is required' },
  { field: 'owner', required: ${random() < 0.5}, pattern: /^[a-z0-9-]+$/, message: 'owner is a slug' },
  { field: 'tags', max: ${Math.floor(random() * 20)} },
];
`;
}

function padTo(random: Random, text: string, bytes: number, kind: 'ts' | 'js' | 'tsx', tail = ''): string {
  const parts = [text];
  let size = text.length + tail.length;
  for (let serial = 0; size < bytes; serial++) {
    const next = block(random, kind, serial);
    // Stop at whichever side of the target is nearer, so sizes do not drift up by half a block.
    if (size + next.length - bytes > bytes - size) break;
    parts.push(next);
    size += next.length;
  }
  parts.push(tail);
  return parts.join('');
}

/** Barrels and constants: the many small files of real repositories. */
function smallModule(random: Random, bytes: number): string {
  const lines: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const line = random() < 0.5 ? `export * from './${pick(random, WORDS)}${i}';\n` : `export const ${pick(random, WORDS).toUpperCase()}_${i} = '${pick(random, WORDS)}';\n`;
    lines.push(line);
    size += line.length;
  }
  return lines.join('');
}

/**
 * Emscripten-style glue, as generated code that passes the prefilter looks on real code: one `var`
 * bound to a function that spans the file, `if`s that name it, and the socket emulation layer.
 */
function emscriptenGlue(random: Random, bytes: number): string {
  const head = `// Generated by Emscripten 3.1.61
var Module = (function (moduleArg = {}) {
  var Module = moduleArg;
  var ENVIRONMENT_IS_NODE = typeof process == 'object';
  var HEAP32 = new Int32Array(65536);
`;
  const sockets = `
  var SOCKFS = {
    createPeer: function (sock, addr, port) {
      var ws = new WebSocket('ws://' + addr + ':' + port, ['binary']);
      ws.binaryType = 'arraybuffer';
      return { addr: addr, port: port, socket: ws, queue: [] };
    },
    listen: function (sock) {
      var WebSocketServer = require('ws').Server;
      sock.server = new WebSocketServer({ host: sock.saddr, port: sock.sport });
      sock.server.on('connection', function (ws) {
        if (Module['websocket']) Module['websocket'].emit('connection', sock.stream.fd);
      });
    },
  };
  return Module;
});
export default Module;
`;
  const parts = [head];
  let size = head.length + sockets.length;
  for (let i = 0; size < bytes; i++) {
    const fn = `  function _f${i}(a, b) {
    if (Module['print${i % 7}']) Module['print${i % 7}'](a);
    if (ENVIRONMENT_IS_NODE) b = b | 0;
    return HEAP32[(a + ${Math.floor(random() * 4096)}) >> 2] + b;
  }
`;
    parts.push(fn);
    size += fn.length;
  }
  parts.push(sockets);
  return parts.join('');
}

/** Code generators' type files (CMS types, API clients): many interfaces under a "do not edit" header. */
function generatedTypes(random: Random, bytes: number): string {
  const parts = ['/* tslint:disable */\n/**\n * This file was automatically generated by the schema compiler.\n * DO NOT MODIFY IT BY HAND.\n */\n'];
  let size = parts[0]?.length ?? 0;
  for (let i = 0; size < bytes; i++) {
    const entity = cap(pick(random, WORDS));
    const next = `export interface ${entity}${i} {\n  id: string;\n  name?: string | null;\n  updatedAt: string;\n  createdAt: string;\n  owner: string | ${entity}${Math.max(0, i - 1)};\n}\n`;
    parts.push(next);
    size += next.length;
  }
  return parts.join('');
}

/** Over the scanner's size limit (vendored releases, data tables): long lines of data. */
function dataTable(random: Random, bytes: number): string {
  const parts = ['export const table = [\n'];
  let size = 0;
  while (size < bytes) {
    const row = `  [${Array.from({ length: 400 }, () => Math.floor(random() * 100_000)).join(',')}],\n`;
    parts.push(row);
    size += row.length;
  }
  parts.push('];\n');
  return parts.join('');
}

/** The measured size distribution of one kind, sampled by inverse CDF (log-linear between percentiles). */
function sizeSampler(bytesAt: number[]): (u: number) => number {
  return (u) => {
    const p = u * 100;
    let segment = 0;
    while (segment < PERCENTILES.length - 2 && p > (PERCENTILES[segment + 1] as number)) segment++;
    const [p0, p1] = [PERCENTILES[segment] as number, PERCENTILES[segment + 1] as number];
    const [b0, b1] = [Math.max(1, bytesAt[segment] ?? 1), Math.max(1, bytesAt[segment + 1] ?? 1)];
    const t = p1 === p0 ? 0 : (p - p0) / (p1 - p0);
    return Math.round(Math.exp(Math.log(b0) + t * (Math.log(b1) - Math.log(b0))));
  };
}

/** Whole counts per kind that add up to `total` and keep the measured shares (largest remainder). */
function apportion(total: number, weights: Record<Kind, number>): Record<Kind, number> {
  const sum = KINDS.reduce((acc, kind) => acc + weights[kind], 0);
  const exact = KINDS.map((kind) => ({ kind, value: (total * weights[kind]) / Math.max(1, sum) }));
  const counts = Object.fromEntries(exact.map(({ kind, value }) => [kind, Math.floor(value)])) as Record<Kind, number>;
  let left = total - KINDS.reduce((acc, kind) => acc + counts[kind], 0);
  for (const { kind } of [...exact].sort((a, b) => (b.value % 1) - (a.value % 1))) {
    if (left-- <= 0) break;
    counts[kind]++;
  }
  return counts;
}

function shuffle<T>(random: Random, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

export function loadCalibration(): CorpusShape {
  if (!existsSync(CALIBRATION)) throw new Error(`${CALIBRATION} is missing: npm run bench -- --corpus DIR --calibrate writes it`);
  return JSON.parse(readFileSync(CALIBRATION, 'utf8')) as CorpusShape;
}

/**
 * Writes (or reuses) a corpus of `files` source files under `root` in the calibrated shape; returns
 * its directory. About a third are test files that discovery drops (as on real code); of the rest,
 * the kinds come in the measured shares, each file's size drawn from its kind's measured
 * distribution (stratified, so small corpora get the tail too).
 */
export function ensureCorpus(root: string, files: number): string {
  const calibration = readFileSync(CALIBRATION, 'utf8');
  const shape = JSON.parse(calibration) as CorpusShape;
  // A corpus on disk is reused only if this generator and the calibration are unchanged since it was written.
  const stamp = createHash('sha256').update(readFileSync(fileURLToPath(import.meta.url))).update(calibration).digest('hex').slice(0, 16);
  const dir = path.join(root, `corpus-${files}`);
  const marker = path.join(dir, '.corpus.json');
  if (existsSync(marker) && JSON.parse(readFileSync(marker, 'utf8')).version === stamp) return dir;
  rmSync(dir, { recursive: true, force: true });
  const random = prng(files);
  const write = (relative: string, text: string): void => {
    const full = path.join(dir, relative);
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, text);
  };
  write('src/infra/types.ts', 'export interface Database { query<T>(sql: string, args: unknown[]): Promise<T[]> }\nexport interface Metrics { increment(name: string, tags?: Record<string, unknown>): void }\n');
  write('src/infra/supervisor.ts', 'export async function getRequestScopedSupervisor(req: unknown) { return { load: async (id: string) => id, create: async (v: unknown) => v, handle: async (...a: unknown[]) => a, req }; }\n');

  const tests = Math.round(files * (1 - shape.scanned / shape.sourceFiles));
  const counts = apportion(files - 2 - tests, Object.fromEntries(KINDS.map((kind) => [kind, shape.kinds[kind].count])) as Record<Kind, number>);
  const plan: { kind: Kind | 'test'; bytes: number }[] = [];
  const stratified = (kind: Kind | 'test', count: number, bytesAt: number[]): void => {
    const sample = sizeSampler(bytesAt);
    for (let i = 0; i < count; i++) plan.push({ kind, bytes: sample((i + random()) / count) });
  };
  stratified('test', tests, shape.kinds.failing.bytes);
  for (const kind of KINDS) stratified(kind, counts[kind], shape.kinds[kind].bytes);
  shuffle(random, plan);

  const ordinary = Object.entries(shape.extensions).sort(([a], [b]) => a.localeCompare(b));
  const ordinaryTotal = ordinary.reduce((total, [, count]) => total + count, 0);
  const extension = (): string => {
    let roll = random() * ordinaryTotal;
    for (const [name, count] of ordinary) if ((roll -= count) < 0) return name;
    return '.ts';
  };
  // As many files with a fake as the calibration scan found (at least 3, for the pre-commit and
  // edit rows); the other passing files handle WebSocket connections honestly.
  const scanned = files - 2 - tests;
  let fakes = Math.max(3, Math.round((scanned * (shape.scan?.filesWithFindings ?? 0)) / shape.scanned));
  let helpers = 0;
  let passing = 0;
  // A handler's helper module passes the prefilter too: it takes the place (and size) of the next passing file.
  const helpersDue: string[] = [];
  for (const [index, { kind, bytes }] of plan.entries()) {
    const pkg = `pkg${Math.floor(index / 500)}`;
    const base = `src/${pkg}/m${Math.floor((index % 500) / 50)}`;
    const helperDue = kind === 'passing' ? helpersDue.shift() : undefined;
    if (helperDue) write(helperDue, padTo(random, fakeHelper(), bytes, 'ts'));
    else if (kind === 'passing') {
      // Fakes come first: in a fake through a helper module of its own and in a fake passed to a
      // library; then one in four files uses the honest runtime, three are central files.
      const flavour = fakes > 0 && bytes >= 200 ? (fakes-- % 2) : 2 + (passing++ % 4);
      if (bytes < 200) write(`${base}/socket${index}.ts`, tinyPassing(index));
      else if (flavour === 0) {
        const helper = `src/${pkg}/lib/fakes${helpers++}.ts`;
        helpersDue.push(helper);
        write(`${base}/ws-handler${index}.ts`, padTo(random, wsHandler(random, path.relative(base, helper).replace(/\.ts$/, '').replace(/^(?!\.)/, './'), 0), bytes, 'ts'));
      } else if (flavour < 3) write(`${base}/ws-handler${index}.ts`, padTo(random, wsHandler(random, '', flavour), bytes, 'ts'));
      else write(`${base}/server${index}.ts`, padTo(random, centralServer(random, flavour), bytes, 'ts'));
    } else if (kind === 'failing' || kind === 'test') {
      const ext = extension();
      const name = kind === 'test' ? `${base}/__tests__/case${index}.test.ts` : `${base}/${pick(random, WORDS)}${index}${ext}`;
      const flavour = kind === 'test' ? '.ts' : ext;
      // A file smaller than its template is made of padding blocks alone.
      const fit = (start: string): string => (start.length <= bytes ? start : '');
      if (bytes < 400) write(name, smallModule(random, bytes));
      else if (flavour === '.tsx') write(name, padTo(random, fit(component(random, `view${index}`)), bytes, 'tsx'));
      else if (/^\.[mc]?ts$/.test(flavour)) {
        const roll = random();
        const start = roll < 0.4 ? service(random, `s${index}`, [`./util${index - 1}`, `../m0/util${index - 2}`]) : roll < 0.7 ? utility(random) : route(random);
        write(name, padTo(random, fit(start), bytes, 'ts'));
      } else write(name, padTo(random, fit(utility(random).replace(/: [A-Za-z<>[\]|, ]+(?=[,)=])/g, '').replace(/<[^>()]+>(?=\()/g, '')), bytes, 'js'));
    } else if (kind === 'generated-passing') write(`${base}/wasm/glue${index}.mjs`, emscriptenGlue(random, bytes));
    else if (kind === 'generated-failing') write(`${base}/generated/types${index}.ts`, generatedTypes(random, bytes));
    else if (kind === 'minified') write(bytes < 20_000 || index % 2 === 0 ? `public/vendor/lib${index}.min.js` : `public/vendor/lib${index}.js`, minifiedBundle(random, bytes));
    else write(`vendor/releases/table${index}.cjs`, dataTable(random, bytes));
  }
  for (const helper of helpersDue) write(helper, fakeHelper());
  writeFileSync(marker, JSON.stringify({ version: stamp, files }));
  return dir;
}
