import type { OllamaTestBody } from '@switchyard/core';
import { useMutation } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import type { OllamaTestResult } from './types';

/** POST /llm/settings/ollama/test: reaches the server (the saved one when no URL is given) and lists its models. */
export const testOllama = (body: OllamaTestBody) =>
  api<OllamaTestResult>('/llm/settings/ollama/test', { body: body as Record<string, unknown> });

export const useTestOllama = () => useMutation({ mutationFn: testOllama });
