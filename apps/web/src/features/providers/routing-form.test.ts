import { describe, expect, it } from 'vitest';
import { FormReader } from '../../lib/forms';
import {
  moveItem,
  newTargetRow,
  readChainForm,
  readCreateAliasForm,
  readTraceForm,
  readUpdateAliasForm,
} from './routing-form';

const base = {
  name: 'fast-chat',
  orgId: '',
  strategy: 'weighted',
  targets: [newTargetRow('openai/gpt-4o-mini', '3'), newTargetRow('anthropic/haiku', '1')],
  fallbacks: 'mock/mock-small, mock/mock-small',
  description: '',
  enabled: true,
};

describe('alias form', () => {
  it('a global alias with weighted targets and de-duplicated fallbacks', () => {
    expect(readCreateAliasForm(base)).toEqual({
      ok: true,
      data: {
        name: 'fast-chat',
        orgId: null,
        strategy: 'weighted',
        targets: [
          { ref: 'openai/gpt-4o-mini', weight: 3 },
          { ref: 'anthropic/haiku', weight: 1 },
        ],
        fallbacks: ['mock/mock-small'],
        description: null,
        enabled: true,
        cacheTtlSeconds: null,
      },
    });
  });

  it('a response cache TTL: empty is off, whole seconds are kept, anything else names the field', () => {
    const on = readCreateAliasForm({ ...base, cacheTtl: ' 300 ' });
    expect(on.ok && on.data.cacheTtlSeconds).toBe(300);
    const bad = readCreateAliasForm({ ...base, cacheTtl: '5m' });
    expect(bad.ok ? null : bad.errors.cacheTtlSeconds).toMatch(/whole number of seconds/);
    const zero = readCreateAliasForm({ ...base, cacheTtl: '0' });
    expect(zero.ok ? null : zero.errors.cacheTtlSeconds).toMatch(/between 1 and/);
  });

  it('reserved names, no targets and a bad weight are refused with the field named', () => {
    const p = readCreateAliasForm({ ...base, name: 'eco', targets: [newTargetRow('', '1')] });
    expect(p.ok ? null : p.errors).toMatchObject({
      name: 'is reserved for a power level',
      targets: 'needs at least one target',
    });
    const w = readUpdateAliasForm({ ...base, targets: [newTargetRow('a/b', 'heavy')] });
    expect(w.ok ? null : w.errors).toMatchObject({ 'targets.0.weight': 'must be a number' });
    const dup = readUpdateAliasForm({ ...base, targets: [newTargetRow('a/b'), newTargetRow('a/b')] });
    expect(dup.ok ? null : dup.errors).toMatchObject({ targets: 'lists a target twice' });
  });

  it('an organization alias keeps its org id', () => {
    const p = readCreateAliasForm({ ...base, orgId: 'org_1' });
    expect(p.ok && p.data.orgId).toBe('org_1');
  });
});

describe('fallback chain form', () => {
  it('keeps the order; a model cannot fall back to itself', () => {
    expect(readChainForm({ modelRef: 'a/x', targets: ['b/y', 'c/z'] })).toEqual({
      ok: true,
      data: { modelRef: 'a/x', targets: ['b/y', 'c/z'], description: null, enabled: true },
    });
    const self = readChainForm({ modelRef: 'a/x', targets: ['a/x'] });
    expect(self.ok ? null : self.errors).toMatchObject({ targets: 'a model cannot fall back to itself' });
    const none = readChainForm({ modelRef: '', targets: [] });
    expect(none.ok ? null : none.errors).toMatchObject({
      modelRef: 'is required',
      targets: 'needs at least one fallback',
    });
  });

  it('moves an item as drag and drop does', () => {
    expect(moveItem(['a', 'b', 'c'], 0, 2)).toEqual(['b', 'c', 'a']);
    expect(moveItem(['a', 'b', 'c'], 2, 0)).toEqual(['c', 'a', 'b']);
    expect(moveItem(['a', 'b'], 0, 5)).toEqual(['a', 'b']);
  });
});

describe('trace form', () => {
  it('defaults and numbers', () => {
    expect(
      readTraceForm(
        FormReader.ofRecord({ model: 'fast-chat', endpoint: 'chat', promptTokens: '250', maxTokens: '' }),
      ),
    ).toEqual({
      ok: true,
      data: {
        model: 'fast-chat',
        endpoint: 'chat',
        promptTokens: 250,
        maxTokens: null,
        stream: false,
        needs: [],
      },
    });
    const p = readTraceForm(FormReader.ofRecord({ model: '', promptTokens: 'lots' }));
    expect(p.ok ? null : p.errors).toMatchObject({ model: 'is required', promptTokens: 'must be a number' });
  });
});
