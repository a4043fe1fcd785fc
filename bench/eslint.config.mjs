// ESLint's equivalent of the simplest form of fake-request: a cast to a request type, a double
// cast through unknown/any, or a request constructor, anywhere (ESLint sees one file at a time).
import tsParser from '@typescript-eslint/parser';

const selectors = [
  'TSAsExpression[typeAnnotation.typeName.name=/^(Request|IncomingMessage|NextApiRequest|NextRequest|FastifyRequest)$/]',
  'TSTypeAssertion[typeAnnotation.typeName.name=/^(Request|IncomingMessage|NextApiRequest|NextRequest|FastifyRequest)$/]',
  'NewExpression[callee.name=/^(IncomingMessage|NextRequest)$/]',
  "CallExpression[callee.object.name='Object'][callee.property.name='create'] > MemberExpression[property.name='prototype'][object.name=/Request|IncomingMessage/]",
];

export default [
  { ignores: ['**/node_modules/**'] },
  {
    files: ['**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}'],
    languageOptions: { parser: tsParser, parserOptions: { ecmaFeatures: { jsx: true } } },
    linterOptions: { reportUnusedDisableDirectives: 'off' },
    rules: { 'no-restricted-syntax': ['error', ...selectors.map((selector) => ({ selector, message: 'fake request' }))] },
  },
];
