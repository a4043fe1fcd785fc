import type { Rule, RuleFinding } from '../src/rule.js';
import { fakeRelated, fakeSentence } from './fake-request.js';

export const fakeResponse: Rule = {
  meta: {
    id: 'fake-response',
    description: 'A fake HTTP response is handed to HTTP middleware from WebSocket handling.',
    defaultSeverity: 'error',
    fixable: true,
  },
  check(graph) {
    return graph.fakes
      .filter((hit) => hit.kind === 'response' && hit.position === 'response')
      .map((hit): RuleFinding => {
        const isSocketIoMiddleware = hit.scope.registration.framework === 'socket.io';
        return {
          file: hit.file,
          loc: hit.loc,
          message:
            `${fakeSentence(hit)} ` +
            'HTTP middleware sets headers, cookies and status on its response; a fake one silently drops them or throws when a method is missing. ' +
            (isSocketIoMiddleware
              ? 'Register the middleware with `io.engine.use(middleware)`, which runs it with the real handshake request and response.'
              : 'Run the middleware during the HTTP upgrade, where the real response exists, or use a WebSocket-aware equivalent.'),
          fixable: !hit.echo && isSocketIoMiddleware,
          related: fakeRelated(hit),
          anchor: `${hit.echo ? `${hit.echo.at}|` : ''}${hit.fn.fn.name}|${hit.snippet}`,
          framework: hit.scope.registration.framework,
          shape: hit.origin.shape,
        };
      });
  },
};
