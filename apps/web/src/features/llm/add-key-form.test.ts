import { describe, expect, it } from 'vitest';
import type { Provider, ProviderType } from '../providers/api/types';
import { addKeyForm, freeSlug, resolveTarget } from './add-key-form';

const type = (t: string, baseUrlRequired = false) =>
  ({ type: t, displayName: t, baseUrlRequired, catalogueModels: [] }) as unknown as ProviderType;
const TYPES = [type('openai'), type('custom', true)];
const PROVIDERS = [{ id: 'p1', slug: 'openai', type: 'openai', name: 'OpenAI' }] as unknown as Provider[];

describe('add-key form', () => {
  it.each([
    [{ target: '', apiKey: 'sk', baseUrl: '' }, { target: 'Choose a provider' }],
    [{ target: 'p:gone', apiKey: 'sk', baseUrl: '' }, { target: 'Choose a provider' }],
    [{ target: 'p:p1', apiKey: '   ', baseUrl: '' }, { apiKey: 'Paste the key' }],
    [{ target: 't:custom', apiKey: 'sk', baseUrl: '' }, { baseUrl: 'Is required for this provider type' }],
    [{ target: 't:custom', apiKey: 'sk', baseUrl: 'not a url' }, { baseUrl: 'Must be a URL' }],
    [{ target: 't:openai', apiKey: 'sk-1', baseUrl: '' }, {}],
    [{ target: 'p:p1', apiKey: ' sk-2 ', baseUrl: '' }, {}],
  ])('%j -> %j', (values, errors) => {
    const r = addKeyForm(PROVIDERS, TYPES).safeParse(values);
    const got = Object.fromEntries((r.error?.issues ?? []).map((i) => [i.path.join('.'), i.message]));
    expect(got).toEqual(errors);
  });

  it('resolves the target to a configured provider or a new one of a type', () => {
    expect(resolveTarget('p:p1', PROVIDERS, TYPES)).toMatchObject({
      kind: 'provider',
      provider: { id: 'p1' },
    });
    expect(resolveTarget('t:custom', PROVIDERS, TYPES)).toMatchObject({
      kind: 'new',
      type: { type: 'custom' },
    });
    expect(resolveTarget('x', PROVIDERS, TYPES)).toBeNull();
  });

  it('a new provider gets a slug nobody has', () => {
    expect(freeSlug('groq', new Set(['openai']))).toBe('groq');
    expect(freeSlug('openai', new Set(['openai', 'openai-2']))).toBe('openai-3');
  });
});
