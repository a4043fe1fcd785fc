import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { at, findFirstAt, type Node, type Path, type Site } from '../src/codemod/ast.js';
import { parserOf } from '../src/codemod/fixable.js';
import { parseAst } from '../src/codemod/parsers.js';
import { ROOT } from './helpers/cli.js';

// findFirstAt replaces `root.find(type).filter(match).paths()[0]` in every rewrite: it must pick the
// same node, reached through the same fields, for every site a finding can name. Checked here on
// every expression (and every call, and every `if`/`?:` test) of every fixture source.

const SOURCE = /\.(?:[cm]?[jt]sx?)$/;
const sources = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && SOURCE.test(entry.name) && !entry.name.endsWith('.d.ts'))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
const FILES = ['codemod', 'rules', 'frameworks', 'shapes', 'idioms', 'cross-file'].flatMap((dir) => sources(path.join(ROOT, 'fixtures', dir)));

/** A path as the names leading to it from the root (`program.body.3.expression`) and its node's type. */
const describe = (path: Path | undefined): string | undefined => {
  if (!path) return undefined;
  const names: string[] = [];
  for (let current: Path | null = path; current?.parentPath; current = current.parentPath as Path | null) names.unshift(String(current.name));
  return `${names.join('.')} ${(path.node as Node).type}`;
};

interface Lookup {
  type: 'Expression' | 'CallExpression' | 'Node';
  matches: (site: Site) => (node: Node) => boolean;
  /** The sites to try: where the nodes the lookup is for are. */
  siteOf: (node: Node) => Site | undefined;
  /** Fewer sites than this in the fixtures: the check says too little. */
  minimum: number;
}

const startOf = (node: Node | undefined): Site | undefined => (node?.loc ? { line: node.loc.start.line, column: node.loc.start.column + 1 } : undefined);
const isBranch = (node: Node): boolean => (node.type === 'IfStatement' || node.type === 'ConditionalExpression') && !!node.test;
const LOOKUPS: Lookup[] = [
  { type: 'Expression', matches: (site) => (node) => at(node, site), siteOf: startOf, minimum: 5_000 },
  { type: 'CallExpression', matches: (site) => (node) => at(node, site), siteOf: startOf, minimum: 800 },
  { type: 'Node', matches: (site) => (node) => isBranch(node) && at(node.test as Node, site), siteOf: (node) => (isBranch(node) ? startOf(node.test as Node) : undefined), minimum: 40 },
];

/** Each file parsed twice: the whole walk fills in default fields as it goes, and must not help the other side. */
function parsed(file: string): { j: ReturnType<typeof parserOf>; root: ReturnType<ReturnType<typeof parserOf>> } | undefined {
  const source = readFileSync(file, 'utf8');
  let ast: unknown;
  try {
    ast = parseAst(file, source);
  } catch {
    return undefined; // a fixture of broken syntax: the codemod never gets a tree for it
  }
  const j = parserOf(file);
  return { j, root: j(ast as never) };
}

const test = suite('codemod: findFirstAt finds what the whole walk finds');

test('the fixtures hold enough sources to say something', () => {
  assert.ok(FILES.length > 100, `${FILES.length} fixture sources`);
});

for (const lookup of LOOKUPS) {
  test(`${lookup.type} sites: the same node through the same fields, in every fixture source`, () => {
    let sites = 0;
    for (const file of FILES) {
      const whole = parsed(file);
      const descent = parsed(file);
      if (!whole || !descent) continue;
      const type = whole.j[lookup.type];
      const seen = new Set<string>();
      whole.root.find(type as never).forEach((found: Path) => {
        const site = lookup.siteOf(found.node as Node);
        if (!site || seen.has(`${site.line}:${site.column}`)) return;
        seen.add(`${site.line}:${site.column}`);
        sites++;
        // The walk goes in the order `find` keeps: the first path at a site is the one `find(...).filter(...)` gives first.
        const expected = describe(found);
        const actual = describe(findFirstAt(descent.j, descent.root, descent.j[lookup.type], site, lookup.matches(site)));
        assert.is(actual, expected, `${path.relative(ROOT, file)}:${site.line}:${site.column}`);
      });
    }
    assert.ok(sites >= lookup.minimum, `${sites} sites`);
  });
}

test('a site where nothing starts finds nothing, as the whole walk does', () => {
  const file = path.join(ROOT, 'fixtures', 'codemod', 'engine-middleware.input.ts');
  const tree = parsed(file);
  if (!tree) throw new Error('fixture does not parse');
  const lines = readFileSync(file, 'utf8').split('\n').length;
  for (const site of [{ line: lines + 5, column: 1 }, { line: 1, column: 500 }]) {
    assert.is(findFirstAt(tree.j, tree.root, tree.j.Expression, site, (node) => at(node, site)), undefined);
  }
});

test.run();
