import type { TraceBody } from '@switchyard/core';
import { useMutation } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import type { TraceResult } from './types';

/**
 * POST /llm/routing/trace: a dry run, no provider is called; every candidate kept or skipped and why. A described
 * request (a model and the form's fields) or a logged one replayed (`requestId`, the fields on top).
 */
export const traceRequest = (body: TraceBody) => api<TraceResult>('/llm/routing/trace', { body });

export const useTraceRequest = () => useMutation({ mutationFn: traceRequest });
