/** Display names for messages. Kept apart from the recognisers so reporting never loads the parser. */
export const FRAMEWORK_NAMES: Record<string, string> = {
  ws: '`ws`',
  'socket.io': 'socket.io',
  'express-ws': 'express-ws',
  'uWebSockets.js': 'uWebSockets.js',
  fastify: 'Fastify',
  nestjs: 'NestJS',
  bun: 'Bun',
  deno: 'Deno',
  cloudflare: 'Cloudflare',
  hono: 'Hono',
  elysia: 'Elysia',
  crossws: 'crossws',
  'graphql-ws': 'graphql-ws',
  trpc: 'tRPC',
  whatwg: 'WebSocket',
  custom: 'custom',
};
