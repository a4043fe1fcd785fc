import type { FrameworkRecognizer } from './api.js';
import { registerHooksObject } from './hooks-object.js';

const DEFINERS = new Set(['defineHooks', 'defineWebSocketHandler', 'defineWebSocket']);
const ADAPTERS = new Set(['crossws', 'nodeAdapter', 'bunAdapter', 'denoAdapter', 'cloudflareAdapter', 'uwsAdapter', 'sseAdapter']);

/** crossws / h3 / Nitro: `defineHooks({ open, message })`, `defineWebSocketHandler({...})`, adapters' `hooks`. */
export const crossws: FrameworkRecognizer = {
  id: 'crossws',
  onCall(a, call) {
    registerHooksObject(a, call, 'crossws', { names: DEFINERS });
    registerHooksObject(a, call, 'crossws', { names: ADAPTERS, nested: 'hooks' });
  },
};
