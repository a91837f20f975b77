import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderWithApp, stubApi } from '../../../test/render';
import type { Provider } from '../api/types';
import { ProviderCards } from './provider-cards';

afterEach(() => vi.unstubAllGlobals());

const p = {
  id: 'p1',
  type: 'openai',
  name: 'Acme AI',
  slug: 'acme',
  baseUrl: null,
  baseUrlWeight: 1,
  endpoints: [],
  status: 'active',
  disabledReason: null,
  lastError: null,
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
  health: {
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
  },
} as Provider;

describe('provider card headroom', () => {
  it('a bucket with room taken says when all of it is back; an untouched one says nothing of a reset', async () => {
    const now = Date.now();
    stubApi((_m, path) => {
      if (path === '/llm/providers') return { body: { data: [p] } };
      if (path === '/llm/provider-types') return { body: { data: [] } };
      if (path === '/llm/providers/p1/health')
        return {
          body: {
            ...p.health,
            providerId: 'p1',
            history: [],
            headroom: [
              {
                bucket: 'rpm',
                unit: 'requests',
                limit: 10,
                used: 4,
                remaining: 6,
                models: 'all',
                resetsAt: new Date(now + 5 * 60_000 + 10_000).toISOString(),
              },
              // Nothing counted: the window is clear now (the API gives the time it read it).
              {
                bucket: 'tpm',
                unit: 'tokens',
                limit: 1000,
                used: 0,
                remaining: 1000,
                models: 'all',
                resetsAt: new Date(now).toISOString(),
              },
            ],
          },
        };
      return undefined;
    });
    renderWithApp(<ProviderCards canWrite={false} onConfigure={vi.fn()} />);
    const card = await screen.findByTestId('provider-card');
    await userEvent.click(within(card).getByRole('button', { name: 'Health history and headroom' }));
    const rows = within(await within(card).findByTestId('provider-headroom')).getAllByRole('listitem');
    expect(rows[0]).toHaveTextContent('rpm: 6 of 10 requests left, all back in 5 minutes');
    expect(rows[1]).toHaveTextContent('tpm: 1,000 of 1,000 tokens left');
    expect(rows[1]).not.toHaveTextContent(/resets|back|just now/);
  });
});
