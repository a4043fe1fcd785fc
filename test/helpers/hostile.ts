import fc from 'fast-check';

/**
 * Hostile programs for the fuzz test: deep nesting of every kind of node, long chains, binding
 * cycles (within a file and across files), and unusual syntax, around one planted fake that the
 * scanner must still find. A program is described by a plain `Plan` (what fast-check generates
 * and shrinks) and rendered to files by `render`.
 */

export const WRAPPERS = [
  'block',
  'if',
  'for',
  'while',
  'try',
  'iife',
  'asyncIife',
  'function',
  'generator',
  'method',
  'staticBlock',
  'fieldArrow',
  'privateMethod',
  'objectMethod',
  'arrayElement',
  'ternary',
  'switch',
  'label',
  'decorated',
  'template',
  'using',
  'satisfies',
  'jsx',
  'callback',
] as const;
export type Wrapper = (typeof WRAPPERS)[number];

export const CHAINS = [
  'plus',
  'or',
  'nullish',
  'member',
  'optionalMember',
  'thenCalls',
  'comma',
  'ternary',
  'array',
  'object',
  'parens',
  'nestedArrays',
  'nestedObjects',
  'nestedCalls',
  'unary',
  'asCasts',
  'unionType',
  'genericType',
] as const;
export type Chain = (typeof CHAINS)[number];

export const CYCLES = ['pair', 'ring', 'self', 'receiverRing', 'classSelf', 'objectSelf', 'recursiveHelpers', 'crossFileCalls', 'reexportStar', 'reexportNamed', 'fakeThroughCycle'] as const;
export type Cycle = (typeof CYCLES)[number];

export const EXTRAS = ['decorators', 'satisfies', 'using', 'classFields', 'unicodeEscapes', 'hashbang', 'enum', 'accessor', 'optionalChaining'] as const;
export type Extra = (typeof EXTRAS)[number];

export interface Plan {
  /** Wrappers around the planted registration, outermost first; each repeated `times`. */
  nesting: { wrapper: Wrapper; times: number }[];
  chains: { chain: Chain; length: number; inHandler: boolean }[];
  cycles: Cycle[];
  extras: Extra[];
  crlf: boolean;
  bom: boolean;
}

export interface Limits {
  /** Most repetitions of one wrapper. */
  depth: number;
  /** Most terms in one chain. */
  length: number;
}

export function planArbitrary(limits: Limits): fc.Arbitrary<Plan> {
  return fc.record({
    nesting: fc.array(fc.record({ wrapper: fc.constantFrom(...WRAPPERS), times: fc.integer({ min: 1, max: limits.depth }) }), { maxLength: 4 }),
    chains: fc.array(fc.record({ chain: fc.constantFrom(...CHAINS), length: fc.integer({ min: 1, max: limits.length }), inHandler: fc.boolean() }), { maxLength: 3 }),
    cycles: fc.uniqueArray(fc.constantFrom(...CYCLES), { maxLength: 5 }),
    extras: fc.uniqueArray(fc.constantFrom(...EXTRAS), { maxLength: 5 }),
    crlf: fc.boolean(),
    bom: fc.boolean(),
  });
}

/** The line that carries the planted fake ends with this comment. */
export const PLANTED = '/* planted */';

export interface Program {
  /** File name → text (the main file is `main.ts` or `main.tsx`). */
  files: Record<string, string>;
  main: string;
  /** 1-based line of the planted fake in the main file. */
  fakeLine: number;
}

const HELPERS = [
  "import { WebSocketServer } from 'ws';",
  "import { getRequestScopedSupervisor } from './supervisor';",
  'const wss = new WebSocketServer({ port: 1 });',
  'declare const flag: boolean;',
  'declare function once(): boolean;',
  'declare function res(): { [Symbol.dispose](): void };',
  'function dec(...args: any[]): any { return args[0]; }',
];

/** The registration that must be found, whatever surrounds it. */
const REGISTRATION = [
  "wss.on('connection', (ws) => {",
  "  ws.on('message', async (raw) => {",
  `    const fake = { headers: { 'x-user-id': String(raw) } } as unknown as Request; ${PLANTED}`,
  '    await getRequestScopedSupervisor(fake);',
  '  });',
  '});',
];

/** `inner` statements wrapped once by `wrapper`; `k` keeps declared names distinct. */
function wrap(wrapper: Wrapper, inner: string, k: number): string {
  switch (wrapper) {
    case 'block':
      return `{\n${inner}\n}`;
    case 'if':
      return `if (flag) {\n${inner}\n}`;
    case 'for':
      return `for (let i${k} = 0; i${k} < 1; i${k}++) {\n${inner}\n}`;
    case 'while':
      return `while (once()) {\n${inner}\n}`;
    case 'try':
      return `try {\n${inner}\n} catch (e${k}) {\n} finally {\n}`;
    case 'iife':
      return `(() => {\n${inner}\n})();`;
    case 'asyncIife':
      return `void (async () => {\n${inner}\n})();`;
    case 'function':
      return `function f${k}() {\n${inner}\n}`;
    case 'generator':
      return `function* g${k}() {\n${inner}\n}`;
    case 'method':
      return `class C${k} {\n  m() {\n${inner}\n  }\n}`;
    case 'staticBlock':
      return `class S${k} {\n  static {\n${inner}\n  }\n}`;
    case 'fieldArrow':
      return `class F${k} {\n  h = () => {\n${inner}\n  };\n}`;
    case 'privateMethod':
      return `class P${k} {\n  #m() {\n${inner}\n  }\n}`;
    case 'objectMethod':
      return `const o${k} = {\n  m() {\n${inner}\n  },\n};`;
    case 'arrayElement':
      return `const a${k} = [() => {\n${inner}\n}];`;
    case 'ternary':
      return `const t${k} = flag ? () => {\n${inner}\n} : null;`;
    case 'switch':
      return `switch (Number(flag)) {\n  case 1: {\n${inner}\n  }\n}`;
    case 'label':
      return `l${k}: {\n${inner}\n}`;
    case 'decorated':
      return `@dec\nclass D${k} {\n  @dec\n  m() {\n${inner}\n  }\n}`;
    case 'template':
      return `const s${k} = \`\${(() => {\n${inner}\n})()}\`;`;
    case 'using':
      return `{\n  using r${k} = res();\n${inner}\n}`;
    case 'satisfies':
      return `const v${k} = {\n  run() {\n${inner}\n  },\n} satisfies Record<string, unknown>;`;
    case 'jsx':
      return `const el${k} = <div onClick={() => {\n${inner}\n}} />;`;
    case 'callback':
      return `setTimeout(() => {\n${inner}\n}, 0);`;
  }
}

/** An expression (or type) with `n` terms or levels. */
function chainText(chain: Chain, n: number, k: number): string {
  const terms = (f: (i: number) => string, sep: string): string => Array.from({ length: n }, (_, i) => f(i)).join(sep);
  switch (chain) {
    case 'plus':
      return `const plus${k} = 'a'\n${terms((i) => `  + 't${i}'`, '\n')};`;
    case 'or':
      return `const or${k} = flag\n${terms(() => '  || flag', '\n')};`;
    case 'nullish':
      return `const nullish${k} = (flag as boolean | undefined)\n${terms(() => '  ?? undefined', '\n')};`;
    case 'member':
      return `declare const deepObject${k}: any;\nconst member${k} = deepObject${k}${terms(() => '.x', '')};`;
    case 'optionalMember':
      return `declare const maybe${k}: any;\nconst optional${k} = maybe${k}${terms(() => '?.x', '')};`;
    case 'thenCalls':
      return `const then${k} = Promise.resolve(1)\n${terms(() => '  .then((x) => x)', '\n')};`;
    case 'comma':
      return `const comma${k} = (${terms(() => '0', ', ')});`;
    case 'ternary':
      return `const ternary${k} = ${terms((i) => `flag ? ${i} :`, '\n  ')} -1;`;
    case 'array':
      return `const array${k} = [${terms((i) => String(i), ', ')}];`;
    case 'object':
      return `const object${k} = {\n${terms((i) => `  p${i}: ${i},`, '\n')}\n};`;
    case 'parens':
      return `const parens${k} = ${'('.repeat(n)}0${')'.repeat(n)};`;
    case 'nestedArrays':
      return `const arrays${k} = ${'['.repeat(n)}0${']'.repeat(n)};`;
    case 'nestedObjects':
      return `const objects${k} = ${'{ a: '.repeat(n)}0${' }'.repeat(n)};`;
    case 'nestedCalls':
      return `const calls${k} = ${'String('.repeat(n)}0${')'.repeat(n)};`;
    case 'unary':
      return `const unary${k} = ${'!'.repeat(n)}flag;`;
    case 'asCasts':
      return `const casts${k} = flag${' as unknown'.repeat(n)} as number;`;
    case 'unionType':
      return `type Union${k} =\n${terms((i) => `  | { kind: ${i} }`, '\n')};`;
    case 'genericType':
      return `type Generic${k} = ${'Promise<'.repeat(n)}number${'>'.repeat(n)};`;
  }
}

function cycleFiles(cycle: Cycle): { main: string[]; files: Record<string, string>; handler: string[] } {
  switch (cycle) {
    case 'pair':
      return { main: ['let pairA: any;', 'let pairB: any = pairA;', 'pairA = pairB;', "pairB.on('message', () => {});"], files: {}, handler: [] };
    case 'ring':
      return {
        main: ['let ring0: any;', 'let ring1: any = ring0;', 'let ring2: any = ring1;', 'ring0 = ring2;', "ring1.on('connection', (socket: any) => socket);"],
        files: {},
        handler: [],
      };
    case 'self':
      return { main: ['var selfish: any = selfish || selfish;', "selfish.on('upgrade', () => {});"], files: {}, handler: [] };
    case 'receiverRing':
      return { main: [], files: {}, handler: ['let w1: any = ws;', 'let w2: any = w1;', 'w1 = w2;', "w2.on('close', () => w1);"] };
    case 'classSelf':
      return {
        main: ['class Selfish {', '  static me = Selfish;', '  self = this;', '  clone(): Selfish {', '    return new Selfish().clone();', '  }', '}'],
        files: {},
        handler: [],
      };
    case 'objectSelf':
      return { main: ['const loop: any = {', '  get me() {', '    return loop;', '  },', '};', 'loop.next = loop;', 'loop.next.next.on?.("message", () => loop);'], files: {}, handler: [] };
    case 'recursiveHelpers':
      return {
        main: ['function ping(n: number): any {', '  return n > 0 ? pong(n - 1) : ping(n);', '}', 'function pong(n: number): any {', '  return ping(n);', '}'],
        files: {},
        handler: ['await getRequestScopedSupervisor(ping(2));'],
      };
    case 'crossFileCalls':
      return {
        main: ["import { left } from './left';"],
        files: {
          'left.ts': "import { right } from './right';\nexport function left(n: number): any {\n  return n > 0 ? right(n - 1) : left(n);\n}\n",
          'right.ts': "import { left } from './left';\nexport function right(n: number): any {\n  return left(n);\n}\n",
        },
        handler: ['await getRequestScopedSupervisor(left(3));'],
      };
    case 'reexportStar':
      return {
        main: ["import { starred } from './star-a';"],
        files: { 'star-a.ts': "export * from './star-b';\n", 'star-b.ts': "export * from './star-a';\n" },
        handler: ['await getRequestScopedSupervisor(starred());'],
      };
    case 'reexportNamed':
      return {
        main: ["import { named } from './named-a';"],
        files: { 'named-a.ts': "export { named } from './named-b';\n", 'named-b.ts': "export { named } from './named-a';\n" },
        handler: ['await getRequestScopedSupervisor(named());'],
      };
    case 'fakeThroughCycle':
      return {
        main: [],
        files: {},
        handler: ['let c1: any = { headers: {} } as unknown as Request;', 'let c2: any = c1;', 'c1 = c2;', 'await getRequestScopedSupervisor(c2);'],
      };
  }
}

function extraLines(extra: Extra): string[] {
  switch (extra) {
    case 'decorators':
      return ['@dec', 'class Decorated {', '  @dec field = 1;', '  @dec method(@dec arg: number) { return arg; }', '}'];
    case 'satisfies':
      return ['const settings = { port: 1 } satisfies { port: number };'];
    case 'using':
      return ['function withResource() {', '  using held = res();', '  return held;', '}'];
    case 'classFields':
      return ['class Fields {', '  #secret = 1;', '  static count = 0;', '  declare later: string;', '  static { Fields.count++; }', '  get secret() { return this.#secret; }', '}'];
    case 'unicodeEscapes':
      return ['const \\u0061lpha = "\\u{1F600} \\x41";', 'const caf\\u00e9 = alpha;'];
    case 'hashbang':
      return [];
    case 'enum':
      return ['enum Kind { A = 1, B = A << 1 }', 'declare module "virtual" { export const v: Kind; }'];
    case 'accessor':
      return ['class Accessors {', '  accessor value = 1;', '}'];
    case 'optionalChaining':
      return ['declare const maybe: any;', 'const deepValue = maybe?.a?.[0]?.(1)?.b ?? null;'];
  }
}

/** The files of a plan, with where the planted fake is. */
export function render(plan: Plan): Program {
  const jsx = plan.nesting.some((level) => level.wrapper === 'jsx');
  const main = jsx ? 'main.tsx' : 'main.ts';
  const cycles = plan.cycles.map(cycleFiles);
  const handlerExtras = [...cycles.flatMap((cycle) => cycle.handler), ...plan.chains.filter((c) => c.inHandler).map((c, k) => chainText(c.chain, c.length, 100 + k))];
  const registration = [...REGISTRATION.slice(0, 3), ...handlerExtras.map((line) => `    ${line}`), ...REGISTRATION.slice(3)];
  let body = registration.join('\n');
  let k = 0;
  for (const level of [...plan.nesting].reverse()) {
    for (let i = 0; i < level.times; i++) body = wrap(level.wrapper, body, k++);
  }
  const lines = [
    ...(plan.extras.includes('hashbang') ? ['#!/usr/bin/env node'] : []),
    ...(jsx ? ['declare namespace JSX { interface IntrinsicElements { [name: string]: any } }'] : []),
    ...HELPERS,
    ...cycles.flatMap((cycle) => cycle.main),
    ...plan.extras.flatMap(extraLines),
    ...plan.chains.filter((c) => !c.inHandler).map((c, i) => chainText(c.chain, c.length, i)),
    body,
    '',
  ];
  // Imports first: hoisting makes any order legal, but keep the file ordinary.
  const text = lines.join('\n');
  const eol = plan.crlf ? '\r\n' : '\n';
  const withEol = (source: string): string => (plan.crlf ? source.replace(/\n/g, eol) : source);
  const files: Record<string, string> = {
    [main]: `${plan.bom ? '\uFEFF' : ''}${withEol(text)}`,
    'supervisor.ts': withEol('export function getRequestScopedSupervisor(request: Request) {\n  return request;\n}\n'),
  };
  for (const cycle of cycles) for (const [name, source] of Object.entries(cycle.files)) files[name] = withEol(source);
  const fakeLine = text.split('\n').findIndex((line) => line.includes(PLANTED)) + 1;
  return { files, main, fakeLine };
}
