import { EventEmitter } from 'node:events';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  ScopeMismatchError,
  WebSocketContext,
  configureSupervisor,
  defineScopedFactory,
  getRequestScopedSupervisor,
  getWebSocketScopedSupervisor,
  supervisorHealth,
  type Supervisor,
} from '../src/runtime/index.js';

/** An EventEmitter with a readyState, shaped like a `ws` socket, so close events can be driven by hand. */
class EmitterSocket extends EventEmitter {
  readyState = 1;
  close(): void {
    this.readyState = 3;
    this.emit('close');
  }
}

const contextFor = (userId: string, socket = new EmitterSocket()): WebSocketContext => WebSocketContext.create({ socket, userId });

const factory = suite('defineScopedFactory');

factory('one instance per key; concurrent callers share one creation', async () => {
  let creations = 0;
  const scoped = defineScopedFactory({
    key: (ctx) => ctx.userId,
    async create() {
      creations++;
      await new Promise((resolve) => setTimeout(resolve, 10));
      return { id: creations };
    },
  });
  const contexts = Array.from({ length: 20 }, (_, i) => contextFor(`user-${i % 4}`));
  const instances = await Promise.all(contexts.map((ctx) => scoped.forWebSocket(ctx)));
  assert.is(creations, 4);
  for (let i = 0; i < contexts.length; i++) assert.is(instances[i], instances[i % 4]);
  assert.is(scoped.health().active, 4);
});

factory('a failing create rejects only its own callers, is not cached, and leaves other keys working', async () => {
  let attempts = 0;
  const scoped = defineScopedFactory({
    key: (ctx) => ctx.userId,
    create(scope) {
      if (scope.kind === 'websocket' && scope.context.userId === 'broken') {
        attempts++;
        throw new Error('database down');
      }
      return { ok: true };
    },
  });
  const results = await Promise.allSettled([
    scoped.forWebSocket(contextFor('broken')),
    scoped.forWebSocket(contextFor('broken')),
    scoped.forWebSocket(contextFor('fine')),
  ]);
  assert.equal(results.map((r) => r.status), ['rejected', 'rejected', 'fulfilled']);
  assert.is(attempts, 1, 'concurrent callers share the failing creation');
  await assert.not.throws(async () => scoped.forWebSocket(contextFor('fine')));
  await scoped.forWebSocket(contextFor('broken')).catch(() => undefined);
  assert.is(attempts, 2, 'the failure was not cached');
  const health = scoped.health();
  assert.is(health.failed, 2);
  assert.is(health.active, 1);
});

factory('disposes when the socket closes, and only when the last connection of a shared key closes', async () => {
  const disposed: string[] = [];
  const scoped = defineScopedFactory({
    key: (ctx) => ctx.userId,
    create: (scope) => (scope.kind === 'websocket' ? scope.context.userId : 'request'),
    dispose: (instance) => {
      disposed.push(instance);
    },
  });
  const first = new EmitterSocket();
  const second = new EmitterSocket();
  await scoped.forWebSocket(contextFor('alice', first));
  await scoped.forWebSocket(contextFor('alice', second));
  first.close();
  await Promise.resolve();
  assert.equal(disposed, []);
  second.close();
  await Promise.resolve();
  assert.equal(disposed, ['alice']);
  assert.equal(scoped.keys(), []);
  assert.is(first.listenerCount('close'), 0);
  assert.is(second.listenerCount('close'), 0);
});

factory('refuses to create for a closed connection', async () => {
  const socket = new EmitterSocket();
  const ctx = contextFor('u', socket);
  socket.readyState = 3;
  const scoped = defineScopedFactory({ create: () => ({}) });
  await scoped.forWebSocket(ctx).then(
    () => assert.unreachable('should reject'),
    (error: Error) => assert.is(error.name, 'InactiveConnectionError'),
  );
});

factory('health reports created, disposed, stale and the oldest idle time', async () => {
  const scoped = defineScopedFactory({ create: () => ({}), staleAfterMs: 60_000 });
  const open = new EmitterSocket();
  const silent = { readyState: 1 };
  await scoped.forWebSocket(contextFor('a', open));
  await scoped.forWebSocket(WebSocketContext.create({ socket: silent, userId: 'b' }));
  silent.readyState = 3;
  await new Promise((resolve) => setTimeout(resolve, 5));
  let health = scoped.health();
  assert.is(health.active, 2);
  assert.is(health.created, 2);
  assert.is(health.stale, 1, 'a socket without close events that has closed is stale');
  assert.ok(health.oldestIdleMs >= 4);
  assert.is(await scoped.sweep(), 1);
  open.close();
  await Promise.resolve();
  health = scoped.health();
  assert.is(health.active, 0);
  assert.is(health.disposed, 2);
});

factory('rejects a request given to forWebSocket and a context given to forRequest', async () => {
  const scoped = defineScopedFactory({ create: () => ({}) });
  const request = { headers: { 'x-user-id': 'u' }, method: 'GET', url: '/ws' };
  await scoped.forWebSocket(request as never).then(
    () => assert.unreachable('should reject'),
    (error: unknown) => {
      assert.instance(error, ScopeMismatchError);
      assert.match((error as Error).message, 'WebSocketContext.create');
    },
  );
  await scoped.forRequest(contextFor('u') as never).then(
    () => assert.unreachable('should reject'),
    (error: unknown) => assert.instance(error, ScopeMismatchError),
  );
});

factory('forRequest: one instance per request object, disposed when the request closes', async () => {
  const disposed: unknown[] = [];
  const scoped = defineScopedFactory({ create: () => ({ at: Date.now() }), dispose: (instance) => void disposed.push(instance) });
  const req = Object.assign(new EventEmitter(), { headers: {}, method: 'GET', url: '/' });
  const a = await scoped.forRequest(req);
  const b = await scoped.forRequest(req);
  assert.is(a, b);
  req.emit('close');
  assert.equal(disposed, [a]);
});
factory.run();

const supervisors = suite('ready-made supervisors');

supervisors('getWebSocketScopedSupervisor builds a WebSocket-scoped supervisor; configureSupervisor changes what one is', async () => {
  const ctx = contextFor('carol');
  const supervisor = await getWebSocketScopedSupervisor<Supervisor>(ctx);
  assert.is(supervisor.scope, 'websocket');
  assert.is(supervisor.userId, 'carol');
  assert.is(await getWebSocketScopedSupervisor<Supervisor>(ctx), supervisor);
  const viaRequest = await getRequestScopedSupervisor<Supervisor>({ headers: {}, url: '/x' });
  assert.is(viaRequest.scope, 'request');
  await configureSupervisor({ create: (scope) => ({ custom: true, kind: scope.kind }) });
  assert.equal(await getWebSocketScopedSupervisor(ctx), { custom: true, kind: 'websocket' });
  assert.is(supervisorHealth().active, 1);
});
supervisors.run();
