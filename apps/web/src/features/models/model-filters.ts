import { oneOf } from '../../lib/search-params';
import type { ModelListFilters } from './api/types';

export const MODEL_SORTS = [
  { value: 'priority', label: 'Priority' },
  { value: 'name', label: 'Name' },
  { value: 'price', label: 'Price' },
] as const;
export type ModelSort = (typeof MODEL_SORTS)[number]['value'];

/** Query-string keys: q (search), provider (slug), status (enabled|disabled), sort, order. */
export const MODEL_PARAMS = ['q', 'provider', 'status', 'sort', 'order'] as const;
export type ModelParam = (typeof MODEL_PARAMS)[number];

/** The query string as GET /llm/models filters; defaults (priority, ascending) are left out of the URL. */
export function modelFiltersFromParams(get: (k: ModelParam) => string): ModelListFilters {
  const f: ModelListFilters = {};
  const q = get('q').trim();
  if (q) f.search = q;
  const provider = get('provider').trim();
  if (provider) f.provider = provider;
  const status = get('status');
  if (status === 'enabled') f.enabled = 'true';
  else if (status === 'disabled') f.enabled = 'false';
  f.sort = oneOf<ModelSort>(
    get('sort'),
    MODEL_SORTS.map((s) => s.value),
    'priority',
  );
  f.order = oneOf<'asc' | 'desc'>(get('order'), ['asc', 'desc'], 'asc');
  return f;
}

/** The query-string changes for a new sort: clicking the current column flips the order. */
export function nextSort(
  current: ModelListFilters,
  sort: ModelSort,
): { sort: string | null; order: string | null } {
  const order = current.sort === sort ? (current.order === 'asc' ? 'desc' : 'asc') : 'asc';
  return { sort: sort === 'priority' ? null : sort, order: order === 'asc' ? null : order };
}
