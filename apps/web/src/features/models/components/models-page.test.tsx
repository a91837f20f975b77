import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { me, renderWithApp, stubApi } from '../../../test/render';
import { ModelsPage } from './models-page';

const model = (over: Record<string, unknown> = {}) => ({
  id: 'm1',
  ref: 'mock/mock-small',
  providerId: 'p1',
  provider: { id: 'p1', slug: 'mock', name: 'Mock', type: 'mock', status: 'active' },
  modelId: 'mock-small',
  displayName: 'Mock Small',
  description: null,
  priceInputPer1M: 0.15,
  priceOutputPer1M: 0.6,
  priceCachedInputPer1M: null,
  contextWindow: 128000,
  maxOutputTokens: null,
  qualityTier: 'eco',
  qualityScore: 30,
  capabilities: ['chat'],
  config: {},
  enabled: true,
  isDefault: true,
  priority: 10,
  scope: 'global',
  source: 'builtin',
  ownerUserId: null,
  auth: [],
  health: null,
  managedByConfig: false,
  configProblem: null,
  createdAt: '2030-01-01T00:00:00Z',
  updatedAt: '2030-01-01T00:00:00Z',
  ...over,
});

afterEach(() => vi.unstubAllGlobals());

const ADMIN: Parameters<typeof me>[1] = ['models:read', 'models:write', 'providers:read'];

/** The Models page's API: the signed-in role with its permissions, these models, and the mock provider. */
function stubRegistry(
  models: ReturnType<typeof model>[],
  role: Parameters<typeof me>[0] = 'admin',
  permissions = ADMIN,
) {
  stubApi((_m, p) => {
    if (p === '/auth/me') return { body: me(role, permissions) };
    if (p.startsWith('/llm/models'))
      return { body: { data: models, total: models.length, limit: 500, offset: 0 } };
    if (p === '/llm/providers')
      return { body: { data: [{ id: 'p1', slug: 'mock', name: 'Mock', type: 'mock', status: 'active' }] } };
    return undefined;
  });
}

describe('model registry page', () => {
  it('a viewer reads the registry: default marked, no toggles, checkboxes or actions', async () => {
    stubRegistry(
      [
        model(),
        model({
          id: 'm2',
          ref: 'mock/mock-large',
          displayName: 'Mock Large',
          isDefault: false,
          enabled: false,
        }),
      ],
      'viewer',
      ['models:read', 'providers:read'],
    );
    renderWithApp(<ModelsPage />, { path: '/models' });
    const rows = await screen.findAllByTestId('model-row');
    expect(within(rows[0]!).getByText('Default')).toBeInTheDocument();
    expect(within(rows[1]!).getByText('disabled')).toBeInTheDocument();
    await waitFor(() => expect(screen.getByRole('note')).toHaveTextContent('Read-only'));
    expect(screen.queryByRole('switch')).toBeNull();
    expect(screen.queryByRole('checkbox')).toBeNull();
    expect(screen.queryByRole('button', { name: /Add model|^Edit|^Delete|as default/ })).toBeNull();
  });

  it('a model the config file manages shows its badge, and editing it warns that the next apply overwrites', async () => {
    stubRegistry([model({ managedByConfig: true }), model({ id: 'm2', ref: 'mock/b', displayName: 'B' })]);
    renderWithApp(<ModelsPage />, { path: '/models' });
    const rows = await screen.findAllByTestId('model-row');
    expect(within(rows[0]!).getByTestId('managed-badge')).toHaveTextContent('managed by config file');
    expect(within(rows[1]!).queryByTestId('managed-badge')).toBeNull();
    await userEvent.click(within(rows[0]!).getByRole('button', { name: 'Edit Mock Small' }));
    expect(await screen.findByTestId('managed-notice')).toHaveTextContent(
      'the next `switchyard config apply` overwrites changes made here',
    );
  });

  it('a stored config that is not applied is named on its row and in its edit form', async () => {
    stubRegistry([
      model({
        config: { routing: { fallback: true } },
        configProblem: 'Unrecognized key: "routing"',
      }),
      model({ id: 'm2', ref: 'mock/b', displayName: 'B' }),
    ]);
    renderWithApp(<ModelsPage />, { path: '/models' });
    const rows = await screen.findAllByTestId('model-row');
    expect(within(rows[0]!).getByTestId('config-problem')).toHaveTextContent(
      'Stored config not applied: Unrecognized key: "routing"',
    );
    expect(within(rows[1]!).queryByTestId('config-problem')).toBeNull();
    await userEvent.click(within(rows[0]!).getByRole('button', { name: 'Edit Mock Small' }));
    expect(
      await screen.findByText(/The stored config is not applied \(Unrecognized key: "routing"\)/),
    ).toBeVisible();
  });

  it('filters and sort come from the query string; an admin bulk-disables the selection', async () => {
    let enabled = true;
    const calls = stubApi((m, p, body) => {
      if (p === '/auth/me') return { body: me('admin', ['models:read', 'models:write', 'providers:read']) };
      if (m === 'GET' && p.startsWith('/llm/models'))
        return {
          body: {
            data: [
              model({ enabled, isDefault: false }),
              model({ id: 'm2', ref: 'mock/b', displayName: 'B', enabled, isDefault: false }),
            ],
            total: 2,
            limit: 500,
            offset: 0,
          },
        };
      if (m === 'POST' && p === '/llm/models/bulk') {
        enabled = (body as { action: string }).action === 'enable';
        return { body: { action: (body as { action: string }).action, affected: 2, missing: [] } };
      }
      if (p === '/llm/providers') return { body: { data: [] } };
      return undefined;
    });
    renderWithApp(<ModelsPage />, { path: '/models?provider=mock&status=enabled&sort=price&order=desc' });
    await screen.findAllByTestId('model-row');
    expect(
      calls.some((c) => c.path === '/llm/models?provider=mock&enabled=true&sort=price&order=desc&limit=500'),
    ).toBe(true);
    await userEvent.click(screen.getByLabelText('Select all shown models'));
    const bar = screen.getByRole('toolbar', { name: 'Bulk actions' });
    expect(bar).toHaveTextContent('2 selected');
    await userEvent.click(within(bar).getByRole('button', { name: 'Disable' }));
    await screen.findByText('2 models disabled.');
    expect(calls.find((c) => c.path === '/llm/models/bulk')?.body).toEqual({
      action: 'disable',
      ids: ['m1', 'm2'],
    });
    await waitFor(() =>
      expect(screen.getByRole('switch', { name: 'Enabled: Mock Small' })).toHaveAttribute(
        'aria-checked',
        'false',
      ),
    );
    // The sorted column's header flips the order; another header sorts by it, ascending.
    expect(screen.getByRole('columnheader', { name: /Price in \/ out/ })).toHaveAttribute(
      'aria-sort',
      'descending',
    );
    await userEvent.click(screen.getByRole('button', { name: /Price in \/ out/ }));
    await waitFor(() =>
      expect(
        calls.some((c) => c.path === '/llm/models?provider=mock&enabled=true&sort=price&order=asc&limit=500'),
      ).toBe(true),
    );
    await userEvent.click(screen.getByRole('button', { name: 'Model' }));
    await waitFor(() =>
      expect(
        calls.some((c) => c.path === '/llm/models?provider=mock&enabled=true&sort=name&order=asc&limit=500'),
      ).toBe(true),
    );
  });

  it('the add form says what priority and quality score do: priority breaks ties, the score counts in balanced routing', async () => {
    stubApi((m, p) => {
      if (p === '/auth/me') return { body: me('admin', ['models:read', 'models:write', 'providers:read']) };
      if (m === 'GET' && p.startsWith('/llm/models'))
        return { body: { data: [], total: 0, limit: 500, offset: 0 } };
      if (p === '/llm/providers')
        return { body: { data: [{ id: 'p1', slug: 'mock', name: 'Mock', type: 'mock', status: 'active' }] } };
      return undefined;
    });
    renderWithApp(<ModelsPage />, { path: '/models' });
    await userEvent.click(await screen.findByRole('button', { name: 'Add model' }));
    const dialog = screen.getByRole('dialog', { name: 'Add a model' });
    // Routing orders by the strategy's score (cost, quality or both); a model's priority only orders equal scores.
    expect(within(dialog).getByLabelText('Priority')).toHaveAccessibleDescription(
      "0–10000: breaks ties, lower first, between models the routing strategy scores the same (after the provider's priority).",
    );
    expect(within(dialog).getByLabelText('Quality score (0–100)')).toHaveAccessibleDescription(
      'Orders models within a tier for the quality strategy, and counts in the balanced strategy (the default) with the tier.',
    );
  });

  it('the add form checks the config JSON before sending', async () => {
    const calls = stubApi((m, p) => {
      if (p === '/auth/me') return { body: me('admin', ['models:read', 'models:write', 'providers:read']) };
      if (m === 'GET' && p.startsWith('/llm/models'))
        return { body: { data: [], total: 0, limit: 500, offset: 0 } };
      if (p === '/llm/providers')
        return { body: { data: [{ id: 'p1', slug: 'mock', name: 'Mock', type: 'mock', status: 'active' }] } };
      if (m === 'POST' && p === '/llm/models') return { status: 201, body: model() };
      return undefined;
    });
    renderWithApp(<ModelsPage />, { path: '/models' });
    await userEvent.click(await screen.findByRole('button', { name: 'Add model' }));
    const dialog = screen.getByRole('dialog', { name: 'Add a model' });
    await waitFor(() =>
      expect(within(dialog).getByRole('option', { name: 'Mock (mock)' })).toBeInTheDocument(),
    );
    await userEvent.selectOptions(within(dialog).getByLabelText('Provider'), 'p1');
    await userEvent.type(within(dialog).getByLabelText('Model ID'), 'mock-new');
    await userEvent.type(within(dialog).getByLabelText('Display name'), 'Mock New');
    const config = within(dialog).getByLabelText('Config (JSON)');
    await userEvent.type(config, '[[1]');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Add model' }));
    expect(within(dialog).getByText(/Must be a JSON object/)).toBeInTheDocument();
    expect(calls.some((c) => c.method === 'POST' && c.path === '/llm/models')).toBe(false);
    await userEvent.clear(config);
    await userEvent.click(within(dialog).getByRole('button', { name: 'Insert example' }));
    await userEvent.click(within(dialog).getByRole('button', { name: 'Add model' }));
    await waitFor(() =>
      expect(calls.find((c) => c.method === 'POST' && c.path === '/llm/models')?.body).toMatchObject({
        providerId: 'p1',
        modelId: 'mock-new',
        displayName: 'Mock New',
        config: { temperature: 0.2 },
        capabilities: ['chat'],
        enabled: true,
      }),
    );
  });

  it('the last test shows per row; Test runs it; the edit form shows the auth, sends changes, and deletes after a confirm', async () => {
    let health: unknown = null;
    const calls = stubApi((m, p) => {
      if (p === '/auth/me')
        return {
          body: me('super_admin', ['models:read', 'models:write', 'providers:read', 'providers:credentials']),
        };
      if (m === 'GET' && p.startsWith('/llm/models'))
        return {
          body: {
            data: [
              model({
                health,
                auth: [
                  { name: 'apiKey', kind: 'secret', env: null, last4: 'a1b2', resolved: true },
                  { name: 'region', kind: 'env', env: 'AWS_REGION', last4: null, resolved: false },
                ],
              }),
            ],
            total: 1,
            limit: 500,
            offset: 0,
          },
        };
      if (m === 'POST' && p === '/llm/models/m1/test') {
        health = {
          checkedAt: new Date().toISOString(),
          ok: false,
          latencyMs: 12,
          status: 401,
          error: 'The provider answered 401',
          keySource: 'model',
        };
        return { body: health };
      }
      if (m === 'PUT' && p === '/llm/models/m1') return { body: model() };
      if (m === 'DELETE' && p === '/llm/models/m1') return { status: 204 };
      if (p === '/llm/providers') return { body: { data: [] } };
      return undefined;
    });
    renderWithApp(<ModelsPage />, { path: '/models' });
    const row = (await screen.findAllByTestId('model-row'))[0]!;
    expect(within(row).getByText('never')).toBeInTheDocument();
    await userEvent.click(within(row).getByRole('button', { name: 'Test Mock Small' }));
    await waitFor(() =>
      expect(within(screen.getAllByTestId('model-row')[0]!).getByText(/failed · 401/)).toBeInTheDocument(),
    );

    await userEvent.click(
      within(screen.getAllByTestId('model-row')[0]!).getByRole('button', { name: 'Edit Mock Small' }),
    );
    const dialog = screen.getByRole('dialog', { name: 'Edit Mock Small' });
    const vars = within(dialog).getByRole('list', { name: 'Auth variables' });
    expect(vars).toHaveTextContent('secret ••••a1b2');
    expect(vars).toHaveTextContent('AWS_REGION');
    expect(vars).toHaveTextContent('unresolved');
    expect(within(dialog).getByTestId('model-health')).toHaveTextContent(
      'failed (The provider answered 401)',
    );
    await userEvent.type(within(dialog).getByLabelText('Change auth (JSON)'), '{{"region": null}');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save changes' }));
    await waitFor(() =>
      expect(calls.find((c) => c.method === 'PUT' && c.path === '/llm/models/m1')?.body).toMatchObject({
        auth: { region: null },
        scope: 'global',
      }),
    );

    await userEvent.click(
      within(screen.getAllByTestId('model-row')[0]!).getByRole('button', { name: 'Edit Mock Small' }),
    );
    await userEvent.click(
      within(screen.getByRole('dialog', { name: 'Edit Mock Small' })).getByRole('button', {
        name: 'Delete model',
      }),
    );
    const confirm = screen.getByRole('alertdialog', { name: 'Delete this model?' });
    expect(calls.some((c) => c.method === 'DELETE')).toBe(false);
    await userEvent.click(within(confirm).getByRole('button', { name: 'Delete model' }));
    await waitFor(() =>
      expect(calls.some((c) => c.method === 'DELETE' && c.path === '/llm/models/m1')).toBe(true),
    );
  });
});
