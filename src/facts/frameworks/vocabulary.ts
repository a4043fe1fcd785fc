/**
 * The names, modules and parameter shapes the recognisers look for, in a module free of the parser.
 * The recognisers match syntax against these tables; the prefilter (src/prefilter/hints.ts) builds
 * its text tokens from the same tables, so a name added here is both recognised and let through.
 */

/** `X.on('event', handler)` and its aliases. */
export const LISTEN_METHODS: readonly string[] = ['on', 'once', 'addListener', 'prependListener', 'prependOnceListener'];
/** Methods that hand socket.io a handler without an event name (`io.use(fn)`, `socket.onAny(fn)`). */
export const IO_HANDLER_METHODS: readonly string[] = ['use', 'onAny', 'onAnyOutgoing'];
/** WHATWG sockets: `socket.onmessage = fn`, and `socket.addEventListener('message', fn)`. */
export const WHATWG_EVENT_PROPS: readonly string[] = ['onmessage', 'onopen', 'onclose', 'onerror'];
export const WHATWG_LISTEN_METHOD = 'addEventListener';

/** Modules whose import makes `socket`, `ws` or `*server` names WebSocket roles. */
export const WS_SERVER_LIBS =
  /^(ws|isomorphic-ws|socket\.io|express-ws|@fastify\/websocket|fastify-websocket|@nestjs\/websockets|@nestjs\/platform-ws|@nestjs\/platform-socket\.io|uWebSockets\.js|uws|graphql-ws.*|@trpc\/server.*|hono.*|elysia|crossws.*|h3|nitropack.*)$/;
export const CLIENT_LIBS = /^(socket\.io-client|reconnecting-websocket|partysocket)$/;
/** Modules whose types and names make socket.io roles (`Server`, `Socket`, `io`, `socket`). */
export const IO_LIBS = /^(socket\.io|@nestjs\/(websockets|platform-socket\.io))$/;
/** Names that are a `ws` server by themselves (after leading underscores). */
export const WS_SERVER_NAMES = /^(wss|wsServer|webSocketServer|websocketServer|wsserver|socketServer|wsApp)$/;
export const IO_SERVER_NAMES = /^(io|ioServer|socketIo|socketIO|socketServer|nsp|namespace|chatNamespace|adminNamespace)$/;
export const SOCKET_NAMES = /^(ws|socket|client|webSocket|websocket|conn|connection|peer|sock)$/;
/** Type names that are a server-side socket wherever they come from (Bun, Hono, crossws). */
export const SOCKET_TYPES: readonly string[] = ['ServerWebSocket', 'WSContext', 'Peer'];
export const WS_SERVER_TYPE = 'WebSocketServer';
/** `new WebSocket.Server()`, `ws.WebSocketServer`: a `ws` server read off the module object. */
export const WS_SERVER_MEMBER = /^(WebSocket|ws)\.(Server|WebSocketServer)$/;
/** Server sockets the runtime hands out: Deno's upgrade, a Cloudflare pair. */
export const DENO_UPGRADE = 'Deno.upgradeWebSocket';
export const WEBSOCKET_PAIR = 'WebSocketPair';

/** `wss.handleUpgrade(req, socket, head, callback)`. */
export const HANDLE_UPGRADE = 'handleUpgrade';
/** `app.ws(path, handler)` (express-ws), `app.ws(path, behaviours)` (uWebSockets.js, Elysia). */
export const WS_ROUTE_METHOD = 'ws';
/** Fastify: `{ websocket: true }` routes and `wsHandler`. */
export const FASTIFY_WS_FLAG = 'websocket';
export const FASTIFY_WS_HANDLER = 'wsHandler';
/** Bun: `Bun.serve({ websocket: { open, message } })`. */
export const BUN_WEBSOCKET_KEY = 'websocket';
export const BUN_HOOKS: ReadonlySet<string> = new Set(['open', 'message', 'close', 'drain', 'ping', 'pong']);
/** Cloudflare Durable Objects' hibernation API. */
export const HIBERNATION_HANDLERS: ReadonlySet<string> = new Set(['webSocketMessage', 'webSocketClose', 'webSocketError']);
/** crossws / h3 / Nitro. */
export const CROSSWS_DEFINERS: ReadonlySet<string> = new Set(['defineHooks', 'defineWebSocketHandler', 'defineWebSocket']);
export const CROSSWS_ADAPTERS: ReadonlySet<string> = new Set(['crossws', 'nodeAdapter', 'bunAdapter', 'denoAdapter', 'cloudflareAdapter', 'uwsAdapter', 'sseAdapter']);
/** Hono. */
export const HONO_UPGRADE = 'upgradeWebSocket';
/** graphql-ws: `useServer({ … }, wsServer)`. */
export const GRAPHQL_WS_SERVERS: ReadonlySet<string> = new Set(['useServer', 'makeServer']);
export const GRAPHQL_WS_HOOKS: ReadonlySet<string> = new Set(['context', 'onConnect', 'onDisconnect', 'onClose', 'onSubscribe', 'onOperation', 'onNext', 'onError', 'onComplete', 'roots']);
/** tRPC: `applyWSSHandler({ createContext })`. */
export const TRPC_WS_HANDLERS: ReadonlySet<string> = new Set(['applyWSSHandler']);
export const TRPC_WS_HOOKS: ReadonlySet<string> = new Set(['createContext', 'onError']);

/** NestJS. */
export const NEST_GATEWAY = 'WebSocketGateway';
export const NEST_SUBSCRIBE = 'SubscribeMessage';
export const NEST_LIFECYCLE: ReadonlySet<string> = new Set(['handleConnection', 'handleDisconnect', 'afterInit']);
export const NEST_GUARD_METHOD = 'getRequest';
/** What a guard's `getRequest()` reads when it serves WebSocket or GraphQL-subscription contexts. */
export const NEST_WS_CONTEXT = /switchToWs\(|\.handshake\b|\.extra\b|connectionParams/;

/** Option hooks (src/facts/frameworks/option-hooks.ts). */
export const VERIFY_CLIENT = 'verifyClient';
export const ALLOW_REQUEST = 'allowRequest';
export const SUBSCRIPTION_HOOKS: ReadonlySet<string> = new Set(['onConnect', 'onDisconnect', 'onOperation', 'onSubscribe', 'onComplete', 'context', 'onConnectionInit']);
export const SUBSCRIPTION_CONTAINERS: ReadonlySet<string> = new Set(['subscriptions', 'subscription', 'graphql-ws', 'subscriptions-transport-ws', 'graphql-transport-ws', 'wsOptions']);
/** Calls whose options object holds subscription hooks (the callee's name, possibly after a receiver). */
export const SUBSCRIPTION_SERVERS: readonly string[] = ['SubscriptionServer', 'SubscriptionServer.create', 'createSubscriptionServer', 'makeServer', 'useServer'];
/** Apollo / subscriptions-transport-ws hooks known by a socket among their first two parameters. */
export const SOCKET_SIGNATURE_HOOKS: ReadonlySet<string> = new Set(['onConnect', 'onOperation', 'onDisconnect']);
export const HOOK_SOCKET_PARAM = /^(webSocket|websocket|ws|socket|rawSocket|wsSocket|connection)$/;

/** Signature evidence (src/facts/signature.ts): socket.io middleware `(socket, next)` reading the handshake. */
export const MIDDLEWARE_SOCKET_PARAM = /^(socket|client|sock|conn|connection|ioSocket|s)$/;
export const MIDDLEWARE_NEXT_PARAM = /^(next|done|cb|callback|fn|proceed)$/;
export const HANDSHAKE_MEMBERS: ReadonlySet<string> = new Set(['request', 'handshake']);
/** Node's HTTP `upgrade` listener `(req, socket, head)`. */
export const UPGRADE_REQUEST_PARAM = /^(req|request|message|msg|incomingMessage|rawRequest|upgradeReq)$/;
export const UPGRADE_SOCKET_PARAM = /^(socket|sock|duplex|netSocket|rawSocket|stream)$/;
export const UPGRADE_HEAD_PARAM = /^(head|upgradeHead|firstChunk|buffer|buf)$/;
/** `x.on('upgrade', fn)` on any receiver; `x.on('connection', (ws, req) => …)` with a request parameter. */
export const UPGRADE_EVENT = 'upgrade';
export const CONNECTION_EVENT = 'connection';
export const CONNECTION_REQUEST_PARAM = /^(req|request|upgradeReq|incomingMessage)$/;

/** The rollout flag of legacy-flag-branch. */
export const FLAG_NAMES: readonly string[] = ['USE_WEBSOCKET_SUPERVISOR_V3', 'isWebSocketSupervisorV3Enabled'];
/** Suppression comments (`// ws-mock-audit-ignore-next-line`). */
export const SUPPRESSION_MARK = 'ws-mock-audit-ignore';
