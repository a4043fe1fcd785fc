import { ts } from '@ts-morph/common';
import { isAsExpression, isIdentifier, isObjectLiteralExpression, isPropertyAccessExpression, isTypeAssertionExpression, Kind } from '../syntax.js';
import type { FakeOrigin } from '../../types.js';
import { httpTypeKind, isGenuineRequest, makeOrigin, type Analysis } from '../context.js';
import { unwrap } from '../scope.js';

const ERASING_TYPES = new Set<ts.SyntaxKind>([Kind.UnknownKeyword, Kind.AnyKeyword]);

/**
 * `x as Request`, `x as unknown as NextApiRequest`, `<Request>x`: something that is not a request
 * told to pose as one. Casting the real handshake request is left alone.
 */
export function typeAssertionShape(a: Analysis, node: ts.AsExpression | ts.TypeAssertion): FakeOrigin | undefined {
  const http = httpTypeKind(a, node.type);
  if (!http) return doubleCastShape(a, node);
  const operand = unwrap(node.expression);
  const double = (isAsExpression(operand) || isTypeAssertionExpression(operand)) && ERASING_TYPES.has(operand.type.kind);
  const source = double ? unwrap((operand as ts.AsExpression).expression) : operand;
  if (http.kind === 'request' && isGenuineRequest(a, source)) return undefined;
  const what = isObjectLiteralExpression(source) ? 'an object literal' : 'a value';
  const via = double ? ` double-cast through \`${(operand as ts.AsExpression).type.getText(a.sf)}\`` : ' cast';
  return makeOrigin(a, node, { kind: http.kind, shape: 'type-assertion', describe: `${what}${via} to \`${http.name}\`` });
}

/**
 * `client as unknown as HttpResponseDecorated`: a double cast erases what a value is, whatever the
 * target type is called. Positional: it counts once it stands where a request or response goes.
 */
function doubleCastShape(a: Analysis, node: ts.AsExpression | ts.TypeAssertion): FakeOrigin | undefined {
  const operand = unwrap(node.expression);
  if (!(isAsExpression(operand) || isTypeAssertionExpression(operand)) || !ERASING_TYPES.has(operand.type.kind)) return undefined;
  const source = unwrap(operand.expression);
  if (isGenuineRequest(a, source) || isGenuineResponse(source)) return undefined;
  const what = isObjectLiteralExpression(source) ? 'an object literal' : `\`${source.getText(a.sf).slice(0, 40)}\``;
  return makeOrigin(a, node, {
    kind: 'request',
    shape: 'type-assertion',
    describe: `${what} double-cast through \`${operand.type.getText(a.sf)}\` to \`${node.type.getText(a.sf).slice(0, 60)}\``,
    positional: true,
  });
}

/** `res`, `reply`, `socket.request.res`: names that carry a real response handed in by a caller. */
function isGenuineResponse(expr: ts.Expression): boolean {
  const inner = unwrap(expr);
  if (isIdentifier(inner)) return /^(res|response|reply|serverResponse|httpResponse)$/.test(inner.text);
  return isPropertyAccessExpression(inner) && /^(res|response|raw)$/.test(inner.name.text) && !/socket|client|ws/i.test(inner.expression.getText());
}
