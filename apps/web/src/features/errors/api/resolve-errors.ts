import type { ResolveErrorsBody, ResolveErrorsResult } from '@switchyard/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { invalidateAfterChange } from '../../../lib/invalidate';

/** PATCH /llm/errors: mark reports resolved, or open again. */
export const resolveErrors = (body: ResolveErrorsBody) =>
  api<ResolveErrorsResult>('/llm/errors', { method: 'PATCH', body });

export function useResolveErrors() {
  const qc = useQueryClient();
  return useMutation({ mutationFn: resolveErrors, onSuccess: () => invalidateAfterChange(qc, ['errors']) });
}
