import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readModelParams, withModelParams } from './model-params.js';

const msgs = [{ role: 'user', content: 'hi' }];

describe("a model's default parameters, in the client's format", () => {
  // [case, endpoint, the client's body, the model's parameters, what is added (null: the body goes as it came)]
  it.each([
    [
      'chat: the missing ones are added',
      'chat',
      { messages: msgs },
      { temperature: 0, max_tokens: 2000 },
      { temperature: 0, max_tokens: 2000 },
    ],
    [
      "chat: the client's own value wins",
      'chat',
      { messages: msgs, temperature: 1 },
      { temperature: 0 },
      null,
    ],
    [
      'chat: max_completion_tokens counts as max_tokens',
      'chat',
      { messages: msgs, max_completion_tokens: 9 },
      { max_tokens: 2000 },
      null,
    ],
    ['chat: a null value is unset', 'chat', { messages: msgs, seed: null }, { seed: 7 }, { seed: 7 }],
    ['chat: top_k has no field there', 'chat', { messages: msgs }, { top_k: 5 }, null],
    [
      'messages: stop becomes stop_sequences, a list',
      'messages',
      { messages: msgs, max_tokens: 5 },
      { stop: 'END', top_k: 5 },
      { stop_sequences: ['END'], top_k: 5 },
    ],
    [
      'messages: penalties and seed have no field there',
      'messages',
      { messages: msgs, max_tokens: 5 },
      { seed: 1, presence_penalty: 1 },
      null,
    ],
    [
      'responses: max_tokens is max_output_tokens',
      'responses',
      { input: 'hi' },
      { max_tokens: 300, top_p: 0.9, stop: 'x' },
      { max_output_tokens: 300, top_p: 0.9 },
    ],
    ['embeddings: none apply', 'embeddings', { input: 'hi' }, { temperature: 0 }, null],
  ] as const)('%s', (_name, endpoint, body, params, added) => {
    const out = withModelParams(endpoint, body, params);
    if (added === null) expect(out).toBeNull();
    else expect(out).toEqual({ ...body, ...added });
    // The client's body is never changed in place.
    expect(body).not.toHaveProperty('stop_sequences');
  });

  // The target decides only where a default would displace the client's choice or be refused.
  const claude = { oneSampler: true } as const;
  it.each([
    [
      "Claude: no default temperature beside the client's top_p",
      'chat',
      { top_p: 0.7 },
      { temperature: 0.3 },
      claude,
      null,
    ],
    [
      "Claude: no default top_p beside the client's temperature",
      'messages',
      { temperature: 1 },
      { top_p: 0.8 },
      claude,
      null,
    ],
    [
      'Claude: both as defaults, temperature alone',
      'messages',
      {},
      { top_p: 0.8, temperature: 0.3 },
      claude,
      { temperature: 0.3 },
    ],
    [
      'Claude: other defaults still added',
      'chat',
      { top_p: 0.7 },
      { temperature: 0.3, stop: 'x' },
      claude,
      { stop: 'x' },
    ],
    ['any other target takes both', 'chat', { top_p: 0.7 }, { temperature: 0.3 }, {}, { temperature: 0.3 }],
    [
      'an OpenAI reasoning model: the chat cap as max_completion_tokens',
      'chat',
      {},
      { max_tokens: 300 },
      { chatCap: 'max_completion_tokens' },
      { max_completion_tokens: 300 },
    ],
    [
      "…not beside the client's own max_tokens",
      'chat',
      { max_tokens: 9 },
      { max_tokens: 300 },
      { chatCap: 'max_completion_tokens' },
      null,
    ],
    [
      '…a Responses cap keeps its field',
      'responses',
      {},
      { max_tokens: 300 },
      { chatCap: 'max_completion_tokens' },
      { max_output_tokens: 300 },
    ],
  ] as const)('%s', (_name, endpoint, extra, params, target, added) => {
    const body = { messages: msgs, ...extra };
    const out = withModelParams(endpoint, body, params, target);
    if (added === null) expect(out).toBeNull();
    else expect(out).toEqual({ ...body, ...added });
  });

  it('reads stored parameters: a valid set, else none (an unknown name or a bad value is never applied half-way)', () => {
    expect(readModelParams({ temperature: 0.2, stop: ['a'] })).toEqual({ temperature: 0.2, stop: ['a'] });
    expect(readModelParams({})).toBeNull();
    expect(readModelParams(null)).toBeNull();
    expect(readModelParams({ temperature: 0.2, mystery: 1 })).toBeNull();
    expect(readModelParams({ temperature: 9 })).toBeNull();
    expect(readModelParams('x')).toBeNull();
  });

  it('never throws, never drops a client field, and adds only what the client did not set', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('chat', 'messages', 'responses', 'embeddings', 'count_tokens', 'models'),
        fc.dictionary(
          fc.oneof(fc.constantFrom('temperature', 'max_tokens', 'stop', 'top_k', '__proto__'), fc.string()),
          fc.jsonValue(),
          { maxKeys: 8 },
        ),
        fc.record(
          {
            temperature: fc.double({ min: 0, max: 2, noNaN: true }),
            top_p: fc.double({ min: 0, max: 1, noNaN: true }),
            top_k: fc.integer({ min: 1, max: 1000 }),
            max_tokens: fc.integer({ min: 1, max: 1_000_000 }),
            stop: fc.oneof(
              fc.string({ minLength: 1, maxLength: 5 }),
              fc.array(fc.string({ minLength: 1 }), { minLength: 1, maxLength: 4 }),
            ),
            seed: fc.integer(),
          },
          { requiredKeys: [] },
        ),
        (endpoint, body, stored) => {
          const params = readModelParams(stored);
          const out = params ? withModelParams(endpoint as 'chat', body, params) : null;
          if (!out) return;
          for (const [k, v] of Object.entries(body)) if (v !== null) expect(out[k]).toEqual(v);
          const added = Object.keys(out).filter((k) => !Object.hasOwn(body, k) || body[k] === null);
          expect(added.length).toBeGreaterThan(0);
        },
      ),
    );
  });
});
