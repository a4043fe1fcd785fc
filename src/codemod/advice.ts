/**
 * What to do instead, one sentence per kind of site the codemod leaves alone: a refusal names what
 * it saw and ends with the advice for that framework, so a person knows the next step.
 */
export const ADVICE = {
  socketIoExtraWork:
    'Move that work into an `io.engine.use((req, res, next) => …)` middleware registered before the middleware, so both run with the real request and response.',
  socketIoNested:
    'Register the middleware chain with `io.engine.use(…)` in the order it must run (a session middleware first), instead of calling it from inside a socket.io middleware.',
  socketIoErrorHandling:
    'Under `io.engine.use(middleware)` a failing middleware rejects the handshake, so decide where the error handling goes and register the middleware by hand.',
  socketIoExported:
    'Deprecate the exported wrapper and tell its callers to register the middleware with `io.engine.use(middleware)`, which passes the real request and response.',
  socketIoReceiver:
    'Register the middleware on the server with `io.engine.use(middleware)` (for a namespace, `namespace.server.engine.use(middleware)`).',
  wsUpgradeSession:
    'For a `ws` server, parse the session from the upgrade request\'s cookie header with the session store (or move the check into an HTTP route before the upgrade) instead of running the middleware with a fake response.',
  httpRouter:
    'Serve WebSocket messages with handlers written for them (or inject a real HTTP request with the framework\'s own `inject`), instead of running the HTTP app or router with a fabricated response.',
  koaContext:
    'Build the Koa context during the HTTP upgrade from the real request and response (or pass the WebSocket handlers the values they need) instead of `app.createContext(req, {})`.',
  standInResponse:
    'Hand the code the values it needs (or a WebSocket-specific reply helper) instead of an object that mimics an HTTP response.',
  vendoredMock:
    'Request and response mocks belong in tests: describe the connection with `WebSocketContext.create({ socket, userId })` and a WebSocket-scoped factory instead.',
  nestGuard:
    'In a NestJS WebSocket guard, read the token from the handshake in the strategy (for passport-jwt, an extractor over `client.handshake`) and return `client.request` from `getRequest`.',
  literalField:
    'Pass that value to the code that needs it directly, or read it from the real request, instead of building a request around it.',
  helperFake:
    'Build the context by hand with `WebSocketContext.create({ socket, userId })`.',
} as const;

export type AdviceKind = keyof typeof ADVICE;

/** A refusal: what was seen, then what to do. */
export function refusal(what: string, kind: AdviceKind): string {
  return `${what}. ${ADVICE[kind]}`;
}
