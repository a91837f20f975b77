import type { Permission } from '@switchyard/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import type { ReactNode } from 'react';
import { MemoryRouter } from 'react-router';
import { vi } from 'vitest';

export type Route = (
  method: string,
  path: string,
  body: unknown,
) => { status?: number; body?: unknown } | undefined;

/**
 * Stubs `fetch` for the API: `route` answers by method and path (without /api/v1); unmatched calls are 404.
 * Returns the calls made, for assertions.
 */
export function stubApi(route: Route) {
  const calls: { method: string; path: string; body: unknown }[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit = {}) => {
      const method = init.method ?? 'GET';
      const path = String(url).replace(/^.*\/api\/v1/, '');
      const body = init.body ? JSON.parse(String(init.body)) : undefined;
      calls.push({ method, path, body });
      const r = route(method, path, body) ?? {
        status: 404,
        body: { error: { code: 'not_found', message: 'Not found' } },
      };
      const status = r.status ?? 200;
      return new Response(status === 204 ? null : JSON.stringify(r.body ?? {}), {
        status,
        headers: { 'content-type': 'application/json' },
      });
    }),
  );
  return calls;
}

export function me(role: 'super_admin' | 'admin' | 'user' | 'viewer', permissions: Permission[]) {
  return {
    user: { id: 'u_me', email: `${role}@example.com`, name: role, role, orgId: null, powerLevel: 'balanced' },
    csrfToken: 'csrf',
    permissions,
  };
}

export function renderWithApp(ui: ReactNode, { path = '/' }: { path?: string } = {}) {
  const client = new QueryClient({
    defaultOptions: { queries: { retry: false }, mutations: { retry: false } },
  });
  return render(
    <QueryClientProvider client={client}>
      <MemoryRouter initialEntries={[path]}>{ui}</MemoryRouter>
    </QueryClientProvider>,
  );
}
