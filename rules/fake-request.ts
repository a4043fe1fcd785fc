import type { FakeHit } from '../src/link/index.js';
import { capitalise, scopeSteps, whereDescription, type Rule, type RuleFinding } from '../src/rule.js';
import type { Step } from '../src/link/index.js';

export function fakeSteps(hit: FakeHit): Step[] {
  const made =
    hit.originFile === hit.file && hit.origin.loc.line === hit.loc.line && hit.origin.loc.column === hit.loc.column
      ? []
      : [{ file: hit.originFile, loc: hit.origin.loc, message: `the fake is made here: ${hit.origin.describe}` }];
  return [...made, ...[...hit.via].reverse(), ...scopeSteps(hit.scope)];
}

/**
 * The sentence that says where the fake is and how it reaches WebSocket handling. Boundary reports
 * (`hit.echo`) say it from where they stand: the helper that makes it, or the WebSocket code in
 * another module that leads to it.
 */
export function fakeSentence(hit: FakeHit): string {
  const entry = hit.echo?.of ?? hit;
  const where = whereDescription(entry.scope, entry.fn.fn.name);
  if (hit.echo?.at === 'origin') return `${capitalise(hit.origin.describe)} is made here for WebSocket handling: ${where} ${fakeVerb(entry)}.`;
  if (hit.echo?.at === 'caller') {
    return `This leads WebSocket handling into another module, where ${where} ${fakeVerb(entry)}.`;
  }
  return `${capitalise(where)} ${fakeVerb(hit)}.`;
}

/** Related locations of a finding; a boundary report points at the main report first. */
export function fakeRelated(hit: FakeHit): Step[] {
  const steps = fakeSteps(hit.echo?.of ?? hit);
  if (!hit.echo) return steps;
  const main = hit.echo.of;
  return [{ file: main.file, loc: main.loc, message: 'where the fake enters WebSocket handling' }, ...steps];
}

export function fakeVerb(hit: FakeHit): string {
  const helper = hit.via[0]?.message.match(/^`([^`]+)\(\)`/)?.[1];
  const what = helper ? `${hit.origin.describe} from \`${helper}()\`` : hit.origin.describe;
  if (!hit.sink) return `${helper ? 'gets' : 'fabricates'} ${what}`;
  return `passes ${what} to \`${hit.sink}\`${hit.position ? ` as the ${hit.position}` : ''}`;
}

export const fakeRequest: Rule = {
  meta: {
    id: 'fake-request',
    description: 'A fake HTTP request is made in, or passed into, WebSocket handling.',
    defaultSeverity: 'error',
    fixable: true,
  },
  check(graph, context) {
    return graph.fakes
      .filter((hit) => hit.kind === 'request')
      .map((hit): RuleFinding => {
        const counterpart = hit.sink ? context.factories[hit.sink.replace(/\(\)$/, '').split('.').pop() ?? ''] : undefined;
        return {
          file: hit.file,
          loc: hit.loc,
          message:
            `${fakeSentence(hit)} ` +
            'A fake request lies to HTTP code about what it is: fields it lacks break at run time, the type checker is bypassed, and the real connection state is hidden. ' +
            'Describe the connection honestly with `WebSocketContext.create({ socket, userId })` and use a WebSocket-scoped factory.',
          fixable: !hit.echo && Boolean(counterpart) && hit.position === 'request' && hit.originFile === hit.file,
          related: fakeRelated(hit),
          anchor: `${hit.echo ? `${hit.echo.at}|` : ''}${hit.fn.fn.name}|${hit.snippet}`,
          framework: hit.scope.registration.framework,
          shape: hit.origin.shape,
        };
      });
  },
};
