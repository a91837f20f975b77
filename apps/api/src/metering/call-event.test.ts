import fc from 'fast-check';
import { callEventSchema } from '@switchyard/core';
import { describe, expect, it } from 'vitest';
import type { ProxyUsage } from './types.js';
import { callEventOfRow, usageRow } from './writer.js';
import { usageRecord } from '../test/usage-record.js';

const rec = (over: Partial<ProxyUsage>): ProxyUsage =>
  usageRecord({
    gatewayKeyId: 'key-1',
    userId: 'user-1',
    tokensIn: 12,
    tokensOut: 34,
    costUsd: 0.000123,
    latencyMs: 56,
    trace: { bodies: { request: 'PROMPT-TEXT', response: 'ANSWER-TEXT', truncated: false } },
    ...over,
  });

describe('the live call event of a usage row', () => {
  it('carries who, what, the outcome and the cost, and nothing of the trace or its bodies', () => {
    const e = callEventOfRow(usageRow(rec({})));
    expect(e).toEqual({
      type: 'call',
      requestId: 'req-1',
      at: '2026-12-05T10:00:00.000Z',
      userId: 'user-1',
      orgId: null,
      appId: null,
      keyId: 'key-1',
      endpoint: 'chat.completions',
      requestedModel: 'chat.default',
      provider: 'mock',
      model: 'mock-small',
      status: 200,
      errorCode: null,
      latencyMs: 56,
      tokensIn: 12,
      tokensOut: 34,
      costUsd: 0.000123,
      byok: false,
      tokensEstimated: false,
    });
    expect(JSON.stringify(e)).not.toMatch(/PROMPT-TEXT|ANSWER-TEXT/);
  });

  it('says whether the tokens were the gateway’s estimate (never misread from a trace that names the flag)', () => {
    expect(callEventOfRow(usageRow(rec({ tokensEstimated: true })))?.tokensEstimated).toBe(true);
    const lookalike = {
      bodies: { request: ',"tokensEstimated":true}', response: 'x' },
      tokensEstimated: true,
    };
    for (const over of [
      { trace: lookalike },
      { trace: lookalike, cacheHit: true, cacheSavedUsd: 0.1 },
      { trace: lookalike, client: null },
    ] as Partial<ProxyUsage>[]) {
      expect(callEventOfRow(usageRow(rec(over)))?.tokensEstimated).toBe(false);
      expect(callEventOfRow(usageRow(rec({ ...over, tokensEstimated: true })))?.tokensEstimated).toBe(true);
    }
  });

  it('reads any client-chosen model name and request id right (a fake `,"trace":` inside one included)', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.constant('x","trace":{"bodies":1},"y":"')),
        fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }),
        (model, requestId) => {
          const e = callEventOfRow(usageRow(rec({ requestedModel: model, requestId })));
          expect(callEventSchema.parse(e)).toBeTruthy();
          // NUL and lone surrogates become U+FFFD in rows (see usageRow); everything else is kept as sent.
          const clean = (s: string) =>
            s.replace(/\0|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
          expect(e!.requestedModel).toBe(clean(model));
          expect(e!.requestId).toBe(clean(requestId));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('is null for a row that is not a usage row', () => {
    expect(callEventOfRow('{"x":1}')).toBeNull();
    expect(callEventOfRow('not json,"trace":')).toBeNull();
  });
});
