import { ts } from '@ts-morph/common';
import {
  isArrowFunction, isCallExpression, isFunctionExpression, isIdentifier, isNumericLiteral, isObjectLiteralExpression, isPropertyAccessExpression,
  isPropertyAssignment, isShorthandPropertyAssignment, isStringLiteral, isStringLiteralLike,
} from './syntax.js';
import type { Position } from '../types.js';
import { bindingOf, calleeName, canonicalName, shortName, type Analysis } from './context.js';
import { stripCasts, unwrap } from './scope.js';

export interface PositionArg {
  arg: ts.Expression;
  position: Position;
  sink: string;
}

const REQUEST_PROPS = new Set(['req', 'request']);
const RESPONSE_PROPS = new Set(['res', 'response', 'reply']);
const CONTEXT_KEYS = new Set(['context', 'contextValue', 'ctx']);

function contextProperties(object: ts.ObjectLiteralExpression): ts.ObjectLiteralExpression[] {
  const found: ts.ObjectLiteralExpression[] = [];
  for (const prop of object.properties) {
    if (!isPropertyAssignment(prop) || !(isIdentifier(prop.name) || isStringLiteral(prop.name)) || !CONTEXT_KEYS.has(prop.name.text)) continue;
    const value = stripCasts(prop.initializer);
    if (isObjectLiteralExpression(value)) found.push(value);
  }
  return found;
}
/** Callees whose `{ req }`-style argument is a request position. */
const CONTEXT_BUILDER = /(context|session|token|auth|user|supervisor|scope|guard|middleware|container|inject|principal|identity|tenant|permission)/i;
/** Callees whose objects carry data named `request`, not an HTTP request. */
const NOT_A_CONSUMER = new Set(['emit', 'send', 'broadcast', 'publish', 'write', 'json', 'log', 'info', 'debug', 'warn', 'error', 'trace', 'push', 'set', 'create']);
const NEXT_NAMES = /^(next|done|cb|callback|fn|resolve|proceed)$/;
const NEVER_MIDDLEWARE = new Set(['emit', 'on', 'once', 'addListener', 'send', 'call', 'apply', 'bind', 'setTimeout', 'setInterval', 'setImmediate', 'then', 'catch', 'finally', 'handleUpgrade', 'listen', 'use']);

/** Arguments of this call that stand where an HTTP request or response is expected. */
export function positionsOf(a: Analysis, call: ts.CallExpression): PositionArg[] {
  // `passport.initialize()(req, res, next)`: a curried middleware is named after its factory.
  const callee = unwrap(call.expression);
  const short = shortName(callee) ?? (isCallExpression(callee) ? shortName(callee.expression) : undefined);
  if (!short) return [];
  // Asked of every call, and most have no position: the callee's full name is built only for one that does.
  let named: string | undefined;
  const sinkOf = (): string => (named ??= calleeName(call.expression) ?? short);
  const canonical = isIdentifier(unwrap(call.expression)) ? canonicalName(a, unwrap(call.expression) as ts.Identifier) : short;
  const found: PositionArg[] = [];
  const [first, second] = call.arguments;

  if (Object.hasOwn(a.options.factories, canonical) && first) {
    found.push({ arg: first, position: 'request', sink: sinkOf() });
    return found;
  }
  if (a.options.requestConsumers.includes(canonical) && first && !isObjectLiteralExpression(unwrap(first))) {
    found.push({ arg: first, position: 'request', sink: sinkOf() });
    if (second && call.arguments.length >= 3) {
      found.push({ arg: second, position: 'response', sink: sinkOf() });
    }
  }
  for (const { index, kind } of a.oracle?.parameterPositions(call) ?? []) {
    const arg = call.arguments[index];
    if (arg && !found.some((entry) => entry.arg === arg)) found.push({ arg, position: kind, sink: sinkOf() });
  }
  for (const entry of httpEntryPositions(call, short)) {
    if (!found.some((known) => known.arg === entry.arg)) found.push({ ...entry, sink: sinkOf() });
  }
  if (isMiddlewareCall(a, call, short) && first && second) {
    found.push({ arg: first, position: 'request', sink: sinkOf() }, { arg: second, position: 'response', sink: sinkOf() });
  }
  if (NOT_A_CONSUMER.has(short)) return found;
  let objects: ts.ObjectLiteralExpression[] | undefined;
  for (const arg of call.arguments) {
    const value = stripCasts(arg);
    if (isObjectLiteralExpression(value)) (objects ??= []).push(value);
  }
  if (!objects) return found;
  const builder = CONTEXT_BUILDER.test(short) || a.options.requestConsumers.includes(canonical);
  // Besides a context builder's own argument, a context handed over as a property
  // (`execute({ contextValue: { reply: {...} } })`) carries the request and reply HTTP code reads.
  const contexts = objects.flatMap((object) => contextProperties(object));
  for (const object of [...(builder ? objects : []), ...contexts]) {
    for (const prop of object.properties) {
      const name = prop.name && (isIdentifier(prop.name) || isStringLiteral(prop.name)) ? prop.name.text : undefined;
      if (!name) continue;
      const position = REQUEST_PROPS.has(name) ? 'request' : RESPONSE_PROPS.has(name) ? 'response' : undefined;
      if (!position) continue;
      if (isPropertyAssignment(prop)) found.push({ arg: prop.initializer, position, sink: sinkOf() });
      else if (isShorthandPropertyAssignment(prop)) found.push({ arg: prop.name, position, sink: sinkOf() });
    }
  }
  return found;
}

const PAIR_REQUEST = /^(req|request|httpRequest|routeRequest)$/;
const PAIR_RESPONSE = /^(res|response|httpResponse|routeResponse|reply)$/;

function isNamed(arg: ts.Expression, pattern: RegExp): boolean {
  const inner = stripCasts(arg);
  return isIdentifier(inner) && pattern.test(inner.text);
}

const INJECTING_RECEIVER = /(^|\.)(server|app|fastify|hapi|instance|_server|httpServer)$/i;

/**
 * Hand-made entries into an HTTP application: Koa's `app.createContext(req, res)`, a `request` event
 * emitted on an HTTP server, hapi/Fastify `server.inject(options)`, `app.handle(req, res)`.
 */
function httpEntryPositions(call: ts.CallExpression, short: string): Omit<PositionArg, 'sink'>[] {
  const args = call.arguments;
  const [first, second, third] = args;
  const callee = unwrap(call.expression);
  // Named only for the two methods that need a receiver.
  const receiver = (short === 'inject' || short === 'handle') && isPropertyAccessExpression(callee) ? calleeName(callee.expression) : undefined;
  if (short === 'createContext' && args.length === 2 && first && second && !isObjectLiteralExpression(stripCasts(first))) {
    return [{ arg: first, position: 'request' }, { arg: second, position: 'response' }];
  }
  if (short === 'emit' && first && isStringLiteralLike(first) && first.text === 'request' && second && third) {
    return [{ arg: second, position: 'request' }, { arg: third, position: 'response' }];
  }
  if (short === 'inject' && args.length <= 2 && first && receiver && INJECTING_RECEIVER.test(receiver)) return [{ arg: first, position: 'request' }];
  if (short === 'handle' && args.length === 2 && first && second && receiver) return [{ arg: first, position: 'request' }, { arg: second, position: 'response' }];
  // `callback(request, response)`: values named as an HTTP pair and handed on together.
  if (first && second && isNamed(first, PAIR_REQUEST) && isNamed(second, PAIR_RESPONSE)) return [{ arg: first, position: 'request' }, { arg: second, position: 'response' }];
  return [];
}

/** `mw(req, res, next)`: three arguments, the last a continuation. */
function isMiddlewareCall(a: Analysis, call: ts.CallExpression, short: string): boolean {
  if (call.arguments.length !== 3 || NEVER_MIDDLEWARE.has(short)) return false;
  const [first, , last] = call.arguments;
  if (!first || !last || isStringLiteralLike(first) || isNumericLiteral(first)) return false;
  const next = stripCasts(last);
  if (isArrowFunction(next) || isFunctionExpression(next)) return next.parameters.length <= 1;
  if (!isIdentifier(next)) return false;
  if (NEXT_NAMES.test(next.text)) return true;
  return bindingOf(a, next)?.kind === 'param' && NEXT_NAMES.test(next.text);
}
