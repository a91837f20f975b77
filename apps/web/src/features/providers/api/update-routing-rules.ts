import type { RoutingRulesBody } from '@switchyard/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { invalidateAfterChange } from '../../../lib/invalidate';
import { modelsKeys } from '../../models/api/types';
import { routingKeys, type RoutingRules } from './types';

/** PUT /llm/routing/rules: takes effect at once (changing the strategy needs a super admin). */
export const updateRoutingRules = (body: RoutingRulesBody) =>
  api<RoutingRules>('/llm/routing/rules', { method: 'PUT', body });

export function useUpdateRoutingRules() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: updateRoutingRules,
    onSuccess: (rules) => {
      qc.setQueryData(routingKeys.rules, rules);
      // The default model setting moves the global model's default marker.
      return invalidateAfterChange(qc, routingKeys.rules, modelsKeys.all);
    },
  });
}
