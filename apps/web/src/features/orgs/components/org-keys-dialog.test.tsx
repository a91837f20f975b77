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
const PROVIDERS = [
  { id: 'p1', name: 'OpenAI', slug: 'openai', type: 'openai', color: '#000', hasKey: false },
  { id: 'p2', name: 'Anthropic', slug: 'anthropic', type: 'anthropic', color: '#000', hasKey: false },
];
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
      if (method === 'GET' && path === '/me/byok/providers') return { body: { data: PROVIDERS } };
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

  it("shows a recorded test's failure; those who do not manage keys see the state but no actions (no adding, replacing or deleting)", async () => {
    const calls = stubApi((method, path) =>
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
    expect(screen.queryByRole('button', { name: /Add key/ })).toBeNull();
    expect(calls.map((c) => c.path)).not.toContain('/me/byok/providers');
  });

  /** The API of an org with an OpenAI key: PUT of an Anthropic key refuses one not shaped like Anthropic's. */
  function keysApi() {
    let keys: ReturnType<typeof key>[] = [key()];
    return stubApi((method, path, body) => {
      if (method === 'GET' && path === '/orgs/o1') return { body: org(keys) };
      if (method === 'GET' && path === '/me/byok/providers') return { body: { data: PROVIDERS } };
      if (method === 'PUT' && path === '/orgs/o1/provider-keys/p2') {
        const b = body as { apiKey: string; label: string | null };
        // As the API answers a key its provider's keys never look like (400, the key not in it).
        if (!b.apiKey.startsWith('sk-ant-'))
          return {
            status: 400,
            body: {
              error: {
                code: 'validation_error',
                message: 'apiKey: a Anthropic key is sk-ant-...',
                details: { field: 'apiKey' },
              },
            },
          };
        const added = key({
          providerId: 'p2',
          provider: { slug: 'anthropic', name: 'Anthropic', type: 'anthropic' },
          last4: b.apiKey.slice(-4),
          label: b.label,
        });
        keys = [...keys, added];
        return { body: added };
      }
      return undefined;
    });
  }
  async function openAddForm() {
    renderWithApp(<OrgKeysDialog orgId="o1" onClose={vi.fn()} canManage />);
    await userEvent.click(await screen.findByRole('button', { name: /Add key/ }));
    expect(await screen.findByRole('dialog', { name: 'Add a provider key for Team A' })).toBeInTheDocument();
    return screen.getByRole('form', { name: 'New provider key' });
  }
  /** Pastes into a field, as a person does with a key. */
  async function paste(field: HTMLElement, text: string) {
    await userEvent.clear(field);
    await userEvent.click(field);
    await userEvent.paste(text);
  }

  it('a super admin adds a key for a provider the org has none for: typed as a password, then listed by its last four only', async () => {
    const SECRET = 'sk-ant-team-secret-9xQ4';
    const calls = keysApi();
    const form = await openAddForm();
    // Only providers the org has no key for yet are offered.
    const select = within(form).getByLabelText('Provider');
    expect(within(select).queryByRole('option', { name: /OpenAI/ })).toBeNull();
    await userEvent.selectOptions(select, 'p2');
    const input = within(form).getByLabelText('API key');
    expect(input).toHaveAttribute('type', 'password');
    await paste(input, SECRET);
    await paste(within(form).getByLabelText('Label'), 'team anthropic');
    await userEvent.click(within(form).getByRole('button', { name: 'Save key' }));

    await waitFor(() => expect(screen.getAllByTestId('org-key-row')).toHaveLength(2));
    expect(screen.queryByRole('form', { name: 'New provider key' })).toBeNull();
    const added = screen.getAllByTestId('org-key-row')[1]!;
    expect(added).toHaveTextContent('Anthropic');
    expect(added).toHaveTextContent('••••9xQ4');
    expect(added).toHaveTextContent('team anthropic');
    expect(document.body).not.toHaveTextContent(SECRET);
    for (const el of document.querySelectorAll('input')) expect(el.value).not.toContain(SECRET);
    expect(calls.filter((c) => c.method === 'PUT').map((c) => [c.path, c.body])).toEqual([
      ['/orgs/o1/provider-keys/p2', { apiKey: SECRET, label: 'team anthropic' }],
    ]);
    // Every provider that takes a key has one now: nothing left to add.
    expect(screen.getByRole('button', { name: /Add key/ })).toBeDisabled();
  });

  it('a key too short is refused before it is sent; one the API refuses shows its reason and nothing is added', async () => {
    const calls = keysApi();
    const form = await openAddForm();
    await userEvent.selectOptions(within(form).getByLabelText('Provider'), 'p2');
    const input = within(form).getByLabelText('API key');
    await paste(input, 'short');
    await userEvent.click(within(form).getByRole('button', { name: 'Save key' }));
    expect(await within(form).findByText(/at least 8 characters/)).toBeInTheDocument();
    expect(calls.filter((c) => c.method === 'PUT')).toEqual([]);

    await paste(input, 'sk-proj-wrong-provider-1234');
    await userEvent.click(within(form).getByRole('button', { name: 'Save key' }));
    expect(await within(form).findByText(/a Anthropic key is sk-ant-/)).toBeInTheDocument();
    expect(calls.filter((c) => c.method === 'PUT')).toHaveLength(1);
    expect(screen.getAllByTestId('org-key-row')).toHaveLength(1);
  });

  it('a super admin replaces a key: the new one is sent for the same provider and the list shows its last four', async () => {
    let current = key();
    const calls = stubApi((method, path, body) => {
      if (method === 'GET' && path === '/orgs/o1') return { body: org([current]) };
      if (method === 'GET' && path === '/me/byok/providers') return { body: { data: PROVIDERS } };
      if (method === 'PUT' && path === '/orgs/o1/provider-keys/p1') {
        const b = body as { apiKey: string; label: string | null };
        current = key({ last4: b.apiKey.slice(-4), label: b.label });
        return { body: current };
      }
      return undefined;
    });
    renderWithApp(<OrgKeysDialog orgId="o1" onClose={vi.fn()} canManage />);
    const row = await screen.findByTestId('org-key-row');
    await userEvent.click(within(row).getByRole('button', { name: 'Replace OpenAI key' }));
    const form = await screen.findByRole('form', { name: 'Rotate key' });
    expect(screen.getByRole('dialog', { name: "Rotate Team A's OpenAI key" })).toHaveTextContent(
      'The new key replaces ••••ab12 at once.',
    );
    expect(within(form).queryByLabelText('Provider')).toBeNull();
    expect(within(form).getByLabelText('Label')).toHaveValue('team key');
    await userEvent.click(within(form).getByLabelText('New API key'));
    await userEvent.paste('sk-new-team-key-Zz90');
    await userEvent.click(within(form).getByRole('button', { name: 'Replace key' }));
    await waitFor(() => expect(screen.getByTestId('org-key-row')).toHaveTextContent('••••Zz90'));
    expect(document.body).not.toHaveTextContent('sk-new-team-key');
    expect(calls.filter((c) => c.method === 'PUT').map((c) => c.body)).toEqual([
      { apiKey: 'sk-new-team-key-Zz90', label: 'team key' },
    ]);
  });

  it('a super admin deletes a key after confirming, and the list no longer has it', async () => {
    let keys = [key()];
    const calls = stubApi((method, path) => {
      if (method === 'GET' && path === '/orgs/o1') return { body: org(keys) };
      if (method === 'GET' && path === '/me/byok/providers') return { body: { data: PROVIDERS } };
      if (method === 'DELETE' && path === '/orgs/o1/provider-keys/p1') {
        keys = [];
        return { status: 204 };
      }
      return undefined;
    });
    renderWithApp(<OrgKeysDialog orgId="o1" onClose={vi.fn()} canManage />);
    const row = await screen.findByTestId('org-key-row');
    await userEvent.click(within(row).getByRole('button', { name: 'Delete OpenAI key' }));
    const confirm = await screen.findByRole('alertdialog', { name: 'Delete this provider key?' });
    expect(confirm).toHaveTextContent('The OpenAI key ••••ab12 of Team A is removed.');
    // Cancelling deletes nothing.
    await userEvent.click(within(confirm).getByRole('button', { name: 'Cancel' }));
    expect(screen.getByTestId('org-key-row')).toBeInTheDocument();
    expect(calls.filter((c) => c.method === 'DELETE')).toEqual([]);

    await userEvent.click(
      within(screen.getByTestId('org-key-row')).getByRole('button', { name: 'Delete OpenAI key' }),
    );
    await userEvent.click(
      within(await screen.findByRole('alertdialog', { name: 'Delete this provider key?' })).getByRole(
        'button',
        {
          name: 'Delete key',
        },
      ),
    );
    expect(await screen.findByText('This organization has no provider keys.')).toBeInTheDocument();
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(calls.filter((c) => c.method === 'DELETE').map((c) => c.path)).toEqual([
      '/orgs/o1/provider-keys/p1',
    ]);
  });
});
