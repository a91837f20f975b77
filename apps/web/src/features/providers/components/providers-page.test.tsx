import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { me, renderWithApp, stubApi } from '../../../test/render';
import { ProviderDialog } from './provider-dialog';
import { StatCards } from './stat-cards';

afterEach(() => vi.unstubAllGlobals());

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
      catalogueModels: [
        { modelId: 'gpt-cat-1', displayName: 'Cat 1', priceInputPer1M: 1, priceOutputPer1M: 2 },
        { modelId: 'gpt-cat-2', displayName: 'Cat 2', priceInputPer1M: null, priceOutputPer1M: null },
      ],
    },
    {
      type: 'custom',
      displayName: 'Custom (OpenAI-compatible)',
      defaultBaseUrl: null,
      baseUrlRequired: true,
      envKey: null,
      keyOptional: true,
      color: '#64748b',
      docsUrl: null,
      keyHint: null,
      nativeResponses: null,
      catalogueModels: [],
    },
  ],
};

const stats = (over: Record<string, unknown> = {}) => ({
  totalProviders: 4,
  activeProviders: 3,
  activeModels: 1234,
  modelsUsed24h: { value: 6, previous: 4, changePct: 50 },
  apiCalls30d: { value: 12456, previous: 0, changePct: null },
  cost30d: { valueUsd: 234.56, previousUsd: 250, changePct: -6.2, unpricedCalls: 0 },
  tokens30d: 0,
  errorRate30d: 0,
  byok: { users: 0, savedUsd30d: 0 },
  cache: { hits30d: 0, savedUsd30d: 0 },
  generatedAt: '2030-01-01T00:00:00Z',
  ...over,
});

describe('providers page', () => {
  it('stat cards: the API numbers, its trend, and "new" when there is nothing to compare with', async () => {
    stubApi((_m, p) => (p === '/llm/stats' ? { body: stats() } : undefined));
    renderWithApp(<StatCards />);
    const calls = await screen.findByTestId('stat-calls');
    expect(within(calls).getByTestId('stat-value')).toHaveTextContent('12,456');
    expect(within(calls).getByTestId('stat-trend')).toHaveTextContent('new');
    const models = screen.getByTestId('stat-models');
    expect(within(models).getByTestId('stat-value')).toHaveTextContent('1,234');
    expect(models).toHaveTextContent('6 answered in the last 24 h');
    expect(within(models).getByTestId('stat-trend')).toHaveTextContent('+50% models used vs the 24 h before');
    const cost = screen.getByTestId('stat-cost');
    expect(within(cost).getByTestId('stat-value')).toHaveTextContent('$234.56');
    // Lower cost is good news.
    expect(within(cost).getByTestId('stat-trend')).toHaveTextContent('−6.2% vs previous 30 days');
    expect(within(cost).getByTestId('stat-trend')).toHaveClass('text-ok');
    expect(within(cost).queryByTestId('stat-cost-unpriced')).toBeNull();
  });

  it('stat cards: the cost says how many calls went to models with no known price (counted as $0)', async () => {
    const base = stats();
    stubApi((_m, p) =>
      p === '/llm/stats' ? { body: { ...base, cost30d: { ...base.cost30d, unpricedCalls: 3 } } } : undefined,
    );
    renderWithApp(<StatCards />);
    const cost = await screen.findByTestId('stat-cost');
    expect(within(cost).getByTestId('stat-cost-unpriced')).toHaveTextContent(
      '3 calls to models with no known price counted as $0: the cost is at least this',
    );
  });

  it('stat cards: an API error offers a retry', async () => {
    let fail = true;
    stubApi((_m, p) =>
      p === '/llm/stats'
        ? fail
          ? {
              status: 500,
              body: { error: { code: 'internal_error', message: 'Something went wrong on our side.' } },
            }
          : { body: stats() }
        : undefined,
    );
    renderWithApp(<StatCards />);
    expect(await screen.findByRole('alert')).toHaveTextContent('Something went wrong on our side.');
    fail = false;
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByTestId('stat-providers')).toHaveTextContent('4');
  });

  it('add provider as an admin: the key field is disabled with the reason; errors sit next to their fields', async () => {
    stubApi((_m, p) => {
      if (p === '/auth/me') return { body: me('admin', ['providers:read', 'providers:write']) };
      if (p === '/llm/provider-types') return { body: TYPES };
      return undefined;
    });
    const submit = vi.fn();
    renderWithApp(
      <ProviderDialog mode="create" onClose={vi.fn()} canSetKey={false} pending={false} submit={submit} />,
    );
    const dialog = await screen.findByRole('dialog', { name: 'Add a provider' });
    const key = await within(dialog).findByLabelText('API key');
    expect(key).toBeDisabled();
    expect(within(dialog).getByText('Only a super admin may set provider keys.')).toBeInTheDocument();
    // OpenAI needs a key, so nothing to test with.
    expect(within(dialog).getByRole('button', { name: 'Test connection' })).toBeDisabled();

    await userEvent.selectOptions(within(dialog).getByLabelText('Provider type'), 'custom');
    await userEvent.clear(within(dialog).getByLabelText('Name'));
    await userEvent.clear(within(dialog).getByLabelText('Priority'));
    await userEvent.type(within(dialog).getByLabelText('Priority'), '0');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Add provider' }));
    expect(within(dialog).getByLabelText('Name')).toHaveAccessibleDescription('Is required');
    expect(within(dialog).getByLabelText('Base URL')).toHaveAttribute('aria-invalid', 'true');
    expect(within(dialog).getByText('Is required for this provider type')).toBeInTheDocument();
    expect(within(dialog).getByText('Must be between 1 and 100')).toBeInTheDocument();
    expect(submit).not.toHaveBeenCalled();
  });

  it('add provider: Test Connection lists the discovered models, and a taken slug is shown on the slug field', async () => {
    const calls = stubApi((m, p) => {
      if (p === '/llm/provider-types') return { body: TYPES };
      if (m === 'POST' && p === '/llm/test')
        return { body: { success: true, latencyMs: 42, modelsAvailable: ['m1', 'm2'] } };
      return undefined;
    });
    const { ApiError } = await import('../../../lib/api-client');
    const submit = vi
      .fn()
      .mockRejectedValue(
        new ApiError(409, 'conflict', 'A record with the same unique value already exists.'),
      );
    renderWithApp(
      <ProviderDialog mode="create" onClose={vi.fn()} canSetKey pending={false} submit={submit} />,
    );
    const dialog = await screen.findByRole('dialog', { name: 'Add a provider' });
    await userEvent.selectOptions(await within(dialog).findByLabelText('Provider type'), 'custom');
    // Choosing a type suggests its name; replace it.
    expect(within(dialog).getByLabelText('Name')).toHaveValue('Custom (OpenAI-compatible)');
    await userEvent.clear(within(dialog).getByLabelText('Name'));
    await userEvent.type(within(dialog).getByLabelText('Name'), 'Local LLM');
    expect(within(dialog).getByLabelText('Slug')).toHaveValue('local-llm');
    await userEvent.type(within(dialog).getByLabelText('Base URL'), 'http://127.0.0.1:9000/v1');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Test connection' }));
    expect(await within(dialog).findByTestId('test-result')).toHaveTextContent(
      'Connected in 42 ms · 2 models available',
    );
    expect(calls.find((c) => c.path === '/llm/test')?.body).toEqual({
      type: 'custom',
      baseUrl: 'http://127.0.0.1:9000/v1',
      apiKey: null,
    });
    const models = within(dialog).getByRole('list', { name: 'Discovered models' });
    await userEvent.click(within(models).getByLabelText('m2'));
    await userEvent.click(within(dialog).getByRole('button', { name: 'Add provider' }));
    await waitFor(() => expect(submit).toHaveBeenCalledTimes(1));
    expect(submit.mock.calls[0]![0]).toMatchObject({
      type: 'custom',
      name: 'Local LLM',
      slug: 'local-llm',
      baseUrl: 'http://127.0.0.1:9000/v1',
      priority: 50,
      autoFallback: true,
    });
    expect(submit.mock.calls[0]![1]).toEqual(['m1']);
    expect(await within(dialog).findByText('This slug is already taken: choose another')).toBeInTheDocument();
  });

  it('add provider: without a model listing the checklist offers the catalogue models of the type, in a contained dialog', async () => {
    stubApi((m, p) => {
      if (p === '/llm/provider-types') return { body: TYPES };
      if (m === 'POST' && p === '/llm/test')
        return {
          body: { success: false, latencyMs: 9, error: { code: 'invalid_key', message: 'Key rejected' } },
        };
      return undefined;
    });
    const submit = vi.fn().mockResolvedValue(undefined);
    renderWithApp(
      <ProviderDialog mode="create" onClose={vi.fn()} canSetKey pending={false} submit={submit} />,
    );
    const dialog = await screen.findByRole('dialog', { name: 'Add a provider' });
    // The seed's size: at most 90% of the screen, scrolling inside, over a blurred backdrop.
    expect(dialog).toHaveClass('max-w-2xl', 'max-h-[90vh]');
    expect(dialog.parentElement).toHaveClass('backdrop-blur-sm');
    const list = await within(dialog).findByRole('list', { name: 'Catalogue models' });
    expect(within(dialog).getByTestId('catalogue-models-note')).toBeInTheDocument();
    expect(within(list).getByLabelText('gpt-cat-1')).not.toBeChecked();
    expect(within(list).getByLabelText('gpt-cat-2')).toHaveAccessibleDescription(/no known price/);
    await userEvent.type(within(dialog).getByLabelText('API key'), 'sk-bad');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Test connection' }));
    expect(await within(dialog).findByTestId('test-result')).toHaveTextContent('Key rejected');
    // A failed test still leaves the catalogue to choose from.
    await userEvent.click(within(dialog).getByLabelText('gpt-cat-1'));
    await userEvent.type(within(dialog).getByLabelText('Name'), 'Work OpenAI');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Add provider' }));
    await waitFor(() => expect(submit).toHaveBeenCalledTimes(1));
    expect(submit.mock.calls[0]![1]).toEqual(['gpt-cat-1']);
    // The custom type has no catalogue models: no checklist.
    await userEvent.selectOptions(within(dialog).getByLabelText('Provider type'), 'custom');
    expect(within(dialog).queryByRole('list', { name: 'Catalogue models' })).toBeNull();
  });

  it('add provider: extra endpoints with weights are sent; a bad endpoint URL is named on its row', async () => {
    stubApi((_m, p) => (p === '/llm/provider-types' ? { body: TYPES } : undefined));
    const submit = vi.fn().mockResolvedValue(undefined);
    renderWithApp(
      <ProviderDialog mode="create" onClose={vi.fn()} canSetKey pending={false} submit={submit} />,
    );
    const dialog = await screen.findByRole('dialog', { name: 'Add a provider' });
    await userEvent.selectOptions(await within(dialog).findByLabelText('Provider type'), 'custom');
    await userEvent.type(within(dialog).getByLabelText('Base URL'), 'http://127.0.0.1:9000/v1');
    await userEvent.clear(within(dialog).getByLabelText('Primary weight'));
    await userEvent.type(within(dialog).getByLabelText('Primary weight'), '0');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Add endpoint' }));
    await userEvent.type(within(dialog).getByLabelText('Endpoint 1 URL'), 'not a url');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Add provider' }));
    expect(within(dialog).getByLabelText('Endpoint 1 URL')).toHaveAttribute('aria-invalid', 'true');
    expect(submit).not.toHaveBeenCalled();
    await userEvent.clear(within(dialog).getByLabelText('Endpoint 1 URL'));
    await userEvent.type(within(dialog).getByLabelText('Endpoint 1 URL'), 'http://127.0.0.1:9001/v1');
    await userEvent.clear(within(dialog).getByLabelText('Weight'));
    await userEvent.type(within(dialog).getByLabelText('Weight'), '3');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Add provider' }));
    await waitFor(() => expect(submit).toHaveBeenCalledTimes(1));
    expect(submit.mock.calls[0]![0]).toMatchObject({
      baseUrl: 'http://127.0.0.1:9000/v1',
      baseUrlWeight: 0,
      endpoints: [{ baseUrl: 'http://127.0.0.1:9001/v1', weight: 3, enabled: true }],
    });
  });
});
