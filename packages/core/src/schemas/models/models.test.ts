import { describe, expect, it } from 'vitest';
import { bulkModelsBody, createModelBody, modelListQuery, updateModelBody } from './index.js';

describe('model registry bodies', () => {
  it('fills defaults for a minimal model', () => {
    const m = createModelBody.parse({ providerId: 'p1', modelId: 'gpt-4o-mini', displayName: 'GPT-4o mini' });
    expect(m).toMatchObject({
      priceInputPer1M: 0,
      priceOutputPer1M: 0,
      qualityTier: 'balanced',
      capabilities: ['chat'],
      enabled: true,
      isDefault: false,
      priority: 100,
      scope: 'global',
      config: {},
    });
  });
  it.each([
    ['a negative price', { priceInputPer1M: -1 }, 'priceInputPer1M'],
    ['a model id with spaces', { modelId: 'gpt 4' }, 'modelId'],
    ['an unknown capability', { capabilities: ['telepathy'] }, 'capabilities.0'],
    ['a repeated capability', { capabilities: ['chat', 'chat'] }, 'capabilities'],
    ['a bad scope', { scope: 'team:1' }, 'scope'],
    ['a quality score above 100', { qualityScore: 101 }, 'qualityScore'],
    ['config that is not an object', { config: [1, 2] }, 'config'],
    ['an unknown tier', { qualityTier: 'premium' }, 'qualityTier'],
  ])('rejects %s and names the field', (_n, patch, field) => {
    const r = createModelBody.safeParse({ providerId: 'p1', modelId: 'm', displayName: 'M', ...patch });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path.join('.')).toBe(field);
  });
  it('accepts org and user scopes', () => {
    expect(
      createModelBody.parse({ providerId: 'p', modelId: 'm', displayName: 'M', scope: 'org:abc' }).scope,
    ).toBe('org:abc');
    expect(
      createModelBody.parse({ providerId: 'p', modelId: 'm', displayName: 'M', scope: 'user:u_1' }).scope,
    ).toBe('user:u_1');
  });
  it('an update must change something', () => {
    expect(updateModelBody.safeParse({}).success).toBe(false);
    expect(updateModelBody.parse({ enabled: false })).toEqual({ enabled: false });
  });
  it('the list query parses strings from the URL', () => {
    expect(
      modelListQuery.parse({ enabled: 'false', limit: '20', sort: 'price', order: 'desc' }),
    ).toMatchObject({ enabled: false, limit: 20, offset: 0, sort: 'price', order: 'desc' });
    expect(modelListQuery.safeParse({ sort: 'random' }).success).toBe(false);
    expect(modelListQuery.safeParse({ limit: '0' }).success).toBe(false);
  });
  it('bulk actions need a known action and distinct ids', () => {
    expect(bulkModelsBody.safeParse({ action: 'disable', ids: ['a', 'b'] }).success).toBe(true);
    expect(bulkModelsBody.safeParse({ action: 'disable', ids: [] }).success).toBe(false);
    expect(bulkModelsBody.safeParse({ action: 'archive', ids: ['a'] }).success).toBe(false);
    expect(bulkModelsBody.safeParse({ action: 'delete', ids: ['a', 'a'] }).success).toBe(false);
  });
});
