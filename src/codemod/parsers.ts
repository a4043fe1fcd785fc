import { parse as babelParse, type ParserOptions } from '@babel/parser';

export interface Parser {
  parse(source: string): unknown;
}

/** Plain modern JavaScript with JSX, without Flow: `.js` files are not Flow in this ecosystem. */
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

export const javascriptParser: Parser = {
  parse: (source) => babelParse(source, JS_OPTIONS),
};

/**
 * By extension: jscodeshift's `ts` for .ts/.mts/.cts (angle-bracket casts are valid there, not in
 * TSX), `tsx` for .tsx, and Flow-free Babel for JavaScript.
 */
export function parserFor(file: string): 'ts' | 'tsx' | Parser {
  if (/\.(ts|mts|cts)$/.test(file)) return 'ts';
  if (/\.tsx$/.test(file)) return 'tsx';
  return javascriptParser;
}
