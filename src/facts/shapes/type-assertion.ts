import { ts } from '@ts-morph/common';
import type { FakeOrigin } from '../../types.js';
import { httpTypeKind, isGenuineRequest, makeOrigin, type Analysis } from '../context.js';
import { unwrap } from '../scope.js';

const ERASING_TYPES = new Set([ts.SyntaxKind.UnknownKeyword, ts.SyntaxKind.AnyKeyword]);

/**
 * `x as Request`, `x as unknown as NextApiRequest`, `<Request>x`: something that is not a request
 * told to pose as one. Casting the real handshake request is left alone.
 */
export function typeAssertionShape(a: Analysis, node: ts.AsExpression | ts.TypeAssertion): FakeOrigin | undefined {
  const http = httpTypeKind(a, node.type);
  if (!http) return undefined;
  const operand = unwrap(node.expression);
  const double = (ts.isAsExpression(operand) || ts.isTypeAssertionExpression(operand)) && ERASING_TYPES.has(operand.type.kind);
  const source = double ? unwrap((operand as ts.AsExpression).expression) : operand;
  if (http.kind === 'request' && isGenuineRequest(a, source)) return undefined;
  const what = ts.isObjectLiteralExpression(source) ? 'an object literal' : 'a value';
  const via = double ? ` double-cast through \`${(operand as ts.AsExpression).type.getText(a.sf)}\`` : ' cast';
  return makeOrigin(a, node, { kind: http.kind, shape: 'type-assertion', describe: `${what}${via} to \`${http.name}\`` });
}
