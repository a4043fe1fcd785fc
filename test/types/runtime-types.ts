// Compiled with tsc by test/runtime-types.test.ts. Every @ts-expect-error must stay an error:
// if one stops being an error, tsc reports the unused directive and the test fails.
import type { IncomingMessage } from 'node:http';
import {
  WebSocketContext,
  defineScopedFactory,
  getRequestScopedSupervisor,
  getWebSocketScopedSupervisor,
  isWebSocketSupervisorV3Enabled,
} from 'ws-mock-audit/runtime';

declare const socket: { readyState: number };
declare const req: IncomingMessage;
declare const fetchRequest: Request;

const ctx = WebSocketContext.create({ socket, userId: 'u1', threadId: 't1' });
const factory = defineScopedFactory({ create: () => ({ started: Date.now() }) });

void factory.forWebSocket(ctx);
void factory.forRequest(req);
void factory.forRequest(fetchRequest);
void getWebSocketScopedSupervisor(ctx);
void getRequestScopedSupervisor(req);

// @ts-expect-error a request is not a WebSocket context
void factory.forWebSocket(req);
// @ts-expect-error a fetch Request is not a WebSocket context
void factory.forWebSocket(fetchRequest);
// @ts-expect-error a fake request literal is not a WebSocket context
void getWebSocketScopedSupervisor({ headers: { 'x-user-id': 'u1' }, url: '/ws' });
// @ts-expect-error a WebSocket context is not an HTTP request
void factory.forRequest(ctx);
// @ts-expect-error a WebSocket context is not an HTTP request
void getRequestScopedSupervisor(ctx);
// @ts-expect-error userId is required
WebSocketContext.create({ socket });
// @ts-expect-error a request is not a socket
WebSocketContext.create({ socket: req, userId: 'u1' });

const enabled: boolean = isWebSocketSupervisorV3Enabled({ userId: 'u1', env: {} });
void enabled;
