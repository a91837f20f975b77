import { describe, expect, it } from 'vitest';
import type { AttemptOutcome } from './classify.js';
import { coolsEndpoint, endpointOrder, failsOverEndpoint } from './endpoints.js';

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

  it.each([
    ['none cooling: as without the list', [1, 1], 0.7, [false, false], [1, 0]],
    ['the drawn one cools: the other first, the cooling one last', [1, 1], 0.2, [true, false], [1, 0]],
    ['3:1 with the heavy one cooling: the light one first', [3, 1], 0.1, [true, false], [1, 0]],
    ['three, the first cooling: drawn among the other two', [1, 1, 1], 0.6, [true, false, false], [2, 1, 0]],
    ['three, the first cooling, low draw', [1, 1, 1], 0.1, [true, false, false], [1, 2, 0]],
    ['the weighted one cooling: the standby (weight 0) first', [1, 0], 0.5, [true, false], [1, 0]],
    ['two cooling keep their configured order at the end', [1, 1, 1], 0.9, [true, false, true], [1, 0, 2]],
    ['every endpoint cooling: ordered as if none were', [1, 1], 0.7, [true, true], [1, 0]],
  ])('cooling: %s', (_label, weights, r, cooling, order) => {
    expect(endpointOrder(weights, r, cooling)).toEqual(order);
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

describe('coolsEndpoint: which failures make an endpoint go last for every caller', () => {
  it.each([
    ['5xx on the provider key', o({}), 'provider', true],
    ['5xx on a BYOK key (the endpoint failed, whoever called)', o({}), 'byok', true],
    ['connection failure on an org key', o({ status: 0, kind: 'network' }), 'org', true],
    ['our timeout', o({ status: 0, kind: 'timeout' }), 'byok', true],
    ['429 on the provider key', o({ status: 429, kind: 'rate_limit' }), 'provider', true],
    [
      '429 on a BYOK key: that key is limited, not the endpoint',
      o({ status: 429, kind: 'rate_limit' }),
      'byok',
      false,
    ],
    ['429 on an org key', o({ status: 429, kind: 'rate_limit' }), 'org', false],
    ['401: the account, not the endpoint', o({ status: 401, kind: 'auth' }), 'provider', false],
    ['400 from the client', o({ status: 400, kind: 'bad_request' }), 'provider', false],
    ['after the first byte', o({ afterFirstByte: true }), 'provider', false],
    [
      'our timeout at a limit the request’s deadline cut short',
      o({ status: 0, kind: 'timeout', deadlineCut: true }),
      'provider',
      false,
    ],
  ] as const)('%s', (_label, outcome, keySource, cools) => {
    expect(coolsEndpoint(outcome, keySource)).toBe(cools);
  });
});
