import type { FrameworkRecognizer } from './api.js';
import { IO_HANDLER_METHODS } from './vocabulary.js';
import { listenCall, methodCall, register, roleOf } from './api.js';

/** socket.io: `io.on('connection')`, `io.use()`, namespaces `io.of('/x')`, `socket.on(event)`, `socket.use()`. */
export const socketIo: FrameworkRecognizer = {
  id: 'socket.io',
  readsRoles: true,
  onCall(a, call) {
    const listen = listenCall(call);
    if (listen) {
      const role = roleOf(a, listen.receiver);
      if (role === 'io-server' && (listen.event === 'connection' || listen.event === 'connect')) {
        register(a, { framework: 'socket.io', event: '`connection` handler', handler: listen.handler, at: call.expression, params: ['io-socket'] });
      } else if (role === 'io-socket') {
        register(a, { framework: 'socket.io', event: `\`${listen.event}\` handler`, handler: listen.handler, at: call.expression, params: [] });
      }
      return;
    }
    const method = methodCall(call);
    const handler = call.arguments[0];
    // Roles are looked up only for the methods that take handlers: most calls are something else.
    if (!method || !handler || !IO_HANDLER_METHODS.includes(method.method)) return;
    const role = roleOf(a, method.receiver);
    if (method.method === 'use' && role === 'io-server') {
      register(a, { framework: 'socket.io', event: 'middleware', handler, at: call.expression, params: ['io-socket'] });
    } else if (IO_HANDLER_METHODS.includes(method.method) && role === 'io-socket') {
      register(a, { framework: 'socket.io', event: `\`socket.${method.method}()\` handler`, handler, at: call.expression, params: [] });
    }
  },
};
