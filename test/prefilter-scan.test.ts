import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createReusingReader, readSource, readSourceBytes } from '../src/discover/read.js';
import { DEFAULT_FACTS_OPTIONS } from '../src/facts/index.js';
import { customHint, HINTS, holds, TYPE_AWARE_HINT, type Hint } from '../src/prefilter/hints.js';
import { createBytesPrefilter, createPrefilter, isMinified, isMinifiedBytes } from '../src/prefilter/index.js';
import { compileLiterals } from '../src/prefilter/literals.js';
import { ROOT } from './helpers/cli.js';

const scanner = suite('prefilter: one pass for every literal');

/** Every (end position, literal) pair, the slow way. */
function occurrencesByIndexOf(text: string, literals: string[]): string[] {
  const found: string[] = [];
  literals.forEach((literal, index) => {
    for (let at = text.indexOf(literal); at !== -1; at = text.indexOf(literal, at + 1)) found.push(`${at + literal.length - 1}:${index}`);
  });
  return found.sort();
}

function occurrencesByScan(input: string | Uint8Array, literals: string[]): string[] {
  const found: string[] = [];
  const record = (ending: readonly number[], end: number): boolean => {
    for (const index of ending) found.push(`${end}:${index}`);
    return false;
  };
  const scan = compileLiterals(literals);
  if (typeof input === 'string') scan.scanText(input, record);
  else scan.scanBytes(input, record);
  return found.sort();
}

/** A pseudo-random text over a small alphabet, so that literals overlap and nest often. */
function randomText(seed: number, length: number, alphabet: string): string {
  let state = seed;
  let text = '';
  for (let index = 0; index < length; index++) {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    text += alphabet[state % alphabet.length];
  }
  return text;
}

scanner('reports every occurrence, overlapping and nested ones too, where it ends', () => {
  const literals = ['sock', 'Sock', 'socket.io', 'ock', 'ws', "'ws'", 'wss', 'cross', 'crossws', 's', 'ket'];
  for (let seed = 1; seed <= 30; seed++) {
    const text = randomText(seed, 120, "sockSetw'r.io ");
    assert.equal(occurrencesByScan(text, literals), occurrencesByIndexOf(text, literals), text);
    assert.equal(occurrencesByScan(Buffer.from(text), literals), occurrencesByIndexOf(text, literals), text);
  }
});

scanner('bytes and text see the same ASCII literals around multi-byte characters', () => {
  const literals = ['sock', 'ws', "'ws'"];
  const text = "é'ws' — sock😀ws\u2028sockws";
  const literalsOnly = (found: string[]): string[] => found.map((entry) => entry.split(':')[1] as string).sort();
  assert.ok(compileLiterals(literals).ascii);
  assert.equal(occurrencesByScan(text, literals), occurrencesByIndexOf(text, literals));
  assert.equal(literalsOnly(occurrencesByScan(Buffer.from(text, 'utf8'), literals)), literalsOnly(occurrencesByIndexOf(text, literals)));
  assert.not.ok(compileLiterals(['sœck']).ascii);
});

scanner('stops when the callback says so', () => {
  let calls = 0;
  const stopped = compileLiterals(['a']).scanText('aaaa', () => ++calls === 2);
  assert.ok(stopped);
  assert.is(calls, 2);
});

const SOURCE = /\.(ts|tsx|js|jsx|mjs|cjs|mts|cts)$/;
function sourcesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return name === 'node_modules' ? [] : sourcesUnder(full);
    return SOURCE.test(name) ? [full] : [];
  });
}

scanner('the prefilter lets a file through exactly when some hint holds in it (text and bytes)', () => {
  const custom = customHint(['bus.onSocket']) as Hint;
  const variants: { hints: Hint[]; typeAware: boolean; options: typeof DEFAULT_FACTS_OPTIONS }[] = [
    { hints: [...HINTS], typeAware: false, options: DEFAULT_FACTS_OPTIONS },
    { hints: [...HINTS, TYPE_AWARE_HINT], typeAware: true, options: DEFAULT_FACTS_OPTIONS },
    { hints: [...HINTS, custom], typeAware: false, options: { ...DEFAULT_FACTS_OPTIONS, registrations: [{ callee: 'bus.onSocket', handlerArg: 1 }] } },
  ];
  const texts = sourcesUnder(path.join(ROOT, 'fixtures')).map((file) => readFileSync(file, 'utf8'));
  texts.push("bus.onSocket('chat', (peer) => peer);\n", "conn.on('message', () => {});\n");
  // Multi-byte characters before and among the literals (byte offsets are not the text's), and a byte order mark.
  const fixtureCount = texts.length;
  for (const text of texts.slice(0, fixtureCount)) texts.push(`\ufeff// ünïcödé 😀 ${'é'.repeat(7)}\n${text.replaceAll(',', ', /* ç😀 */')}`);
  for (const { hints, typeAware, options } of variants) {
    const onText = createPrefilter(options, typeAware);
    const onBytes = createBytesPrefilter(options, typeAware);
    assert.ok(onBytes, 'every literal is ASCII');
    let passing = 0;
    for (const text of texts) {
      const expected = hints.some((hint) => holds(hint, text));
      if (expected) passing++;
      assert.is(onText(text), expected, text.slice(0, 200));
      const bytes = Buffer.from(text, 'utf8');
      const decoded = new TextDecoder().decode(bytes);
      assert.is(onBytes(bytes, () => decoded), hints.some((hint) => holds(hint, decoded)), decoded.slice(0, 200));
    }
    assert.ok(passing > 100 && passing < texts.length, `${passing} of ${texts.length} pass: the comparison decides both ways`);
  }
});

scanner('an anchor tried where its literal starts is found after multi-byte characters (bytes are mapped to the text)', () => {
  const onBytes = createBytesPrefilter(DEFAULT_FACTS_OPTIONS);
  const cases = [
    'export function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void { handle(req, socket, head); }\n',
    'export const middleware = (socket, next) => { audit(socket.handshake); next(); };\n',
  ];
  for (const body of cases) {
    const holding = HINTS.filter((hint) => holds(hint, body));
    assert.equal(holding.map((hint) => Boolean(hint.anchoredAtLiteral)), [true], `only an anchored hint holds in: ${body}`);
    for (const prefix of ['', '// ünïcödé 😀 ç\n', '\ufeff/* 𝒳𝒴 — é */ ']) {
      const bytes = Buffer.from(prefix + body, 'utf8');
      const decoded = new TextDecoder().decode(bytes);
      assert.ok(onBytes?.(bytes, () => decoded), `${JSON.stringify(prefix)} + ${body}`);
    }
  }
});

scanner('a file no hint needs is never decoded', () => {
  const onBytes = createBytesPrefilter(DEFAULT_FACTS_OPTIONS);
  let decoded = 0;
  assert.not.ok(onBytes?.(Buffer.from('export const x = 1;\n'), () => (decoded++, 'export const x = 1;\n')));
  assert.is(decoded, 0);
});

scanner('isMinifiedBytes decides as isMinified does on the text', () => {
  const long = 'x'.repeat(30_000);
  const cases = [
    long,
    `${'a = 1;\n'.repeat(5_000)}`,
    `\ufeff${'é'.repeat(500)}\n`.repeat(40),
    `${'é'.repeat(19_999)}`,
    `${'é'.repeat(12_000)}\n${'b'.repeat(500)}`,
    `// ${'€'.repeat(450)}\n`.repeat(60),
  ];
  for (const text of cases) {
    for (const file of ['a.ts', 'b.min.js']) {
      const bytes = Buffer.from(text, 'utf8');
      const decoded = new TextDecoder().decode(bytes);
      assert.is(isMinifiedBytes(file, bytes, () => decoded), isMinified(file, decoded), `${file}: ${text.slice(0, 20)}… (${text.length} units)`);
    }
  }
});

scanner('readSourceBytes skips what readSource skips, for the same reasons', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'wma-read-'));
  try {
    const samples: Record<string, Buffer> = {
      ascii: Buffer.from('const a = 1;\n'),
      bom: Buffer.from('\ufeffconst a = 1;\n'),
      utf8: Buffer.from('const é = "😀";\n'),
      nul: Buffer.from('const a = 1;\0\n'),
      truncated: Buffer.from([0x61, 0xe2, 0x82]),
      overlong: Buffer.from([0x61, 0xc0, 0xaf]),
      surrogate: Buffer.from([0x61, 0xed, 0xa0, 0x80]),
      tooHigh: Buffer.from([0xf4, 0x90, 0x80, 0x80]),
      latin1: Buffer.from([0x63, 0x61, 0x66, 0xe9]),
    };
    for (const [name, bytes] of Object.entries(samples)) {
      const file = path.join(dir, `${name}.ts`);
      writeFileSync(file, bytes);
      const text = readSource(file, 1_000_000);
      const raw = readSourceBytes(file, 1_000_000);
      assert.is(raw.ok, text.ok, name);
      if (!raw.ok && !text.ok) assert.is(raw.skipped, text.skipped, name);
      if (raw.ok && text.ok) assert.is(new TextDecoder('utf-8', { fatal: true }).decode(raw.bytes), text.text, name);
    }
    writeFileSync(path.join(dir, 'large.ts'), 'x'.repeat(100));
    const large = readSourceBytes(path.join(dir, 'large.ts'), 10);
    assert.is(large.ok ? 'read' : large.skipped, 'tooLarge');

    // The reader that reuses one buffer reads the same bytes and skips for the same reasons, also
    // for files larger than its buffer (which grows) and after them for smaller ones again.
    const reuse = createReusingReader();
    const sizes = { 'exact.ts': 64 * 1024, 'big.ts': 200_000, 'bigger.ts': 600_000, 'small.ts': 3 };
    for (const [name, size] of Object.entries(sizes)) writeFileSync(path.join(dir, name), Buffer.alloc(size, name.charCodeAt(0)));
    for (const name of [...Object.keys(samples).map((sample) => `${sample}.ts`), ...Object.keys(sizes), 'small.ts', 'missing.ts']) {
      const file = path.join(dir, name);
      const once = readSourceBytes(file, 1_000_000);
      const reused = reuse(file, 1_000_000);
      assert.is(reused.ok, once.ok, name);
      if (!reused.ok && !once.ok) assert.equal([reused.skipped, reused.message], [once.skipped, once.message], name);
      if (reused.ok && once.ok) assert.ok(Buffer.from(reused.bytes).equals(once.bytes), name);
    }
    for (const limit of [10, 99, 150_000]) {
      const once = readSourceBytes(path.join(dir, limit === 150_000 ? 'big.ts' : 'large.ts'), limit);
      const reused = reuse(path.join(dir, limit === 150_000 ? 'big.ts' : 'large.ts'), limit);
      assert.equal(reused.ok ? 'read' : [reused.skipped, reused.message], once.ok ? 'read' : [once.skipped, once.message], `limit ${limit}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

scanner.run();
