import type { FrameworkRecognizer } from './api.js';
import { registerHooksObject } from './hooks-object.js';

const HOOKS = new Set(['context', 'onConnect', 'onDisconnect', 'onClose', 'onSubscribe', 'onOperation', 'onNext', 'onError', 'onComplete', 'roots']);

/** graphql-ws: `useServer({ context, onConnect, onSubscribe, ... }, wsServer)`. */
export const graphqlWs: FrameworkRecognizer = {
  id: 'graphql-ws',
  onCall(a, call) {
    registerHooksObject(a, call, 'graphql-ws', { names: new Set(['useServer', 'makeServer']), only: HOOKS });
  },
};
