import type { FactsOptions } from '../facts/options.js';

/**
 * Words every WebSocket registration we recognise contains, and the rollout flag. A file without
 * any of them cannot start a WebSocket scope; it still takes part in linking when a file that can
 * imports it (link loads it lazily), so no cross-file finding is lost.
 */
const WEBSOCKET_HINTS = [
  'socket',
  'WebSocket',
  'websocket',
  '\\bws\\b',
  '\\bwss\\b',
  '\\bio\\b',
  'upgrade',
  'Gateway',
  'SubscribeMessage',
  'applyWSSHandler',
  'useServer',
  'defineHooks',
  'defineWebSocket',
  'crossws',
  'webSocketMessage',
  'webSocketClose',
  'webSocketError',
  'WebSocketPair',
  '\\.ws\\s*\\(',
  'USE_WEBSOCKET_SUPERVISOR_V3',
  'isWebSocketSupervisorV3Enabled',
];

export type Prefilter = (text: string) => boolean;

export function createPrefilter(options: FactsOptions): Prefilter {
  const custom = options.registrations.map((registration) => escape(registration.callee.split('.').pop() ?? registration.callee));
  const pattern = new RegExp([...WEBSOCKET_HINTS, ...custom].join('|'), 'i');
  return (text) => pattern.test(text);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
