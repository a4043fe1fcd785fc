import { ts } from '@ts-morph/common';
import { isIdentifier, isPropertyAccessExpression } from '../syntax.js';
import type { FakeOrigin } from '../../types.js';
import { httpExprKind, makeOrigin, type Analysis } from '../context.js';

/** `new Request(...)`, `new IncomingMessage(socket)`, `new http.ServerResponse(req)`. */
export function constructorShape(a: Analysis, node: ts.NewExpression): FakeOrigin | undefined {
  const callee = node.expression;
  if (!isIdentifier(callee) && !isPropertyAccessExpression(callee)) return undefined;
  const http = httpExprKind(a, callee);
  if (!http) return undefined;
  // `new Response(body)` is how fetch-style servers answer; it is only a fake once it is handed to
  // middleware as `res`, so it counts in a response position only.
  const positional = http.kind === 'response' && http.name === 'Response';
  return makeOrigin(a, node, { kind: http.kind, shape: 'constructor', describe: `\`new ${http.name}()\``, positional });
}
