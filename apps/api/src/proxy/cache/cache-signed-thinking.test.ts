// Claude's signed thinking replayed from the response cache with data protection on. The live answer leaves signed
// thinking as Claude signed it (placeholders kept: restored, the block sent back would not be what Claude signed, and
// the value would reach the provider); a replay of the stored answer must give the client the same bytes, so the next
// turn of its tool loop gives Claude its thinking back. Every client format Claude's signatures reach: an Anthropic
// client (Anthropic's API, Bedrock), a Chat client (reasoning_details), a Responses client that asked for its
// reasoning's encrypted content (the gateway's envelope, read back against the summary text); whole and streamed.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addBedrockProvider, BEDROCK_MODEL } from '../../test/bedrock.js';
import { addDeepSeekProvider } from '../../test/deepseek.js';
import { mockThinkingSignature } from '../../test/mock-upstream.js';
import { createProxyEnv, type ProxyEnv } from '../../test/proxy-env.js';

type Obj = Record<string, unknown>;

const EMAIL = 'jane.doe@example.com';
const THOUGHT = 'The user gave [EMAIL_1].';
const BEDROCK = `up-bedrock/${BEDROCK_MODEL}`;
const ANTHROPIC = 'up-anthropic/claude-test';

let e: ProxyEnv;

beforeAll(async () => {
  e = await createProxyEnv();
  await addDeepSeekProvider(e);
  await addBedrockProvider(e);
  const { t } = e;
  const admin = await t.tokenFor('admin');
  const org = await t.app.ctx.prisma.organization.create({
    data: { name: 'Acme', slug: 'acme-cache-signed' },
  });
  await t.app.ctx.prisma.organizationMember.create({
    data: { orgId: org.id, userId: e.ids.user, role: 'member' },
  });
  await t.http
    .patch(`/api/v1/llm/data-protection/status/org:${org.id}`)
    .set({ authorization: `Bearer ${admin}` })
    .send({ enabled: true })
    .expect(200);
  await t.app.routing.reload();
}, 180_000);
afterAll(async () => {
  await e?.close();
});

let n = 0;
/** A question no other test asks (an entry of one test never answers another), naming the protected value. */
const ask = () => `Question ${++n} ${Math.random()}: what is the weather for ${EMAIL}?`;

async function post(path: string, body: object, cached: boolean) {
  const res = await fetch(`${e.url}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${e.userKey}`,
      ...(cached ? { 'x-switchyard-cache': '60' } : {}),
    },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  expect(res.status, text).toBe(200);
  return { text, cache: res.headers.get('x-switchyard-cache') };
}

/** The same request twice with the cache on: the first a miss (stored), the second a hit; both answers' text. */
async function missThenHit(path: string, upstreamPath: string, body: object, reasoning = THOUGHT) {
  e.up.reset();
  e.up.script({ path: upstreamPath, reasoning });
  const first = await post(path, body, true);
  expect(first.cache).toBe('miss');
  await Promise.all([...e.t.app.responseCache.runtime.writes]);
  const hit = await post(path, body, true);
  expect(hit.cache).toBe('hit');
  expect(e.up.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
  return { first: first.text, hit: hit.text };
}

const dataOf = (sse: string): Obj[] =>
  sse
    .split('\n')
    .filter((l) => l.startsWith('data: ') && l !== 'data: [DONE]')
    .map((l) => JSON.parse(l.slice(6)) as Obj);

/** What the provider was sent on the last call, and that no call carried the protected value. */
function lastSent(): Obj {
  expect(JSON.stringify(e.up.requests.map((r) => r.raw.toString('utf8')))).not.toContain(EMAIL);
  return e.up.requests.at(-1)!.body as Obj;
}

describe("an Anthropic client's signed thinking, replayed from the cache", () => {
  const tools = [{ name: 'get_weather', input_schema: { type: 'object', properties: {} } }];
  const turn = (model: string, messages: unknown[], stream: boolean) => ({
    model,
    max_tokens: 8192,
    thinking: { type: 'enabled', budget_tokens: 2048 },
    tools,
    messages,
    ...(stream ? { stream: true } : {}),
  });
  /** A streamed answer's content blocks, put together as the Anthropic SDK does. */
  const content = (text: string, stream: boolean): Obj[] => {
    if (!stream) return (JSON.parse(text) as Obj).content as Obj[];
    const blocks: Obj[] = [];
    const partial = new Map<number, string>();
    for (const ev of dataOf(text)) {
      const i = ev.index as number;
      if (ev.type === 'content_block_start') blocks[i] = { ...(ev.content_block as Obj) };
      else if (ev.type === 'content_block_delta') {
        const d = ev.delta as Obj;
        const b = blocks[i]!;
        if (d.type === 'thinking_delta') b.thinking = String(b.thinking) + String(d.thinking);
        else if (d.type === 'signature_delta') b.signature = d.signature;
        else if (d.type === 'text_delta') b.text = String(b.text) + String(d.text);
        else if (d.type === 'input_json_delta')
          partial.set(i, (partial.get(i) ?? '') + String(d.partial_json));
      } else if (ev.type === 'content_block_stop' && partial.has(i))
        blocks[i]!.input = JSON.parse(partial.get(i)!);
    }
    return blocks;
  };

  for (const [name, model, upstreamPath] of [
    ['Bedrock', BEDROCK, '/converse'],
    ["Anthropic's API", ANTHROPIC, '/messages'],
  ] as const)
    for (const stream of [false, true])
      it(`from Claude on ${name}${stream ? ', streamed' : ''}: the hit is the miss's bytes, and its thinking goes back to Claude`, async () => {
        const q = { role: 'user', content: ask() };
        const { first, hit } = await missThenHit('/v1/messages', upstreamPath, turn(model, [q], stream));
        expect(content(first, stream)[0]).toMatchObject({ type: 'thinking', thinking: THOUGHT });
        const blocks = content(hit, stream);
        expect(blocks[0]).toMatchObject({ type: 'thinking', thinking: THOUGHT });
        expect(String(blocks[0]!.signature)).toContain(mockThinkingSignature(THOUGHT));
        expect(hit).toBe(first);
        const call = blocks.find((b) => b.type === 'tool_use')!;
        await post(
          '/v1/messages',
          turn(
            model,
            [
              q,
              { role: 'assistant', content: blocks },
              { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: 'Sunny' }] },
            ],
            stream,
          ),
          false,
        );
        const sent = lastSent();
        const assistant = (sent.messages as Obj[]).find((m) => m.role === 'assistant')!;
        if (name === 'Bedrock') {
          expect(sent.additionalModelRequestFields).toBeDefined();
          expect((assistant.content as Obj[])[0]).toEqual({
            reasoningContent: { reasoningText: { text: THOUGHT, signature: mockThinkingSignature(THOUGHT) } },
          });
        } else {
          expect(sent.thinking).toBeDefined();
          expect((assistant.content as Obj[])[0]).toMatchObject({ type: 'thinking', thinking: THOUGHT });
        }
      });
});

describe("a Chat client's reasoning_details, replayed from the cache", () => {
  const tools = [
    { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: {} } } },
  ];
  const turn = (model: string, messages: unknown[], stream: boolean) => ({
    model,
    reasoning_effort: 'low',
    max_tokens: 4000,
    tools,
    messages,
    ...(stream ? { stream: true } : {}),
  });
  /** The answer's message, a stream's put together as an OpenAI-format client does (reasoning_details too). */
  const message = (text: string, stream: boolean): Obj => {
    if (!stream) return ((JSON.parse(text) as Obj).choices as Obj[])[0]!.message as Obj;
    let content = '';
    let reasoning = '';
    const details: Obj[] = [];
    const calls: Obj[] = [];
    for (const chunk of dataOf(text)) {
      const delta = ((chunk.choices as Obj[] | undefined)?.[0]?.delta ?? {}) as Obj;
      if (typeof delta.content === 'string') content += delta.content;
      if (typeof delta.reasoning_content === 'string') reasoning += delta.reasoning_content;
      for (const d of (delta.reasoning_details as Obj[] | undefined) ?? []) details.push({ ...d });
      for (const tc of (delta.tool_calls as Obj[] | undefined) ?? []) {
        const fn = (tc.function ?? {}) as Obj;
        const at = calls.find((x) => x.index === tc.index);
        if (at) (at.function as Obj).arguments += String(fn.arguments ?? '');
        else
          calls.push({
            index: tc.index,
            id: tc.id,
            type: 'function',
            function: { name: fn.name, arguments: String(fn.arguments ?? '') },
          });
      }
    }
    return {
      role: 'assistant',
      content: content || null,
      reasoning_content: reasoning,
      reasoning_details: details,
      tool_calls: calls.map(({ index: _i, ...c }) => c),
    };
  };

  for (const [name, model, upstreamPath] of [
    ['Bedrock', BEDROCK, '/converse'],
    ["Anthropic's API", ANTHROPIC, '/messages'],
  ] as const)
    for (const stream of [false, true])
      it(`from Claude on ${name}${stream ? ', streamed' : ''}: the hit is the miss's bytes, and its thinking goes back to Claude`, async () => {
        const q = { role: 'user', content: ask() };
        const { first, hit } = await missThenHit(
          '/v1/chat/completions',
          upstreamPath,
          turn(model, [q], stream),
        );
        const m = message(hit, stream);
        expect(m.reasoning_content).toBe(`The user gave ${EMAIL}.`);
        expect((m.reasoning_details as Obj[])[0]).toMatchObject({ type: 'reasoning.text', text: THOUGHT });
        expect(String((m.reasoning_details as Obj[])[0]!.signature)).toContain(
          mockThinkingSignature(THOUGHT),
        );
        expect(hit).toBe(first);
        const call = (m.tool_calls as Obj[])[0]!;
        await post(
          '/v1/chat/completions',
          turn(model, [q, m, { role: 'tool', tool_call_id: call.id, content: 'Sunny' }], stream),
          false,
        );
        const sent = lastSent();
        const assistant = (sent.messages as Obj[]).find((x) => x.role === 'assistant')!;
        if (name === 'Bedrock')
          expect((assistant.content as Obj[])[0]).toEqual({
            reasoningContent: { reasoningText: { text: THOUGHT, signature: mockThinkingSignature(THOUGHT) } },
          });
        else {
          expect(sent.thinking).toBeDefined();
          expect((assistant.content as Obj[])[0]).toMatchObject({ type: 'thinking', thinking: THOUGHT });
        }
      });
});

describe("a Responses client's reasoning item (the gateway's envelope), replayed from the cache", () => {
  const tools = [{ type: 'function', name: 'get_weather', parameters: { type: 'object', properties: {} } }];
  const turn = (input: unknown[], stream: boolean) => ({
    model: ANTHROPIC,
    reasoning: { effort: 'low' },
    include: ['reasoning.encrypted_content'],
    tools,
    input,
    ...(stream ? { stream: true } : {}),
  });
  /**
   * The answer's output items; a stream's as a client builds them from output_item.done, each reasoning item's summary
   * checked against the summary text its delta and done events streamed.
   */
  const output = (text: string, stream: boolean): Obj[] => {
    if (!stream) return (JSON.parse(text) as Obj).output as Obj[];
    const events = dataOf(text);
    const items = events.filter((ev) => ev.type === 'response.output_item.done').map((ev) => ev.item as Obj);
    const deltas = events
      .filter((ev) => ev.type === 'response.reasoning_summary_text.delta')
      .map((ev) => ev.delta)
      .join('');
    const done = events.find((ev) => ev.type === 'response.reasoning_summary_text.done')!;
    const completed = events.find((ev) => ev.type === 'response.completed')!.response as Obj;
    const reasoning = items.find((it) => it.type === 'reasoning')!;
    const summary = (reasoning.summary as Obj[]).map((p) => p.text).join('');
    expect(deltas).toBe(summary);
    expect(done.text).toBe(summary);
    expect(completed.output).toEqual(items);
    return items;
  };

  for (const stream of [false, true])
    it(`the hit is the miss's bytes, and the item sent back gives Claude its thinking${stream ? ', streamed' : ''}`, async () => {
      const q = { role: 'user', content: ask() };
      const { first, hit } = await missThenHit('/v1/responses', '/messages', turn([q], stream));
      const items = output(hit, stream);
      const reasoning = items.find((it) => it.type === 'reasoning')!;
      expect(reasoning.summary).toEqual([{ type: 'summary_text', text: THOUGHT }]);
      expect(String(reasoning.encrypted_content)).toMatch(/^switchyard\.claude-thinking\.v1:/);
      expect(hit).toBe(first);
      const call = items.find((it) => it.type === 'function_call')!;
      await post(
        '/v1/responses',
        turn([q, ...items, { type: 'function_call_output', call_id: call.call_id, output: 'Sunny' }], stream),
        false,
      );
      const sent = lastSent();
      expect(sent.thinking).toBeDefined();
      const assistant = (sent.messages as Obj[]).find((m) => m.role === 'assistant')!;
      expect((assistant.content as Obj[])[0]).toEqual({
        type: 'thinking',
        thinking: THOUGHT,
        signature: mockThinkingSignature(THOUGHT),
      });
    });
});

// A Responses client that asks for its reasoning's encrypted content (Codex always does) served by a model that does not
// sign its reasoning: the item carries no envelope, its summary is the gateway's own text, restored like the answer's
// in every event (before, only the item was: the streamed summary deltas and done events showed the placeholder).
describe("a Responses client's reasoning from a model that does not sign it, include encrypted content", () => {
  const body = (q: string, stream: boolean) => ({
    model: 'up-deepseek/deepseek-chat',
    reasoning: { effort: 'low' },
    include: ['reasoning.encrypted_content'],
    input: [{ role: 'user', content: q }],
    ...(stream ? { stream: true } : {}),
  });

  for (const stream of [false, true])
    it(`reads the caller's value in the summary, live and on a hit${stream ? ', streamed' : ''}`, async () => {
      const { first, hit } = await missThenHit('/v1/responses', '/chat/completions', body(ask(), stream));
      for (const text of [first, hit]) {
        expect(text).not.toContain('[EMAIL_1]');
        const items = stream
          ? dataOf(text)
              .filter((ev) => ev.type === 'response.output_item.done')
              .map((ev) => ev.item as Obj)
          : ((JSON.parse(text) as Obj).output as Obj[]);
        const reasoning = items.find((it) => it.type === 'reasoning')!;
        expect(reasoning.summary).toEqual([{ type: 'summary_text', text: `The user gave ${EMAIL}.` }]);
        expect(reasoning.encrypted_content ?? null).toBeNull();
        if (stream) {
          const deltas = dataOf(text)
            .filter((ev) => ev.type === 'response.reasoning_summary_text.delta')
            .map((ev) => ev.delta)
            .join('');
          expect(deltas).toBe(`The user gave ${EMAIL}.`);
        }
      }
      expect(hit).toBe(first);
      lastSent();
    });
});

// Any thinking text (placeholders anywhere in it, split anywhere by the stream), any client format Claude's signatures
// reach, whole or streamed: the hit is the miss's bytes, never a 5xx.
describe('any signed thinking, replayed', () => {
  const targets = [
    { path: '/v1/messages', up: '/converse', model: BEDROCK },
    { path: '/v1/messages', up: '/messages', model: ANTHROPIC },
    { path: '/v1/chat/completions', up: '/converse', model: BEDROCK },
    { path: '/v1/chat/completions', up: '/messages', model: ANTHROPIC },
    { path: '/v1/responses', up: '/messages', model: ANTHROPIC },
    { path: '/v1/responses', up: '/converse', model: BEDROCK },
  ];
  const bodyFor = (path: string, model: string, q: string, stream: boolean): Obj => {
    const user = { role: 'user', content: q };
    const base = { model, ...(stream ? { stream: true } : {}) };
    if (path === '/v1/messages')
      return {
        ...base,
        max_tokens: 4000,
        thinking: { type: 'enabled', budget_tokens: 2048 },
        messages: [user],
      };
    if (path === '/v1/chat/completions') return { ...base, reasoning_effort: 'low', messages: [user] };
    return { ...base, reasoning: { effort: 'low' }, include: ['reasoning.encrypted_content'], input: [user] };
  };

  it('the hit is the miss, byte for byte', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.string({ minLength: 1 }), fc.constant('[EMAIL_1]'), fc.constant('[EMAIL_')), {
          minLength: 1,
          maxLength: 6,
        }),
        fc.constantFrom(...targets),
        fc.boolean(),
        async (parts, target, stream) => {
          const thought = parts.join('');
          const { first, hit } = await missThenHit(
            target.path,
            target.up,
            bodyFor(target.path, target.model, ask(), stream),
            thought,
          );
          expect(hit).toBe(first);
        },
      ),
      { numRuns: 24 },
    );
  });
});
