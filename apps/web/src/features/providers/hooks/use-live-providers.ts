import { useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import { throttle, useLiveEvents } from '../../live/use-live-events';
import { useProviders } from '../api/get-providers';
import { providersKeys } from '../api/types';

/**
 * The providers with their live health: provider and model changes (from any admin, any instance) and circuit
 * changes refresh the list; with the live event stream down it polls every 30 s instead.
 */
export function useLiveProviders() {
  const qc = useQueryClient();
  const refresh = useMemo(
    () => throttle(() => void qc.invalidateQueries({ queryKey: providersKeys.all }), 1000),
    [qc],
  );
  const stream = useLiveEvents({ provider: refresh, model: refresh, circuit: refresh });
  return useProviders(stream === 'open' ? false : 30_000);
}
