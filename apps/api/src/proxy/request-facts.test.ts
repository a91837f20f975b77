/** The parameters a target must honour, read from any body: exactly the ones used, nothing when none is. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RequestShapeError, requestFacts } from './request-facts.js';

const messages = [{ role: 'user', content: 'hi' }];
const tools = [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }];
const format = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom(
    { type: 'json_schema', json_schema: { name: 'r', schema: { type: 'object' } } },
    { type: 'json_object' },
    { type: 'text' },
    { type: 7 },
    null,
    'json_object',
    [],
  ),
  fc.jsonValue(),
);

describe('request facts: parameters', () => {
  it('chat: n > 1, logprobs and JSON formats, exactly; a body without them allocates no list', () => {
    fc.assert(
      fc.property(
        fc.record({
          n: fc.oneof(fc.constant(undefined), fc.integer({ min: -2, max: 5 }), fc.double(), fc.jsonValue()),
          logprobs: fc.oneof(fc.constant(undefined), fc.boolean(), fc.jsonValue()),
          top_logprobs: fc.oneof(fc.constant(undefined), fc.nat(20)),
          response_format: format,
          withTools: fc.boolean(),
          stream: fc.boolean(),
        }),
        ({ withTools, ...f }) => {
          const body: Record<string, unknown> = { model: 'm', messages, stream: f.stream };
          for (const [k, v] of Object.entries(f)) if (v !== undefined && k !== 'stream') body[k] = v;
          if (withTools) body.tools = tools;
          const raw = JSON.stringify(body);
          // The oracle reads what the gateway receives: JSON turns Infinity and NaN into null.
          const sent = JSON.parse(raw) as Record<string, unknown>;
          let facts;
          try {
            facts = requestFacts('chat', JSON.parse(raw), raw.length);
          } catch (e) {
            expect(e).toBeInstanceOf(RequestShapeError); // a malformed field is a 400, never a crash
            return;
          }
          const want: string[] = [];
          if (typeof sent.n === 'number' && sent.n > 1) want.push('n', ...(f.stream ? ['n_stream'] : []));
          if (sent.logprobs === true || typeof sent.top_logprobs === 'number') want.push('logprobs');
          const rf = sent.response_format as { type?: unknown } | undefined;
          const json =
            rf &&
            typeof rf === 'object' &&
            !Array.isArray(rf) &&
            (rf.type === 'json_schema' || rf.type === 'json_object')
              ? rf.type
              : null;
          if (json) want.push(json, ...(withTools ? ['json_with_tools'] : []));
          if (want.length === 0) expect(facts.params).toBeUndefined();
          else expect(facts.params).toEqual(want);
          expect(facts.needs.includes('json')).toBe(json !== null);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('Responses: text.format json_schema / json_object, with tools noted', () => {
    const r = (text: unknown, t?: unknown[]) =>
      requestFacts('responses', { model: 'm', input: 'hi', text, ...(t ? { tools: t } : {}) }, 50).params;
    expect(r({ format: { type: 'json_schema', name: 'x', schema: {} } })).toEqual(['json_schema']);
    expect(
      r({ format: { type: 'json_object' } }, [
        { type: 'function', name: 'f', parameters: { type: 'object' } },
      ]),
    ).toEqual(['json_object', 'json_with_tools']);
    expect(r({ format: { type: 'text' } })).toBeUndefined();
    expect(r(undefined)).toBeUndefined();
  });
});

describe('request facts: images need a model with vision', () => {
  const image = { type: 'input_image', image_url: 'data:image/png;base64,AAAA' };
  // [endpoint, body, needs vision]
  it.each([
    [
      'chat',
      { messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'x' } }] }] },
      true,
    ],
    [
      'messages',
      {
        max_tokens: 5,
        messages: [
          { role: 'user', content: [{ type: 'image', source: { type: 'url', url: 'https://x/y.png' } }] },
        ],
      },
      true,
    ],
    ['responses: a message with an image', { input: [{ role: 'user', content: [image] }] }, true],
    [
      'responses: a typed message item',
      { input: [{ type: 'message', role: 'user', content: [image] }] },
      true,
    ],
    [
      'responses: text only',
      { input: [{ role: 'user', content: [{ type: 'input_text', text: 'hi' }] }] },
      false,
    ],
    ['responses: a string', { input: 'hi' }, false],
    // A tool's answer may be a screenshot (Claude Code's, a computer-use tool's): only there, it still needs vision.
    [
      'messages: an image only inside a tool_result',
      {
        max_tokens: 5,
        messages: [
          { role: 'user', content: 'Take a screenshot.' },
          { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'shot', input: {} }] },
          {
            role: 'user',
            content: [
              {
                type: 'tool_result',
                tool_use_id: 't1',
                content: [{ type: 'image', source: { type: 'url', url: 'https://x/y.png' } }],
              },
            ],
          },
        ],
      },
      true,
    ],
    [
      'messages: a tool_result of text',
      {
        max_tokens: 5,
        messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: 'done' }] }],
      },
      false,
    ],
    [
      'responses: an image only in a function_call_output',
      { input: [{ type: 'function_call_output', call_id: 'c1', output: [image] }] },
      true,
    ],
  ] as const)('%s', (name, body, vision) => {
    const endpoint = name.split(':')[0] as 'chat' | 'messages' | 'responses';
    const facts = requestFacts(endpoint, { model: 'm', ...body }, 100);
    expect(facts.needs.includes('vision')).toBe(vision);
  });
});

describe('request facts: a chat request’s output cap', () => {
  const facts = (caps: Record<string, unknown>) => {
    const body = { model: 'm', messages, ...caps };
    return requestFacts('chat', body, JSON.stringify(body).length);
  };
  // [max_completion_tokens, max_tokens, the cap reserved by]
  it.each([
    [undefined, undefined, null],
    [100, undefined, 100],
    [undefined, 100, 100],
    // Both go upstream, and a vendor that honours max_tokens may run to it: the larger is reserved.
    [100, 50_000, 50_000],
    [50_000, 100, 50_000],
    [null, 300, 300],
    [300, null, 300],
  ])('max_completion_tokens %s and max_tokens %s: %s', (completion, max, expected) => {
    expect(facts({ max_completion_tokens: completion, max_tokens: max }).maxTokens).toBe(expected);
  });

  it('a bad max_tokens beside max_completion_tokens is refused like a bad one alone', () => {
    expect(() => facts({ max_completion_tokens: 100, max_tokens: 'many' })).toThrow(RequestShapeError);
    expect(() => facts({ max_completion_tokens: 100, max_tokens: -5 })).toThrow(RequestShapeError);
  });
});

// Budgets and token limits reserve a request's prompt estimate plus its output cap. A small body's prompt was
// estimated from its size alone, so an image by URL (a few dozen characters) was reserved as a few tokens, though a
// provider bills hundreds for it: concurrent image requests could each spend past what they reserved.
describe('request facts: a small body with images is reserved what its images count', () => {
  const url = 'https://example.com/cat.png';
  it.each([
    [
      'chat',
      {
        model: 'm',
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'What is this?' },
              { type: 'image_url', image_url: { url } },
              { type: 'image_url', image_url: { url } },
            ],
          },
        ],
      },
    ],
    [
      'messages',
      {
        model: 'm',
        max_tokens: 10,
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'What is this?' },
              { type: 'image', source: { type: 'url', url } },
              { type: 'image', source: { type: 'url', url } },
            ],
          },
        ],
      },
    ],
    [
      'messages',
      {
        model: 'm',
        max_tokens: 10,
        messages: [
          {
            role: 'user',
            content: [
              {
                type: 'tool_result',
                tool_use_id: 't1',
                content: [
                  { type: 'image', source: { type: 'url', url } },
                  { type: 'image', source: { type: 'url', url } },
                ],
              },
            ],
          },
        ],
      },
    ],
    [
      'responses',
      {
        model: 'm',
        input: [
          {
            type: 'function_call_output',
            call_id: 'c1',
            output: [
              { type: 'input_image', image_url: url },
              { type: 'input_image', image_url: url },
            ],
          },
        ],
      },
    ],
  ] as const)('%s: two images by URL are at least two images’ tokens', (endpoint, body) => {
    const raw = JSON.stringify(body);
    const facts = requestFacts(endpoint, body, raw.length);
    expect(raw.length).toBeLessThan(400);
    expect(facts.promptTokens).toBeGreaterThanOrEqual(2 * 765);
  });
  it('a small body with a base64 image is never reserved less than its size says', () => {
    const data = 'A'.repeat(20_000);
    const body = {
      model: 'm',
      messages: [
        {
          role: 'user',
          content: [{ type: 'image_url', image_url: { url: `data:image/png;base64,${data}` } }],
        },
      ],
    };
    const raw = JSON.stringify(body);
    expect(requestFacts('chat', body, raw.length).promptTokens).toBeGreaterThanOrEqual(
      Math.ceil(raw.length / 4),
    );
  });
  it('a body without images is estimated from its size as before', () => {
    const body = { model: 'm', messages };
    const raw = JSON.stringify(body);
    expect(requestFacts('chat', body, raw.length).promptTokens).toBe(Math.ceil(raw.length / 4));
  });
});

// The estimate counts an image as Claude or gpt-4o do; gpt-4o-mini and Gemini count more. The facts carry each image's
// size so that budgets and token limits reserve, on each attempt's model, what that model counts.
describe('request facts: the size of each image goes to routing', () => {
  const png = (width: number, height: number, pad = 0) => {
    const b = Buffer.alloc(64 + pad);
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 13, 10, 26, 10, 0, 0, 0, 13]).copy(b, 0);
    b.write('IHDR', 12, 'latin1');
    b.writeUInt32BE(width, 16);
    b.writeUInt32BE(height, 20);
    return b.toString('base64');
  };
  it.each([
    [
      'chat',
      {
        model: 'm',
        messages: [
          {
            role: 'user',
            content: [
              { type: 'image_url', image_url: { url: `data:image/png;base64,${png(1024, 768)}` } },
              { type: 'image_url', image_url: { url: 'https://example.com/cat.png' } },
            ],
          },
        ],
      },
    ],
    [
      'messages',
      {
        model: 'm',
        max_tokens: 10,
        messages: [
          {
            role: 'user',
            content: [
              { type: 'image', source: { type: 'base64', media_type: 'image/png', data: png(1024, 768) } },
              { type: 'image', source: { type: 'url', url: 'https://example.com/cat.png' } },
            ],
          },
        ],
      },
    ],
    [
      'responses',
      {
        model: 'm',
        input: [
          {
            role: 'user',
            content: [
              { type: 'input_image', image_url: `data:image/png;base64,${png(1024, 768, 60_000)}` },
              { type: 'input_image', image_url: 'https://example.com/cat.png' },
            ],
          },
        ],
      },
    ],
  ] as const)('%s: an inline image by its size, one by URL as unknown', (endpoint, body) => {
    const raw = JSON.stringify(body);
    expect(requestFacts(endpoint, body, raw.length).images).toEqual([{ width: 1024, height: 768 }, null]);
  });
  it('a body without images carries none', () => {
    const body = { model: 'm', messages: [{ role: 'user', content: 'hi' }] };
    expect(requestFacts('chat', body, JSON.stringify(body).length).images).toBeUndefined();
  });
});

describe('request facts: a request that marks its prompt for Claude’s cache', () => {
  const cc = { type: 'ephemeral' };
  const long = { type: 'ephemeral', ttl: '1h' };
  it.each([
    ['none', {}, undefined],
    ['on the request', { cache_control: cc }, 'short'],
    ['on a system block', { system: [{ type: 'text', text: 's', cache_control: cc }] }, 'short'],
    ['on a tool', { tools: [{ name: 't', input_schema: { type: 'object' }, cache_control: long }] }, 'long'],
    [
      'on a message block, 1 hour after a default one',
      {
        system: [{ type: 'text', text: 's', cache_control: cc }],
        messages: [{ role: 'user', content: [{ type: 'text', text: 'hi', cache_control: long }] }],
      },
      'long',
    ],
    [
      'inside a tool_result',
      {
        messages: [
          {
            role: 'user',
            content: [
              {
                type: 'tool_result',
                tool_use_id: 't',
                content: [{ type: 'text', text: 'x', cache_control: cc }],
              },
            ],
          },
        ],
      },
      'short',
    ],
    [
      'a mark that is not an object',
      { system: [{ type: 'text', text: 's', cache_control: 'yes' }] },
      undefined,
    ],
  ] as const)('%s', (_name, extra, want) => {
    const body = { model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }], ...extra };
    const raw = Buffer.from(JSON.stringify(body));
    expect(requestFacts('messages', body, raw.length, { raw }).cacheWrite).toBe(want);
  });

  it('chat and Responses requests mark none (their cache is the provider’s own, billed as read)', () => {
    const body = {
      model: 'm',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hi', cache_control: cc }] }],
    };
    expect(requestFacts('chat', body, 100).cacheWrite).toBeUndefined();
  });
});

describe('request facts: the web searches a request allows', () => {
  const tool = (extra: object) => ({ type: 'web_search_20250305', name: 'web_search', ...extra });
  it.each([
    ['no tools', undefined, undefined],
    ['a search tool with max_uses', [tool({ max_uses: 5 })], 5],
    ['two, summed', [tool({ max_uses: 5 }), tool({ max_uses: 2 })], 7],
    ['one without max_uses: no bound', [tool({ max_uses: 5 }), tool({})], undefined],
    ['a bad max_uses: no bound', [tool({ max_uses: -1 })], undefined],
    ['a client tool only', [{ name: 'x', input_schema: { type: 'object' } }], undefined],
  ] as const)('%s', (_name, tools, want) => {
    const body = {
      model: 'm',
      max_tokens: 5,
      messages: [{ role: 'user', content: 'hi' }],
      ...(tools ? { tools } : {}),
    };
    expect(requestFacts('messages', body, 100).webSearches).toBe(want);
  });
});
