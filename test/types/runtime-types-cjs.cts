// The CommonJS entry point has the same types.
import runtime = require('ws-mock-audit/runtime');

declare const socket: { readyState: number };
const ctx = runtime.WebSocketContext.create({ socket, userId: 'u1' });
// @ts-expect-error a WebSocket context is not an HTTP request
void runtime.getRequestScopedSupervisor(ctx);
