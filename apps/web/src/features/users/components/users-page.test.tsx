import { screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { me, renderWithApp, stubApi } from '../../../test/render';
import { OrgsPage } from '../../orgs/components/orgs-page';
import { UsagePage } from '../../usage/components/usage-page';
import { UsersPage } from './users-page';

afterEach(() => vi.unstubAllGlobals());

const user = (over: Record<string, unknown>) => ({
  email: 'ada@example.com',
  name: 'Ada',
  role: 'user',
  status: 'active',
  weeklyCapUsd: null,
  powerLevel: 'balanced',
  lastLoginAt: null,
  createdAt: '2030-01-01T00:00:00Z',
  orgs: [],
  ...over,
});

// The columns the identity lists gained: a user's organizations, an org's owner and creation date, and usage
// tokens in and out apart.
describe('identity and usage lists', () => {
  it("users: each user's organizations, with their role when not a plain member", async () => {
    stubApi((_m, p) => {
      if (p === '/auth/me') return { body: me('viewer', ['users:read']) };
      if (p.startsWith('/users'))
        return {
          body: {
            data: [
              user({
                id: 'u1',
                orgs: [
                  { id: 'o1', name: 'Acme', role: 'owner' },
                  { id: 'o2', name: 'Beta', role: 'member' },
                ],
              }),
              user({ id: 'u2', email: 'bob@example.com', name: 'Bob' }),
            ],
          },
        };
      return undefined;
    });
    renderWithApp(<UsersPage />, { path: '/users' });
    expect(await screen.findByRole('columnheader', { name: 'Organization' })).toBeInTheDocument();
    const rows = await screen.findAllByTestId('user-row');
    expect(rows[0]).toHaveTextContent('Acme · owner');
    expect(rows[0]).toHaveTextContent('Beta');
    expect(rows[0]).not.toHaveTextContent('Beta · member');
    expect(within(rows[1]!).getAllByRole('cell')[3]).toHaveTextContent('—');
  });

  it('organizations: owner and created date', async () => {
    stubApi((_m, p) => {
      if (p === '/auth/me') return { body: me('viewer', ['orgs:read']) };
      if (p === '/orgs')
        return {
          body: {
            data: [
              {
                id: 'o1',
                name: 'Acme',
                slug: 'acme',
                ownerId: 'u1',
                owner: { id: 'u1', email: 'ada@example.com', name: 'Ada Lovelace' },
                status: 'active',
                spendCapUsd: null,
                rollover: false,
                rolloverBalanceUsd: 0,
                piiProtection: false,
                members: 2,
                createdAt: '2030-03-04T10:00:00Z',
              },
            ],
          },
        };
      return undefined;
    });
    renderWithApp(<OrgsPage />, { path: '/orgs' });
    const row = await screen.findByTestId('org-row');
    expect(screen.getByRole('columnheader', { name: 'Owner' })).toBeInTheDocument();
    expect(screen.getByRole('columnheader', { name: 'Created' })).toBeInTheDocument();
    expect(row).toHaveTextContent('Ada Lovelace');
    expect(row).toHaveTextContent('2030');
  });

  it('per-user usage: input and output tokens apart', async () => {
    stubApi((_m, p) => {
      if (p === '/auth/me') return { body: me('viewer', ['usage:read-any']) };
      if (p.startsWith('/llm/usage/users'))
        return {
          body: {
            period: '30d',
            total: 1,
            data: [
              {
                userId: 'u1',
                email: 'ada@example.com',
                name: 'Ada',
                status: 'active',
                weeklyCapUsd: null,
                requests: 3,
                errors: 0,
                tokens: 12_345,
                tokensIn: 12_000,
                tokensOut: 345,
                costUsd: 1.5,
                savedUsd: 0,
                byokRequests: 0,
                lastActiveDay: '2030-01-02',
              },
            ],
          },
        };
      return undefined;
    });
    renderWithApp(<UsagePage />, { path: '/llm/spend' });
    const row = await screen.findByTestId('usage-row');
    expect(screen.getByRole('columnheader', { name: 'Input tokens' })).toBeInTheDocument();
    expect(screen.getByRole('columnheader', { name: 'Output tokens' })).toBeInTheDocument();
    expect(row).toHaveTextContent('12,000');
    expect(row).toHaveTextContent('345');
  });
});
