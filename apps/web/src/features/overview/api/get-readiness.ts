import { queryOptions, useQuery } from '@tanstack/react-query';

export interface Readiness {
  status: 'ready' | 'unavailable';
  database: 'ok' | 'unreachable';
}

/** GET /ready: is the gateway's database reachable. */
export async function getReadiness(): Promise<Readiness> {
  const res = await fetch('/ready', { headers: { accept: 'application/json' } });
  return (await res.json()) as Readiness;
}

export const readinessQueryOptions = () =>
  queryOptions({ queryKey: ['system', 'ready'], queryFn: getReadiness, refetchInterval: 30_000 });

export const useReadiness = () => useQuery(readinessQueryOptions());
