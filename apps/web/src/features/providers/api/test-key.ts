import type { TestKeyBody } from '@switchyard/core';
import { useMutation } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import type { ConnectionTest } from './types';

/** POST /llm/test: tries a type, base URL and key before saving (the provider's model list). */
export const testKey = (body: TestKeyBody) => api<ConnectionTest>('/llm/test', { body });

export const useTestKey = () => useMutation({ mutationFn: testKey });
