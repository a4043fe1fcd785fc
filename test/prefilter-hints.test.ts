import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { DEFAULT_FACTS_OPTIONS, extractFacts } from '../src/facts/index.js';
import { HINTS, holds } from '../src/prefilter/hints.js';
import { createPrefilter } from '../src/prefilter/index.js';
import type { FileFacts } from '../src/types.js';
import { ROOT } from './helpers/cli.js';

const hints = suite('prefilter: registration-shaped hints');
const prefilter = createPrefilter(DEFAULT_FACTS_OPTIONS);
const SOURCE = /\.(ts|tsx|js|jsx|mjs|cjs|mts|cts)$/;

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return name === 'node_modules' ? [] : sourcesUnder(full);
    return SOURCE.test(name) && !name.endsWith('.d.ts') ? [full] : [];
  });
}

/** What makes a file matter without any import: a registration, the rollout flag, a suppression comment. */
function matters(facts: FileFacts): boolean {
  return facts.registrations.length + facts.flagBranches.length + facts.suppressions.length > 0;
}

const shown = (file: string): string => path.relative(ROOT, file);
const passing = path.join(ROOT, 'fixtures', 'prefilter', 'pass');
const dropped = path.join(ROOT, 'fixtures', 'prefilter', 'drop');

hints('each registration kind in fixtures/prefilter/pass is registered and let through', () => {
  const files = sourcesUnder(passing);
  assert.ok(files.length >= 20, 'one file per kind of registration');
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    assert.ok(matters(extractFacts(file, text, DEFAULT_FACTS_OPTIONS)), `${shown(file)} registers something (else it tests nothing)`);
    assert.ok(prefilter(text), `${shown(file)} passes the prefilter`);
  }
});

hints('near misses in fixtures/prefilter/drop register nothing and are dropped', () => {
  const files = sourcesUnder(dropped);
  assert.ok(files.length >= 4);
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    assert.not.ok(matters(extractFacts(file, text, DEFAULT_FACTS_OPTIONS)), `${shown(file)} registers nothing`);
    assert.not.ok(prefilter(text), `${shown(file)} is dropped: its words are not a registration's shape`);
  }
});

hints('every fixture in the repository where a recogniser registers something passes the prefilter', () => {
  let mattering = 0;
  for (const file of sourcesUnder(path.join(ROOT, 'fixtures'))) {
    const text = readFileSync(file, 'utf8');
    let facts: FileFacts;
    try {
      facts = extractFacts(file, text, DEFAULT_FACTS_OPTIONS);
    } catch {
      continue;
    }
    if (!matters(facts)) continue;
    mattering++;
    assert.ok(prefilter(text), `${shown(file)} has ${facts.registrations.map((r) => r.event).join(', ') || 'a flag branch or suppression'} but the prefilter drops it`);
  }
  assert.ok(mattering > 100, `${mattering} fixture files register something`);
});

hints('every hint lets some registering fixture through (no hint is dead weight)', () => {
  const texts = sourcesUnder(path.join(ROOT, 'fixtures')).map((file) => readFileSync(file, 'utf8'));
  for (const hint of HINTS) assert.ok(texts.some((text) => holds(hint, text)), `no fixture exercises the hint for ${hint.for}`);
});

hints('a hint holds only where one of its literals occurs (the first scan relies on it)', () => {
  for (const file of sourcesUnder(passing)) {
    const text = readFileSync(file, 'utf8');
    for (const hint of HINTS) {
      if (!hint.anchor?.test(text)) continue;
      assert.ok(
        hint.literals.some((literal) => text.includes(literal)),
        `${shown(file)}: the anchor of ${hint.for} matches but none of its literals occurs`,
      );
    }
  }
});

hints('an anchor tried only where a literal starts starts there in every match', () => {
  const anchored = HINTS.filter((hint) => hint.anchoredAtLiteral);
  assert.ok(anchored.length > 0);
  let matches = 0;
  for (const file of sourcesUnder(path.join(ROOT, 'fixtures'))) {
    const text = readFileSync(file, 'utf8');
    for (const hint of anchored) {
      const every = new RegExp((hint.anchor as RegExp).source, 'g');
      for (const match of text.matchAll(every)) {
        matches++;
        assert.ok(
          hint.literals.some((literal) => text.startsWith(literal, match.index)),
          `${shown(file)}: the anchor of ${hint.for} matches at ${match.index} (${JSON.stringify(match[0].slice(0, 40))}), where none of its literals starts`,
        );
      }
    }
  }
  assert.ok(matches > 10, `${matches} anchor matches checked`);
});

hints('--type-aware lets through any listener: the checker can give its receiver a role', () => {
  const typed = createPrefilter(DEFAULT_FACTS_OPTIONS, true);
  const text = "import type { Conn } from './types';\nexport function wire(conn: Conn): void {\n  conn.on('message', (data: unknown) => console.log(data));\n}\n";
  assert.not.ok(prefilter(text));
  assert.ok(typed(text));
});

hints('registrations named in config let their callee through', () => {
  const custom = createPrefilter({ ...DEFAULT_FACTS_OPTIONS, registrations: [{ callee: 'bus.onSocket', handlerArg: 1 }] });
  const text = "bus.onSocket('chat', (peer: unknown) => console.log(peer));\n";
  assert.not.ok(prefilter(text));
  assert.ok(custom(text));
});

hints.run();
