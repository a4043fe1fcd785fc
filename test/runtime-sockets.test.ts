import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Socket as IoSocket } from 'socket.io';
import type WebSocket from 'ws';
import { WebSocketContext, defineScopedFactory, type ScopedFactory } from '../src/runtime/index.js';
import { closeWs, connectIo, connectWs, eventually, inBatches, request, startIoServer, startWsServer } from './helpers/servers.js';

interface UserSupervisor {
  userId: string;
  messages: { from: string; text: string }[];
}

/** The app under test: a supervisor per user, built slowly (as real ones are) and failing for `faulty`. */
function supervisorFactory(created: string[], disposed: string[]): ScopedFactory<UserSupervisor> {
  return defineScopedFactory<UserSupervisor>({
    key: (ctx) => ctx.userId,
    async create(scope) {
      if (scope.kind !== 'websocket') throw new Error('WebSocket only');
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (scope.context.userId === 'faulty') throw new Error('supervisor for faulty failed to start');
      created.push(scope.context.userId);
      return { userId: scope.context.userId, messages: [] };
    },
    dispose(instance) {
      disposed.push(instance.userId);
    },
  });
}

async function handle(ctx: WebSocketContext, factory: ScopedFactory<UserSupervisor>, raw: unknown): Promise<Record<string, unknown>> {
  try {
    ctx.assertActive();
    ctx.touch();
    const message = JSON.parse(String(raw)) as { from: string; text: string };
    const supervisor = await factory.forWebSocket(ctx);
    supervisor.messages.push(message);
    return { ok: true, owner: supervisor.userId, count: supervisor.messages.length };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}

const wsSuite = suite('runtime with a real ws server');

wsSuite('state goes CONNECTED → DISCONNECTED when the client leaves; the supervisor is disposed; the registry empties', async () => {
  const created: string[] = [];
  const disposed: string[] = [];
  const factory = supervisorFactory(created, disposed);
  const contexts: WebSocketContext[] = [];
  const server = await startWsServer((socket, userId) => {
    const ctx = WebSocketContext.create({ socket, userId });
    contexts.push(ctx);
    socket.on('message', async (raw) => socket.send(JSON.stringify(await handle(ctx, factory, raw))));
  });
  try {
    const client = await connectWs(server.url, 'alice');
    const reply = await request(client, { from: 'alice', text: 'hi' });
    assert.equal(reply, { ok: true, owner: 'alice', count: 1 });
    const [ctx] = contexts;
    assert.is(ctx?.state, 'CONNECTED');
    assert.equal(factory.keys(), ['alice']);
    await closeWs(client);
    await eventually(() => ctx?.state === 'DISCONNECTED', 'server-side state DISCONNECTED');
    await eventually(() => factory.keys().length === 0, 'registry empty');
    assert.equal(disposed, ['alice']);
    assert.throws(() => ctx?.assertActive(), /DISCONNECTED/);
  } finally {
    await server.close();
  }
});

wsSuite('200 clients of 50 users connecting at once create exactly 50 supervisors; per-user state never crosses', async () => {
  const created: string[] = [];
  const disposed: string[] = [];
  const factory = supervisorFactory(created, disposed);
  const server = await startWsServer((socket, userId) => {
    const ctx = WebSocketContext.create({ socket, userId });
    socket.on('message', async (raw) => socket.send(JSON.stringify(await handle(ctx, factory, raw))));
  });
  try {
    const users = Array.from({ length: 200 }, (_, i) => `user-${i % 50}`);
    const clients = await Promise.all(users.map((user) => connectWs(server.url, user)));
    const replies = await Promise.all(clients.map((client, i) => request(client, { from: users[i], text: `message ${i}` })));
    assert.is(created.length, 50);
    assert.is(new Set(created).size, 50);
    replies.forEach((reply, i) => {
      assert.is(reply.ok, true);
      assert.is(reply.owner, users[i], 'a reply came from another user\'s supervisor');
    });
    await Promise.all(clients.map(closeWs));
    await eventually(() => factory.keys().length === 0, 'all supervisors disposed');
    assert.is(disposed.length, 50);
    assert.is(factory.health().active, 0);
  } finally {
    await server.close();
  }
});

wsSuite("one user's failing supervisor never affects another user's messages", async () => {
  const created: string[] = [];
  const factory = supervisorFactory(created, []);
  const seen = new Map<string, string[]>();
  const server = await startWsServer((socket, userId) => {
    const ctx = WebSocketContext.create({ socket, userId });
    socket.on('message', async (raw) => {
      const reply = await handle(ctx, factory, raw);
      if (reply.ok) {
        const supervisor = await factory.forWebSocket(ctx);
        seen.set(userId, supervisor.messages.map((m) => m.from));
      }
      socket.send(JSON.stringify(reply));
    });
  });
  try {
    const faulty = await connectWs(server.url, 'faulty');
    const healthy = await Promise.all(['bob', 'carol', 'dave'].map((user) => connectWs(server.url, user)));
    for (let round = 0; round < 5; round++) {
      const [bad, ...good] = await Promise.all([
        request(faulty, { from: 'faulty', text: `round ${round}` }),
        ...healthy.map((client, i) => request(client, { from: ['bob', 'carol', 'dave'][i], text: `round ${round}` })),
      ]);
      assert.is(bad?.ok, false);
      assert.match(String(bad?.error), 'failed to start');
      for (const reply of good) assert.is(reply.ok, true);
    }
    for (const user of ['bob', 'carol', 'dave']) assert.equal(seen.get(user), Array(5).fill(user));
    assert.is(factory.health().failed, 5, 'each failed attempt was retried, never cached');
    await Promise.all([faulty, ...healthy].map(closeWs));
  } finally {
    await server.close();
  }
});

wsSuite('2,000 connect/disconnect cycles leave nothing in the registry, and contexts are collected', async () => {
  const gc = (globalThis as { gc?: () => void }).gc;
  assert.ok(gc, 'run the tests with node --expose-gc (npm test does)');
  const created: string[] = [];
  const disposed: string[] = [];
  const factory = supervisorFactory(created, disposed);
  const refs: WeakRef<WebSocketContext>[] = [];
  const server = await startWsServer((socket, userId) => {
    const ctx = WebSocketContext.create({ socket, userId });
    refs.push(new WeakRef(ctx));
    socket.on('message', async (raw) => socket.send(JSON.stringify(await handle(ctx, factory, raw))));
  });
  const cycle = async (i: number): Promise<void> => {
    const user = `cycler-${i}`;
    const client: WebSocket = await connectWs(server.url, user);
    const reply = await request(client, { from: user, text: 'ping' });
    assert.is(reply.ok, true);
    await closeWs(client);
  };
  try {
    await inBatches(Array.from({ length: 200 }, (_, i) => i), 50, cycle);
    await eventually(() => factory.keys().length === 0, 'warm-up disposed');
    gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    await inBatches(Array.from({ length: 2_000 }, (_, i) => 200 + i), 50, cycle);
    await eventually(() => factory.keys().length === 0, 'registry empty after 2,000 cycles', 500);
    await new Promise((resolve) => setTimeout(resolve, 50));
    gc?.();
    await new Promise((resolve) => setTimeout(resolve, 10));
    gc?.();
    const heapGrowth = process.memoryUsage().heapUsed - heapBefore;
    const alive = refs.filter((ref) => ref.deref() !== undefined).length;
    assert.is(created.length, 2_200);
    assert.is(disposed.length, 2_200);
    assert.is(factory.health().active, 0);
    assert.ok(alive <= 60, `${alive} of ${refs.length} contexts still reachable after gc`);
    assert.ok(heapGrowth < 8 * 1024 * 1024, `heap grew by ${(heapGrowth / 1024 / 1024).toFixed(1)} MiB over 2,000 cycles`);
  } finally {
    await server.close();
  }
});
wsSuite.run();

const ioSuite = suite('runtime with a real socket.io server');

ioSuite('socket.io: 50 clients of 10 users share 10 supervisors; disconnect disposes them; state is live', async () => {
  const created: string[] = [];
  const disposed: string[] = [];
  const factory = supervisorFactory(created, disposed);
  const contexts: WebSocketContext[] = [];
  const server = await startIoServer((socket: IoSocket, userId) => {
    const ctx = WebSocketContext.create({ socket, userId });
    contexts.push(ctx);
    socket.on('chat', async (payload: unknown, ack: (reply: unknown) => void) => ack(await handle(ctx, factory, JSON.stringify(payload))));
  });
  try {
    const users = Array.from({ length: 50 }, (_, i) => (i % 10 === 9 ? 'faulty' : `io-user-${i % 10}`));
    const clients = await Promise.all(users.map((user) => connectIo(server.url, user)));
    const replies = (await Promise.all(
      clients.map((client, i) => client.timeout(5_000).emitWithAck('chat', { from: users[i], text: 'hello' })),
    )) as Record<string, unknown>[];
    replies.forEach((reply, i) => {
      if (users[i] === 'faulty') assert.is(reply.ok, false);
      else assert.is(reply.owner, users[i]);
    });
    assert.is(created.length, 9);
    assert.ok(contexts.every((ctx) => ctx.state === 'CONNECTED'));
    for (const client of clients) client.disconnect();
    await eventually(() => contexts.every((ctx) => ctx.state === 'DISCONNECTED'), 'socket.io contexts DISCONNECTED');
    await eventually(() => factory.keys().length === 0, 'socket.io registry empty');
    assert.is(disposed.length, 9);
  } finally {
    await server.close();
  }
});
ioSuite.run();
