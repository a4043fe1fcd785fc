import { rmSync } from 'node:fs';
import path from 'node:path';
import ignore from 'ignore';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { defaultConfig } from '../src/discover/config.js';
import { discoverFiles, isSourceFile } from '../src/discover/files.js';
import { parseGitignore, type Gitignore } from '../src/discover/gitignore.js';
import { gitRepo } from './helpers/git.js';

// The walk's .gitignore matcher (src/discover/gitignore.ts) against the cases git's documentation
// names, and against the `ignore` package the walk used before (kept as a dev dependency for this):
// the same answers on generated rule sets and paths, and the same rule named in the message.

/**
 * Whether the walk leaves `target` out (`dir/` for a folder): the first of its folders, or itself,
 * that the layer ignores (the walk never enters an ignored folder). Undefined when kept, else the
 * deciding rule's line.
 */
function walkVerdict(rules: Gitignore, target: string): string | undefined {
  const isDir = target.endsWith('/');
  const names = (isDir ? target.slice(0, -1) : target).split('/');
  for (let index = 0; index < names.length; index++) {
    const path = names.slice(0, index + 1).join('/');
    const name = names[index] as string;
    const folder = index < names.length - 1 || isDir;
    if (rules.ignores(path, name, folder)) return rules.decidingRule(path, name, folder)?.pattern ?? '(no rule)';
  }
  return undefined;
}

/** The `ignore` package's answer: the deciding rule's line, or undefined when kept. */
function oracle(text: string, target: string): string | undefined {
  const rules = ignore().add(text);
  return rules.ignores(target) ? (rules.test(target).rule?.pattern ?? '(no rule)') : undefined;
}

const table = suite('gitignore: git semantics, case by case');

// [rules, ignored targets, kept targets]; a target ending in `/` is a folder.
const CASES: [string, string[], string[]][] = [
  ['dist/', ['dist/', 'a/dist/', 'dist/x.ts'], ['dist', 'a/dist', 'distx/']],
  ['/build', ['build', 'build/', 'build/x.ts'], ['a/build', 'a/build/']],
  ['a/b', ['a/b', 'a/b/', 'a/b/c.ts'], ['x/a/b', 'a/bc']],
  ['*.log', ['x.log', 'a/b/x.log', '.log'], ['x.log.txt', 'log']],
  ['**/foo', ['foo', 'a/b/foo', 'foo/'], ['foox', 'a/xfoo']],
  ['**/foo/bar', ['foo/bar', 'a/foo/bar', 'a/b/foo/bar/'], ['a/foo/x/bar', 'foo/xbar']],
  ['a/**', ['a/x', 'a/x/y.ts', 'a/x/'], ['a/', 'a', 'b/a/x']],
  ['a/**/b', ['a/b', 'a/x/b', 'a/x/y/b', 'a/b/c.ts'], ['a/xb', 'x/a/b']],
  ['a/**/', ['a/x/', 'a/x/y/', 'a/x/y.ts'], ['a/', 'a/x']],
  ['**/', ['a/', 'a/b/', 'a/b.ts'], ['b.ts']],
  ['/**/', ['a/', 'a/b/'], ['b.ts']],
  ['**', ['a', 'a/', 'a/b.ts'], []],
  ['/**', ['a', 'a/b.ts'], []],
  ['**/**/x', ['x', 'a/x', 'a/b/x'], ['xa']],
  ['***/x', ['x', 'a/b/x'], ['ax']],
  ['a**b', ['ab', 'axxb', 'c/ab'], ['a/b', 'a/x/b']],
  ['a/*.ts', ['a/x.ts', 'a/.ts'], ['a/b/x.ts', 'x/a/x.ts']],
  ['*/x.ts', ['a/x.ts'], ['x.ts', 'a/b/x.ts']],
  ['fo?.ts', ['foo.ts', 'a/fox.ts'], ['fo.ts', 'fooo.ts', 'fo/.ts']],
  ['[abc].ts', ['a.ts', 'c.ts', 'x/b.ts'], ['d.ts', 'ab.ts']],
  ['[!abc].ts', ['d.ts', 'z.ts'], ['a.ts', 'b.ts']],
  ['[^abc].ts', ['d.ts'], ['a.ts']],
  ['x[a-c]', ['xa', 'xb', 'xc'], ['xd', 'x-']],
  ['x[c-a]', ['xc'], ['xa', 'xb']],
  ['x[[:digit:]]', ['x1', 'x9'], ['xa', 'x']],
  ['x[[:nope:]]', [], ['x1', 'xa', 'x[[:nope:]]']],
  ['x[]]', ['x]'], ['x', 'xa']],
  ['x[!]]', ['xa'], ['x]']],
  ['x[a', [], ['xa', 'x[a']],
  ['x[/]y', [], ['x/y', 'x[/]y']],
  ['\\*.ts', ['*.ts'], ['a.ts']],
  ['\\?', ['?'], ['a']],
  ['\\[ab]', ['[ab]'], ['a']],
  ['\\#x', ['#x'], ['x']],
  ['#x', [], ['#x']],
  ['\\!x', ['!x'], ['x']],
  ['a\\b', ['ab'], ['a\\b']],
  ['a\\\\b', ['a\\b'], ['ab']],
  ['a  ', ['a'], ['a ', 'a  ']],
  ['a\\ ', ['a '], ['a']],
  ['a\\  ', ['a '], ['a', 'a  ']],
  ['a\tb', ['a\tb'], ['ab']],
  ['foo\\/', [], ['foo', 'foo/']],
  ['foo\\', [], ['foo', 'foo\\']],
  ['/', [], ['a', 'a/']],
  ['!', [], ['!', 'a']],
  ['', [], ['a']],
  ['*.ts\n!keep.ts', ['x.ts', 'a/x.ts'], ['keep.ts', 'a/keep.ts']],
  ['!keep.ts\n*.ts', ['x.ts', 'keep.ts'], []],
  ['*.ts\n!*.ts\n*.ts', ['x.ts'], []],
  ['dist/\n!dist/keep.ts', ['dist/', 'dist/keep.ts'], ['dist']],
  ['dist/*\n!dist/keep.ts', ['dist/x.ts'], ['dist/', 'dist/keep.ts']],
  ['*.LOG', ['x.log', 'X.Log'], ['x.txt']],
  ['\uFEFFfirst\nsecond', ['first', 'second'], ['\uFEFFfirst']],
  ['a\r\nb\r\n', ['a', 'b'], ['a\r']],
  ['*\\/**', ['x/', 'x/y', 'x/y/z.ts'], ['x']],
  ['x\\/*', ['x/y.ts', 'x/y/'], ['x', 'x/']],
];

for (const [rules, ignored, kept] of CASES) {
  table(`${JSON.stringify(rules)}: ignores ${JSON.stringify(ignored)}, keeps ${JSON.stringify(kept)}`, () => {
    const matcher = parseGitignore(rules);
    for (const target of ignored) {
      assert.ok(walkVerdict(matcher, target) !== undefined, `${JSON.stringify(target)} is ignored`);
      assert.is(walkVerdict(matcher, target), oracle(rules, target), `the same rule as the ignore package names for ${JSON.stringify(target)}`);
    }
    for (const target of kept) {
      assert.is(walkVerdict(matcher, target), undefined, `${JSON.stringify(target)} is kept`);
      assert.is(oracle(rules, target), undefined, `the ignore package keeps ${JSON.stringify(target)} too`);
    }
  });
}

table('the deciding rule is the line as written, the last that matches', () => {
  const matcher = parseGitignore('*.ts\n# generated\ngen/   \n!gen/\n/gen/   \n');
  assert.is(matcher.decidingRule('gen', 'gen', true)?.pattern, '/gen/   ');
  assert.is(matcher.decidingRule('x.ts', 'x.ts', false)?.pattern, '*.ts');
  assert.is(matcher.decidingRule('a/gen', 'gen', true)?.negative, true, '`!gen/` re-includes it');
  assert.is(matcher.ignores('a/gen', 'gen', true), false);
  assert.is(matcher.decidingRule('x.js', 'x.js', false), undefined);
});

table.run();

const differential = suite('gitignore: the same answers as the ignore package on generated rules and paths');

/** A small deterministic generator (mulberry32): the same cases on every run. */
function random(seed: number): (bound: number) => number {
  let state = seed;
  return (bound) => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) % bound;
  };
}

// Pieces a rule is made of: names, wildcards, classes, escapes, slashes, spaces, characters regular
// expressions treat specially; and whole rules of the shapes git's documentation describes.
const PIECES = ['a', 'b', 'ab', '.', '*', '*', '**', '**', '?', '/', '/', '/', '[ab]', '[!a]', '[a-c]', '[c-a]', '[[:digit:]]', '[[:alpha:]b]', '[[:foo:]]', '[[:a]', '[]a]', '[!]]', '[', '\\*', '\\', '\\ ', ' ', '  ', 'A', '1', '!', '#', '-', ']', '\\!', '\\#', '[^b]', '***', '.js', 'x', '\\/', '\\[', '\\]', '\\a', '\\\\', '\t', 'é', '[\\]]', '[a\\-c]', '[/]', '[!/]', '[a-]', '$', '^', '(', ')', '+', '{a,b}', '|', '\\?', '?*', '*?'];
const WHOLE = ['**/', '/**/', '**', '/**', '***/', 'a/**/', 'a/**', '**/a/**', '**/a', '/a/**/b', 'a/**/b', '**/**/', '/', '//', '*/', '/*', 'a/*', 'a/*/', '**/a/', '!**/', '!a/**/b', '\\**/a', 'a/\\**', '**\\/a', 'node_modules/', '*.log', '!.env.example', '/dist', 'packages/*/build/'];
const NAMES = ['a', 'b', 'ab', 'ba', '.a', 'A', 'B', '1', 'a b', 'x.js', 'a.js', 'abc', 'b1', '[ab]', '*', '!a', '#a', 'a ', '\\', 'é', 'É', 'a\\b', ']', '-', '$', '^', '(a)', '+', '{a,b}', '|', '?', 'c', 'aa', 'a.jsx', '\t', 'x', 'node_modules', 'dist', 'packages', 'build', 'x.log', '.env.example'];

function generate(rand: (bound: number) => number): { text: string; targets: string[] } {
  const pick = <T>(items: readonly T[]): T => items[rand(items.length)] as T;
  const rule = (): string => {
    if (rand(5) === 0) return pick(WHOLE);
    let text = '';
    for (let count = 1 + rand(5); count > 0; count--) text += pick(PIECES);
    return text;
  };
  const lines = Array.from({ length: 1 + rand(4) }, rule);
  // A path made to match a rule (its wildcards filled in), or made of names at random.
  const fromRule = (line: string): string => {
    const body = line.startsWith('!') ? line.slice(1) : line;
    let out = '';
    for (let index = 0; index < body.length; index++) {
      const char = body[index] as string;
      if (char === '\\') out += body[++index] ?? '';
      else if (char === '*' && body[index + 1] === '*') {
        while (body[index + 1] === '*') index++;
        out += pick(['', 'a', 'a/b', 'x', 'b/a/c']);
      } else if (char === '*') out += pick(['', 'a', 'ab', 'x.js', 'A']);
      else if (char === '?') out += pick(['a', 'b', '1', '/']);
      else if (char === '[') {
        const close = body.indexOf(']', index + 2);
        out += pick(['a', 'b', '1', ']', '-', 'c']);
        if (close > 0) index = close;
      } else out += char;
    }
    if (rand(3) === 0) out = `${pick(['a', 'b', 'x'])}/${out}`;
    if (rand(4) === 0) out = `${out}/${pick(['a', 'b'])}`;
    if (rand(5) === 0) out = rand(2) ? out.toUpperCase() : out.toLowerCase();
    return out;
  };
  const targets: string[] = [];
  for (let count = 0; count < 20; count++) {
    const raw = rand(3) > 0 ? fromRule(pick(lines)) : Array.from({ length: 1 + rand(4) }, () => pick(NAMES)).join('/');
    const path = raw.replace(/ +$/, rand(2) ? '' : ' ').replace(/\/\/+/g, '/').replace(/^\/+|\/+$/g, '');
    if (path) targets.push(rand(2) ? `${path}/` : path);
  }
  return { text: lines.join('\n'), targets };
}

differential('2,000 generated rule sets, 20 paths each, seeded', () => {
  const rand = random(20261130);
  let ignored = 0;
  let checked = 0;
  for (let round = 0; round < 2000; round++) {
    const { text, targets } = generate(rand);
    const matcher = parseGitignore(text);
    const rules = ignore().add(text);
    for (const target of targets) {
      if (!ignore.isPathValid(target)) continue;
      const expected = rules.ignores(target) ? (rules.test(target).rule?.pattern ?? '(no rule)') : undefined;
      assert.is(walkVerdict(matcher, target), expected, `${JSON.stringify(text)} on ${JSON.stringify(target)}`);
      checked++;
      if (expected !== undefined) ignored++;
    }
  }
  // Both answers occur often, or the comparison would prove little.
  assert.ok(checked > 30_000 && ignored > checked / 5 && ignored < (checked * 4) / 5, `${ignored} of ${checked} ignored`);
});

differential.run();

const walk = suite('gitignore: a walk finds the files git does not ignore');

walk('layers at the root and in a package: anchors, folders, globstars, classes, negations', () => {
  const source = 'export const x = 1;\n';
  const files = [
    'src/a.ts', 'src/b.gen.ts', 'src/keep.gen.ts', 'build/x.ts', 'packages/build/y.ts', 'logs/z.ts', 'src/logs/z.ts',
    'a/tmp/b/c.ts', 'tmp/x.ts', 'docs/a.ts', 'docs/x/y.ts', 'docs/x/y.js', 'Old-a.ts', 'old-b.ts', 'older.ts', 'vendor/lib.ts',
    'vendor/own.ts', 'vendor/sub/deep.ts', 'packages/app/local.ts', 'packages/app/src/local.ts', 'packages/app/cache/c.ts',
    'packages/app/s.snap.ts', 'packages/app/index.ts', 'packages/app/lib/a b.ts', 'packages/app/lib/#x.ts', 'packages/app/lib/!y.ts',
    // The deeper .gitignore decides: it re-includes what the root ignores, and ignores what the root re-includes.
    'packages/app/wanted.gen.ts', 'packages/app/keep.gen.ts',
  ];
  const repo = gitRepo({
    '.gitignore': '# generated\n*.gen.ts\n!keep.gen.ts\n/build\nlogs/\n**/tmp/**\ndocs/**/*.ts\n[Oo]ld-*.ts\nvendor/*\n!vendor/own.ts\n',
    'packages/app/.gitignore': '/local.ts\ncache/\n*.snap.ts\nlib/a\\ b.ts\n\\#x.ts   \n\\!y.ts\n!wanted.gen.ts\nkeep.gen.ts\n',
    ...Object.fromEntries(files.map((file) => [file, source])),
  });
  try {
    const found = discoverFiles([repo.dir], repo.dir, defaultConfig(), true).inputs.map((input) => path.relative(repo.dir, input.file).split(path.sep).join('/'));
    const kept = repo.git('ls-files', '--cached', '--others', '--exclude-standard').split('\n').filter((file) => file && isSourceFile(file));
    assert.equal(found.sort(), kept.sort());
    assert.ok(found.includes('packages/app/wanted.gen.ts') && !found.includes('packages/app/keep.gen.ts'), 'the package .gitignore overrides the root one both ways');
    assert.ok(found.length >= 8 && found.length <= files.length - 12, `${found.length} of ${files.length} found: both kinds occur`);
  } finally {
    rmSync(repo.dir, { recursive: true, force: true });
  }
});

walk.run();
