import type { Rule } from '../src/rule.js';

/**
 * Findings of this rule depend on every other rule's findings, so the scan emits them after
 * suppressions are applied (see `unusedSuppressions` in src/scan.ts); the module carries the
 * metadata, docs and severity like every rule.
 */
export const unusedSuppression: Rule = {
  meta: {
    id: 'unused-suppression',
    description: 'A `ws-mock-audit-ignore` comment suppresses nothing.',
    defaultSeverity: 'warning',
    fixable: false,
    stage: 'none',
  },
  check: () => [],
};
