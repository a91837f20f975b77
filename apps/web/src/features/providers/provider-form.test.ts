import { describe, expect, it } from 'vitest';
import { ApiError } from '../../lib/api-client';
import { FormReader } from '../../lib/forms';
import { slugify } from '../../lib/slug';
import type { ProviderType } from './api/types';
import {
  bucketRowsFrom,
  canTestConnection,
  endpointRowsFrom,
  newEndpointRow,
  readEndpointRows,
  newBucketRow,
  readBucketRows,
  readCreateProviderForm,
  readUpdateProviderForm,
  serverFieldErrors,
} from './provider-form';

const r = (v: Record<string, unknown>) => FormReader.ofRecord(v);
const custom: ProviderType = {
  type: 'custom',
  displayName: 'Custom',
  defaultBaseUrl: null,
  baseUrlRequired: true,
  envKey: null,
  keyOptional: true,
  color: '#64748b',
  docsUrl: null,
  keyHint: null,
  nativeResponses: null,
  catalogueModels: [],
};
const openai: ProviderType = {
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
  catalogueModels: [],
};

describe('provider form', () => {
  it('a new custom provider needs a base URL; the slug and priority are checked by the shared schema', () => {
    const p = readCreateProviderForm(
      r({ type: 'custom', name: 'Local', slug: 'Not A Slug', priority: '150', autoFallback: 'on' }),
      { type: custom, canSetKey: true, buckets: [] },
    );
    expect(p.ok ? null : p.errors).toMatchObject({
      baseUrl: 'is required for this provider type',
      slug: 'must be lowercase letters, digits and dashes',
      priority: 'must be between 1 and 100',
    });
  });

  it('a valid provider: numbers as numbers, the key only for a super admin', () => {
    const values = {
      type: 'openai',
      name: 'OpenAI',
      slug: 'openai-2',
      baseUrl: '',
      apiKey: 'sk-test-1234',
      priority: '40',
      autoFallback: 'on',
    };
    expect(readCreateProviderForm(r(values), { type: openai, canSetKey: true, buckets: [] })).toEqual({
      ok: true,
      data: {
        type: 'openai',
        name: 'OpenAI',
        slug: 'openai-2',
        apiKey: 'sk-test-1234',
        priority: 40,
        autoFallback: true,
        status: 'active',
        rateLimitBuckets: [],
        config: {},
        baseUrlWeight: 1,
        endpoints: [],
      },
    });
    const admin = readCreateProviderForm(r(values), { type: openai, canSetKey: false, buckets: [] });
    expect(admin.ok && 'apiKey' in admin.data).toBe(false);
  });

  it('the routing region: typed in lower case, blank clears it, a bad label is named', () => {
    const ctx = { type: openai, canSetKey: false, buckets: [] };
    const set = readUpdateProviderForm(r({ name: 'OpenAI', region: ' EU-West ' }), ctx);
    expect(set.ok && set.data.region).toBe('eu-west');
    const blank = readUpdateProviderForm(r({ name: 'OpenAI', region: '' }), ctx);
    expect(blank.ok && blank.data.region).toBeNull();
    const bad = readUpdateProviderForm(r({ name: 'OpenAI', region: 'eu west!' }), ctx);
    expect(!bad.ok && bad.errors.region).toMatch(/lower-case letters/);
  });

  it('auth variables: super admins send them (blank: unchanged), bad JSON is named, admins never send them', () => {
    const auth = '{"apiKey": {"_env": "AZ_KEY"}, "apiVersion": "2024-10-21"}';
    const set = readUpdateProviderForm(r({ name: 'Azure', auth }), {
      type: openai,
      canSetKey: true,
      buckets: [],
    });
    expect(set.ok && set.data.auth).toEqual({ apiKey: { _env: 'AZ_KEY' }, apiVersion: '2024-10-21' });
    const blank = readUpdateProviderForm(r({ name: 'Azure', auth: ' ' }), {
      type: openai,
      canSetKey: true,
      buckets: [],
    });
    expect(blank.ok && 'auth' in blank.data).toBe(false);
    const bad = readUpdateProviderForm(r({ name: 'Azure', auth: '{"apiKey": {"_env": "lower"}}' }), {
      type: openai,
      canSetKey: true,
      buckets: [],
    });
    expect(!bad.ok && bad.errors.auth).toMatch(/^apiKey/);
    const admin = readUpdateProviderForm(r({ name: 'Azure', auth }), {
      type: openai,
      canSetKey: false,
      buckets: [],
    });
    expect(admin.ok && 'auth' in admin.data).toBe(false);
  });

  it('a keyless endpoint is config.keyless; configuring keeps the rest of the config', () => {
    const created = readCreateProviderForm(
      r({ type: 'custom', name: 'Local', slug: 'local', baseUrl: 'http://127.0.0.1:8000/v1', keyless: 'on' }),
      { type: custom, canSetKey: true, buckets: [] },
    );
    expect(created.ok && created.data.config).toEqual({ keyless: true });
    const off = readUpdateProviderForm(r({ name: 'Local', baseUrl: 'http://127.0.0.1:8000/v1' }), {
      type: custom,
      canSetKey: true,
      buckets: [],
      storedConfig: { keyless: true, headers: { x: '1' } },
    });
    expect(off.ok && off.data.config).toEqual({ headers: { x: '1' } });
    const keyed = readUpdateProviderForm(r({ name: 'OpenAI', keyless: 'on' }), {
      type: openai,
      canSetKey: true,
      buckets: [],
      storedConfig: { organization: 'o' },
    });
    expect(keyed.ok && 'config' in keyed.data).toBe(false);
  });

  it('time limits are config.timeouts in ms, kept with the rest of the config; out of range is named; unchanged sends nothing', () => {
    const set = readUpdateProviderForm(
      r({ name: 'OpenAI', timeoutFirstByte: '20', timeoutIdle: '', timeoutTotal: '120.5' }),
      { type: openai, canSetKey: true, buckets: [], storedConfig: { organization: 'o' } },
    );
    expect(set.ok && set.data.config).toEqual({
      organization: 'o',
      timeouts: { firstByteMs: 20_000, totalMs: 120_500 },
    });
    const same = readUpdateProviderForm(r({ name: 'OpenAI', timeoutFirstByte: '20' }), {
      type: openai,
      canSetKey: true,
      buckets: [],
      storedConfig: { timeouts: { firstByteMs: 20_000 } },
    });
    expect(same.ok && 'config' in same.data).toBe(false);
    const cleared = readUpdateProviderForm(r({ name: 'OpenAI' }), {
      type: openai,
      canSetKey: true,
      buckets: [],
      storedConfig: { organization: 'o', timeouts: { firstByteMs: 20_000 } },
    });
    expect(cleared.ok && cleared.data.config).toEqual({ organization: 'o' });
    const bad = readCreateProviderForm(
      r({ type: 'openai', name: 'X', slug: 'x', timeoutIdle: '0', timeoutTotal: 'soon' }),
      { type: openai, canSetKey: true, buckets: [] },
    );
    expect(bad.ok ? null : bad.errors).toMatchObject({
      timeoutIdle: 'must be between 0.1 and 3600 seconds',
      timeoutTotal: 'must be a number',
    });
  });

  it("Anthropic's web search switch is config.webSearch; unchanged sends nothing; other types keep what is stored", () => {
    const anthropic = { ...openai, type: 'anthropic' } as typeof openai;
    const on = readUpdateProviderForm(r({ name: 'Claude', webSearch: 'on' }), {
      type: anthropic,
      canSetKey: true,
      buckets: [],
      storedConfig: { anthropicVersion: '2023-06-01' },
    });
    expect(on.ok && on.data.config).toEqual({ anthropicVersion: '2023-06-01', webSearch: true });
    const same = readUpdateProviderForm(r({ name: 'Claude', webSearch: 'on' }), {
      type: anthropic,
      canSetKey: true,
      buckets: [],
      storedConfig: { webSearch: true },
    });
    expect(same.ok && 'config' in same.data).toBe(false);
    const off = readUpdateProviderForm(r({ name: 'Claude' }), {
      type: anthropic,
      canSetKey: true,
      buckets: [],
      storedConfig: { webSearch: true },
    });
    expect(off.ok && off.data.config).toEqual({});
  });

  it('the Responses API switch is config.responsesApi, stored only when it differs from the type default; types without one keep what is stored', () => {
    const azure = { ...openai, type: 'azure-openai', nativeResponses: false } as typeof openai;
    const on = readUpdateProviderForm(r({ name: 'Az', responsesApi: 'on' }), {
      type: azure,
      canSetKey: true,
      buckets: [],
      storedConfig: { apiVersion: '2024-10-21' },
    });
    expect(on.ok && on.data.config).toEqual({ apiVersion: '2024-10-21', responsesApi: true });
    const same = readUpdateProviderForm(r({ name: 'Az', responsesApi: 'on' }), {
      type: azure,
      canSetKey: true,
      buckets: [],
      storedConfig: { responsesApi: true },
    });
    expect(same.ok && 'config' in same.data).toBe(false);
    const backToDefault = readUpdateProviderForm(r({ name: 'Az' }), {
      type: azure,
      canSetKey: true,
      buckets: [],
      storedConfig: { responsesApi: true },
    });
    expect(backToDefault.ok && backToDefault.data.config).toEqual({});
    // OpenAI serves it by default: unchecking stores false.
    const openaiOff = readUpdateProviderForm(r({ name: 'O' }), {
      type: { ...openai, nativeResponses: true },
      canSetKey: true,
      buckets: [],
      storedConfig: {},
    });
    expect(openaiOff.ok && openaiOff.data.config).toEqual({ responsesApi: false });
    // A type without its own Responses API: the dialog has no switch, a stored value is kept as it is.
    const anthropic = { ...openai, type: 'anthropic', nativeResponses: null } as typeof openai;
    const kept = readUpdateProviderForm(r({ name: 'C', timeoutTotal: '30' }), {
      type: anthropic,
      canSetKey: true,
      buckets: [],
      storedConfig: { responsesApi: true },
    });
    expect(kept.ok && kept.data.config).toEqual({ responsesApi: true, timeouts: { totalMs: 30_000 } });
  });

  it('a bad URL and a fractional priority are named', () => {
    const p = readCreateProviderForm(
      r({ type: 'custom', name: 'X', slug: 'x', baseUrl: 'not a url', priority: '2.5' }),
      { type: custom, canSetKey: true, buckets: [] },
    );
    expect(p.ok ? null : p.errors).toMatchObject({
      baseUrl: 'must be a URL',
      priority: 'must be a whole number',
    });
  });

  it('configuring: a blank key keeps the stored one, a cleared base URL is null, auto-fallback off', () => {
    const p = readUpdateProviderForm(
      r({ name: 'OpenAI', baseUrl: '', apiKey: '', priority: '10', status: 'disabled' }),
      { type: openai, canSetKey: true, buckets: [] },
    );
    expect(p).toEqual({
      ok: true,
      data: {
        name: 'OpenAI',
        baseUrl: null,
        priority: 10,
        autoFallback: false,
        status: 'disabled',
        rateLimitBuckets: [],
      },
    });
  });

  it('rate-limit rows become the API buckets; a row with requests and tokens is split and joined back', () => {
    const rows = [
      newBucketRow({
        name: 'rpm',
        requests: '60',
        tokens: '100000',
        windowSize: '1',
        windowUnit: 'minute',
        models: 'm1, m2',
      }),
    ];
    const parsed = readBucketRows(rows);
    expect(parsed).toEqual({
      ok: true,
      data: [
        {
          name: 'rpm',
          unit: 'requests',
          limit: 60,
          window: { unit: 'minute', size: 1 },
          models: ['m1', 'm2'],
        },
        {
          name: 'rpm:tokens',
          unit: 'tokens',
          limit: 100000,
          window: { unit: 'minute', size: 1 },
          models: ['m1', 'm2'],
        },
      ],
    });
    const back = bucketRowsFrom(parsed.ok ? parsed.data : []);
    expect(back).toHaveLength(1);
    expect(back[0]).toMatchObject({
      name: 'rpm',
      requests: '60',
      tokens: '100000',
      models: 'm1, m2',
      windowUnit: 'minute',
      windowSize: '1',
    });
  });

  it('rate-limit rows: errors per row and field, the whole list flagged', () => {
    const p = readBucketRows([
      newBucketRow({ name: '', requests: '' }),
      newBucketRow({ name: 'day', requests: '-3', windowUnit: 'day' }),
      newBucketRow({ name: 'day', requests: 'x' }),
    ]);
    expect(p.ok ? null : p.errors).toMatchObject({
      rateLimitBuckets: 'Check the rate limits',
      'rateLimitBuckets.0.name': 'is required',
      'rateLimitBuckets.0.requests': 'set requests, tokens or both',
      'rateLimitBuckets.1.requests': 'must be a positive whole number',
      'rateLimitBuckets.2.requests': 'must be a number',
      'rateLimitBuckets.2.name': 'is used by another bucket',
    });
  });

  it('Test Connection: needs a key unless the type is keyless or a key is stored; a custom type needs its URL', () => {
    expect(canTestConnection({ type: openai, apiKey: '', baseUrl: '' })).toBe(false);
    expect(canTestConnection({ type: openai, apiKey: 'sk-x', baseUrl: '' })).toBe(true);
    expect(canTestConnection({ type: custom, apiKey: '', baseUrl: '' })).toBe(false);
    expect(canTestConnection({ type: custom, apiKey: '', baseUrl: 'http://127.0.0.1:9/v1' })).toBe(true);
    expect(canTestConnection({ type: undefined, apiKey: 'k', baseUrl: '' })).toBe(false);
  });

  it('server errors land next to their fields: 409 on the slug, issues, "field: message"', () => {
    expect(
      serverFieldErrors(
        new ApiError(409, 'conflict', 'A record with the same unique value already exists.'),
        'slug',
        'This slug is already taken',
      ),
    ).toEqual({ slug: 'This slug is already taken' });
    expect(
      serverFieldErrors(
        new ApiError(400, 'validation_error', 'x', { issues: [{ field: 'name', message: 'is required' }] }),
        'slug',
        '',
      ),
    ).toEqual({ name: 'is required' });
    expect(
      serverFieldErrors(
        new ApiError(400, 'validation_error', 'baseUrl: is required for this provider type'),
        'slug',
        '',
      ),
    ).toEqual({ baseUrl: 'is required for this provider type' });
    expect(
      serverFieldErrors(
        new ApiError(403, 'forbidden', 'Only a super admin may set provider credentials.'),
        'slug',
        '',
      ),
    ).toEqual({});
    expect(slugify('My Custom LLM!')).toBe('my-custom-llm');
  });

  it('health checks: sent only when they change what is in effect; a bad interval is named', () => {
    const stored = { enabled: false, intervalSec: 60, probe: 'models' as const, model: null };
    const ctx = {
      type: openai,
      canSetKey: false,
      buckets: [],
      storedConfig: { apiVersion: 'x' },
      storedCheck: stored,
    };
    const same = readUpdateProviderForm(
      r({ name: 'OpenAI', healthCheckInterval: '60', healthCheckProbe: 'models' }),
      ctx,
    );
    expect(same.ok && 'config' in same.data).toBe(false);
    const on = readUpdateProviderForm(
      r({
        name: 'OpenAI',
        healthCheck: 'on',
        healthCheckInterval: '30',
        healthCheckProbe: 'chat',
        healthCheckModel: 'gpt-x',
      }),
      ctx,
    );
    expect(on.ok && on.data.config).toEqual({
      apiVersion: 'x',
      healthCheck: { enabled: true, intervalSec: 30, probe: 'chat', model: 'gpt-x' },
    });
    const bad = readUpdateProviderForm(
      r({ name: 'OpenAI', healthCheck: 'on', healthCheckInterval: '5' }),
      ctx,
    );
    expect(!bad.ok && bad.errors.healthCheckInterval).toBe('must be between 10 and 86400 seconds');
  });
});

describe('extra endpoints', () => {
  it('reads the rows with their weights; a blank weight is 1', () => {
    const r = readEndpointRows([
      newEndpointRow({ baseUrl: ' https://eu.example.com/v1 ', weight: '3' }),
      newEndpointRow({ baseUrl: 'https://us.example.com/v1', weight: '', enabled: false }),
    ]);
    expect(r).toEqual({
      ok: true,
      data: [
        { baseUrl: 'https://eu.example.com/v1', weight: 3, enabled: true },
        { baseUrl: 'https://us.example.com/v1', weight: 1, enabled: false },
      ],
    });
  });
  it('names the row and field of a bad URL, a bad weight and a duplicate', () => {
    const r = readEndpointRows([
      newEndpointRow({ baseUrl: 'not a url' }),
      newEndpointRow({ baseUrl: 'https://b.example.com', weight: '-1' }),
      newEndpointRow({ baseUrl: 'https://a.example.com', weight: '1' }),
      newEndpointRow({ baseUrl: 'https://a.example.com', weight: '2' }),
    ]);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(Object.keys(r.errors)).toEqual(
      expect.arrayContaining([
        'endpoints',
        'endpoints.0.baseUrl',
        'endpoints.1.weight',
        'endpoints.3.baseUrl',
      ]),
    );
  });
  it('round-trips the stored endpoints', () => {
    const rows = endpointRowsFrom([{ baseUrl: 'https://x.example.com/v1', weight: 0, enabled: true }]);
    expect(rows.map(({ baseUrl, weight, enabled }) => ({ baseUrl, weight, enabled }))).toEqual([
      { baseUrl: 'https://x.example.com/v1', weight: '0', enabled: true },
    ]);
  });
});
