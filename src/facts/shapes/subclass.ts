import { ts } from '@ts-morph/common';
import { isClassLike, isIdentifier, Kind } from '../syntax.js';
import type { FakeOrigin } from '../../types.js';
import { bindingOf, httpExprKind, httpTypeKind, makeOrigin, type Analysis } from '../context.js';

/** The request/response type a class extends or implements, if any. */
export function classHttpKind(a: Analysis, cls: ts.ClassLikeDeclaration): { kind: 'request' | 'response'; name: string } | undefined {
  for (const clause of cls.heritageClauses ?? []) {
    for (const heritage of clause.types) {
      const found =
        clause.token === Kind.ExtendsKeyword ? httpExprKind(a, heritage.expression) : httpTypeKind(a, heritage);
      if (found) return found;
    }
  }
  return undefined;
}

/** `new FakeRequest()` where `class FakeRequest extends IncomingMessage` (or implements a request type). */
export function subclassShape(a: Analysis, node: ts.NewExpression): FakeOrigin | undefined {
  if (!isIdentifier(node.expression)) return undefined;
  const binding = bindingOf(a, node.expression);
  if (binding?.kind !== 'class' || !isClassLike(binding.decl)) return undefined;
  const http = classHttpKind(a, binding.decl);
  if (!http) return undefined;
  return makeOrigin(a, node, {
    kind: http.kind,
    shape: 'subclass',
    describe: `\`new ${node.expression.text}()\`, a subclass of \`${http.name}\``,
  });
}
