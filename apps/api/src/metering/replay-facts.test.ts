import { CAPABILITY_VALUES, PARAM_LABEL, type Capability, type RequestParam } from '@switchyard/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  readHeaderAgent,
  readReplayFacts,
  readRuleInputs,
  replayFacts,
  ruleInputsRecord,
} from './replay-facts.js';

const PARAMS = Object.keys(PARAM_LABEL) as RequestParam[];

describe('replay facts', () => {
  it.each([
    ['a plain chat request stores nothing', { needs: ['chat'], maxTokens: null }, undefined],
    ['tools and a max', { needs: ['chat', 'tools'], maxTokens: 50 }, { needs: ['tools'], maxTokens: 50 }],
    ['parameters only', { needs: ['chat'], maxTokens: null, params: ['n'] }, { params: ['n'] }],
  ] as const)('%s', (_name, facts, stored) => {
    expect(replayFacts(facts)).toEqual(stored);
  });

  it.each([
    [
      'nothing stored (an old row), chat',
      null,
      'chat',
      { needs: ['chat'], maxTokens: null, params: undefined },
    ],
    [
      'nothing stored, embeddings',
      undefined,
      'embeddings',
      { needs: ['embeddings'], maxTokens: null, params: undefined },
    ],
    [
      'unknown needs and parameters are dropped, a bad max is none',
      { needs: ['tools', 'teleport', 3], maxTokens: 1.5, params: ['n', 'warp'] },
      'chat',
      { needs: ['chat', 'tools'], maxTokens: null, params: ['n'] },
    ],
    ['not an object', 'tools', 'chat', { needs: ['chat'], maxTokens: null, params: undefined }],
  ] as const)('reads %s', (_name, stored, endpoint, facts) => {
    expect(readReplayFacts(stored, endpoint)).toEqual(facts);
  });

  it('property: what is stored reads back as the request had it, through JSON', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.constantFrom<Capability>(...CAPABILITY_VALUES)),
        fc.option(fc.integer({ min: 1, max: 1_000_000 }), { nil: null }),
        fc.uniqueArray(fc.constantFrom(...PARAMS)),
        (extra, maxTokens, params) => {
          const needs: Capability[] = ['chat', ...extra.filter((n) => n !== 'chat' && n !== 'embeddings')];
          const stored = replayFacts({ needs, maxTokens, params });
          const back = readReplayFacts(JSON.parse(JSON.stringify(stored ?? null)), 'chat');
          expect(back).toEqual({ needs, maxTokens, params: params.length > 0 ? params : undefined });
        },
      ),
    );
  });

  it('property: anything stored reads back as valid facts, never a throw', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom('chat', 'embeddings', 'messages'), (v, endpoint) => {
        const f = readReplayFacts(v, endpoint);
        expect(f.needs[0]).toBe(endpoint === 'embeddings' ? 'embeddings' : 'chat');
        for (const n of f.needs) expect(CAPABILITY_VALUES).toContain(n);
        for (const p of f.params ?? []) expect(PARAMS).toContain(p);
        expect(f.maxTokens === null || (Number.isInteger(f.maxTokens) && f.maxTokens > 0)).toBe(true);
      }),
    );
  });
});

describe('rule inputs', () => {
  it('keeps the values rules looked at, not for a protected request, nothing when no rule looked', () => {
    expect(ruleInputsRecord({}, false)).toBeUndefined();
    expect(ruleInputsRecord({}, true)).toBeUndefined();
    expect(ruleInputsRecord({ headers: { 'x-team': 'a' } }, false)).toEqual({ headers: { 'x-team': 'a' } });
    expect(ruleInputsRecord({ headers: {}, metadata: { tier: 'gold' } }, false)).toEqual({
      headers: {},
      metadata: { tier: 'gold' },
    });
    expect(ruleInputsRecord({ headers: { 'x-team': 'a' } }, true)).toBe('protected');
  });

  it.each([
    [
      'kept values',
      { headers: { a: '1' }, metadata: { b: '2' } },
      { kept: 'kept', headers: { a: '1' }, metadata: { b: '2' } },
    ],
    ['withheld', 'protected', { kept: 'protected' }],
    ['none (an older record)', undefined, { kept: 'none' }],
    [
      'non-strings dropped',
      { headers: { a: 1, b: 'x' }, metadata: ['y'] },
      { kept: 'kept', headers: { b: 'x' }, metadata: {} },
    ],
  ] as const)('reads %s', (_name, stored, read) => {
    expect(readRuleInputs(stored)).toEqual(read);
  });

  it('property: any stored value reads back as string maps or a reason, never a throw', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const r = readRuleInputs(v);
        if (r.kept !== 'kept') return;
        for (const m of [r.headers, r.metadata])
          for (const x of Object.values(m)) expect(typeof x).toBe('string');
      }),
    );
  });
});

it('a `__proto__` header name read back stays a header name', () => {
  const r = readRuleInputs(JSON.parse('{"headers":{"__proto__":"x","a":"1"}}'));
  expect(r).toEqual({ kept: 'kept', headers: JSON.parse('{"__proto__":"x","a":"1"}'), metadata: {} });
  if (r.kept === 'kept') expect(Object.keys(r.headers)).toEqual(['__proto__', 'a']);
});

it.each([
  ['named by the header', { id: 'coder', effort: 'max', via: 'header' }, { id: 'coder', effort: 'max' }],
  ['named by the model (already in the model)', { id: 'coder', effort: 'max', via: 'model' }, null],
  ['no effort', { id: 'coder', via: 'header' }, { id: 'coder', effort: null }],
  ['not an agent', 'header', null],
  ['none', undefined, null],
])('a recorded agent %s', (_name, stored, agent) => {
  expect(readHeaderAgent(stored)).toEqual(agent);
});
