import { describe, expect, it } from 'vitest';
import { FormReader } from '../../lib/forms';
import {
  AUTH_EXAMPLE,
  CONFIG_EXAMPLE,
  configText,
  parseAuthJson,
  parseConfigJson,
  scopeParts,
  priceLabel,
  readCreateModelForm,
  readUpdateModelForm,
} from './model-form';

describe('config JSON validation', () => {
  it('blank is an empty object', () => {
    expect(parseConfigJson('  ')).toEqual({ ok: true, value: {} });
  });
  it('accepts an object, and the example parses', () => {
    expect(parseConfigJson('{"temperature": 0}')).toEqual({ ok: true, value: { temperature: 0 } });
    expect(parseConfigJson(CONFIG_EXAMPLE).ok).toBe(true);
  });
  it('rejects arrays, strings, numbers and null', () => {
    for (const t of ['[1,2]', '"x"', '3', 'null']) {
      const r = parseConfigJson(t);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error).toMatch(/JSON object/);
    }
  });
  it('says where a syntax error is', () => {
    const r = parseConfigJson('{\n  "a": 1,\n  "b": \n}');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/^Not valid JSON/);
  });
  it('pretty-prints for the editor', () => {
    expect(configText({})).toBe('');
    expect(configText({ a: 1 })).toBe('{\n  "a": 1\n}');
  });
});

describe('model form', () => {
  const base = {
    providerId: 'p1',
    modelId: 'gpt-x',
    displayName: 'GPT X',
    priceInputPer1M: '0.15',
    priceOutputPer1M: '0.6',
    qualityTier: 'balanced',
    qualityScore: '70',
    priority: '10',
    cap_chat: 'on',
    enabled: 'on',
  };

  it('refuses a parameter the gateway would not send, naming it (it would be stored and do nothing)', () => {
    const r = readCreateModelForm(
      FormReader.ofRecord({ ...base, config: '{"temperature":0,"streaming":true}' }),
    );
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.config).toMatch(/streaming/);
    const range = readCreateModelForm(FormReader.ofRecord({ ...base, config: '{"temperature":5}' }));
    expect(range.ok).toBe(false);
  });

  it('reads a complete add form into the create body', () => {
    const r = readCreateModelForm(
      FormReader.ofRecord({ ...base, config: '{"temperature":0}', contextWindow: '128000', cap_tools: 'on' }),
    );
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.data).toMatchObject({
        providerId: 'p1',
        modelId: 'gpt-x',
        priceInputPer1M: 0.15,
        priceOutputPer1M: 0.6,
        contextWindow: 128000,
        capabilities: ['chat', 'tools'],
        config: { temperature: 0 },
        enabled: true,
        isDefault: false,
        priority: 10,
        qualityScore: 70,
      });
    }
  });
  it('collects field errors: provider, config JSON, capabilities, numbers, schema rules', () => {
    const r = readCreateModelForm(
      FormReader.ofRecord({
        ...base,
        providerId: '',
        cap_chat: '',
        config: '[1]',
        priceInputPer1M: 'abc',
        qualityScore: '150',
        modelId: 'has space',
      }),
    );
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.errors.providerId).toBe('Choose a provider');
      expect(r.errors.config).toMatch(/JSON object/);
      expect(r.errors.capabilities).toBe('Choose at least one capability');
      expect(r.errors.priceInputPer1M).toBe('must be a number');
      expect(r.errors.qualityScore).toMatch(/between 0 and 100/);
      expect(r.errors.modelId).toMatch(/spaces/);
    }
  });
  it('the edit form sends cleared optional fields as null', () => {
    const r = readUpdateModelForm(FormReader.ofRecord({ ...base, description: '', contextWindow: '' }));
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.data.description).toBeNull();
      expect(r.data.contextWindow).toBeNull();
      expect(r.data).not.toHaveProperty('providerId');
    }
  });
  it('labels prices per 1M', () => {
    expect(priceLabel({ priceInputPer1M: 0.15, priceOutputPer1M: 0.6 })).toBe('$0.15 / $0.6');
    expect(priceLabel({ priceInputPer1M: 0, priceOutputPer1M: 10 })).toBe('$0 / $10');
  });
});

describe('auth JSON and scope', () => {
  it('blank auth leaves it unchanged; the example parses; names and env names are checked', () => {
    expect(parseAuthJson(' ')).toEqual({ ok: true, value: undefined });
    expect(parseAuthJson(AUTH_EXAMPLE)).toMatchObject({ ok: true, value: { apiVersion: '2024-10-21' } });
    expect(parseAuthJson('{"apiKey": null}')).toEqual({ ok: true, value: { apiKey: null } });
    const badName = parseAuthJson('{"bad name": "x"}');
    expect(badName.ok).toBe(false);
    const badEnv = parseAuthJson('{"apiKey": {"_env": "lower"}}');
    expect(!badEnv.ok && badEnv.error).toMatch(/^apiKey/);
    expect(parseAuthJson('[1]').ok).toBe(false);
  });
  it('the scope picker reads as the API scope; an org or user scope needs its owner', () => {
    const base = { providerId: 'p1', modelId: 'm', displayName: 'M', cap_chat: 'on' };
    const org = readCreateModelForm(FormReader.ofRecord({ ...base, scopeKind: 'org', scopeOwner: 'o1' }));
    expect(org.ok && org.data.scope).toBe('org:o1');
    const missing = readCreateModelForm(FormReader.ofRecord({ ...base, scopeKind: 'user', scopeOwner: '' }));
    expect(!missing.ok && missing.errors.scopeOwner).toBe('Choose the user');
    const global = readCreateModelForm(FormReader.ofRecord(base));
    expect(global.ok && global.data.scope).toBe('global');
    const auth = readUpdateModelForm(FormReader.ofRecord({ ...base, auth: '{"apiKey": {"_env": "K"}}' }));
    expect(auth.ok && auth.data.auth).toEqual({ apiKey: { _env: 'K' } });
    expect(scopeParts('user:u1')).toEqual({ kind: 'user', owner: 'u1' });
    expect(scopeParts('global')).toEqual({ kind: 'global', owner: '' });
  });
});
