import type { FrameworkRecognizer } from './api.js';
import { registerHooksObject } from './hooks-object.js';

/** tRPC: `applyWSSHandler({ wss, router, createContext })` runs `createContext` per WebSocket connection. */
export const trpc: FrameworkRecognizer = {
  id: 'trpc',
  onCall(a, call) {
    registerHooksObject(a, call, 'trpc', { names: new Set(['applyWSSHandler']), only: new Set(['createContext', 'onError']) });
  },
};
