import { ts } from '@ts-morph/common';
import { isIdentifier, isPropertyAccessExpression } from '../syntax.js';
import type { FrameworkId } from '../../types.js';
import { bindingOf, type Analysis } from '../context.js';
import { unwrap } from '../scope.js';
import { nodeHasText } from '../text-index.js';
import type { FrameworkRecognizer } from './api.js';
import { DENO_UPGRADE, WEBSOCKET_PAIR, WHATWG_EVENT_PROPS, WHATWG_LISTEN_METHOD } from './vocabulary.js';
import { methodCall, register, roleOf, stringArg } from './api.js';

const EVENT_PROPS: ReadonlySet<string> = new Set(WHATWG_EVENT_PROPS);

/** Which runtime handed out this server socket: Deno's upgrade, a Cloudflare pair, or plain WHATWG. */
function frameworkOf(a: Analysis, receiver: ts.Expression): FrameworkId {
  const inner = unwrap(receiver);
  const binding = isIdentifier(inner) ? bindingOf(a, inner) : undefined;
  const sources = binding?.destructured ? [binding.destructured.from] : (binding?.inits ?? []);
  const mention = (literal: string): boolean => sources.some((source) => nodeHasText(a.sf, source, literal));
  if (mention(DENO_UPGRADE)) return 'deno';
  if (mention(WEBSOCKET_PAIR) || mention('Object.values')) return 'cloudflare';
  return 'whatwg';
}

function isServerSocket(a: Analysis, receiver: ts.Expression): boolean {
  const role = roleOf(a, receiver);
  return role === 'whatwg-server-socket' || role === 'ws-socket';
}

/** WHATWG server sockets (Deno, Cloudflare, ws): `socket.onmessage = fn`, `addEventListener('message', fn)`. */
export const whatwg: FrameworkRecognizer = {
  id: 'whatwg',
  readsRoles: true,
  onAssignment(a, assignment) {
    const left = assignment.left;
    if (!isPropertyAccessExpression(left) || !EVENT_PROPS.has(left.name.text)) return;
    if (!isServerSocket(a, left.expression)) return;
    const framework = frameworkOf(a, left.expression);
    register(a, { framework, event: `\`${left.name.text}\` handler`, handler: assignment.right, at: assignment });
  },
  onCall(a, call) {
    const method = methodCall(call);
    if (method?.method !== WHATWG_LISTEN_METHOD) return;
    const event = stringArg(call.arguments[0]);
    const handler = call.arguments[1];
    if (!event || !handler || !isServerSocket(a, method.receiver)) return;
    register(a, { framework: frameworkOf(a, method.receiver), event: `\`${event}\` listener`, handler, at: call.expression });
  },
};
