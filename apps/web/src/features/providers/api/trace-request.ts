import type { DryRunBody } from '@switchyard/core';
import { useMutation } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import type { TraceResult } from './types';

/** POST /llm/routing/trace: a dry run, no provider is called; every candidate kept or skipped and why. */
export const traceRequest = (body: Partial<DryRunBody> & { model: string }) =>
  api<TraceResult>('/llm/routing/trace', { body });

export const useTraceRequest = () => useMutation({ mutationFn: traceRequest });
