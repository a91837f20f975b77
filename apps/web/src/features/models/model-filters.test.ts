import { describe, expect, it } from 'vitest';
import { modelFiltersFromParams, nextSort } from './model-filters';

const from = (q: Record<string, string>) => (k: string) => q[k] ?? '';

describe('model registry filters ↔ query string', () => {
  it('defaults to priority ascending with no filters', () => {
    expect(modelFiltersFromParams(from({}))).toEqual({ sort: 'priority', order: 'asc' });
  });
  it('maps search, provider, status and sort', () => {
    expect(
      modelFiltersFromParams(
        from({ q: ' gpt ', provider: 'openai', status: 'disabled', sort: 'price', order: 'desc' }),
      ),
    ).toEqual({
      search: 'gpt',
      provider: 'openai',
      enabled: 'false',
      sort: 'price',
      order: 'desc',
    });
    expect(modelFiltersFromParams(from({ status: 'enabled' })).enabled).toBe('true');
  });
  it('falls back on unknown sort and order values', () => {
    expect(modelFiltersFromParams(from({ sort: 'random', order: 'sideways', status: 'maybe' }))).toEqual({
      sort: 'priority',
      order: 'asc',
    });
  });
  it('clicking the current sort flips the order; another column starts ascending; defaults leave the URL', () => {
    expect(nextSort({ sort: 'name', order: 'asc' }, 'name')).toEqual({ sort: 'name', order: 'desc' });
    expect(nextSort({ sort: 'name', order: 'desc' }, 'price')).toEqual({ sort: 'price', order: null });
    expect(nextSort({ sort: 'price', order: 'asc' }, 'priority')).toEqual({ sort: null, order: null });
  });
});
