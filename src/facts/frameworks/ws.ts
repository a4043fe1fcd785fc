import type { FrameworkRecognizer } from './api.js';
import { HANDLE_UPGRADE } from './vocabulary.js';
import { importsServerLib, listenCall, methodCall, register, roleOf } from './api.js';

/** The `ws` package: `wss.on('connection', (ws, req) => ...)`, `ws.on('message', ...)`, `handleUpgrade`, HTTP `upgrade`. */
export const ws: FrameworkRecognizer = {
  id: 'ws',
  readsRoles: true,
  onCall(a, call) {
    const listen = listenCall(call);
    if (listen) {
      const role = roleOf(a, listen.receiver);
      if (role === 'ws-server' && listen.event === 'connection') {
        register(a, { framework: 'ws', event: '`connection` handler', handler: listen.handler, at: call.expression, params: ['ws-socket', 'genuine'] });
      } else if (role === 'ws-socket') {
        register(a, { framework: 'ws', event: `\`${listen.event}\` handler`, handler: listen.handler, at: call.expression, params: [] });
      } else if (role === 'http-server' && listen.event === 'upgrade' && importsServerLib(a)) {
        register(a, { framework: 'ws', event: 'HTTP `upgrade` handler', handler: listen.handler, at: call.expression, params: ['genuine'] });
      }
      return;
    }
    const method = methodCall(call);
    if (method?.method === HANDLE_UPGRADE && call.arguments.length >= 4) {
      const callback = call.arguments[3];
      if (callback) register(a, { framework: 'ws', event: '`handleUpgrade` callback', handler: callback, at: call.expression, params: ['ws-socket', 'genuine'] });
    }
  },
};
