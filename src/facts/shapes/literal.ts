import { ts } from '@ts-morph/common';
import { isObjectLiteralExpression, isPropertyAccessExpression, isSpreadAssignment } from '../syntax.js';
import { unwrap } from '../scope.js';
import type { FakeOrigin } from '../../types.js';
import { calleeName, isGenuineRequest, makeOrigin, type Analysis } from '../context.js';

/**
 * An object literal only poses as a request once it reaches a request position (`{ req: {...} }`,
 * the argument of a request-scoped factory); the origin is positional. A literal that spreads the
 * real handshake request copies a few fields and drops the rest, which is the same lie.
 */
export function literalShape(a: Analysis, node: ts.ObjectLiteralExpression): FakeOrigin {
  const spreadsRequest = node.properties.some((prop) => isSpreadAssignment(prop) && isGenuineRequest(a, prop.expression));
  if (spreadsRequest) {
    return makeOrigin(a, node, { kind: 'request', shape: 'spread-literal', describe: 'an object literal spreading the handshake request', positional: true });
  }
  return makeOrigin(a, node, { kind: 'request', shape: 'literal', describe: 'an object literal', positional: true });
}

/** `Object.assign({}, socket.request, { user })` builds the same copy as a spread. */
export function assignLiteralShape(a: Analysis, node: ts.CallExpression): FakeOrigin | undefined {
  // Asked of every call: the callee is named only when it ends in `.assign`.
  const callee = unwrap(node.expression);
  if (!isPropertyAccessExpression(callee) || callee.name.text !== 'assign' || calleeName(node.expression) !== 'Object.assign') return undefined;
  const [first, ...rest] = node.arguments;
  if (!first || !isObjectLiteralExpression(first)) return undefined;
  const spreadsRequest = rest.some((arg) => isGenuineRequest(a, arg));
  return makeOrigin(a, node, {
    kind: 'request',
    shape: spreadsRequest ? 'spread-literal' : 'literal',
    describe: spreadsRequest ? '`Object.assign()` copying the handshake request' : 'an object built by `Object.assign()`',
    positional: true,
  });
}
