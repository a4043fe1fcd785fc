import { WebSocketContext, defineScopedFactory } from '../src/runtime/index.js';

export interface RuntimeBench {
  contextsPerSecond: number;
  lookupsPerSecond: number;
  bytesPerContext: number;
}

const gc = (): void => (globalThis as { gc?: () => void }).gc?.();

/** Contexts created per second, factory look-ups per second, heap bytes per live context. */
export function benchRuntime(): RuntimeBench {
  const socket = { readyState: 1 };
  const createCount = 200_000;
  let started = performance.now();
  for (let i = 0; i < createCount; i++) WebSocketContext.create({ socket, userId: `user-${i % 1000}` });
  const contextsPerSecond = createCount / ((performance.now() - started) / 1000);

  const factory = defineScopedFactory({ create: () => ({}), key: (ctx) => ctx.userId });
  const contexts = Array.from({ length: 100 }, (_, i) => WebSocketContext.create({ socket, userId: `u${i}` }));
  const lookups = 200_000;
  let pending = 0;
  // Look-ups of existing instances resolve without awaiting creation; count the synchronous part.
  for (const ctx of contexts) void factory.forWebSocket(ctx);
  started = performance.now();
  for (let i = 0; i < lookups; i++) {
    void factory.forWebSocket(contexts[i % contexts.length] as WebSocketContext);
    pending++;
  }
  const lookupsPerSecond = pending / ((performance.now() - started) / 1000);

  gc();
  const before = process.memoryUsage().heapUsed;
  const live: WebSocketContext[] = [];
  for (let i = 0; i < 50_000; i++) live.push(WebSocketContext.create({ socket: { readyState: 1 }, userId: `mem-${i}`, threadId: `t-${i}` }));
  gc();
  const bytesPerContext = (process.memoryUsage().heapUsed - before) / live.length;
  return { contextsPerSecond, lookupsPerSecond, bytesPerContext };
}
