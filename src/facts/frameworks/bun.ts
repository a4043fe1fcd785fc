import { isObjectLiteralExpression, isPropertyAssignment } from '../syntax.js';
import { unwrap } from '../scope.js';
import type { FrameworkRecognizer } from './api.js';
import { objectHandlers, register } from './api.js';
import { BUN_HOOKS as HOOKS, BUN_WEBSOCKET_KEY } from './vocabulary.js';

/** Bun: `Bun.serve({ websocket: { open, message, close } })`, also as `export default { fetch, websocket }`. */
export const bun: FrameworkRecognizer = {
  id: 'bun',
  onObject(a, object) {
    for (const prop of object.properties) {
      if (!isPropertyAssignment(prop) || prop.name.getText(a.sf) !== BUN_WEBSOCKET_KEY) continue;
      const hooks = unwrap(prop.initializer);
      if (!isObjectLiteralExpression(hooks)) continue;
      const handlers = objectHandlers(a, hooks, HOOKS);
      for (const { name, value } of handlers) {
        register(a, { framework: 'bun', event: `\`websocket.${name}\` hook`, handler: value, at: prop.name, params: ['ws-socket'] });
      }
    }
  },
};
