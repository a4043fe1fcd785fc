import { capitalise, scopeSteps, whereDescription, type Rule, type RuleFinding } from '../src/rule.js';

export const requestScopedFactory: Rule = {
  meta: {
    id: 'request-scoped-factory',
    description: 'A request-scoped factory is called from WebSocket handling.',
    defaultSeverity: 'error',
    fixable: true,
  },
  check(graph, context) {
    return graph.factories.map((hit): RuleFinding => {
      const counterpart = context.factories[hit.call.name] ?? null;
      const where = whereDescription(hit.scope, hit.fn.fn.name);
      const argument = hit.argument === 'fake' ? ' with a fake request' : '';
      const instead = counterpart
        ? `Call \`${counterpart}(context)\` with a \`WebSocketContext\` instead.`
        : 'Use a WebSocket-scoped factory keyed by the connection instead (configure it under `factories`).';
      return {
        file: hit.file,
        loc: hit.call.loc,
        message:
          `${capitalise(where)} calls the request-scoped factory \`${hit.call.name}()\`${argument}. ` +
          'A request-scoped instance is built for one HTTP request, but a WebSocket connection is long-lived and carries many messages, so state leaks between messages or users. ' +
          instead,
        fixable: counterpart !== null,
        related: scopeSteps(hit.scope),
        anchor: `${hit.fn.fn.name}|${hit.call.snippet}`,
        framework: hit.scope.registration.framework,
      };
    });
  },
};
