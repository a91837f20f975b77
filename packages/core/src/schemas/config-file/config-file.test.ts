import { describe, expect, it } from 'vitest';
import { configPath, formatConfigIssues, isLegacyConfigFile, parseConfigFile } from './index.js';

const base = { apiVersion: 'switchyard.dev/v2', kind: 'GatewayConfig' };
const experiment = {
  name: 'AB',
  alias: 'chat',
  variants: [
    { name: 'a', percent: 50, target: 'x' },
    { name: 'b', percent: 50, target: 'y' },
  ],
};

describe('config file', () => {
  it("a minimal file is every list empty, with the API bodies' defaults on entries", () => {
    const r = parseConfigFile({
      ...base,
      providers: [{ slug: 'OpenAI-Main', type: 'openai', name: 'OpenAI', apiKeyEnv: 'OPENAI_API_KEY' }],
      aliases: [{ name: 'chat', targets: [{ ref: 'openai-main/gpt-4o' }] }],
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.config.models).toEqual([]);
    expect(r.config.providers[0]).toMatchObject({
      slug: 'openai-main',
      priority: 50,
      status: 'active',
      config: {},
    });
    expect(r.config.aliases[0]).toMatchObject({
      strategy: 'quota-aware',
      targets: [{ weight: 1 }],
      fallbacks: [],
    });
  });

  it.each([
    ['not a mapping', [1, 2], '(the file)', 'must be a mapping'],
    [
      'a wrong version',
      { ...base, apiVersion: 'v2' },
      'apiVersion',
      'must be "switchyard.dev/v2" (or an earlier "switchyard.dev/v1")',
    ],
    ['an unknown top-level key', { ...base, widgets: [] }, 'widgets', 'is not a known field'],
    [
      'a key in clear',
      { ...base, providers: [{ slug: 'o', type: 'openai', name: 'O', apiKey: 'sk-1' }] },
      'providers[0].apiKey',
      'a secret may not be written',
    ],
    [
      'a bad URL',
      { ...base, providers: [{ slug: 'o', type: 'openai', name: 'O', baseUrl: 'nope' }] },
      'providers[0].baseUrl',
      'must be a URL',
    ],
    [
      'a provider twice',
      {
        ...base,
        providers: [
          { slug: 'o', type: 'openai', name: 'O' },
          { slug: 'o', type: 'openai', name: 'O2' },
        ],
      },
      'providers[1]',
      'provider "o" is listed twice',
    ],
    [
      'two default models',
      {
        ...base,
        models: [
          { provider: 'p', modelId: 'a', displayName: 'A', isDefault: true },
          { provider: 'p', modelId: 'b', displayName: 'B', isDefault: true },
        ],
      },
      'models[1].isDefault',
      'only one model may be the default',
    ],
    [
      'a default model that is not routing.defaultModel',
      {
        ...base,
        routing: { strategy: 'cost', defaultModel: 'eco' },
        models: [{ provider: 'p', modelId: 'a', displayName: 'A', isDefault: true }],
      },
      'models[0].isDefault',
      'makes "p/a" the gateway-wide default, but routing.defaultModel is "eco": set it to "p/a" or leave it out',
    ],
    [
      'routing.defaultModel naming a listed model not marked default',
      {
        ...base,
        routing: { strategy: 'cost', defaultModel: 'p/a' },
        models: [{ provider: 'p', modelId: 'a', displayName: 'A' }],
      },
      'routing.defaultModel',
      'names models[0], which must then say isDefault: true (the default model is the gateway-wide default)',
    ],
    [
      'an experiment twice',
      { ...base, experiments: [experiment, experiment] },
      'experiments[1]',
      'experiment "AB" is listed twice',
    ],
    [
      'an experiment whose split is not 100',
      {
        ...base,
        experiments: [
          { ...experiment, variants: [experiment.variants[0], { name: 'b', percent: 40, target: 'y' }] },
        ],
      },
      'experiments[0].variants',
      'percents must sum to 100',
    ],
    [
      'an experiment with a status (the dashboard owns it)',
      { ...base, experiments: [{ ...experiment, status: 'running' }] },
      'experiments[0].status',
      'is not a known field',
    ],
    [
      'a chain to itself',
      { ...base, fallbackChains: [{ modelRef: 'a/b', targets: ['a/b'] }] },
      'fallbackChains[0].targets',
      'cannot fall back to itself',
    ],
    [
      'an alias named like a power level',
      { ...base, aliases: [{ name: 'auto', targets: [{ ref: 'a' }] }] },
      'aliases[0].name',
      'reserved',
    ],
    [
      'a model with a scope',
      { ...base, models: [{ provider: 'p', modelId: 'a', displayName: 'A', scope: 'org:1' }] },
      'models[0].scope',
      'is not a known field',
    ],
  ])('refuses %s, naming the path', (_n, doc, path, message) => {
    const r = parseConfigFile(doc);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const hit = r.issues.find((i) => i.path === path);
    expect(hit, formatConfigIssues(r.issues)).toBeDefined();
    expect(hit!.message).toContain(message);
  });

  it('a default model and routing.defaultModel that agree, or either alone, are accepted', () => {
    const marked = [{ provider: 'p', modelId: 'a', displayName: 'A', isDefault: true }];
    for (const doc of [
      { ...base, routing: { strategy: 'cost', defaultModel: 'p/a' }, models: marked },
      { ...base, routing: { strategy: 'cost' }, models: marked },
      {
        ...base,
        routing: { strategy: 'cost', defaultModel: 'eco' },
        models: [{ ...marked[0], isDefault: false }],
      },
      { ...base, routing: { strategy: 'cost', defaultModel: 'other/x' }, models: [] },
    ])
      expect(parseConfigFile(doc).ok, JSON.stringify(doc)).toBe(true);
  });

  it("a v1 file (an earlier version's export) is accepted with the old marker, even where it disagrees", () => {
    const doc = {
      ...base,
      apiVersion: 'switchyard.dev/v1',
      routing: { strategy: 'cost', defaultModel: 'eco' },
      models: [{ provider: 'mock', modelId: 'mock-small', displayName: 'Mock small', isDefault: true }],
    };
    const r = parseConfigFile(doc);
    expect(r.ok).toBe(true);
    expect(r.ok && isLegacyConfigFile(r.config)).toBe(true);
    const current = parseConfigFile({ ...doc, apiVersion: 'switchyard.dev/v2' });
    expect(current.ok).toBe(false);
    expect(isLegacyConfigFile({ apiVersion: 'switchyard.dev/v2' })).toBe(false);
  });

  it.each([
    [[], '(the file)'],
    [['routing', 'strategy'], 'routing.strategy'],
    [['aliases', 2, 'targets', 0, 'ref'], 'aliases[2].targets[0].ref'],
  ])('writes the path %j as %s', (segments, path) => {
    expect(configPath(segments)).toBe(path);
  });
});
