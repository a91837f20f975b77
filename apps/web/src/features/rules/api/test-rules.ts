import type { TestRulesInput } from '@switchyard/core';
import { useMutation } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import type { TestRulesResult } from './types';

/** POST /llm/rules/test: which rule a request (described, or a logged one) matches, and its plan. */
export const testRules = (body: TestRulesInput) => api<TestRulesResult>('/llm/rules/test', { body });

export const useTestRules = () => useMutation({ mutationFn: testRules });
