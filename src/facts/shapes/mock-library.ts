import { ts } from '@ts-morph/common';
import type { FakeKind, FakeOrigin } from '../../types.js';
import { makeOrigin, resolveTarget, type Analysis } from '../context.js';
import { unwrap } from '../scope.js';
import { isCallExpression, isPropertyAccessExpression } from '../syntax.js';

/** Test-double libraries and what each export fabricates. */
const MOCK_EXPORTS: Record<string, Record<string, FakeKind>> = {
  'node-mocks-http': { createRequest: 'request', createResponse: 'response', createMocks: 'request' },
  '@jest-mock/express': { getMockReq: 'request', getMockRes: 'response' },
  'mock-req-res': { mockRequest: 'request', mockResponse: 'response' },
  'sinon-express-mock': { mockReq: 'request', mockRes: 'response' },
  'mock-req': { default: 'request' },
  'mock-res': { default: 'response' },
  'mock-http': { Request: 'request', Response: 'response' },
};

export function isMockLibrary(source: string): boolean {
  return Object.hasOwn(MOCK_EXPORTS, source);
}

/** `httpMocks.createRequest()`, `getMockReq()`, `new MockReq()` in production code. */
export function mockLibraryShape(a: Analysis, node: ts.CallExpression | ts.NewExpression): FakeOrigin | undefined {
  // Asked of every call and `new`: an import target comes from a binding's import, or from an inline
  // `require('…').member`. With no binding importing a test double, only the latter can name one.
  a.importsMockLibrary ??= [...a.importedSources].some(isMockLibrary);
  if (!a.importsMockLibrary) {
    const callee = unwrap(node.expression);
    if (!isPropertyAccessExpression(callee) || !isCallExpression(unwrap(callee.expression))) return undefined;
  }
  const target = resolveTarget(a, node.expression);
  if (target?.t !== 'import') return undefined;
  const kind = MOCK_EXPORTS[target.source]?.[target.imported];
  if (!kind) return undefined;
  return makeOrigin(a, node, { kind, shape: 'mock-library', describe: `a \`${target.source}\` test double` });
}
