import type { Rule } from '../src/rule.js';
import { fakeRequest } from './fake-request.js';
import { fakeResponse } from './fake-response.js';
import { legacyFlagBranch } from './legacy-flag-branch.js';
import { requestScopedFactory } from './request-scoped-factory.js';
import { unusedSuppression } from './unused-suppression.js';

/** Every rule, keyed by id. The id is also the rule's file name, doc page and fixture folder. */
export const RULES: readonly Rule[] = [fakeRequest, fakeResponse, requestScopedFactory, legacyFlagBranch, unusedSuppression];

export function ruleById(id: string): Rule | undefined {
  return RULES.find((rule) => rule.meta.id === id);
}
