import { describe, expect, it } from 'vitest';
import {
  modelParamsProblem,
  bulkModelsBody,
  createModelBody,
  importModelsBody,
  modelListQuery,
  updateModelBody,
} from './index.js';

describe('model registry bodies', () => {
  it('fills defaults for a minimal model', () => {
    const m = createModelBody.parse({ providerId: 'p1', modelId: 'gpt-4o-mini', displayName: 'GPT-4o mini' });
    expect(m).toMatchObject({
      qualityTier: 'balanced',
      enabled: true,
      isDefault: false,
      priority: 100,
      scope: 'global',
      config: {},
    });
    // Unknown prices and capabilities stay unknown here: the server prices them from nothing (unpriced) and
    // gives the provider protocol's usual capabilities.
    expect(m.priceInputPer1M).toBeUndefined();
    expect(m.capabilities).toBeUndefined();
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
  it('an import lists distinct model ids, at least one', () => {
    expect(
      importModelsBody.safeParse({ models: [{ modelId: 'a' }, { modelId: 'b', priceInputPer1M: 1 }] })
        .success,
    ).toBe(true);
    expect(importModelsBody.safeParse({ models: [] }).success).toBe(false);
    expect(importModelsBody.safeParse({ models: [{ modelId: 'a' }, { modelId: 'a' }] }).success).toBe(false);
    expect(
      importModelsBody.safeParse({ models: [{ modelId: 'a b' }] }).error?.issues[0]?.path.join('.'),
    ).toBe('models.0.modelId');
  });
  it('bulk actions need a known action and distinct ids', () => {
    expect(bulkModelsBody.safeParse({ action: 'disable', ids: ['a', 'b'] }).success).toBe(true);
    expect(bulkModelsBody.safeParse({ action: 'disable', ids: [] }).success).toBe(false);
    expect(bulkModelsBody.safeParse({ action: 'archive', ids: ['a'] }).success).toBe(false);
    expect(bulkModelsBody.safeParse({ action: 'delete', ids: ['a', 'a'] }).success).toBe(false);
  });
});

describe('modelParamsProblem: why a stored config is not applied', () => {
  it.each([
    [{}, null],
    [null, null],
    [{ temperature: 0.2, stop: ['x'] }, null],
    [{ temperature: 3 }, 'temperature: must be between 0 and 2'],
    [{ foo: 1 }, 'Unrecognized key: "foo"'],
    [{ routing: { fallback: true } }, 'Unrecognized key: "routing"'],
    [{ stop: ['', 'x'] }, 'stop[0]: is empty'],
  ])('%j → %s', (stored, problem) => {
    const got = modelParamsProblem(stored);
    if (problem === null) expect(got).toBeNull();
    else expect(got).toContain(problem);
  });

  it('a stored value that is not an object is named as such', () => {
    expect(modelParamsProblem([1, 2])).toMatch(/expected object/);
  });
});
