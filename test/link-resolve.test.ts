import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createDiskCache, createResolver } from '../src/link/resolve.js';
import { scratchDir, writeFiles } from './helpers/consumer.js';

const resolve = suite('link: module resolution with a disk cache shared by a scan');

function monorepo(files: Record<string, string>): string {
  const root = scratchDir('wma-resolve-');
  writeFiles(root, files);
  return root;
}

const FILES = {
  'package.json': JSON.stringify({ private: true, workspaces: ['packages/*'] }),
  'packages/core/package.json': JSON.stringify({ name: '@demo/core', exports: { '.': { source: './src/index.ts', default: './dist/index.js' }, './sessions': './dist/sessions.js' } }),
  'packages/core/src/index.ts': 'export const core = 1;\n',
  'packages/core/src/sessions.ts': 'export const sessions = 1;\n',
  // A tsconfig with comments and trailing commas: JSON.parse fails on it, the JSONC parser reads it.
  'packages/server/tsconfig.json': '{\n  // paths for the app\n  "compilerOptions": { "baseUrl": ".", "paths": { "~/*": ["src/*"], }, },\n}\n',
  'packages/server/package.json': JSON.stringify({ name: '@demo/server' }),
  'packages/server/src/app.ts': "import { core } from '@demo/core';\n",
  'packages/server/src/util/index.ts': 'export const util = 1;\n',
  'packages/server/src/routes/chat.ts': 'export const chat = 1;\n',
};

const QUERIES: [from: string, specifier: string, expected: string | undefined][] = [
  ['packages/server/src/app.ts', '@demo/core', 'packages/core/src/index.ts'],
  ['packages/server/src/app.ts', '@demo/core/sessions', 'packages/core/src/sessions.ts'],
  ['packages/server/src/app.ts', '~/util', 'packages/server/src/util/index.ts'],
  ['packages/server/src/app.ts', './routes/chat.js', 'packages/server/src/routes/chat.ts'],
  ['packages/server/src/routes/chat.ts', '../util', 'packages/server/src/util/index.ts'],
  ['packages/server/src/app.ts', 'express', undefined],
  ['packages/server/src/app.ts', 'node:http', undefined],
  ['packages/server/src/app.ts', './missing', undefined],
];

resolve('workspace packages, JSONC tsconfig paths and relative files resolve, with or without a shared cache', () => {
  const root = monorepo(FILES);
  const disk = createDiskCache();
  // Two resolvers on one cache (two link runs of one scan), and one on its own.
  const resolvers = [createResolver(undefined, disk), createResolver(undefined, disk), createResolver()];
  for (const resolver of resolvers) {
    for (const [from, specifier, expected] of QUERIES) {
      const found = resolver(path.join(root, from), specifier);
      assert.is(found && path.relative(root, found), expected, `${specifier} from ${from}`);
      // Asked again (the same directory), the same answer.
      assert.is(resolver(path.join(root, from), specifier), found);
    }
  }
  assert.ok(disk.json.size >= 3, 'the manifests and the tsconfig were read once, into the shared cache');
});

resolve('what a resolver is told exists decides, not the disk (in-memory sources)', () => {
  const root = '/virtual';
  const files = new Set([`${root}/src/a.ts`, `${root}/src/lib/index.tsx`]);
  const resolver = createResolver((file) => files.has(file));
  assert.is(resolver(`${root}/src/b.ts`, './a.js'), `${root}/src/a.ts`);
  assert.is(resolver(`${root}/src/b.ts`, './lib'), `${root}/src/lib/index.tsx`);
  assert.is(resolver(`${root}/src/b.ts`, './c'), undefined);
});

resolve.run();
