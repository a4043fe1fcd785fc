import type { FrameworkRecognizer } from './api.js';
import { TRPC_WS_HANDLERS, TRPC_WS_HOOKS } from './vocabulary.js';
import { registerHooksObject } from './hooks-object.js';

/** tRPC: `applyWSSHandler({ wss, router, createContext })` runs `createContext` per WebSocket connection. */
export const trpc: FrameworkRecognizer = {
  id: 'trpc',
  onCall(a, call) {
    registerHooksObject(a, call, 'trpc', { names: TRPC_WS_HANDLERS, only: TRPC_WS_HOOKS });
  },
};
