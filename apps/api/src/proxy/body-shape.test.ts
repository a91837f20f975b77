/**
 * The door check's contract, as properties: it throws nothing but RequestShapeError, and whatever it admits every
 * request translator, token estimator and the mock provider can handle without throwing (AdapterError, the
 * translators' own "not supported" answer, aside).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AdapterError } from '../providers/types.js';
import { mockChatCompletion, mockChunks, runMockEmbeddings } from '../providers/mock/engine.js';
import { openaiChatToConverseRequest } from '../providers/bedrock/request.js';
import { openaiChatToGeminiRequest } from '../providers/gemini/request.js';
import { openaiChatToAnthropicRequest } from '../providers/anthropic/request.js';
import { anthropicToOpenaiChatRequest } from '../translate/messages.js';
import { responsesToChatRequest } from '../translate/responses.js';
import { estimateAnthropicTokens, estimateChatTokens, estimateEmbeddingTokens } from '../translate/tokens.js';
import type { AnRequest, OaChatRequest } from '../translate/wire-types.js';
import { checkBodyShape, MAX_BODY_DEPTH, rawDepthExceeds, RequestShapeError } from './body-shape.js';
import { requestFacts } from './request-facts.js';

type Endpoint = 'chat' | 'messages' | 'count_tokens' | 'responses' | 'embeddings';

const BASE: Record<Endpoint, Record<string, unknown>> = {
  chat: {
    model: 'm',
    messages: [
      { role: 'system', content: 'be brief' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'weather?' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,AA==' } },
        ],
      },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }],
      },
      { role: 'tool', tool_call_id: 'c1', content: [{ type: 'text', text: 'ok' }] },
      { role: 'developer', content: 'be kind', name: 'ops' },
      {
        role: 'user',
        content: [{ type: 'input_audio', input_audio: { data: 'AA==', format: 'wav' } }],
      },
      { role: 'assistant', content: null, refusal: 'no' },
      { role: 'user', content: 'and now?' },
    ],
    max_completion_tokens: 50,
    reasoning_effort: 'low',
    parallel_tool_calls: false,
    seed: 1,
    n: 1,
    user: 'u',
    metadata: { team: 'a' },
    stream_options: { include_usage: true },
    logprobs: true,
    top_logprobs: 2,
    tools: [
      {
        type: 'function',
        function: { name: 'f', parameters: { type: 'object', properties: { a: { type: 'string' } } } },
      },
    ],
    tool_choice: { type: 'function', function: { name: 'f' } },
    stop: ['x'],
    response_format: { type: 'json_schema', json_schema: { name: 'r', schema: { type: 'object' } } },
  },
  messages: {
    model: 'm',
    max_tokens: 10,
    system: [{ type: 'text', text: 'be brief' }],
    messages: [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'hi' },
          { type: 'image', source: { type: 'url', url: 'https://x/y.png' } },
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AA==' } },
          { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'doc' } },
        ],
      },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'calling' },
          { type: 'tool_use', id: 't1', name: 'f', input: { a: 1 } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 't1', is_error: true, content: [{ type: 'text', text: 'ok' }] },
          { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'AA==' } },
        ],
      },
      {
        role: 'assistant',
        content: [
          { type: 'thinking', thinking: 'hmm', signature: 'sig' },
          { type: 'redacted_thinking', data: 'xx' },
          { type: 'text', text: 'done', citations: null },
        ],
      },
      { role: 'user', content: 'more' },
    ],
    thinking: { type: 'enabled', budget_tokens: 1024 },
    top_k: 5,
    temperature: 0.5,
    tools: [
      {
        name: 'f',
        description: 'd',
        input_schema: { type: 'object', properties: {} },
        cache_control: { type: 'ephemeral' },
      },
      {
        type: 'web_search_20250305',
        name: 'web_search',
        allowed_domains: ['x.org'],
        max_uses: 2,
        user_location: { type: 'approximate', city: 'Paris' },
      },
    ],
    tool_choice: { type: 'tool', name: 'f' },
    stop_sequences: ['x'],
    metadata: { user_id: 'u' },
  },
  count_tokens: {
    model: 'm',
    system: 'x',
    messages: [{ role: 'user', content: 'hi' }],
    tools: [{ name: 'f', input_schema: { type: 'object' } }],
  },
  responses: {
    model: 'm',
    instructions: 'be brief',
    input: [
      {
        role: 'user',
        content: [
          { type: 'input_text', text: 'hi' },
          { type: 'input_image', image_url: 'https://x/y.png', detail: 'low' },
        ],
      },
      {
        role: 'assistant',
        content: [
          { type: 'output_text', text: 'ok' },
          { type: 'refusal', refusal: 'no' },
        ],
      },
      { type: 'function_call', call_id: 'c1', name: 'f', arguments: '{}' },
      { type: 'function_call_output', call_id: 'c1', output: { ok: true } },
      { type: 'custom_tool_call', call_id: 'c2', name: 'g', namespace: 'ns', input: 'x' },
      { type: 'custom_tool_call_output', call_id: 'c2', output: 'done' },
      { type: 'reasoning', id: 'r1', summary: [{ type: 'summary_text', text: 's' }], encrypted_content: 'e' },
    ],
    max_output_tokens: 100,
    parallel_tool_calls: true,
    reasoning: { effort: 'low' },
    user: 'u',
    tools: [
      { type: 'function', name: 'f', description: 'd', parameters: { type: 'object' } },
      {
        type: 'custom',
        name: 'g',
        description: 'd',
        format: { type: 'grammar', syntax: 'lark', definition: 'x' },
      },
      { type: 'namespace', name: 'ns', tools: [{ type: 'function', name: 'h', description: 'h' }] },
      { type: 'web_search' },
    ],
    tool_choice: { type: 'function', name: 'f' },
    text: { format: { type: 'json_schema', name: 'r', schema: { type: 'object' } } },
  },
  embeddings: { model: 'm', input: ['a', [1, 2]] },
};

function paths(
  v: unknown,
  at: (string | number)[] = [],
  out: (string | number)[][] = [],
): (string | number)[][] {
  out.push(at);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...at, i], out));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) paths(x, [...at, k], out);
  return out;
}

function setAt(root: unknown, path: (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  const copy: unknown = structuredClone(root);
  let cur = copy as Record<string | number, unknown>;
  for (const p of path.slice(0, -1)) cur = cur[p] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (value === undefined) delete cur[last];
  else cur[last] = value;
  return copy;
}

const weird: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 5, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      null,
      0,
      1.5,
      true,
      '',
      'x',
      [],
      {},
      [null],
      [[]],
      [{}],
      { type: 'text' },
      { type: 'function' },
      { type: 'custom' },
      { type: 'tool_result' },
      { type: 'image' },
      { type: 'image_url' },
      { type: 'function_call' },
      // JSON can name an object's own toString: String() of it throws, a template literal too.
      JSON.parse('{"toString":0}') as unknown,
      JSON.parse('{"toString":{},"valueOf":0}') as unknown,
      JSON.parse('{"__proto__":{"type":"text"}}') as unknown,
    ),
  },
  { weight: 1, arbitrary: fc.constant(undefined) },
);

const mutated = (ep: Endpoint) =>
  fc.array(fc.tuple(fc.nat(), weird), { minLength: 1, maxLength: 4 }).map((edits) => {
    let body: unknown = BASE[ep];
    for (const [n, value] of edits) {
      const all = paths(body);
      body = setAt(body, all[n % all.length]!, value);
    }
    return body;
  });

/** Everything downstream of the door that reads the body, for one endpoint. */
async function downstream(ep: Endpoint, body: Record<string, unknown>): Promise<void> {
  const chats: OaChatRequest[] = [];
  if (ep === 'chat') {
    chats.push(body as OaChatRequest);
    estimateChatTokens(body as OaChatRequest);
  } else if (ep === 'messages' || ep === 'count_tokens') {
    estimateAnthropicTokens(body as AnRequest);
    chats.push(anthropicToOpenaiChatRequest(body as AnRequest));
  } else if (ep === 'responses') {
    try {
      chats.push(responsesToChatRequest(body));
    } catch (err) {
      if (!(err instanceof AdapterError)) throw err;
    }
  } else {
    estimateEmbeddingTokens(body.input);
    runMockEmbeddings(body, 'mock-embed');
  }
  for (const chat of chats) {
    openaiChatToAnthropicRequest(chat);
    openaiChatToGeminiRequest(chat);
    openaiChatToConverseRequest(chat);
    estimateChatTokens(chat);
    mockChunks(mockChatCompletion(chat, 0));
    JSON.stringify(chat);
  }
}

describe('checkBodyShape', () => {
  it.each(Object.keys(BASE) as Endpoint[])('admits the valid %s body', (ep) => {
    expect(() => requestFacts(ep, BASE[ep], 1000)).not.toThrow();
  });

  it.each(Object.keys(BASE) as Endpoint[])(
    '%s: throws only RequestShapeError, and what it admits no translator, estimator or the mock throws on',
    async (ep) => {
      await fc.assert(
        fc.asyncProperty(mutated(ep), async (body) => {
          try {
            requestFacts(ep, body, 1000);
          } catch (err) {
            if (err instanceof RequestShapeError) return;
            throw err;
          }
          await downstream(ep, body as Record<string, unknown>);
        }),
        { numRuns: 1_500 },
      );
    },
  );

  it('names the nesting limit and the path where it is passed', () => {
    let v: unknown = 1;
    for (let i = 0; i < MAX_BODY_DEPTH; i++) v = [v];
    expect(() =>
      checkBodyShape('chat', { model: 'm', messages: [{ role: 'user', content: 'x' }], x: v }),
    ).toThrow(/^"x(\[0\])+" is nested deeper than 64 levels\.$/);
    // 63 levels below the body (64 with it) pass.
    let ok: unknown = 1;
    for (let i = 0; i < MAX_BODY_DEPTH - 2; i++) ok = [ok];
    expect(() =>
      checkBodyShape('chat', { model: 'm', messages: [{ role: 'user', content: 'x' }], x: [ok] }),
    ).not.toThrow();
  });

  it('rawDepthExceeds counts brackets outside strings only and names the top-level field', () => {
    const deep = '['.repeat(70) + ']'.repeat(70);
    expect(rawDepthExceeds(Buffer.from(`{"a":"${'['.repeat(100)}","b":1}`), 64)).toBeNull();
    expect(rawDepthExceeds(Buffer.from(`{"a":"q\\"[[","tools":${deep}}`), 64)).toBe('tools');
    expect(rawDepthExceeds(Buffer.from(deep), 64)).toBe('');
  });
});
