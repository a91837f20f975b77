import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { withQuery } from '../../../lib/search-params';
import type { ModelPage } from '../../models/api/types';
import { modelsKeys } from './types';

/** GET /llm/models (up to 500, by name): the refs aliases, chains and buckets may point at. */
export const getModelRefs = (signal?: AbortSignal) =>
  api<ModelPage>(withQuery('/llm/models', { sort: 'name', limit: 500 }), { signal }).then((r) => r.data);

export const modelRefsQueryOptions = () =>
  queryOptions({
    queryKey: modelsKeys.refs,
    queryFn: ({ signal }) => getModelRefs(signal),
    staleTime: 30_000,
  });

export const useModelRefs = (enabled = true) => useQuery({ ...modelRefsQueryOptions(), enabled });
