import type { Rule, TestRulesResult } from '@switchyard/core';

/** A routing rule as the API answers it. */
export type { Rule, TestRulesResult };

export const rulesKeys = {
  all: ['rules'] as const,
  list: ['rules', 'list'] as const,
};
