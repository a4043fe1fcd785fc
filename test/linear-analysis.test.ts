import { ts } from '@ts-morph/common';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { DEFAULT_FACTS_OPTIONS, extractFacts } from '../src/facts/index.js';
import type { TypeOracle } from '../src/facts/type-oracle.js';

// Per-file analysis must visit each node a bounded number of times, whatever the file's shape.
// Emscripten glue binds `Module` to a function that spans the file and tests it in a thousand
// `if`s; a pass that re-reads a variable's initialiser per `if` turns that into minutes. Counted,
// not timed: the tree handed to the analysis counts every read of a node's `kind` (each walk and
// each type test reads it) and every character of source text read through `getText`.

interface Work {
  /** Reads of `node.kind`: what every walk and every `ts.isX(node)` costs. */
  reads: number;
  /** Characters of source text read through `getText`. */
  chars: number;
  nodes: number;
}

/** Parses `text` into a tree whose nodes count the work done on them. */
function countingTree(file: string, text: string, work: Work): ts.SourceFile {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  const owners = new Set<{ getText(sf?: ts.SourceFile): string }>();
  const instrument = (node: ts.Node): void => {
    work.nodes++;
    let proto = Object.getPrototypeOf(node);
    while (proto && !Object.hasOwn(proto, 'getText')) proto = Object.getPrototypeOf(proto);
    if (proto) owners.add(proto);
    node.forEachChild(instrument);
    const kind = node.kind;
    Object.defineProperty(node, 'kind', {
      get: () => {
        work.reads++;
        return kind;
      },
      configurable: true,
    });
  };
  instrument(sf);
  for (const owner of owners) {
    if (Object.hasOwn(owner, '__counted')) continue;
    const getText = owner.getText;
    Object.defineProperty(owner, '__counted', { value: true });
    owner.getText = function (this: ts.Node, source?: ts.SourceFile) {
      const result = getText.call(this, source);
      counting.chars += result.length;
      return result;
    };
  }
  work.reads = 0;
  return sf;
}

/** Where the patched `getText`s add their characters: the measurement under way. */
const counting = { chars: 0 };

/**
 * `extractFacts` on a counting tree. The tree goes in through the type oracle's `sourceFile`, the
 * way `--type-aware` hands over a program's trees; this oracle knows no types, so the analysis is
 * the syntactic one.
 */
function measured(file: string, text: string): Work & { facts: ReturnType<typeof extractFacts> } {
  const work: Work = { reads: 0, chars: 0, nodes: 0 };
  const sf = countingTree(file, text, work);
  const oracle: TypeOracle = { sourceFile: () => sf, httpKindOfType: () => undefined, parameterPositions: () => [], roleOf: () => undefined };
  counting.chars = 0;
  const facts = extractFacts(file, text, DEFAULT_FACTS_OPTIONS, oracle);
  return { ...work, chars: counting.chars, facts };
}

/** A var bound to an immediately called function of `n` inner functions and vars, then `n` ifs naming it. */
function glue(n: number, withFlag: boolean): string {
  const body = Array.from({ length: n }, (_, i) => `  var v${i} = v${Math.max(0, i - 1)} + ${i};\n  function f${i}(x) { if (x > v${i}) { return x + ${i}; } return v${i}; }`).join('\n');
  const ifs = Array.from({ length: n }, (_, i) => `if (Module.flag${i} && Module['f${i}']) { Module.f${i}(legacy ? ${i} : 0); }`).join('\n');
  const flag = withFlag ? `var legacy = process.env.USE_WEBSOCKET_SUPERVISOR_V3 !== 'true';\n` : 'var legacy = false;\n';
  return `${flag}var Module = (function () {\n  var v0 = 0;\n${body}\n  return { v0 };\n})();\n${ifs}\nif (legacy) { Module.f0(1); }\n`;
}

const linear = suite('facts: analysis is linear in the file');

for (const withFlag of [false, true]) {
  linear(`a var bound to a huge function and 1,000 ifs naming it${withFlag ? ', in a file that uses the rollout flag' : ''}`, () => {
    const small = measured('/virtual/glue.js', glue(500, withFlag));
    const large = measured('/virtual/glue.js', glue(1_000, withFlag));
    // Twice the code, at most about twice the work: a pass that re-read `Module` per `if` would be four times.
    assert.ok(large.reads <= 2.2 * small.reads, `node reads grew from ${small.reads} to ${large.reads}`);
    assert.ok(large.chars <= 2.2 * small.chars + 1_000, `text read grew from ${small.chars} to ${large.chars} characters`);
    // And a bounded number of reads per node (about 55 today: a dozen recognisers over a few passes).
    assert.ok(large.reads <= 150 * large.nodes, `${large.reads} node reads for ${large.nodes} nodes`);
    const size = glue(1_000, withFlag).length;
    assert.ok(large.chars <= 2 * size, `${large.chars} characters read from a ${size}-character file`);
    const branches = large.facts.flagBranches.map((branch) => branch.snippet);
    assert.equal(branches, withFlag ? Array.from({ length: 1_001 }, () => 'legacy') : [], 'flag branches are still found through the variable');
  });
}

linear.run();
