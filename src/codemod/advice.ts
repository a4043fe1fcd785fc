/**
 * What to do instead, one sentence per kind of site the codemod leaves alone: a refusal names what
 * it saw and ends with the advice for that framework, so a person knows the next step. A kind whose
 * next step depends on the framework holds one sentence per framework (the scanner's `framework`
 * of the finding picks it) and a `default` for the rest.
 */
type PerFramework = { default: string } & Partial<Record<string, string>>;

export const ADVICE = {
  socketIoExtraWork:
    'Register the HTTP middleware with `io.engine.use(middleware)` by hand, and keep the work that must run once per connection (or needs the socket) in a socket.io middleware, which then runs after it.',
  socketIoNested:
    'Register the middleware chain with `io.engine.use(…)` in the order it must run (a session middleware first), instead of calling it from inside a socket.io middleware.',
  socketIoErrorHandling:
    'Under `io.engine.use(middleware)` a failing middleware rejects the handshake, so decide where the error handling goes and register the middleware by hand.',
  socketIoExported:
    'Deprecate the exported wrapper and tell its callers to register the middleware with `io.engine.use(middleware)`, which passes the real request and response.',
  socketIoReceiver:
    'Register the middleware on the server with `io.engine.use(middleware)` (for a namespace, `namespace.server.engine.use(middleware)`).',
  socketIoHandshake:
    'Register the middleware with `io.engine.use(middleware)` by hand and read what it sets from `socket.request` (such as `socket.request.session`) instead of `socket.handshake`.',
  socketIoVersion:
    'Upgrade socket.io to 4.6 or later (the first with `io.engine.use`) and run the codemod again; until then the wrapper is the only way to run the middleware.',
  socketIoOrder:
    'Turn that earlier socket.io middleware into an `io.engine.use((req, res, next) => …)` middleware registered before this one, so the request is ready when it runs.',
  upgradeSession: {
    default:
      'Load the session from the store by the id in the upgrade request\'s cookie (or move the check into an HTTP route before the upgrade) instead of running the middleware with a fake response.',
    ws: 'For a `ws` server, parse the session from the upgrade request\'s cookie header with the session store (or move the check into an HTTP route before the upgrade) instead of running the middleware with a fake response.',
    'graphql-subscriptions':
      'In a GraphQL subscriptions `onConnect`, load the session from the store by the id in the upgrade request\'s cookie (or authenticate with `connectionParams`) instead of running the session middleware with a fake response.',
  },
  httpRouter: {
    default:
      'Serve WebSocket messages with handlers written for them (or inject a real HTTP request with the framework\'s own `inject`), instead of running the HTTP app or router with a fabricated response.',
    ws: 'In a `ws` message handler, dispatch each message to a handler written for WebSocket messages (a map from message type to function) instead of running the HTTP server or Express router with a fabricated request and response.',
  },
  koaContext:
    'Build the Koa context during the HTTP upgrade from the real request and response (or pass the WebSocket handlers the values they need) instead of `app.createContext(req, {})`.',
  standInResponse: {
    default: 'Hand the code the values it needs (or a WebSocket-specific reply helper) instead of an object that mimics an HTTP response.',
    ws: 'In a `ws` handler, answer with `ws.send(...)` (or a small WebSocket reply helper) and hand the code the values it needs, instead of an object that mimics an HTTP response.',
    'socket.io': 'In a socket.io event handler, answer with the acknowledgement callback or `socket.emit(...)` instead of an object that mimics Express\'s response.',
    fastify:
      'In a mercurius or Fastify WebSocket subscription, put what resolvers need (the request, loaders) on the subscription context under their own names instead of a stand-in Fastify `reply`.',
  },
  castResponse: {
    default: 'Pass the socket under a field of its own and let the response be absent for WebSocket calls, instead of casting the socket to a response type.',
    'uWebSockets.js':
      'In a uWebSockets.js handler, hand `createContext` the WebSocket under its own field (such as `client`) and make `res` optional for WebSocket calls, instead of casting the WebSocket to an `HttpResponse`.',
  },
  vendoredMock:
    'Request and response mocks belong in tests: describe the connection with `WebSocketContext.create({ socket, userId })` and a WebSocket-scoped factory instead.',
  nestGuard:
    'In a NestJS WebSocket guard, make the Passport strategy read the token where the client sends it (a passport-jwt extractor over the socket.io handshake `auth` or the GraphQL connection params) and return the real handshake request from `getRequest`.',
  literalField:
    'Pass that value to the code that needs it directly, or read it from the real request, instead of building a request around it.',
  requestCopy: {
    default: 'Hand the code the real request itself and the other values under their own names, instead of copying the request into a new object.',
    'socket.io': 'In a socket.io handler, hand the code `socket.request` itself and the other values (socket, data) under their own names, instead of copying the handshake request into a new object.',
  },
  helperFake: 'Build the context by hand with `WebSocketContext.create({ socket, userId })`.',
} as const satisfies Record<string, string | PerFramework>;

export type AdviceKind = keyof typeof ADVICE;

/** The advice sentence for a kind, in a framework. */
export function adviceFor(kind: AdviceKind, framework?: string): string {
  const advice: string | PerFramework = ADVICE[kind];
  if (typeof advice === 'string') return advice;
  return (framework !== undefined ? advice[framework] : undefined) ?? advice.default;
}

/** Every advice sentence, with its kind and framework: each needs a fixture that refuses with it. */
export function allAdvice(): { kind: AdviceKind; framework: string; sentence: string }[] {
  return (Object.keys(ADVICE) as AdviceKind[]).flatMap((kind) => {
    const advice: string | PerFramework = ADVICE[kind];
    if (typeof advice === 'string') return [{ kind, framework: 'any', sentence: advice }];
    return Object.entries(advice).map(([framework, sentence]) => ({ kind, framework, sentence: sentence as string }));
  });
}

/** A refusal: what was seen, then what to do. */
export function refusal(what: string, kind: AdviceKind, framework?: string): string {
  return `${what}. ${adviceFor(kind, framework)}`;
}
