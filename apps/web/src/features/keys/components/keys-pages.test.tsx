import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { me, renderWithApp, stubApi } from '../../../test/render';
import { GatewayKeysPage } from './gateway-keys-page';
import { MyKeysPage } from './my-keys-page';

const key = (over: Record<string, unknown> = {}) => ({
  id: 'k1',
  name: 'laptop',
  prefix: 'sy-abcdefg',
  ownerType: 'user',
  ownerId: 'u_me',
  status: 'active',
  createdAt: '2030-01-01T00:00:00Z',
  expiresAt: null,
  revokedAt: null,
  lastUsedAt: null,
  rpmLimit: 60,
  tpmLimit: null,
  budgetUsd: 5,
  budgetPeriod: 'day',
  allowedModels: [],
  ipAllowlist: [],
  ...over,
});

afterEach(() => vi.unstubAllGlobals());

describe('gateway keys pages', () => {
  it('a viewer sees the keys with their owners and limits, and no create or revoke button', async () => {
    stubApi((m, p) => {
      if (p === '/auth/me')
        return { body: me('viewer', ['keys:read-any', 'users:read', 'orgs:read', 'apps:read']) };
      if (p.startsWith('/keys'))
        return { body: { data: [key({ ipAllowlist: ['203.0.113.0/24', '2001:db8::/32'] })] } };
      if (p.startsWith('/users'))
        return { body: { data: [{ id: 'u_me', email: 'ada@example.com', name: 'Ada', status: 'active' }] } };
      if (p === '/orgs' || p === '/apps') return { body: { data: [] } };
      return undefined;
    });
    renderWithApp(<GatewayKeysPage />, { path: '/keys' });
    const row = await screen.findByTestId('key-row');
    await waitFor(() => expect(within(row).getByText('ada@example.com')).toBeInTheDocument());
    expect(within(row).getByText('60 / ∞')).toBeInTheDocument();
    expect(within(row).getByText('$5.00 / day')).toBeInTheDocument();
    expect(within(row).getByTitle('Allowed IPs')).toHaveTextContent('from 203.0.113.0/24, 2001:db8::/32');
    expect(screen.getByRole('note')).toHaveTextContent('Read-only');
    expect(screen.queryByRole('button', { name: /Create key/ })).toBeNull();
    expect(screen.queryByRole('button', { name: /^Revoke / })).toBeNull();
  });

  it('filters from the query string go to the API', async () => {
    const calls = stubApi((_m, p) => {
      if (p === '/auth/me') return { body: me('admin', ['keys:read-any', 'keys:write-any']) };
      if (p.startsWith('/keys')) return { body: { data: [] } };
      return undefined;
    });
    renderWithApp(<GatewayKeysPage />, { path: '/keys?status=revoked&owner=app' });
    expect(await screen.findByText('No keys match these filters.')).toBeInTheDocument();
    expect(calls.some((c) => c.path === '/keys?status=revoked&ownerType=app')).toBe(true);
    expect(screen.getByRole('button', { name: 'Revoked' })).toHaveAttribute('aria-pressed', 'true');
  });

  it('a user creates a key, sees the full key once, and revokes a key after confirming', async () => {
    let keys = [key()];
    const calls = stubApi((m, p, body) => {
      if (p === '/auth/me') return { body: me('user', ['keys:own']) };
      if (m === 'GET' && p === '/me/keys') return { body: { data: keys } };
      if (m === 'POST' && p === '/me/keys')
        return {
          status: 201,
          body: {
            ...key({ id: 'k2', name: (body as { name: string }).name }),
            key: 'sy-THE-FULL-SECRET-KEY',
          },
        };
      if (m === 'POST' && p === '/me/keys/k1/revoke') {
        keys = [key({ status: 'revoked' })];
        return { body: keys[0] };
      }
      return undefined;
    });
    renderWithApp(<MyKeysPage />, { path: '/my-keys' });
    await screen.findByTestId('key-row');
    await userEvent.click(screen.getByRole('button', { name: 'Create key' }));
    await userEvent.type(screen.getByLabelText('Name'), 'script');
    await userEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Create key' }));
    const reveal = await screen.findByRole('dialog', { name: 'Your new gateway key' });
    expect(within(reveal).getByLabelText('Key')).toHaveValue('sy-THE-FULL-SECRET-KEY');
    expect(within(reveal).getByRole('alert')).toHaveTextContent('shown only once');
    await userEvent.click(within(reveal).getByRole('button', { name: 'I have saved it' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());

    await userEvent.click(screen.getByRole('button', { name: 'Revoke laptop' }));
    const confirm = screen.getByRole('alertdialog', { name: 'Revoke this key?' });
    await userEvent.click(within(confirm).getByRole('button', { name: 'Revoke key' }));
    await waitFor(() => expect(screen.queryByRole('alertdialog')).toBeNull());
    expect(calls.filter((c) => c.method === 'POST').map((c) => c.path)).toEqual([
      '/me/keys',
      '/me/keys/k1/revoke',
    ]);
    expect(await screen.findByText('No active keys.')).toBeInTheDocument();
  });
});
