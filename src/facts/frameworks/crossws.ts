import type { FrameworkRecognizer } from './api.js';
import { CROSSWS_ADAPTERS, CROSSWS_DEFINERS } from './vocabulary.js';
import { registerHooksObject } from './hooks-object.js';

/** crossws / h3 / Nitro: `defineHooks({ open, message })`, `defineWebSocketHandler({...})`, adapters' `hooks`. */
export const crossws: FrameworkRecognizer = {
  id: 'crossws',
  onCall(a, call) {
    registerHooksObject(a, call, 'crossws', { names: CROSSWS_DEFINERS });
    registerHooksObject(a, call, 'crossws', { names: CROSSWS_ADAPTERS, nested: 'hooks' });
  },
};
