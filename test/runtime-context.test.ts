import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { InactiveConnectionError, WebSocketContext, WebSocketContextError, type SupportedSocket } from '../src/runtime/index.js';

/** Socket stand-ins with the state fields each runtime exposes; real sockets are in runtime-sockets.test.ts. */
const wsLike = (readyState = 1): { readyState: number } => ({ readyState });
const ioLike = (connected = true): { connected: boolean } => ({ connected });

const create = suite('WebSocketContext.create');

create('generates connection and run ids and records times', () => {
  const before = Date.now();
  const ctx = WebSocketContext.create({ socket: wsLike(), userId: 'u1', threadId: 't1' });
  assert.match(ctx.connectionId, /^conn_/);
  assert.match(ctx.runId, /^run_/);
  assert.is(ctx.userId, 'u1');
  assert.is(ctx.threadId, 't1');
  assert.ok(ctx.connectedAt.getTime() >= before);
  assert.is(ctx.lastActivity.getTime(), ctx.connectedAt.getTime());
  const other = WebSocketContext.create({ socket: wsLike(), userId: 'u1', threadId: 't1' });
  assert.is.not(other.connectionId, ctx.connectionId);
  assert.is.not(other.isolationKey, ctx.isolationKey);
});

create('keeps ids that are given', () => {
  const ctx = WebSocketContext.create({ socket: wsLike(), userId: 'u', runId: 'r-1', connectionId: 'c-1' });
  assert.is(ctx.runId, 'r-1');
  assert.is(ctx.connectionId, 'c-1');
});

for (const [name, init, field] of [
  ['missing userId', { socket: wsLike() }, 'userId'],
  ['numeric userId', { socket: wsLike(), userId: 42 }, 'userId'],
  ['empty userId', { socket: wsLike(), userId: '' }, 'userId'],
  ['userId with spaces', { socket: wsLike(), userId: 'a b' }, 'userId'],
  ['threadId not a string', { socket: wsLike(), userId: 'u', threadId: {} }, 'threadId'],
  ['runId too long', { socket: wsLike(), userId: 'u', runId: 'x'.repeat(300) }, 'runId'],
  ['connectionId with newline', { socket: wsLike(), userId: 'u', connectionId: 'a\nb' }, 'connectionId'],
  ['missing socket', { userId: 'u' }, 'socket'],
  ['socket without state', { socket: {}, userId: 'u' }, 'socket'],
  ['an HTTP request as socket', { socket: { headers: {}, method: 'GET', url: '/' }, userId: 'u' }, 'socket'],
  ['metadata array', { socket: wsLike(), userId: 'u', metadata: [] }, 'metadata'],
] as const) {
  create(`rejects ${name}, naming \`${field}\``, () => {
    try {
      WebSocketContext.create(init as never);
      assert.unreachable('should have thrown');
    } catch (error) {
      assert.instance(error, WebSocketContextError);
      assert.is((error as WebSocketContextError).field, field);
      assert.match((error as Error).message, `\`${field}\``);
    }
  });
}
create.run();

const state = suite('WebSocketContext state');

state('reads readyState live (ws, WHATWG, Bun, Deno)', () => {
  const socket = wsLike(0);
  const ctx = WebSocketContext.create({ socket, userId: 'u' });
  const seen: string[] = [];
  for (const value of [0, 1, 2, 3]) {
    socket.readyState = value;
    seen.push(ctx.state);
  }
  assert.equal(seen, ['CONNECTING', 'CONNECTED', 'CLOSING', 'DISCONNECTED']);
});

state('reads socket.io `connected` live', () => {
  const socket = ioLike(true);
  const ctx = WebSocketContext.create({ socket, userId: 'u' });
  assert.is(ctx.state, 'CONNECTED');
  assert.ok(ctx.isActive);
  socket.connected = false;
  assert.is(ctx.state, 'DISCONNECTED');
  assert.not.ok(ctx.isActive);
});

state('assertActive refuses work on an inactive connection', () => {
  const socket = wsLike(1);
  const ctx = WebSocketContext.create({ socket, userId: 'u' });
  ctx.assertActive();
  socket.readyState = 2;
  assert.throws(() => ctx.assertActive(), (error: unknown) => error instanceof InactiveConnectionError && error.state === 'CLOSING');
});

state('touch moves lastActivity forward', async () => {
  const ctx = WebSocketContext.create({ socket: wsLike(), userId: 'u' });
  const first = ctx.lastActivity.getTime();
  await new Promise((resolve) => setTimeout(resolve, 5));
  ctx.touch();
  assert.ok(ctx.lastActivity.getTime() > first);
});

state('info() is safe for logs: no socket, no metadata values', () => {
  const ctx = WebSocketContext.create({ socket: wsLike(), userId: 'u', metadata: { token: 'secret-token' } });
  const text = JSON.stringify(ctx.info());
  assert.not.match(text, 'secret-token');
  assert.match(text, '"metadataKeys":["token"]');
  // idleMs may tick between the two reads on a busy machine; everything else must be identical.
  const steady = (json: string): string => json.replace(/"idleMs":\d+/, '"idleMs":0');
  assert.is(steady(JSON.stringify(ctx)), steady(text));
});
state.run();

const isolation = suite('WebSocketContext.isolationKey');

/** Small deterministic PRNG so the property test is repeatable. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return s / 2 ** 32;
  };
}

isolation('no two distinct id tuples share a key (10,000 tuples, ids full of separators)', () => {
  const random = prng(7);
  const alphabet = ['a', 'b', ':', '_', 's', '%', '=', '-', '/', '@', '.', 's_', ':s'];
  const id = (): string => {
    const length = 1 + Math.floor(random() * 4);
    let text = '';
    for (let i = 0; i < length; i++) text += alphabet[Math.floor(random() * alphabet.length)];
    return text.replace(/%/g, '+');
  };
  const maybe = (): string | undefined => (random() < 0.3 ? undefined : id());
  const seen = new Map<string, string>();
  for (let i = 0; i < 10_000; i++) {
    const tuple = { userId: id(), threadId: maybe(), runId: id(), connectionId: id() };
    const ctx = WebSocketContext.create({ socket: wsLike(), ...tuple });
    const described = JSON.stringify([tuple.userId, tuple.threadId ?? null, tuple.runId, tuple.connectionId]);
    const previous = seen.get(ctx.isolationKey);
    if (previous !== undefined) assert.is(previous, described, `key ${ctx.isolationKey} shared by ${previous} and ${described}`);
    seen.set(ctx.isolationKey, described);
  }
  assert.ok(seen.size > 9_000, `expected mostly distinct tuples, got ${seen.size}`);
});

isolation('an absent thread and a thread named like the absent marker differ', () => {
  const a = WebSocketContext.create({ socket: wsLike(), userId: 'u', runId: 'r', connectionId: 'c' });
  const b = WebSocketContext.create({ socket: wsLike(), userId: 'u', threadId: '_', runId: 'r', connectionId: 'c' });
  const c = WebSocketContext.create({ socket: wsLike(), userId: 'u:s_', runId: 'r', connectionId: 'c' });
  const d = WebSocketContext.create({ socket: wsLike(), userId: 'u', threadId: '_', runId: 'r', connectionId: 'c' });
  assert.is.not(a.isolationKey, b.isolationKey);
  assert.is.not(a.isolationKey, c.isolationKey);
  assert.is(b.isolationKey, d.isolationKey);
});
isolation.run();

export type { SupportedSocket };
