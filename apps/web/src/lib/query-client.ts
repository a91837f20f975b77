import { QueryClient } from '@tanstack/react-query';
import { ApiError } from './api-client';

export function createQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: {
        refetchOnWindowFocus: false,
        staleTime: 10_000,
        // Retry once, except for client errors (4xx): they will not get better.
        retry: (count, err) =>
          !(err instanceof ApiError && err.status >= 400 && err.status < 500) && count < 1,
      },
    },
  });
}

/** The app's one client: the provider renders with it and route loaders prefetch into it (app/router.tsx). */
export const queryClient = createQueryClient();
