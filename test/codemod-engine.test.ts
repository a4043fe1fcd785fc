import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { hasNoEngine, mayRewrite } from '../src/codemod/actionable.js';
import { confirmFixable, parserOf, plansFromFindings, ACTIONABLE } from '../src/codemod/fixable.js';
import { parseAst } from '../src/codemod/parsers.js';
import { rewrite } from '../src/codemod/rewrite.js';
import { emptyLinks } from '../src/codemod/context.js';
import { loadConfig } from '../src/discover/config.js';
import { scan } from '../src/scan.js';
import type { Finding } from '../src/types.js';
import { ROOT } from './helpers/cli.js';

// A fake response in a framework without a socket.io engine is never rewritten (the codemod's one
// rewrite of it is `io.engine.use(mw)`): the codemod refuses such a site before anything else, and
// a scan whose every actionable finding is one sets their `fixable` without loading the codemod.
// Both halves must agree: the scan's verdicts are the codemod's.

const test = suite('codemod: fake responses where there is no socket.io engine');

const FIXTURES = path.join(ROOT, 'fixtures');
/** Every fixture folder that a scan of its own can find something in. */
const folders = [
  ...readdirSync(path.join(FIXTURES, 'frameworks')).map((name) => path.join(FIXTURES, 'frameworks', name)),
  ...['rules/fake-response', 'rules/fake-request', 'rules/request-scoped-factory', 'codemod', 'idioms', 'shapes', 'cross-file', 'demo-app'].map((name) => path.join(FIXTURES, name)),
];

const readText = (file: string): string | undefined => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined; // a file the codemod asks about that is not there (package.json above a fixture)
  }
};

test('the scan\'s verdicts are the codemod\'s, in every fixture folder, shortcut or not', async () => {
  let shortcut = 0;
  let noEngineSites = 0;
  for (const dir of folders) {
    const result = await scan({ paths: [dir], cwd: dir });
    const findings: Finding[] = result.findings;
    const actionable = findings.filter((finding) => ACTIONABLE.includes(finding.ruleId));
    if (actionable.length === 0) continue;
    noEngineSites += actionable.filter((finding) => !mayRewrite(finding)).length;
    if (!actionable.some(mayRewrite)) shortcut++;
    const files = [...new Set(findings.map((finding) => finding.file))];
    const codemod = confirmFixable(findings, readText, () => files, loadConfig(dir, undefined, []));
    assert.equal(
      findings.map((finding) => `${path.relative(ROOT, finding.file)}:${finding.line}:${finding.column} ${finding.ruleId} ${String(finding.fixable)}`),
      codemod.map((finding) => `${path.relative(ROOT, finding.file)}:${finding.line}:${finding.column} ${finding.ruleId} ${String(finding.fixable)}`),
      path.relative(ROOT, dir),
    );
  }
  assert.ok(noEngineSites > 0, 'some fixture has a fake response outside socket.io');
  assert.ok(shortcut > 0, 'some folder has only such sites (the scan took its shortcut)');
});

test('a socket.io middleware wrapper is rewritten as a socket.io site, refused as a `ws` one, with no edit left', () => {
  const file = path.join(FIXTURES, 'codemod', 'socketio-middleware.input.ts');
  const source = readFileSync(file, 'utf8');
  const line = source.split('\n').findIndex((text) => text.includes('middleware(socket.request, {}, next)')) + 1;
  const column = (source.split('\n')[line - 1] ?? '').indexOf('{}') + 1;
  assert.ok(line > 0 && column > 0, 'the fixture holds the wrapper');
  const config = loadConfig(path.dirname(file), undefined, []);
  const options = { flagged: false, removeLegacy: false, runtimeImport: config.runtimeImport, factories: config.facts.factories, requestTypes: config.facts.requestTypes };
  const outcome = (framework: string): ReturnType<typeof rewrite> => {
    const finding = { ruleId: 'fake-response', file, line, column, framework } as Finding;
    const plan = plansFromFindings([finding], ACTIONABLE).get(file);
    if (!plan) throw new Error('no plan for the site');
    const links = emptyLinks();
    links.parse = (text) => parseAst(file, text);
    return rewrite(parserOf(file), source, plan, options, links);
  };
  assert.ok(!hasNoEngine('socket.io') && hasNoEngine('ws'));
  const asSocketIo = outcome('socket.io');
  assert.ok(asSocketIo.applied > 0 && asSocketIo.output?.includes('engine.use'), 'rewritten to `io.engine.use`');
  const asWs = outcome('ws');
  assert.is(asWs.output, undefined);
  assert.is(asWs.applied, 0);
  assert.equal(asWs.edits, []);
  assert.equal([...asWs.links.exportedHelpers.keys()], [], 'nothing for the project step to follow');
  assert.is(asWs.refused.length, 1);
  // The reason is the one a fake response gets where it cannot be rewritten: what is wrong, then the advice.
  assert.match(asWs.refused[0]?.reason ?? '', /^.+\. .+/);
});

test.run();
