import { describe, expect, it } from 'vitest';
import type { AttemptOutcome } from './classify.js';
import { endpointOrder, failsOverEndpoint } from './endpoints.js';

describe('endpointOrder: the first endpoint drawn by weight, the rest in configured order', () => {
  it.each([
    ['one endpoint', [1], 0.9, [0]],
    ['equal weights, low draw', [1, 1], 0.2, [0, 1]],
    ['equal weights, high draw', [1, 1], 0.7, [1, 0]],
    ['3:1, draw below 0.75 picks the first', [3, 1], 0.74, [0, 1]],
    ['3:1, draw at 0.75 picks the second', [3, 1], 0.75, [1, 0]],
    ['three endpoints, middle drawn: the others keep their order', [1, 1, 1], 0.5, [1, 0, 2]],
    ['weight 0 is never drawn first (standby)', [0, 1], 0, [1, 0]],
    ['weight 0 in the middle is skipped by the draw', [1, 0, 1], 0.6, [2, 0, 1]],
    ['every weight 0: configured order', [0, 0, 0], 0.99, [0, 1, 2]],
    ['a draw of 1 (out of range) clamps to the last weighted', [1, 1, 0], 1, [1, 0, 2]],
    ['a negative draw clamps to the first', [1, 1], -0.5, [0, 1]],
  ])('%s', (_label, weights, r, order) => {
    expect(endpointOrder(weights, r)).toEqual(order);
  });

  it('draws in proportion to the weights over many draws', () => {
    const counts = [0, 0];
    for (let i = 0; i < 1000; i++) counts[endpointOrder([3, 1], i / 1000)[0]!]!++;
    expect(counts).toEqual([750, 250]);
  });
});

const o = (over: Partial<AttemptOutcome>): AttemptOutcome => ({
  status: 500,
  kind: 'server',
  retryAfterMs: null,
  afterFirstByte: false,
  ...over,
});

describe('failsOverEndpoint: which failures try the provider’s next endpoint', () => {
  it.each([
    ['5xx', o({}), true],
    ['503 overloaded', o({ status: 503, kind: 'overloaded' }), true],
    ['connection refused', o({ status: 0, kind: 'network' }), true],
    ['our timeout', o({ status: 0, kind: 'timeout' }), true],
    ['429', o({ status: 429, kind: 'rate_limit' }), true],
    ['stream cut before the first byte', o({ status: 200, kind: 'network', streamCut: true }), true],
    ['unknown 502', o({ status: 502, kind: 'unknown' }), true],
    ['stream cut after the first byte', o({ afterFirstByte: true }), false],
    ['401 auth', o({ status: 401, kind: 'auth' }), false],
    ['402 billing', o({ status: 402, kind: 'billing' }), false],
    ['400 bad request', o({ status: 400, kind: 'bad_request' }), false],
    ['404 model not found', o({ status: 404, kind: 'model_not_found' }), false],
    ['policy block', o({ status: 400, kind: 'policy' }), false],
    ['unknown 418', o({ status: 418, kind: 'unknown' }), false],
  ])('%s → %s', (_label, outcome, expected) => {
    expect(failsOverEndpoint(outcome)).toBe(expected);
  });
});
