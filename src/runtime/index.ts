/**
 * ws-mock-audit/runtime: an honest WebSocket context and scoped factories, the target of the
 * codemod. Zero dependencies; shares no code with the scanner.
 */

export type ConnectionState = 'CONNECTING' | 'CONNECTED' | 'CLOSING' | 'DISCONNECTED';

/** Any socket whose state can be read: `ws`, WHATWG/Deno/Bun/Cloudflare (`readyState`) or socket.io (`connected`). */
export type SupportedSocket = { readonly readyState: number } | { readonly connected: boolean };

export interface WebSocketContextInit {
  socket: SupportedSocket;
  userId: string;
  threadId?: string;
  runId?: string;
  connectionId?: string;
  metadata?: Readonly<Record<string, unknown>>;
}

export interface WebSocketContextInfo {
  connectionId: string;
  userId: string;
  threadId: string | undefined;
  runId: string;
  state: ConnectionState;
  connectedAt: string;
  lastActivity: string;
  idleMs: number;
  metadataKeys: string[];
}

/** Invalid input to `WebSocketContext.create`; `field` names what was wrong. */
export class WebSocketContextError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'WebSocketContextError';
  }
}

/** Work was attempted on a connection that is no longer open. */
export class InactiveConnectionError extends Error {
  constructor(
    readonly state: ConnectionState,
    readonly connectionId: string,
  ) {
    super(`WebSocket connection ${connectionId} is ${state}; refusing to process work for it.`);
    this.name = 'InactiveConnectionError';
  }
}

/** A scoped factory was handed the wrong kind of scope (a request for a WebSocket, or the reverse). */
export class ScopeMismatchError extends TypeError {
  constructor(message: string) {
    super(message);
    this.name = 'ScopeMismatchError';
  }
}

/** `USE_WEBSOCKET_SUPERVISOR_V3` holds a value that is not a boolean or a percentage. */
export class FlagConfigurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FlagConfigurationError';
  }
}

// A registry-wide brand survives the ESM and CommonJS copies of this module being loaded together.
const CONTEXT_BRAND: unique symbol = Symbol.for('ws-mock-audit.WebSocketContext');
const READY_STATES: readonly ConnectionState[] = ['CONNECTING', 'CONNECTED', 'CLOSING', 'DISCONNECTED'];
const ID_PATTERN = /^[\w.:@/+=-]{1,256}$/;

let fallbackCounter = 0;
function generateId(prefix: string): string {
  const crypto = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  if (crypto?.randomUUID) return `${prefix}_${crypto.randomUUID()}`;
  fallbackCounter += 1;
  return `${prefix}_${Date.now().toString(36)}_${fallbackCounter.toString(36)}_${Math.random().toString(36).slice(2)}`;
}

function checkId(field: string, value: unknown, required: boolean): string | undefined {
  if (value === undefined || value === null) {
    if (required) throw new WebSocketContextError(field, `WebSocketContext.create: \`${field}\` is required.`);
    return undefined;
  }
  if (typeof value !== 'string') {
    throw new WebSocketContextError(field, `WebSocketContext.create: \`${field}\` must be a string, got ${typeof value}.`);
  }
  if (!ID_PATTERN.test(value)) {
    throw new WebSocketContextError(
      field,
      `WebSocketContext.create: \`${field}\` must be 1-256 characters of letters, digits and . _ : @ / + = -, got ${JSON.stringify(value.slice(0, 40))}.`,
    );
  }
  return value;
}

function isSocket(value: unknown): value is SupportedSocket {
  if (!value || typeof value !== 'object') return false;
  const candidate = value as { readyState?: unknown; connected?: unknown };
  return typeof candidate.readyState === 'number' || typeof candidate.connected === 'boolean';
}

function encodeSegment(value: string | undefined): string {
  return value === undefined ? '_' : `s${encodeURIComponent(value)}`;
}

/** The honest description of one WebSocket connection, in place of a fake HTTP request. */
export class WebSocketContext {
  readonly [CONTEXT_BRAND] = true as const;
  readonly socket: SupportedSocket;
  readonly userId: string;
  readonly threadId: string | undefined;
  readonly runId: string;
  readonly connectionId: string;
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly connectedAt: Date;
  readonly isolationKey: string;
  #lastActivity: number;

  private constructor(init: Required<Pick<WebSocketContextInit, 'socket' | 'userId' | 'runId' | 'connectionId'>> & WebSocketContextInit) {
    this.socket = init.socket;
    this.userId = init.userId;
    this.threadId = init.threadId;
    this.runId = init.runId;
    this.connectionId = init.connectionId;
    this.metadata = Object.freeze({ ...(init.metadata ?? {}) });
    this.connectedAt = new Date();
    this.#lastActivity = this.connectedAt.getTime();
    // Each segment is percent-encoded, so the `:` separator can never come from an id: the key is injective.
    this.isolationKey = ['ws', this.userId, this.threadId, this.runId, this.connectionId].map((v, i) => (i === 0 ? v : encodeSegment(v))).join(':');
    Object.freeze(this);
  }

  /** Validates the input (errors name the field), generates missing ids and records the connection time. */
  static create(init: WebSocketContextInit): WebSocketContext {
    if (!init || typeof init !== 'object') throw new WebSocketContextError('init', 'WebSocketContext.create: expected an options object.');
    if (isRequestLike(init.socket)) {
      throw new WebSocketContextError('socket', 'WebSocketContext.create: `socket` is an HTTP request; pass the WebSocket (or socket.io socket) itself.');
    }
    if (!isSocket(init.socket)) {
      throw new WebSocketContextError(
        'socket',
        'WebSocketContext.create: `socket` must be a WebSocket (with `readyState`) or a socket.io socket (with `connected`).',
      );
    }
    const userId = checkId('userId', init.userId, true) as string;
    const threadId = checkId('threadId', init.threadId, false);
    const runId = checkId('runId', init.runId, false) ?? generateId('run');
    const connectionId = checkId('connectionId', init.connectionId, false) ?? generateId('conn');
    if (init.metadata !== undefined && (typeof init.metadata !== 'object' || init.metadata === null || Array.isArray(init.metadata))) {
      throw new WebSocketContextError('metadata', 'WebSocketContext.create: `metadata` must be a plain object.');
    }
    return new WebSocketContext({ ...init, userId, threadId, runId, connectionId });
  }

  static isContext(value: unknown): value is WebSocketContext {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[CONTEXT_BRAND] === true;
  }

  /** Read live from the socket on every access. */
  get state(): ConnectionState {
    const socket = this.socket as { readyState?: unknown; connected?: unknown };
    if (typeof socket.readyState === 'number') return READY_STATES[socket.readyState] ?? 'DISCONNECTED';
    return socket.connected === true ? 'CONNECTED' : 'DISCONNECTED';
  }

  get isActive(): boolean {
    return this.state === 'CONNECTED';
  }

  get lastActivity(): Date {
    return new Date(this.#lastActivity);
  }

  /** Records activity (a message was handled). */
  touch(): void {
    this.#lastActivity = Date.now();
  }

  /** Throws `InactiveConnectionError` unless the connection is open. */
  assertActive(): void {
    const state = this.state;
    if (state !== 'CONNECTED') throw new InactiveConnectionError(state, this.connectionId);
  }

  idleMs(now = Date.now()): number {
    return Math.max(0, now - this.#lastActivity);
  }

  /** Safe for logs: ids, state and times; metadata keys but never values, never the socket. */
  info(): WebSocketContextInfo {
    return {
      connectionId: this.connectionId,
      userId: this.userId,
      threadId: this.threadId,
      runId: this.runId,
      state: this.state,
      connectedAt: this.connectedAt.toISOString(),
      lastActivity: this.lastActivity.toISOString(),
      idleMs: this.idleMs(),
      metadataKeys: Object.keys(this.metadata),
    };
  }

  /**
   * Calls `listener` once when the socket closes (`ws`/Node emitters, WHATWG `addEventListener`,
   * socket.io `disconnect`). Returns an unsubscribe function; `false`-y when the socket has no events.
   */
  onClose(listener: () => void): (() => void) | undefined {
    let done = false;
    const once = (): void => {
      if (done) return;
      done = true;
      listener();
    };
    const socket = this.socket as {
      once?: (event: string, fn: () => void) => unknown;
      off?: (event: string, fn: () => void) => unknown;
      removeListener?: (event: string, fn: () => void) => unknown;
      addEventListener?: (event: string, fn: () => void, options?: unknown) => unknown;
      removeEventListener?: (event: string, fn: () => void) => unknown;
      connected?: unknown;
    };
    if (typeof socket.once === 'function') {
      const event = typeof socket.connected === 'boolean' && typeof (socket as { readyState?: unknown }).readyState !== 'number' ? 'disconnect' : 'close';
      socket.once(event, once);
      return () => {
        (socket.off ?? socket.removeListener)?.call(socket, event, once);
      };
    }
    if (typeof socket.addEventListener === 'function') {
      socket.addEventListener('close', once, { once: true });
      return () => socket.removeEventListener?.('close', once);
    }
    return undefined;
  }

  toJSON(): WebSocketContextInfo {
    return this.info();
  }
}

/** An HTTP request as request-scoped code sees it. A `WebSocketContext` is never one. */
export interface HttpRequestLike {
  readonly headers: unknown;
  readonly method?: string;
  readonly url?: string;
  readonly [CONTEXT_BRAND]?: never;
}

function isRequestLike(value: unknown): boolean {
  if (!value || typeof value !== 'object' || WebSocketContext.isContext(value)) return false;
  const candidate = value as { headers?: unknown; method?: unknown; url?: unknown; readyState?: unknown; connected?: unknown };
  return candidate.headers !== undefined && (typeof candidate.method === 'string' || typeof candidate.url === 'string') && candidate.readyState === undefined && candidate.connected === undefined;
}

export interface ScopedFactoryDefinition<T> {
  /** Builds the instance for one scope. May be async. */
  create(scope: { kind: 'websocket'; context: WebSocketContext } | { kind: 'request'; request: HttpRequestLike }): T | Promise<T>;
  /** Releases an instance when its scope ends. Errors are reported to `onError`, never thrown at the caller. */
  dispose?(instance: T): void | Promise<void>;
  /**
   * Which contexts share an instance. Defaults to the context's `isolationKey` (one per connection);
   * `(ctx) => ctx.userId` shares one per user across that user's connections.
   */
  key?(context: WebSocketContext): string;
  /** Idle time after which an active instance counts as stale in `health()` (default 5 minutes). */
  staleAfterMs?: number;
  onError?(error: unknown, phase: 'dispose'): void;
}

export interface FactoryHealth {
  active: number;
  created: number;
  disposed: number;
  failed: number;
  /** Active instances whose connections are all closed, or idle longer than `staleAfterMs`. */
  stale: number;
  /** Longest time since any active instance's connections last saw activity, in ms. */
  oldestIdleMs: number;
  pending: number;
}

export interface ScopedFactory<T> {
  forWebSocket(context: WebSocketContext): Promise<T>;
  forRequest(request: HttpRequestLike): Promise<T>;
  /** Disposes the instance of one key now (e.g. from Bun's `close` hook, where sockets have no events). */
  release(context: WebSocketContext): Promise<void>;
  /** Disposes every instance whose connections are all closed; returns how many. */
  sweep(): Promise<number>;
  disposeAll(): Promise<void>;
  health(): FactoryHealth;
  /** Keys with a live instance (for tests and diagnostics). */
  keys(): string[];
}

interface Entry<T> {
  instance: T;
  contexts: Map<string, { context: WebSocketContext; unsubscribe: (() => void) | undefined }>;
}

/** One instance per key; concurrent callers share one creation; failures are not cached; close disposes. */
export function defineScopedFactory<T>(definition: ScopedFactoryDefinition<T>): ScopedFactory<T> {
  const entries = new Map<string, Entry<T>>();
  const pending = new Map<string, Promise<T>>();
  const requests = new WeakMap<object, Promise<T>>();
  const keyOf = definition.key ?? ((context: WebSocketContext) => context.isolationKey);
  const staleAfterMs = definition.staleAfterMs ?? 5 * 60_000;
  const counters = { created: 0, disposed: 0, failed: 0 };

  const disposeInstance = async (instance: T): Promise<void> => {
    counters.disposed += 1;
    try {
      await definition.dispose?.(instance);
    } catch (error) {
      definition.onError?.(error, 'dispose');
    }
  };

  const detach = (key: string, connectionId: string): void => {
    const entry = entries.get(key);
    const attached = entry?.contexts.get(connectionId);
    if (!entry || !attached) return;
    attached.unsubscribe?.();
    entry.contexts.delete(connectionId);
    if (entry.contexts.size > 0) return;
    entries.delete(key);
    void disposeInstance(entry.instance);
  };

  const attach = (key: string, entry: Entry<T>, context: WebSocketContext): void => {
    if (entry.contexts.has(context.connectionId)) return;
    const slot: { context: WebSocketContext; unsubscribe: (() => void) | undefined } = { context, unsubscribe: undefined };
    entry.contexts.set(context.connectionId, slot);
    slot.unsubscribe = context.onClose(() => detach(key, context.connectionId));
    // The socket may have closed while the instance was being created.
    if (context.state === 'DISCONNECTED') detach(key, context.connectionId);
  };

  const forWebSocket = async (context: WebSocketContext): Promise<T> => {
    if (!WebSocketContext.isContext(context)) {
      throw new ScopeMismatchError(
        isRequestLike(context)
          ? 'forWebSocket() was given an HTTP request. Build a WebSocketContext with WebSocketContext.create({ socket, userId }) instead of a fake request.'
          : 'forWebSocket() expects a WebSocketContext.',
      );
    }
    context.assertActive();
    context.touch();
    const key = keyOf(context);
    const existing = entries.get(key);
    if (existing) {
      attach(key, existing, context);
      return existing.instance;
    }
    let creation = pending.get(key);
    if (!creation) {
      creation = (async () => definition.create({ kind: 'websocket', context }))();
      pending.set(key, creation);
      creation.then(
        (instance) => {
          pending.delete(key);
          counters.created += 1;
          entries.set(key, { instance, contexts: new Map() });
        },
        () => {
          pending.delete(key);
          counters.failed += 1;
        },
      );
    }
    const instance = await creation;
    const entry = entries.get(key);
    if (entry) attach(key, entry, context);
    return instance;
  };

  const forRequest = async (request: HttpRequestLike): Promise<T> => {
    if (WebSocketContext.isContext(request)) {
      throw new ScopeMismatchError('forRequest() was given a WebSocketContext. Use forWebSocket(context) for WebSocket handling.');
    }
    if (!request || typeof request !== 'object') throw new ScopeMismatchError('forRequest() expects an HTTP request object.');
    const known = requests.get(request);
    if (known) return known;
    const creation = (async () => definition.create({ kind: 'request', request }))();
    requests.set(request, creation);
    creation.then(
      (instance) => {
        counters.created += 1;
        const emitter = request as { once?: (event: string, fn: () => void) => unknown };
        if (typeof emitter.once === 'function') {
          emitter.once('close', () => {
            requests.delete(request);
            void disposeInstance(instance);
          });
        }
      },
      () => {
        counters.failed += 1;
        requests.delete(request);
      },
    );
    return creation;
  };

  return {
    forWebSocket,
    forRequest,
    async release(context) {
      const key = keyOf(context);
      const entry = entries.get(key);
      if (!entry) return;
      for (const { unsubscribe } of entry.contexts.values()) unsubscribe?.();
      entries.delete(key);
      await disposeInstance(entry.instance);
    },
    async sweep() {
      let count = 0;
      for (const [key, entry] of [...entries]) {
        if ([...entry.contexts.values()].some(({ context }) => context.isActive)) continue;
        for (const { unsubscribe } of entry.contexts.values()) unsubscribe?.();
        entries.delete(key);
        await disposeInstance(entry.instance);
        count += 1;
      }
      return count;
    },
    async disposeAll() {
      await Promise.allSettled([...pending.values()]);
      const all = [...entries.values()];
      entries.clear();
      for (const entry of all) {
        for (const { unsubscribe } of entry.contexts.values()) unsubscribe?.();
        await disposeInstance(entry.instance);
      }
    },
    health() {
      const now = Date.now();
      let stale = 0;
      let oldestIdleMs = 0;
      for (const entry of entries.values()) {
        const contexts = [...entry.contexts.values()].map(({ context }) => context);
        const idle = contexts.length === 0 ? 0 : Math.min(...contexts.map((context) => context.idleMs(now)));
        oldestIdleMs = Math.max(oldestIdleMs, idle);
        if (contexts.length === 0 || contexts.every((context) => !context.isActive) || idle > staleAfterMs) stale += 1;
      }
      return { active: entries.size, ...counters, stale, oldestIdleMs, pending: pending.size };
    },
    keys() {
      return [...entries.keys()];
    },
  };
}

/** What a supervisor is, when the application has not configured one. */
export interface Supervisor {
  readonly scope: 'websocket' | 'request';
  readonly key: string;
  readonly userId: string | undefined;
  readonly createdAt: Date;
}

let supervisorDefinition: ScopedFactoryDefinition<unknown> = {
  create(scope) {
    const supervisor: Supervisor =
      scope.kind === 'websocket'
        ? { scope: 'websocket', key: scope.context.isolationKey, userId: scope.context.userId, createdAt: new Date() }
        : { scope: 'request', key: `request:${scope.request.url ?? ''}`, userId: undefined, createdAt: new Date() };
    return supervisor;
  },
};
let supervisors: ScopedFactory<unknown> | undefined;

/** Sets what `getWebSocketScopedSupervisor` / `getRequestScopedSupervisor` build. Disposes existing ones. */
export async function configureSupervisor<T>(definition: ScopedFactoryDefinition<T>): Promise<void> {
  const previous = supervisors;
  supervisorDefinition = definition as ScopedFactoryDefinition<unknown>;
  supervisors = undefined;
  await previous?.disposeAll();
}

function supervisorFactory(): ScopedFactory<unknown> {
  supervisors ??= defineScopedFactory(supervisorDefinition);
  return supervisors;
}

/** The supervisor for one WebSocket connection (or key, as configured). */
export function getWebSocketScopedSupervisor<T = Supervisor>(context: WebSocketContext): Promise<T> {
  return supervisorFactory().forWebSocket(context) as Promise<T>;
}

/** The supervisor for one HTTP request. Passing a `WebSocketContext` is a type error and is rejected. */
export function getRequestScopedSupervisor<T = Supervisor>(request: HttpRequestLike): Promise<T> {
  return supervisorFactory().forRequest(request) as Promise<T>;
}

export function supervisorHealth(): FactoryHealth {
  return supervisorFactory().health();
}

export const FLAG_NAME = 'USE_WEBSOCKET_SUPERVISOR_V3';

/** FNV-1a, 32 bit: a stable, well-spread bucket for a user id on every runtime. */
function bucketOf(userId: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < userId.length; index++) {
    hash ^= userId.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  // Mix the high bits down so the low decimal digits are well spread.
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b) >>> 0;
  hash ^= hash >>> 13;
  return (hash >>> 0) % 10_000;
}

/**
 * Whether the WebSocket-scoped path is on for this user: `USE_WEBSOCKET_SUPERVISOR_V3` is
 * `true`/`false`/`1`/`0`, or a percentage like `10%` bucketed deterministically by user id.
 * Unset means off. Anything else throws `FlagConfigurationError`.
 */
export function isWebSocketSupervisorV3Enabled(options: { userId?: string; env?: Record<string, string | undefined> } = {}): boolean {
  const env = options.env ?? (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {};
  const raw = env[FLAG_NAME];
  if (raw === undefined) return false;
  const value = raw.trim().toLowerCase();
  if (value === '' || value === 'false' || value === '0') return false;
  if (value === 'true' || value === '1') return true;
  const percentage = /^(\d{1,3}(?:\.\d{1,2})?)\s*%$/.exec(value);
  if (!percentage?.[1] || Number(percentage[1]) > 100) {
    throw new FlagConfigurationError(`${FLAG_NAME}=${JSON.stringify(raw)} is not valid: use true, false, 1, 0, or a percentage from 0% to 100% such as "10%".`);
  }
  if (typeof options.userId !== 'string' || options.userId === '') {
    throw new FlagConfigurationError(`${FLAG_NAME} is a percentage (${raw}); isWebSocketSupervisorV3Enabled needs a userId to bucket by.`);
  }
  return bucketOf(options.userId) < Math.round(Number(percentage[1]) * 100);
}
