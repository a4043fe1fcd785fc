import picomatch from 'picomatch';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { DEFAULT_TEST_PATTERNS } from '../src/discover/config.js';
import { compileGlobs } from '../src/discover/globs.js';

// Test patterns and include/exclude globs are asked about every file a walk finds: compiled to one
// expression behind a substring pre-test. The answers must be picomatch's, which they replace.

const globs = suite('globs: the same answers as picomatch');

/** Paths of the kinds a walk asks about: sources, tests, folders, dot-files, odd names. */
const PATHS = [
  'src/index.ts',
  'src/server.test.ts',
  'src/server.spec.tsx',
  'src/test.ts',
  'src/testing/server.ts',
  'src/test/helper.ts',
  'test/helper.ts',
  'test',
  'tests',
  'packages/app/tests/e2e/chat.ts',
  'packages/app/__tests__/chat.ts',
  'packages/app/__mocks__/ws.ts',
  'packages/app/src/__tests__',
  'a/b/c/d/e/f/g.js',
  '.github/workflows/test.js',
  'src/.hidden/x.test.js',
  '.test.ts',
  'x.test.',
  'latest/attest.ts',
  'contest/tests.ts',
  'src/Test/helper.ts',
  'src/TESTS/x.ts',
  'legacy/server.ts',
  'legacy/deep/server.js',
  'keep/server.ts',
  'gen/deep/server.ts',
  'routes.gen.ts',
  'src/routes.gen.ts',
  'a/./b.ts',
  'a/../b.ts',
  '',
  'src/{a,b}.ts',
  'src/[x].ts',
  'src/*.ts',
];

/** Glob lists as configs hold them: the default test patterns, folder prefixes, negations, braces, classes, extglobs. */
const LISTS: string[][] = [
  DEFAULT_TEST_PATTERNS,
  DEFAULT_TEST_PATTERNS.flatMap((pattern) => (pattern.endsWith('/**') ? [pattern.slice(0, -3)] : [])),
  ['legacy/**'],
  ['!keep/**'],
  ['!keep/**/*'],
  ['gen/**', '**/*.gen.ts'],
  ['src/**/*.{ts,tsx}'],
  ['src/[a-z]*.ts', '**/?est/**'],
  ['**/+(test|tests)/**'],
  ['*.ts'],
  ['**'],
  ['src/*.ts', 'src/{a,b}.ts'],
  ['./src/**'],
  ['src/./x.ts', 'a/../b.ts'],
  ['**/Test/**'],
  ['test'],
];

for (const list of LISTS) {
  globs(`${JSON.stringify(list)}`, () => {
    const ours = compileGlobs(list);
    const theirs = picomatch(list, { dot: true });
    for (const path of PATHS) assert.is(ours(path), Boolean(theirs(path)), `${JSON.stringify(path)}`);
  });
}

globs('no glob matches nothing', () => {
  assert.is(compileGlobs([])('src/index.ts'), false);
});

globs.run();
