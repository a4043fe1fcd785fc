import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { RULES } from '../rules/index.js';
import { scan } from '../src/scan.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const docs = suite('rule docs: one id everywhere, pages match metadata, examples behave as shown');

function example(page: string, label: 'wrong' | 'right'): string {
  const match = new RegExp('```ts ' + label + '\\n([\\s\\S]*?)```').exec(page);
  assert.ok(match?.[1], `a \`\`\`ts ${label} example`);
  return match?.[1] ?? '';
}

async function findingsFor(code: string): Promise<{ ruleId: string; severity: string }[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'wma-doc-'));
  try {
    writeFileSync(path.join(dir, 'example.ts'), code);
    const result = await scan({ paths: [dir], cwd: dir });
    return result.findings;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

for (const rule of RULES) {
  const { id } = rule.meta;
  docs(`${id}: page, fixtures and metadata agree`, () => {
    const page = readFileSync(path.join(root, 'rules', `${id}.md`), 'utf8');
    const lines = page.split('\n');
    assert.is(lines[0], `# ${id}`);
    assert.is(lines[2], rule.meta.description);
    assert.match(page, `- Default severity: \`${rule.meta.defaultSeverity}\``);
    assert.match(page, `- Fixable: ${rule.meta.fixable ? 'yes' : 'no'}`);
    assert.ok(existsSync(path.join(root, 'rules', `${id}.ts`)), `rules/${id}.ts`);
    assert.ok(existsSync(path.join(root, 'fixtures', 'rules', id)), `fixtures/rules/${id}/`);
  });
  docs(`${id}: the wrong example is reported, the right one is not`, async () => {
    const page = readFileSync(path.join(root, 'rules', `${id}.md`), 'utf8');
    const wrong = await findingsFor(example(page, 'wrong'));
    assert.ok(wrong.some((f) => f.ruleId === id), `wrong example reports ${id}; got ${JSON.stringify(wrong)}`);
    const right = await findingsFor(example(page, 'right'));
    assert.equal(right, [], 'the right example is clean');
  });
}

docs('every page and fixture folder belongs to a rule', () => {
  const ids = RULES.map((rule) => rule.meta.id).sort();
  const pages = readdirSync(path.join(root, 'rules')).filter((name) => name.endsWith('.md')).map((name) => name.slice(0, -3)).sort();
  const folders = readdirSync(path.join(root, 'fixtures', 'rules')).sort();
  assert.equal(pages, ids);
  assert.equal(folders, ids);
});
docs.run();
