import type { UpdatePowerLevelBody } from '@switchyard/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { invalidateAfterChange } from '../../../lib/invalidate';
import { routingKeys, type PowerLevel } from './types';

/** PUT /llm/routing/power-levels/:slug: name, description, tier, the models tried first, enabled. */
export const updatePowerLevel = ({ slug, body }: { slug: string; body: UpdatePowerLevelBody }) =>
  api<PowerLevel>(`/llm/routing/power-levels/${encodeURIComponent(slug)}`, { method: 'PUT', body });

export function useUpdatePowerLevel() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: updatePowerLevel,
    onSuccess: () => invalidateAfterChange(qc, routingKeys.powerLevels),
  });
}
