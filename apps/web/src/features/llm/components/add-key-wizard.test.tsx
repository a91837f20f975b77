import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderWithApp, stubApi } from '../../../test/render';
import { AddKeyWizard } from './add-key-wizard';
import { ProviderKeys } from './provider-keys';

afterEach(() => vi.unstubAllGlobals());

const health = {
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
const provider = (over: Record<string, unknown> = {}) => ({
  id: 'p1',
  type: 'openai',
  name: 'OpenAI',
  slug: 'openai',
  baseUrl: null,
  status: 'disabled',
  disabledReason: 'OPENAI_API_KEY is not set on the server',
  lastError: null,
  lastTestedAt: null,
  lastTest: null,
  priority: 50,
  autoFallback: true,
  hasApiKey: false,
  apiKeyLast4: null,
  apiKeyEnv: 'OPENAI_API_KEY',
  envResolved: false,
  rateLimitBuckets: [],
  config: {},
  modelCount: 0,
  modelCounts: { global: 0, enabled: 0, scoped: 0 },
  avgCostPer1M: null,
  color: '#10a37f',
  createdAt: '2030-01-01T00:00:00Z',
  health,
  ...over,
});
const TYPES = {
  data: [
    {
      type: 'openai',
      displayName: 'OpenAI',
      defaultBaseUrl: 'https://api.openai.com/v1',
      baseUrlRequired: false,
      envKey: 'OPENAI_API_KEY',
      keyOptional: false,
      color: '#10a37f',
      docsUrl: null,
      keyHint: 'sk-...',
      nativeResponses: null,
      catalogueModels: [{ modelId: 'gpt-cat', displayName: 'Cat', priceInputPer1M: 1, priceOutputPer1M: 2 }],
    },
  ],
};

describe('add-LLM-key wizard', () => {
  it('provider → key → real test → models → saved, tested again and imported', async () => {
    const calls = stubApi((m, p) => {
      if (p === '/llm/providers' && m === 'GET') return { body: { data: [provider()] } };
      if (p === '/llm/provider-types') return { body: TYPES };
      if (p.startsWith('/llm/models')) return { body: { data: [], total: 0 } };
      if (m === 'POST' && p === '/llm/test') {
        const ok = (calls.at(-1)?.body as { apiKey?: string }).apiKey === 'sk-good-1234';
        return {
          body: ok
            ? { success: true, latencyMs: 12, modelsAvailable: ['gpt-a', 'gpt-b'] }
            : { success: false, latencyMs: 8, error: { code: 'invalid_key', message: 'Incorrect API key' } },
        };
      }
      if (m === 'PUT' && p === '/llm/providers/p1')
        return { body: provider({ hasApiKey: true, apiKeyLast4: '1234', status: 'active' }) };
      if (m === 'POST' && p === '/llm/providers/p1/test')
        return { body: { success: true, latencyMs: 10, modelsAvailable: ['gpt-a', 'gpt-b'] } };
      if (m === 'POST' && p === '/llm/providers/p1/models/import')
        return { body: { added: [{ modelId: 'gpt-a', priced: true }], alreadyPresent: [] } };
      return undefined;
    });
    renderWithApp(<AddKeyWizard onClose={vi.fn()} />);
    const dialog = await screen.findByRole('dialog', { name: 'Add an LLM key' });
    const step = () => within(dialog).getByRole('listitem', { current: 'step' });
    expect(step()).toHaveTextContent('Provider');
    await userEvent.click(await within(dialog).findByRole('button', { name: /Next/ }));
    expect(within(dialog).getByLabelText('Provider')).toHaveAccessibleDescription('Choose a provider');
    await userEvent.selectOptions(within(dialog).getByLabelText('Provider'), 'p:p1');
    await userEvent.click(within(dialog).getByRole('button', { name: /Next/ }));
    expect(step()).toHaveTextContent('Key & test');
    // A rejected key stays on this step with the provider's answer.
    await userEvent.type(within(dialog).getByLabelText('API key'), 'sk-bad');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Test key' }));
    expect(await within(dialog).findByTestId('test-result')).toHaveTextContent('Incorrect API key');
    expect(step()).toHaveTextContent('Key & test');
    await userEvent.clear(within(dialog).getByLabelText('API key'));
    await userEvent.type(within(dialog).getByLabelText('API key'), 'sk-good-1234');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Test key' }));
    const list = await within(dialog).findByRole('list', { name: 'Discovered models' });
    expect(step()).toHaveTextContent('Models');
    expect(
      calls.find((c) => c.path === '/llm/test' && (c.body as { apiKey: string }).apiKey === 'sk-good-1234')
        ?.body,
    ).toEqual({
      type: 'openai',
      baseUrl: null,
      apiKey: 'sk-good-1234',
      config: {},
    });
    await userEvent.click(within(list).getByLabelText('gpt-b'));
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save key and import 1 model' }));
    const done = await within(dialog).findByTestId('wizard-done');
    expect(done).toHaveTextContent('Key saved for OpenAI (openai), ending in ••••1234');
    expect(done).toHaveTextContent('1 model added to the registry.');
    const writes = calls.filter((c) => c.method !== 'GET' && c.path !== '/llm/test');
    expect(writes.map((c) => `${c.method} ${c.path}`)).toEqual([
      'PUT /llm/providers/p1',
      'POST /llm/providers/p1/test',
      'POST /llm/providers/p1/models/import',
    ]);
    // The seed disabled it for its missing key: it comes back active with one.
    expect(writes[0]!.body).toEqual({ apiKey: 'sk-good-1234', status: 'active' });
    expect(writes[2]!.body).toEqual({ models: [{ modelId: 'gpt-a' }] });
  });
});

describe('provider keys', () => {
  it('says where each key comes from and how its last test went; rotating opens the wizard for it', async () => {
    stubApi((_m, p) =>
      p === '/llm/providers'
        ? {
            body: {
              data: [
                provider(),
                provider({
                  id: 'p2',
                  name: 'Groq',
                  slug: 'groq',
                  hasApiKey: true,
                  apiKeyLast4: 'abcd',
                  apiKeyEnv: null,
                  lastTest: { at: '2030-01-01T00:00:00Z', ok: false, error: 'Incorrect API key' },
                }),
                provider({
                  id: 'p3',
                  name: 'Env OK',
                  slug: 'env-ok',
                  envResolved: true,
                  lastTest: { at: '2030-01-01T00:00:00Z', ok: true, error: null },
                }),
              ],
            },
          }
        : undefined,
    );
    const onRotate = vi.fn();
    renderWithApp(<ProviderKeys onRotate={onRotate} />);
    const rows = await screen.findAllByTestId('provider-key-row');
    expect(rows[0]).toHaveTextContent('$OPENAI_API_KEY not set');
    expect(rows[0]).toHaveTextContent('_env');
    expect(rows[0]).toHaveTextContent('never');
    expect(rows[1]).toHaveTextContent('••••abcd');
    expect(rows[1]).toHaveTextContent('database (encrypted)');
    expect(within(rows[1]!).getByTestId('key-last-test')).toHaveTextContent(/failed.*Incorrect API key/);
    expect(within(rows[2]!).getByTestId('key-last-test')).toHaveTextContent('passed');
    await userEvent.click(screen.getByRole('button', { name: 'Rotate the key of Groq' }));
    expect(onRotate).toHaveBeenCalledWith(expect.objectContaining({ id: 'p2' }));
    expect(screen.getByRole('button', { name: 'Set a key for OpenAI' })).toBeInTheDocument();
  });

  it('without credentials rights there is nothing to rotate', async () => {
    stubApi((_m, p) => (p === '/llm/providers' ? { body: { data: [provider()] } } : undefined));
    renderWithApp(<ProviderKeys onRotate={null} />);
    await screen.findAllByTestId('provider-key-row');
    expect(screen.queryByRole('button', { name: /key (of|for)/ })).toBeNull();
  });
});
