import type { FrameworkRecognizer } from './api.js';
import { bun } from './bun.js';
import { cloudflare } from './cloudflare.js';
import { crossws } from './crossws.js';
import { custom } from './custom.js';
import { expressWs } from './express-ws.js';
import { fastify } from './fastify.js';
import { graphqlWs } from './graphql-ws.js';
import { hono } from './hono.js';
import { nestjs } from './nestjs.js';
import { optionHooks } from './option-hooks.js';
import { signature } from './signature.js';
import { socketIo } from './socket-io.js';
import { trpc } from './trpc.js';
import { whatwg } from './whatwg.js';
import { ws } from './ws.js';

/** Every framework recogniser. Adding a framework is one file here and one fixture app. */
export const FRAMEWORKS: readonly FrameworkRecognizer[] = [ws, socketIo, expressWs, fastify, nestjs, bun, cloudflare, hono, crossws, graphqlWs, trpc, whatwg, custom, optionHooks, signature];
