import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { withQuery } from '../../../lib/search-params';
import { modelsKeys, type ModelListFilters, type ModelPage } from './types';

export const MODELS_LIMIT = 500;

/** GET /llm/models: the registry, searched, filtered and sorted by the API. */
export const getModels = (f: ModelListFilters, signal?: AbortSignal) =>
  api<ModelPage>(withQuery('/llm/models', { ...f, limit: MODELS_LIMIT }), { signal });

export const modelsQueryOptions = (f: ModelListFilters) =>
  queryOptions({
    queryKey: modelsKeys.list(f),
    queryFn: ({ signal }) => getModels(f, signal),
    placeholderData: keepPreviousData,
  });

export const useModels = (f: ModelListFilters) => useQuery(modelsQueryOptions(f));
