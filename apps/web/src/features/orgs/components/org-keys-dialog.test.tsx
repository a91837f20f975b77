import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderWithApp, stubApi } from '../../../test/render';
import { OrgKeysDialog } from './org-keys-dialog';

afterEach(() => vi.unstubAllGlobals());

const key = (over: Record<string, unknown> = {}) => ({
  providerId: 'p1',
  provider: { slug: 'openai', name: 'OpenAI', type: 'openai' },
  last4: 'ab12',
  label: 'team key',
  status: 'active',
  lastTestedAt: null,
  lastError: null,
  ...over,
});
const org = (keys: unknown[]) => ({
  id: 'o1',
  name: 'Team A',
  slug: 'team-a',
  ownerId: null,
  status: 'active',
  spendCapUsd: null,
  rollover: false,
  rolloverBalanceUsd: 0,
  piiProtection: false,
  members: 0,
  createdAt: '2030-01-01T00:00:00Z',
  memberList: [],
  providerKeys: keys,
});

describe("an organization's provider keys", () => {
  it('lists each key with its status and last test; a super admin tests it and turns it off and on', async () => {
    let current = key();
    const calls = stubApi((method, path, body) => {
      if (method === 'GET' && path === '/orgs/o1') return { body: org([current]) };
      if (method === 'POST' && path === '/orgs/o1/provider-keys/p1/test') {
        current = key({ status: current.status, lastTestedAt: new Date().toISOString(), lastError: null });
        return { body: { success: true, latencyMs: 12, modelsAvailable: ['m'] } };
      }
      if (method === 'PATCH' && path === '/orgs/o1/provider-keys/p1') {
        current = key({ ...current, status: (body as { status: string }).status });
        return { body: current };
      }
      return undefined;
    });
    renderWithApp(<OrgKeysDialog orgId="o1" onClose={vi.fn()} canManage />);
    const row = await screen.findByTestId('org-key-row');
    expect(row).toHaveTextContent('OpenAI');
    expect(row).toHaveTextContent('••••ab12');
    expect(within(row).getByTestId('org-key-status')).toHaveTextContent('active');
    expect(within(row).getByTestId('org-key-last-test')).toHaveTextContent('Never tested');

    await userEvent.click(within(row).getByRole('button', { name: 'Test OpenAI key' }));
    await waitFor(() =>
      expect(within(screen.getByTestId('org-key-row')).getByTestId('org-key-last-test')).toHaveTextContent(
        'Tested just now: works · 12 ms',
      ),
    );

    await userEvent.click(
      within(screen.getByTestId('org-key-row')).getByRole('button', { name: 'Turn off OpenAI key' }),
    );
    await waitFor(() =>
      expect(within(screen.getByTestId('org-key-row')).getByTestId('org-key-status')).toHaveTextContent(
        'disabled',
      ),
    );
    await userEvent.click(
      within(screen.getByTestId('org-key-row')).getByRole('button', { name: 'Turn on OpenAI key' }),
    );
    await waitFor(() =>
      expect(within(screen.getByTestId('org-key-row')).getByTestId('org-key-status')).toHaveTextContent(
        'active',
      ),
    );
    expect(calls.filter((c) => c.method !== 'GET').map((c) => [c.method, c.path, c.body])).toEqual([
      ['POST', '/orgs/o1/provider-keys/p1/test', undefined],
      ['PATCH', '/orgs/o1/provider-keys/p1', { status: 'disabled' }],
      ['PATCH', '/orgs/o1/provider-keys/p1', { status: 'active' }],
    ]);
  });

  it("shows a recorded test's failure; those who do not manage keys see the state but no actions", async () => {
    stubApi((method, path) =>
      method === 'GET' && path === '/orgs/o1'
        ? {
            body: org([
              key({
                status: 'invalid',
                lastTestedAt: '2030-01-01T00:00:00Z',
                lastError: 'Incorrect API key provided',
              }),
            ]),
          }
        : undefined,
    );
    renderWithApp(<OrgKeysDialog orgId="o1" onClose={vi.fn()} canManage={false} />);
    const row = await screen.findByTestId('org-key-row');
    expect(within(row).getByTestId('org-key-status')).toHaveTextContent('invalid');
    expect(within(row).getByTestId('org-key-last-test')).toHaveTextContent(': Incorrect API key provided');
    expect(within(row).queryByRole('button')).toBeNull();
  });
});
