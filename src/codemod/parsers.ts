import { createRequire } from 'node:module';
import { parse as babelParse, type ParserOptions } from '@babel/parser';

export interface Parser {
  parse(source: string): unknown;
}

/** Plain modern JavaScript with JSX, without Flow unless the file says it is Flow. */
const JS_OPTIONS: ParserOptions = {
  sourceType: 'unambiguous',
  allowImportExportEverywhere: true,
  allowReturnOutsideFunction: true,
  startLine: 1,
  tokens: true,
  plugins: [
    'jsx',
    ['decorators', { decoratorsBeforeExport: false }],
    'classProperties',
    'classPrivateProperties',
    'classPrivateMethods',
    'dynamicImport',
    'exportDefaultFrom',
    'importMeta',
    'topLevelAwait',
    'explicitResourceManagement',
  ],
};

/** A file that declares itself Flow (`// @flow` in its leading comments) gets the Flow plugin too. */
const FLOW_OPTIONS: ParserOptions = { ...JS_OPTIONS, plugins: [...(JS_OPTIONS.plugins ?? []), 'flow', 'flowComments'] };
const FLOW_PRAGMA = /^(?:\s|\/\/[^\n]*\n|\/\*[\s\S]*?\*\/)*?(?:\/\/|\/\*+)\s*@flow\b/;

export const javascriptParser: Parser = {
  parse: (source) => babelParse(source, FLOW_PRAGMA.test(source.slice(0, 4096)) ? FLOW_OPTIONS : JS_OPTIONS),
};

/**
 * By extension: jscodeshift's `ts` for .ts/.mts/.cts (angle-bracket casts are valid there, not in
 * TSX), `tsx` for .tsx, and Babel for JavaScript (with Flow only under an `@flow` pragma).
 */
export function parserFor(file: string): 'ts' | 'tsx' | Parser {
  if (/\.(ts|mts|cts)$/.test(file)) return 'ts';
  if (/\.tsx$/.test(file)) return 'tsx';
  return javascriptParser;
}

/** jscodeshift's own options for its `ts` parser, so both ways of parsing see the same syntax. */
const TS_OPTIONS = createRequire(import.meta.url)('jscodeshift/parser/tsOptions.js') as ParserOptions;

/**
 * The file's AST straight from Babel, by extension as `parserFor` chooses, without tokens and
 * without comments attached to nodes: the rewrite is text edits located by offsets, so it needs
 * neither recast's copy of the tree nor the tokens recast reprints from (`j(source)` builds both,
 * about twice the work), and it never reads a node's comments (edits leave them in the text).
 */
export function parseAst(file: string, source: string): unknown {
  const plain = { tokens: false, attachComment: false };
  if (/\.(ts|mts|cts)$/.test(file)) return babelParse(source, { ...TS_OPTIONS, ...plain });
  if (/\.tsx$/.test(file)) return babelParse(source, { ...TS_OPTIONS, ...plain, plugins: ['jsx', ...(TS_OPTIONS.plugins ?? [])] });
  return babelParse(source, { ...(FLOW_PRAGMA.test(source.slice(0, 4096)) ? FLOW_OPTIONS : JS_OPTIONS), ...plain });
}
