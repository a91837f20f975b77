import { describe, expect, it } from 'vitest';
import { importNotice, catalogueHint } from './import-notice';
import { powerLevelForm } from './power-level-form';
import { retraceHref, runAsFields, traceSubmitBody } from './routing-form';

const form = {
  name: ' Precision ',
  description: '',
  tier: 'precision' as const,
  modelRefs: 'a/b,\n c/d ',
  enabled: true,
};

describe('power level form', () => {
  it('turns the typed list into ordered refs and a blank description into null', () => {
    expect(powerLevelForm.parse(form)).toEqual({
      name: 'Precision',
      description: null,
      tier: 'precision',
      modelRefs: ['a/b', 'c/d'],
      enabled: true,
    });
  });
  it('names a bad ref on the list field itself', () => {
    const r = powerLevelForm.safeParse({ ...form, modelRefs: 'a/b, has space' });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(['modelRefs']);
    expect(r.error?.issues[0]?.message).toContain('"has space"');
  });
});

describe('trace start and run-as', () => {
  it('maps the run-as choice to the dry run fields', () => {
    expect(runAsFields('')).toEqual({});
    expect(runAsFields('user:u1')).toEqual({ userId: 'u1' });
    expect(runAsFields('key:k1')).toEqual({ keyId: 'k1' });
    expect(runAsFields('user:')).toEqual({});
  });
  it('builds the routing tab URL a log entry re-traces with', () => {
    expect(retraceHref({ model: 'mock/mock-small', endpoint: 'chat', stream: true, runAs: 'key:k1' })).toBe(
      '/llm/routing?trace=mock%2Fmock-small&traceEndpoint=chat&traceStream=1&traceAs=key%3Ak1',
    );
    expect(retraceHref({ model: 'auto', requestId: 'req_1' })).toBe(
      '/llm/routing?trace=auto&traceRequest=req_1',
    );
  });

  const form = {
    model: 'auto',
    endpoint: 'chat' as const,
    promptTokens: 812,
    maxTokens: 77,
    stream: false,
    needs: [],
    keyId: 'k1',
  };
  it('a described trace sends the form as it is', () => {
    expect(traceSubmitBody(form, null, 'key:k1')).toEqual(form);
    expect(traceSubmitBody(form, { model: 'auto', runAs: 'key:k1' }, 'key:k1')).toEqual(form);
  });
  it("a replay keeps the logged request's needs, and its caller until Run as changes", () => {
    const start = { model: 'auto', runAs: 'key:k1', requestId: 'req_1' };
    const fields = { model: 'auto', endpoint: 'chat', promptTokens: 812, maxTokens: 77, stream: false };
    expect(traceSubmitBody(form, start, 'key:k1')).toEqual({ requestId: 'req_1', ...fields });
    expect(traceSubmitBody({ ...form, keyId: undefined, userId: 'u2' }, start, 'user:u2')).toEqual({
      requestId: 'req_1',
      ...fields,
      userId: 'u2',
    });
    // "Me (operator view)" chosen: said explicitly (no id would mean the logged caller).
    expect(traceSubmitBody({ ...form, keyId: undefined }, start, '')).toEqual({
      requestId: 'req_1',
      ...fields,
      asOperator: true,
    });
  });
});

describe('import notice', () => {
  it('names the models without a known price', () => {
    expect(
      importNotice({
        added: [
          { modelId: 'a', priced: true },
          { modelId: 'b', priced: false },
        ],
        alreadyPresent: ['c'],
      }),
    ).toBe(
      '2 models added to the registry (1 already there). No known price for b: it stays out of power-level routing until priced on the Models page.',
    );
    expect(catalogueHint(undefined)).toContain('no known price');
    expect(catalogueHint({ priceInputPer1M: 0.15, priceOutputPer1M: 0.6 })).toBe(
      '$0.15 in / $0.6 out per 1M',
    );
  });
});
