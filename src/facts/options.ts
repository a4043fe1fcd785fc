/** The part of the configuration that changes what facts are extracted (and so keys the cache). */
export interface FactsOptions {
  requestTypes: string[];
  responseTypes: string[];
  /** Request-scoped factories and their WebSocket-scoped counterparts (`null` when none is known). */
  factories: Record<string, string | null>;
  /** Functions that take a request (or `{ req }`) as their first argument. */
  requestConsumers: string[];
  registrations: CustomRegistration[];
}

/** A user-defined registration: `callee` is the called name, exact (`bus.onSocket`) or `*.onSocket`. */
export interface CustomRegistration {
  callee: string;
  handlerArg: number;
  event?: string;
}

export const DEFAULT_FACTS_OPTIONS: FactsOptions = {
  requestTypes: [
    'Request',
    'IncomingMessage',
    'NextRequest',
    'NextApiRequest',
    'FastifyRequest',
    'Http2ServerRequest',
    'ExpressRequest',
    'KoaRequest',
    'HonoRequest',
  ],
  responseTypes: ['Response', 'ServerResponse', 'NextApiResponse', 'NextResponse', 'FastifyReply', 'Http2ServerResponse', 'ExpressResponse', 'KoaResponse'],
  factories: {
    getRequestScopedSupervisor: 'getWebSocketScopedSupervisor',
    get_request_scoped_supervisor: 'get_websocket_scoped_supervisor',
  },
  requestConsumers: ['getToken', 'getSession', 'getServerSession', 'getServerAuthSession', 'getAuth', 'getIronSession', 'getUserFromRequest'],
  registrations: [],
};
