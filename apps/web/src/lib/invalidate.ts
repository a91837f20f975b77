import type { QueryClient, QueryKey } from '@tanstack/react-query';

/** After a change: refetch the lists it touched, and the audit log, which has a new row. */
export function invalidateAfterChange(qc: QueryClient, ...keys: QueryKey[]) {
  return Promise.all([...keys, ['audit']].map((queryKey) => qc.invalidateQueries({ queryKey })));
}
