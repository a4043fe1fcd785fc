import { ts } from '@ts-morph/common';
import { isIdentifier, isMethodDeclaration, isObjectLiteralExpression, isPropertyAssignment, isShorthandPropertyAssignment, Kind } from '../syntax.js';
import { unwrap } from '../scope.js';
import type { FrameworkRecognizer } from './api.js';
import { FASTIFY_WS_FLAG, FASTIFY_WS_HANDLER } from './vocabulary.js';
import { register } from './api.js';

/**
 * `name.getText() === text`, reading the source only for an identifier spelled so (an escaped
 * identifier has other source text; any other kind of name has quotes, brackets or `#`).
 */
function isKey(name: ts.PropertyName, text: string): boolean {
  return isIdentifier(name) && name.text === text && name.getText() === text;
}

function hasTrue(object: ts.ObjectLiteralExpression, name: string): boolean {
  return object.properties.some(
    (prop) => isPropertyAssignment(prop) && isKey(prop.name, name) && prop.initializer.kind === Kind.TrueKeyword,
  );
}

function property(object: ts.ObjectLiteralExpression, name: string): ts.Expression | undefined {
  for (const prop of object.properties) {
    if (isPropertyAssignment(prop) && isKey(prop.name, name)) return prop.initializer;
    if (isMethodDeclaration(prop) && isKey(prop.name, name)) return prop as unknown as ts.Expression;
    if (isShorthandPropertyAssignment(prop) && prop.name.text === name) return prop.name;
  }
  return undefined;
}

/** @fastify/websocket: `fastify.get(path, { websocket: true }, handler)` and `route({ websocket: true, handler | wsHandler })`. */
export const fastify: FrameworkRecognizer = {
  id: 'fastify',
  onCall(a, call) {
    for (const arg of call.arguments) {
      const options = unwrap(arg);
      if (!isObjectLiteralExpression(options)) continue;
      const wsHandler = property(options, FASTIFY_WS_HANDLER);
      if (wsHandler) {
        register(a, { framework: 'fastify', event: '`wsHandler`', handler: wsHandler, at: call.expression, params: ['ws-socket', 'genuine'] });
        continue;
      }
      if (!hasTrue(options, FASTIFY_WS_FLAG)) continue;
      const handler = property(options, 'handler') ?? call.arguments[call.arguments.length - 1];
      if (handler && unwrap(handler as ts.Expression) !== options) {
        register(a, { framework: 'fastify', event: '`{ websocket: true }` route', handler, at: call.expression, params: ['ws-socket', 'genuine'] });
      }
    }
  },
};
