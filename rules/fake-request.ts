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
        const where = whereDescription(hit.scope, hit.fn.fn.name);
        const counterpart = hit.sink ? context.factories[hit.sink.replace(/\(\)$/, '').split('.').pop() ?? ''] : undefined;
        return {
          file: hit.file,
          loc: hit.loc,
          message:
            `${capitalise(where)} ${fakeVerb(hit)}. ` +
            'A fake request lies to HTTP code about what it is: fields it lacks break at run time, the type checker is bypassed, and the real connection state is hidden. ' +
            'Describe the connection honestly with `WebSocketContext.create({ socket, userId })` and use a WebSocket-scoped factory.',
          fixable: Boolean(counterpart) && hit.position === 'request' && hit.originFile === hit.file,
          related: fakeSteps(hit),
          anchor: `${hit.fn.fn.name}|${hit.snippet}`,
          framework: hit.scope.registration.framework,
          shape: hit.origin.shape,
        };
      });
  },
};
