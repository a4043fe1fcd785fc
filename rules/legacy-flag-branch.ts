import type { Rule, RuleFinding } from '../src/rule.js';

export const legacyFlagBranch: Rule = {
  meta: {
    id: 'legacy-flag-branch',
    description: 'A legacy code path is still kept behind the `USE_WEBSOCKET_SUPERVISOR_V3` rollout flag.',
    defaultSeverity: 'info',
    fixable: true,
    stage: 'legacy-branch',
  },
  check(graph) {
    return graph.flagBranches.map(
      ({ file, branch }): RuleFinding => ({
        file,
        loc: branch.loc,
        message:
          `A legacy branch is kept behind \`USE_WEBSOCKET_SUPERVISOR_V3\` (${branch.form}). ` +
          'Once the rollout has reached all traffic, delete the flag check and the legacy path (`ws-mock-audit fix --remove-legacy`), so the fake-request code cannot come back.',
        fixable: branch.form !== 'if without else',
        related: [],
        anchor: `flag|${branch.snippet}`,
      }),
    );
  },
};
