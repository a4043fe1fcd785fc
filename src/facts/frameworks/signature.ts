import { isIdentifier } from '../syntax.js';
import { signatureOf } from '../signature.js';
import { isFunctionLike, unwrap } from '../scope.js';
import type { FrameworkRecognizer } from './api.js';
import { CONNECTION_EVENT, CONNECTION_REQUEST_PARAM, UPGRADE_EVENT } from './vocabulary.js';
import { listenCall, register, roleOf } from './api.js';

/**
 * Registrations known by their shape rather than their receiver (signature evidence, see
 * `src/facts/signature.ts`): stand-alone socket.io middleware and upgrade listeners, and `upgrade` /
 * `connection` listeners on receivers the file cannot trace (parameters, fields of other objects).
 */
export const signature: FrameworkRecognizer = {
  id: 'ws',
  readsRoles: true,
  onFunction(a, fn) {
    const found = signatureOf(a, fn);
    if (!found) return;
    register(a, { framework: found.framework, event: found.event, handler: fn, at: fn.name ?? fn, params: found.params, evidence: found.evidence });
  },
  onCall(a, call) {
    const listen = listenCall(call);
    if (!listen || (listen.event !== UPGRADE_EVENT && listen.event !== CONNECTION_EVENT)) return;
    // The shapes first: the receiver's role is looked up only for a listener that could count.
    const handler = unwrap(listen.handler);
    const second = isFunctionLike(handler) && handler.parameters.length === 2 ? handler.parameters[1] : undefined;
    const connection = listen.event === CONNECTION_EVENT && second && isIdentifier(second.name) && CONNECTION_REQUEST_PARAM.test(second.name.text);
    if (listen.event !== UPGRADE_EVENT && !connection) return;
    const role = roleOf(a, listen.receiver);
    if (role === 'client' || role === 'ws-server' || role === 'io-server' || role === 'ws-socket' || role === 'io-socket') return;
    if (listen.event === UPGRADE_EVENT) {
      register(a, {
        framework: 'ws',
        event: 'HTTP `upgrade` listener',
        handler: listen.handler,
        at: call.expression,
        params: ['genuine'],
        ...(role === 'http-server' ? {} : { evidence: `recognised by the \`upgrade\` event, which only HTTP servers emit; the receiver \`${listen.receiver.getText(a.sf)}\` is not traced` }),
      });
      return;
    }
    if (!isFunctionLike(handler) || !second || !isIdentifier(second.name)) return;
    register(a, {
      framework: 'ws',
      event: '`connection` handler',
      handler,
      at: call.expression,
      params: ['ws-socket', 'genuine'],
      evidence: `recognised by the \`connection\` event and the \`(${handler.parameters[0]?.name.getText(a.sf)}, ${second.name.text})\` signature; the receiver is not traced`,
    });
  },
};
