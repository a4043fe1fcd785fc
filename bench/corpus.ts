import { mkdirSync, writeFileSync, existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

/** Bump when the templates change, so cached corpora are regenerated. */
const GENERATOR_VERSION = 3;

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

/** Writes (or reuses) a corpus of `files` files under `root`; returns its directory. */
export function ensureCorpus(root: string, files: number): string {
  const dir = path.join(root, `corpus-${files}`);
  const marker = path.join(dir, '.corpus.json');
  if (existsSync(marker) && JSON.parse(readFileSync(marker, 'utf8')).version === GENERATOR_VERSION) return dir;
  rmSync(dir, { recursive: true, force: true });
  const random = prng(files);
  const write = (relative: string, text: string): void => {
    const full = path.join(dir, relative);
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, text);
  };
  write('src/infra/types.ts', 'export interface Database { query<T>(sql: string, args: unknown[]): Promise<T[]> }\nexport interface Metrics { increment(name: string, tags?: Record<string, unknown>): void }\n');
  write('src/infra/supervisor.ts', 'export async function getRequestScopedSupervisor(req: unknown) { return { load: async (id: string) => id, create: async (v: unknown) => v, handle: async (...a: unknown[]) => a, req }; }\n');
  let helpers = 0;
  for (let index = 0; index < files; index++) {
    const pkg = `pkg${Math.floor(index / 500)}`;
    const roll = random();
    const base = `src/${pkg}/m${Math.floor((index % 500) / 50)}`;
    if (roll < 0.02) {
      const helper = `src/${pkg}/lib/fakes${helpers++}.ts`;
      write(helper, fakeHelper());
      write(`${base}/ws-handler${index}.ts`, wsHandler(random, path.relative(base, helper).replace(/\.ts$/, '').replace(/^(?!\.)/, './'), index));
      index++;
    } else if (roll < 0.3) write(`${base}/service${index}.ts`, service(random, `s${index}`, ['./util' + (index - 1), '../m0/util' + (index - 2)]));
    else if (roll < 0.55) write(`${base}/util${index}.ts`, utility(random));
    else if (roll < 0.75) write(`${base}/view${index}.tsx`, component(random, `view${index}`));
    else if (roll < 0.85) write(`${base}/routes${index}.ts`, route(random));
    else write(`${base}/legacy${index}.js`, utility(random).replace(/: [A-Za-z<>[\]|, ]+(?=[,)=])/g, '').replace(/<[^>()]+>(?=\()/g, ''));
  }
  for (let bundle = 0; bundle < Math.max(1, Math.floor(files / 20000)); bundle++) write(`public/vendor/bundle${bundle}.min.js`, minifiedBundle(random, 1_500_000));
  writeFileSync(marker, JSON.stringify({ version: GENERATOR_VERSION, files }));
  return dir;
}
