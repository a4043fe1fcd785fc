import * as V from '../facts/frameworks/vocabulary.js';

/**
 * What a file's text must hold for one recogniser to register a handler in it (or for a rule to
 * report in it without one: the rollout flag, a suppression comment). Each hint is built from the
 * recogniser's own tables (src/facts/frameworks/vocabulary.ts) and asks for the shape of a
 * registration (`.on('upgrade'`, `websocket:`, a `(socket, next)` middleware reading
 * `socket.handshake`) rather than a common word, so ordinary code that says "socket" or "upgrade"
 * is not parsed. One of `literals` must occur, `anchor` (if any) must match, and every `confirm` too. A hint must hold in every file where
 * its recogniser registers something: test/prefilter-hints.test.ts checks each against fixtures.
 */
export interface Hint {
  /** The recogniser or rule the hint lets files through for. */
  for: string;
  /**
   * Strings one of which every text the anchor matches contains: all hints' literals make one cheap
   * first test, so most files are rejected without running any hint's expressions.
   */
  literals: string[];
  /** When the literals alone do not say enough. */
  anchor?: RegExp;
  /**
   * Every match of `anchor` starts where one of `literals` starts (what comes before is a
   * lookbehind), so the prefilter tries it there, sticky, instead of over the whole text: for
   * literals that common words contain (`sock`, `stream`, `.request`).
   */
  anchoredAtLiteral?: true;
  confirm?: RegExp[];
}

const QUOTE = `['"\`]`;
const IN_QUOTES = `[^'"\`\\n]*`;

export function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `a|b|c` from a table written as `/^(a|b|c)$/`. */
function alternatives(table: RegExp): string {
  const match = /^\^\((.*)\)\$$/.exec(table.source);
  if (!match?.[1]) throw new TypeError(`not a /^(…)$/ table: ${table.source}`);
  return match[1];
}

function words(list: Iterable<string>): string {
  return `\\b(?:${[...list].map(escape).join('|')})\\b`;
}

/** A member access on any receiver: `.name`, `?.name`, across line breaks. */
const member = (names: string): string => `\\.\\s*(?:${names})\\b`;
/** A call of a method, type arguments allowed: `.on(`, `.on<Events>(`. */
const methodCall = (names: string): string => `${member(names)}\\s*(?:<[^>]*>\\s*)?\\(`;
const listen = (event = ''): string => `${methodCall(V.LISTEN_METHODS.join('|'))}\\s*${QUOTE}${event}`;
/**
 * An import of a module matching a `/^(…)$/` table (`from 'ws'`, `import 'ws'`, `require('ws')`,
 * `import('ws')`), `.*` standing for the rest of the specifier: the recognisers ask what a file
 * imports, and a string such as `'honokhukthai'` in a font table is no import.
 */
const importOf = (table: RegExp): string => `(?:\\bfrom|\\bimport|\\brequire)\\s*\\(?\\s*${QUOTE}(?:${alternatives(table).replaceAll('.*', IN_QUOTES)})${QUOTE}`;
/** A name the recognisers take whole, after leading underscores (`wss`, `this._wss`; not `relative['wss']`). */
const identifier = (names: string): string => `(?<![\\w$'"\`])_*(?:${names})(?![\\w$'"\`])`;
/** Parameter lists: `(socket, next)`, `(req: IncomingMessage, socket: Duplex, head)`; anything but parentheses, braces or `;` between names. */
const thenParam = (table: RegExp): string => `[^(){};]*?,\\s*(?:${alternatives(table)})\\b`;

const re = (...parts: string[]): RegExp => new RegExp(parts.join('|'));

/** A hint for names the recogniser matches whole (`useServer`, not `useServerData`). */
function named(what: string, names: Iterable<string>): Hint {
  const list = [...names];
  return { for: what, literals: list, anchor: re(words(list)) };
}

/**
 * Where a receiver's WebSocket role can come from in a file (roleOf in src/facts/frameworks/api.ts):
 * an import of a WebSocket library, a server's name, a socket type, or a runtime's upgrade.
 * Roles handed from one registration's handler to its parameters need no token of their own: that
 * registration's hint already lets the file through.
 */
const ROLE_SOURCES = re(
  importOf(V.WS_SERVER_LIBS),
  importOf(V.IO_LIBS),
  // roleOfCreation: `require('socket.io-client')(…)` and types from `…/socket.io` count too.
  `${QUOTE}${IN_QUOTES}socket\\.io`,
  identifier(alternatives(V.WS_SERVER_NAMES)),
  escape(V.WS_SERVER_TYPE),
  words(V.SOCKET_TYPES),
  V.WS_SERVER_MEMBER.source.slice(1, -1).replace('\\.', '\\s*\\.\\s*'),
  escape(V.DENO_UPGRADE.split('.').pop() as string),
  escape(V.WEBSOCKET_PAIR),
);

/** Where a handler meets a socket or server: a listener, socket.io's `use`/`onAny`, a WHATWG event. */
const EVENT_HOOKUP = re(listen(), methodCall([...V.IO_HANDLER_METHODS, V.WHATWG_LISTEN_METHOD].join('|')), `${member(V.WHATWG_EVENT_PROPS.join('|'))}\\s*=[^=]`);

const quoted = (text: string): string[] => [`'${text}'`, `"${text}"`, `\`${text}\``];
const quotedEvent = (event: string): string[] => [`'`, '"', '`'].map((quote) => `${quote}${event}`);

/** The names a `/^(…)$/` table of module names matches, as literals (short ones in quotes: `'ws'` is rarer than `ws`). */
function moduleLiterals(table: RegExp): string[] {
  return alternatives(table)
    .split('|')
    .map((name) => name.replace(/\.\*$/, '').replace(/\\(.)/g, '$1'))
    .flatMap((name) => (name.length <= 2 ? quoted(name) : [name]));
}

/**
 * Literals for ROLE_SOURCES: every library name, server name and type in it contains one. They
 * are close enough to the sources that the expression only runs when one occurs.
 */
const ROLE_LITERALS = ['socket.io', 'websocket', 'WebSocket', 'ocketServer', ...moduleLiterals(V.WS_SERVER_LIBS), 'wss', 'wsServer', 'wsApp', 'ws.Server', ...V.SOCKET_TYPES];

export const HINTS: readonly Hint[] = [
  { for: 'ws, socket.io, whatwg (a socket or server the file can trace)', literals: ROLE_LITERALS, anchor: ROLE_SOURCES, confirm: [EVENT_HOOKUP] },
  { for: 'ws (`handleUpgrade`)', literals: [V.HANDLE_UPGRADE], anchor: re(methodCall(V.HANDLE_UPGRADE)) },
  { for: 'signature (`upgrade` / `connection` listener on an untraced receiver)', literals: [...quotedEvent(V.UPGRADE_EVENT), ...quotedEvent(V.CONNECTION_EVENT)], anchor: re(listen(`(?:${V.UPGRADE_EVENT}|${V.CONNECTION_EVENT})${QUOTE}`)) },
  {
    for: 'signature (socket.io middleware reading the handshake)', literals: [...V.HANDSHAKE_MEMBERS].map((name) => `.${name}`),
    // Written `socket.handshake` / `socket?.request`, without spaces around the dot (as everyone writes it).
    anchor: re(`(?<=\\b(?:${alternatives(V.MIDDLEWARE_SOCKET_PARAM)})\\??)\\.(?:${[...V.HANDSHAKE_MEMBERS].join('|')})\\b`),
    anchoredAtLiteral: true,
    confirm: [re(`\\(\\s*(?:${alternatives(V.MIDDLEWARE_SOCKET_PARAM)})\\b${thenParam(V.MIDDLEWARE_NEXT_PARAM)}`)],
  },
  {
    // The literals are the socket parameter's names, where the anchor starts.
    for: 'signature (HTTP `upgrade` listener `(req, socket, head)`)', literals: alternatives(V.UPGRADE_SOCKET_PARAM).split('|'),
    anchor: re(`(?<=,\\s*)(?:${alternatives(V.UPGRADE_SOCKET_PARAM)})\\b${thenParam(V.UPGRADE_HEAD_PARAM)}`),
    anchoredAtLiteral: true,
    confirm: [re(`\\b(?:${alternatives(V.UPGRADE_REQUEST_PARAM)})\\b${thenParam(V.UPGRADE_SOCKET_PARAM)}`)],
  },
  { for: 'express-ws, uWebSockets.js, Elysia (`app.ws()`)', literals: [`.${V.WS_ROUTE_METHOD}`], anchor: re(methodCall(V.WS_ROUTE_METHOD)) },
  { for: 'fastify', literals: [V.FASTIFY_WS_HANDLER, V.FASTIFY_WS_FLAG], anchor: re(words([V.FASTIFY_WS_HANDLER]), `\\b${V.FASTIFY_WS_FLAG}${QUOTE}?\\s*:\\s*true\\b`) },
  { for: 'bun', literals: [V.BUN_WEBSOCKET_KEY], anchor: re(`\\b${V.BUN_WEBSOCKET_KEY}\\s*:`) },
  named('nestjs (gateways, `@SubscribeMessage`)', [V.NEST_GATEWAY, V.NEST_SUBSCRIBE]),
  { for: 'nestjs (guards for WebSocket contexts)', literals: [V.NEST_GUARD_METHOD], confirm: [V.NEST_WS_CONTEXT] },
  named('cloudflare', V.HIBERNATION_HANDLERS),
  named('hono', [V.HONO_UPGRADE]),
  named('crossws', [...V.CROSSWS_DEFINERS, ...V.CROSSWS_ADAPTERS]),
  named('graphql-ws', V.GRAPHQL_WS_SERVERS),
  named('trpc', V.TRPC_WS_HANDLERS),
  named('option hooks (`verifyClient`, `allowRequest`)', [V.VERIFY_CLIENT, V.ALLOW_REQUEST]),
  {
    for: 'option hooks (GraphQL subscription hooks)', literals: ['ubscription', 'graphql-', 'wsOptions', 'makeServer', 'useServer'],
    anchor: re(`(?:^|[^\\w$-])${QUOTE}?(?:${[...V.SUBSCRIPTION_CONTAINERS].map(escape).join('|')})${QUOTE}?\\s*:`, words(V.SUBSCRIPTION_SERVERS.map((name) => name.split('.')[0] as string))),
    confirm: [re(words(V.SUBSCRIPTION_HOOKS))],
  },
  {
    // `onConnect(params, webSocket)`, `onConnect: async (params, ws) =>`, `onConnect: ws =>`: a socket among the first two parameters.
    for: 'option hooks (`onConnect` with a socket parameter)', literals: [...V.SOCKET_SIGNATURE_HOOKS],
    confirm: [
      re(
        `${words(V.SOCKET_SIGNATURE_HOOKS)}\\s*(?::\\s*(?:async\\b\\s*)?(?:function\\b[^(]*)?)?(?:async\\b\\s*)?\\(?\\s*(?:[\\w$]+\\s*\\??\\s*(?::[^,()]*)?,\\s*)?(?:${alternatives(V.HOOK_SOCKET_PARAM)})\\b`,
      ),
    ],
  },
  { for: 'legacy-flag-branch', literals: [...V.FLAG_NAMES] },
  { for: 'unused-suppression', literals: [V.SUPPRESSION_MARK] },
];

/**
 * With --type-aware the checker gives receivers roles the text does not show (a socket typed in
 * another module): any listener, `use`, or WHATWG event hook-up can be one.
 */
export const TYPE_AWARE_HINT: Hint = { for: 'roles from the type checker (--type-aware)', literals: [''], anchor: EVENT_HOOKUP };

/** `{ "callee": "bus.onSocket" }` in config: its last name, called. */
export function customHint(callees: string[]): Hint | undefined {
  if (callees.length === 0) return undefined;
  const names = callees.map((callee) => escape(callee.split('.').pop() ?? callee));
  return { for: 'custom registrations (config)', literals: callees.map((callee) => callee.split('.').pop() ?? callee), anchor: re(`\\b(?:${names.join('|')})\\b`) };
}

/** Whether one hint holds in a text. */
export function holds(hint: Hint, text: string): boolean {
  return hint.literals.some((literal) => text.includes(literal)) && expressionsHold(hint, text);
}

/**
 * Whether a hint's expressions match, once one of its literals is known to occur. The
 * confirmations go first: on real code they are the cheaper test where both run (a listener
 * call is rarer than a WebSocket word).
 */
export function expressionsHold(hint: Hint, text: string): boolean {
  return confirmationsHold(hint, text) && (hint.anchor?.test(text) ?? true);
}

export function confirmationsHold(hint: Hint, text: string): boolean {
  return (hint.confirm ?? []).every((pattern) => pattern.test(text));
}
