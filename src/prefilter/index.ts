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
  // Option hooks and guards that run per WebSocket connection (src/facts/frameworks/option-hooks.ts, nestjs.ts).
  'verifyClient',
  'allowRequest',
  'onConnect',
  // Not the bare word: billing code is full of "subscription".
  'subscriptions?[\'"]?\s*:',
  'SubscriptionServer',
  'switchToWs',
  'handshake',
  'USE_WEBSOCKET_SUPERVISOR_V3',
  'isWebSocketSupervisorV3Enabled',
  // A file with a suppression comment is parsed, so that one left behind is reported as unused.
  'ws-mock-audit-ignore',
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

const MINIFIED_NAME = /\.(min|bundle|chunk)\.[cm]?js$/;
const MIN_SIZE_FOR_LINE_TEST = 20_000;
const MINIFIED_AVERAGE_LINE = 400;

/**
 * Minified and bundled output (vendor bundles, build artefacts committed by accident) is not code
 * anyone migrates by hand; it is skipped cheaply, by name or by its average line length.
 */
export function isMinified(file: string, text: string): boolean {
  if (MINIFIED_NAME.test(file)) return true;
  if (text.length < MIN_SIZE_FOR_LINE_TEST) return false;
  let lines = 1;
  for (let index = text.indexOf('\n'); index !== -1; index = text.indexOf('\n', index + 1)) lines++;
  return text.length / lines > MINIFIED_AVERAGE_LINE;
}
