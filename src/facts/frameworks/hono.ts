import { canonicalName, shortName } from '../context.js';
import { isIdentifier } from '../syntax.js';
import { unwrap } from '../scope.js';
import type { FrameworkRecognizer } from './api.js';
import { HONO_UPGRADE } from './vocabulary.js';
import { register } from './api.js';

/** Hono: `upgradeWebSocket((c) => ({ onOpen, onMessage, onClose }))`; the events are nested in the factory. */
export const hono: FrameworkRecognizer = {
  id: 'hono',
  onCall(a, call) {
    const callee = unwrap(call.expression);
    const name = isIdentifier(callee) ? canonicalName(a, callee) : shortName(callee);
    if (name !== HONO_UPGRADE) return;
    const factory = call.arguments[0];
    if (factory) register(a, { framework: 'hono', event: '`upgradeWebSocket()` events', handler: factory, at: call.expression });
  },
};
