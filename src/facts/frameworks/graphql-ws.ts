import type { FrameworkRecognizer } from './api.js';
import { GRAPHQL_WS_HOOKS, GRAPHQL_WS_SERVERS } from './vocabulary.js';
import { registerHooksObject } from './hooks-object.js';

/** graphql-ws: `useServer({ context, onConnect, onSubscribe, ... }, wsServer)`. */
export const graphqlWs: FrameworkRecognizer = {
  id: 'graphql-ws',
  onCall(a, call) {
    registerHooksObject(a, call, 'graphql-ws', { names: GRAPHQL_WS_SERVERS, only: GRAPHQL_WS_HOOKS });
  },
};
