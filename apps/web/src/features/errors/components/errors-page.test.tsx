import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { me, renderWithApp, stubApi } from '../../../test/render';
import { ErrorsPage } from './errors-page';

afterEach(() => vi.unstubAllGlobals());

const report = (id: string, resolved: boolean) => ({
  id,
  createdAt: '2030-01-01T10:00:00Z',
  source: 'proxy',
  type: 'upstream_timeout',
  model: 'gpt-x',
  provider: 'acme',
  message: `failure ${id}`,
  user: null,
  app: null,
  requestId: null,
  client: null,
  agent: null,
  details: null,
  resolved,
  resolvedAt: resolved ? '2030-01-01T11:00:00Z' : null,
  resolvedBy: resolved ? { id: 'u1', email: 'ops@example.com' } : null,
});

describe('error reports page', () => {
  it('shows each report open or resolved and the open count; an admin resolves and reopens them', async () => {
    let rows = [report('e1', false), report('e2', true)];
    const calls = stubApi((method, path, body) => {
      if (path === '/auth/me') return { body: me('admin', ['errors:read', 'errors:write']) };
      if (method === 'GET' && path.startsWith('/llm/errors'))
        return { body: { data: rows, nextCursor: null, open: rows.filter((r) => !r.resolved).length } };
      if (method === 'PATCH' && path === '/llm/errors') {
        const b = body as { ids: string[]; resolved: boolean };
        rows = rows.map((r) => (b.ids.includes(r.id) ? report(r.id, b.resolved) : r));
        return { body: { updated: b.ids.length, open: rows.filter((r) => !r.resolved).length } };
      }
      return undefined;
    });
    renderWithApp(<ErrorsPage />, { path: '/errors' });
    expect(await screen.findByTestId('errors-open-count')).toHaveTextContent('1 open');
    const [first, second] = await screen.findAllByTestId('error-row');
    expect(within(first!).getByTestId('error-state')).toHaveTextContent('open');
    expect(within(second!).getByTestId('error-state')).toHaveTextContent('resolved');
    expect(within(second!).getByTestId('error-state')).toHaveAttribute(
      'title',
      expect.stringContaining('Resolved by ops@example.com'),
    );

    await userEvent.click(screen.getByRole('button', { name: /^Resolve upstream_timeout/ }));
    await waitFor(() => expect(screen.getByTestId('errors-open-count')).toHaveTextContent('0 open'));
    await userEvent.click(screen.getAllByRole('button', { name: /^Reopen upstream_timeout/ })[1]!);
    await waitFor(() => expect(screen.getByTestId('errors-open-count')).toHaveTextContent('1 open'));
    expect(calls.filter((c) => c.method === 'PATCH').map((c) => c.body)).toEqual([
      { ids: ['e1'], resolved: true },
      { ids: ['e2'], resolved: false },
    ]);

    await userEvent.click(screen.getByRole('button', { name: 'Resolve 1 shown' }));
    await waitFor(() => expect(screen.getByTestId('errors-open-count')).toHaveTextContent('0 open'));
    expect(calls.filter((c) => c.method === 'PATCH').at(-1)?.body).toEqual({ ids: ['e2'], resolved: true });
  });

  it('filters by status through the query string; a viewer sees the status but cannot resolve', async () => {
    const calls = stubApi((method, path) => {
      if (path === '/auth/me') return { body: me('viewer', ['errors:read']) };
      if (method === 'GET' && path.startsWith('/llm/errors'))
        return { body: { data: [report('e1', false)], nextCursor: null, open: 1 } };
      return undefined;
    });
    renderWithApp(<ErrorsPage />, { path: '/errors?state=open' });
    expect(await screen.findByTestId('errors-open-count')).toHaveTextContent('1 open');
    await screen.findAllByTestId('error-row');
    expect(calls.some((c) => c.path.startsWith('/llm/errors') && c.path.includes('state=open'))).toBe(true);
    expect(screen.queryByRole('button', { name: /^Resolve/ })).toBeNull();
  });
});
