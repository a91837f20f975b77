import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderWithApp, stubApi } from '../../../test/render';
import type { Provider } from '../api/types';
import { ProviderCards } from './provider-cards';

afterEach(() => vi.unstubAllGlobals());

const until = new Date(Date.now() + 4 * 60_000).toISOString();
const healthy: Provider['health'] = {
  status: 'healthy',
  reason: null,
  check: { enabled: false, intervalSec: 60, probe: 'models', model: null, isDefault: true },
  lastCheckAt: null,
  lastCheckOk: null,
  lastLatencyMs: null,
  lastError: null,
  cooldowns: [],
  callerKeyCooldowns: 0,
  circuits: [],
};
const provider = (health: Provider['health']): Provider => ({
  id: 'p1',
  type: 'openai',
  name: 'Acme AI',
  slug: 'acme',
  baseUrl: null,
  baseUrlWeight: 1,
  endpoints: [],
  status: 'active',
  disabledReason: null,
  lastError: health.lastError?.message ?? null,
  lastTest: null,
  lastTestedAt: null,
  priority: 10,
  autoFallback: true,
  region: null,
  hasApiKey: true,
  apiKeyLast4: 'wxyz',
  apiKeyEnv: null,
  envResolved: null,
  auth: [],
  rateLimitBuckets: [],
  config: {},
  modelCount: 1,
  modelCounts: { global: 1, enabled: 1, scoped: 0 },
  avgCostPer1M: 2,
  color: '#10a37f',
  managedByConfig: false,
  createdAt: '2030-01-01T00:00:00Z',
  health,
});
const down = provider({
  ...healthy,
  status: 'down',
  reason: `Its key is cooling down until ${until}: credentials rejected: fall back (upstream 401).`,
  lastError: {
    at: new Date().toISOString(),
    status: 401,
    kind: 'auth',
    message: 'Incorrect API key provided',
    source: 'traffic',
    model: 'gpt-x',
  },
  cooldowns: [
    {
      scope: 'key',
      modelRegistryId: null,
      modelId: null,
      until,
      reason: 'credentials rejected: fall back',
      kind: 'auth',
      status: 401,
    },
  ],
  // Two callers' own keys on it cool down too (theirs: not listed, but the reset clears them).
  callerKeyCooldowns: 2,
});

describe('provider card health', () => {
  it('shows a cooldown with its scope, time and reason; an admin resets it after confirming', async () => {
    let current = down;
    const calls = stubApi((method, path) => {
      if (path === '/llm/providers') return { body: { data: [current] } };
      if (path === '/llm/provider-types') return { body: { data: [] } };
      if (method === 'POST' && path === '/llm/providers/p1/reset') {
        current = provider(healthy);
        return { body: { ...healthy, providerId: 'p1', history: [], headroom: [] } };
      }
      return undefined;
    });
    renderWithApp(<ProviderCards canWrite onConfigure={vi.fn()} />);
    const card = await screen.findByTestId('provider-card');
    expect(within(card).getByTestId('provider-status')).toHaveTextContent('down');
    const cooldowns = within(card).getByTestId('provider-cooldowns');
    expect(cooldowns).toHaveTextContent(
      "Provider's own key cooling down until in 4 minutes: credentials rejected: fall back (401 auth)",
    );
    expect(within(card).getByTestId('provider-last-error')).toHaveTextContent(
      '401 auth — Incorrect API key provided',
    );

    await userEvent.click(within(card).getByRole('button', { name: 'Reset cooldowns: Acme AI' }));
    const dialog = await screen.findByRole('alertdialog', { name: "Reset this provider's state?" });
    expect(dialog).toHaveTextContent(
      "its cooldowns (1 now), those of callers' own keys on it (2 now), open circuits and the current rate-limit windows are cleared",
    );
    await userEvent.click(within(dialog).getByRole('button', { name: 'Reset' }));
    await waitFor(() =>
      expect(within(screen.getByTestId('provider-card')).getByTestId('provider-status')).toHaveTextContent(
        'active',
      ),
    );
    expect(calls.filter((c) => c.method === 'POST').map((c) => [c.path, c.body])).toEqual([
      ['/llm/providers/p1/reset', {}],
    ]);
  });

  it('a viewer sees the state but no Check now or Reset', async () => {
    stubApi((_m, path) =>
      path === '/llm/providers'
        ? { body: { data: [down] } }
        : path === '/llm/provider-types'
          ? { body: { data: [] } }
          : undefined,
    );
    renderWithApp(<ProviderCards canWrite={false} onConfigure={vi.fn()} />);
    const card = await screen.findByTestId('provider-card');
    expect(within(card).getByTestId('provider-cooldowns')).toBeInTheDocument();
    expect(within(card).queryByRole('button', { name: /Reset cooldowns/ })).toBeNull();
    expect(within(card).queryByRole('button', { name: /Check now/ })).toBeNull();
  });
});

describe('provider card figures', () => {
  it("names the price figure for what it is: the list price of the provider's models, not a cost", async () => {
    stubApi((_m, path) =>
      path === '/llm/providers'
        ? { body: { data: [provider(healthy)] } }
        : path === '/llm/provider-types'
          ? { body: { data: [] } }
          : undefined,
    );
    renderWithApp(<ProviderCards canWrite={false} onConfigure={vi.fn()} />);
    const card = await screen.findByTestId('provider-card');
    // avgCostPer1M is (input + output) / 2 of the enabled, priced models' list prices: nothing was spent.
    expect(card).not.toHaveTextContent(/Avg cost/);
    expect(within(card).getByText('Avg list price / 1M tokens')).toHaveAttribute(
      'title',
      'The mean of (input + output price) / 2 over its enabled models with a known price; spend is on the Usage page.',
    );
    expect(within(card).getByTestId('provider-list-price')).toHaveTextContent('$2');
  });

  it('counts the models routing can use: enabled of its global ones, not disabled or scoped ones as if they served', async () => {
    // 7 registry entries: 5 global (3 enabled, 2 disabled) and 2 for one organization or user only.
    const p = { ...provider(healthy), modelCount: 7, modelCounts: { global: 5, enabled: 3, scoped: 2 } };
    stubApi((_m, path) =>
      path === '/llm/providers'
        ? { body: { data: [p] } }
        : path === '/llm/provider-types'
          ? { body: { data: [] } }
          : undefined,
    );
    renderWithApp(<ProviderCards canWrite={false} onConfigure={vi.fn()} />);
    const card = await screen.findByTestId('provider-card');
    expect(within(card).getByTestId('provider-models')).toHaveTextContent('3 enabled of 5');
    expect(within(card).getByTestId('provider-models-scoped')).toHaveTextContent('+ 2 scoped');
    expect(within(card).getByTestId('provider-models')).not.toHaveTextContent('7');
  });

  it('shows no scoped line when every model is global', async () => {
    stubApi((_m, path) =>
      path === '/llm/providers'
        ? { body: { data: [provider(healthy)] } }
        : path === '/llm/provider-types'
          ? { body: { data: [] } }
          : undefined,
    );
    renderWithApp(<ProviderCards canWrite={false} onConfigure={vi.fn()} />);
    const card = await screen.findByTestId('provider-card');
    expect(within(card).getByTestId('provider-models')).toHaveTextContent('1 enabled of 1');
    expect(within(card).queryByTestId('provider-models-scoped')).toBeNull();
  });
});
