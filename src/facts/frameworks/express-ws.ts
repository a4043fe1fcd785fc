import { isIdentifier, isStringLiteralLike, isTemplateExpression } from '../syntax.js';
import { imports } from '../context.js';
import { objectValues } from '../flow.js';
import type { FrameworkRecognizer } from './api.js';
import { WS_ROUTE_METHOD } from './vocabulary.js';
import { methodCall, objectHandlers, register } from './api.js';

/**
 * `.ws(path, ...)`: express-ws takes a handler `(ws, req)`; uWebSockets.js and Elysia take a
 * behaviour object `{ open, message, close, upgrade }`.
 */
export const expressWs: FrameworkRecognizer = {
  id: 'express-ws',
  onCall(a, call) {
    const method = methodCall(call);
    if (method?.method !== WS_ROUTE_METHOD || call.arguments.length < 2) return;
    const [path, second] = call.arguments;
    if (!path || !second || !(isStringLiteralLike(path) || isTemplateExpression(path) || isIdentifier(path))) return;
    // The behaviour object may be written inline, held in a variable, or built by a local helper.
    const behaviours = objectValues(a, second);
    if (behaviours.length > 0) {
      const framework = imports(a, /^elysia/) ? 'elysia' : 'uWebSockets.js';
      for (const { name, value } of behaviours.flatMap((object) => objectHandlers(a, object))) {
        register(a, { framework, event: `\`${name}\` behaviour`, handler: value, at: call.expression });
      }
      return;
    }
    const handler = call.arguments[call.arguments.length - 1];
    if (handler) register(a, { framework: 'express-ws', event: '`app.ws()` route', handler, at: call.expression, params: ['ws-socket', 'genuine'] });
  },
};
