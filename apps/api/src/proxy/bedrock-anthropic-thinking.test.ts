// Claude's signed thinking through an Anthropic-format client's round trip to Claude on Bedrock. Before, the gateway
// wrote Bedrock's thinking to an Anthropic client (Claude Code, the Anthropic SDK) with an empty signature, though
// Converse signs it (reasoningContent.reasoningText.signature), so the client could not give Claude its thinking back
// and the gateway turned thinking off for every turn continuing a tool call. Now the block carries Bedrock's
// signature (in the gateway's wrapping, which says it is Bedrock's: Claude on Anthropic's API and on Bedrock refuse
// each other's), whole and streamed (signature_delta), and comes back to Bedrock as its reasoningContent.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addBedrockProvider, BEDROCK_MODEL } from '../test/bedrock.js';
import { mockThinkingSignature } from '../test/mock-upstream.js';
import { createProxyEnv, type ProxyEnv } from '../test/proxy-env.js';
import { OpenaiChunksToAnthropic } from '../translate/messages-stream.js';
import { BEDROCK_THINKING_MARK } from '../translate/reasoning.js';
import { SIGNED_THINKING, type SignedThinkingBlock } from '../translate/signed-thinking.js';
import type { OaChunk } from '../translate/wire-types.js';

type Obj = Record<string, unknown>;

let e: ProxyEnv;

beforeAll(async () => {
  e = await createProxyEnv();
  await addBedrockProvider(e);
}, 180_000);
afterAll(async () => {
  await e?.close();
});

const BEDROCK = `up-bedrock/${BEDROCK_MODEL}`;
const ANTHROPIC = 'up-anthropic/claude-test';
const THOUGHT = 'I should look the weather up.';

const post = (body: object) =>
  fetch(`${e.url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${e.userKey}` },
    body: JSON.stringify(body),
  });

async function json(res: Response): Promise<Obj> {
  const text = await res.text();
  expect(res.status, text).toBe(200);
  return JSON.parse(text) as Obj;
}

/** A streamed Messages answer's content blocks, put together as the Anthropic SDK does from its events. */
async function streamedContent(res: Response): Promise<{ content: Obj[]; events: Obj[] }> {
  const text = await res.text();
  expect(res.status, text).toBe(200);
  const events: Obj[] = [];
  for (const block of text.split('\n\n')) {
    const data = /^data: (.*)$/m.exec(block)?.[1];
    if (data) events.push(JSON.parse(data) as Obj);
  }
  const content: Obj[] = [];
  const partial = new Map<number, string>();
  for (const ev of events) {
    const i = ev.index as number;
    if (ev.type === 'content_block_start') content[i] = { ...(ev.content_block as Obj) };
    else if (ev.type === 'content_block_delta') {
      const d = ev.delta as Obj;
      const b = content[i]!;
      if (d.type === 'thinking_delta') b.thinking = String(b.thinking) + String(d.thinking);
      else if (d.type === 'signature_delta') b.signature = d.signature;
      else if (d.type === 'text_delta') b.text = String(b.text) + String(d.text);
      else if (d.type === 'input_json_delta') partial.set(i, (partial.get(i) ?? '') + String(d.partial_json));
    } else if (ev.type === 'content_block_stop' && partial.has(i))
      content[i]!.input = JSON.parse(partial.get(i)!);
  }
  return { content, events };
}

const tools = [
  {
    name: 'get_weather',
    description: 'The weather in a city.',
    input_schema: { type: 'object', properties: { location: { type: 'string' } } },
  },
];
const question = { role: 'user', content: 'What is the weather in Paris?' };

/** A Messages request as Claude Code sends it: thinking on, the tools. */
const turn = (model: string, messages: unknown[], stream = false) => ({
  model,
  max_tokens: 8192,
  thinking: { type: 'enabled', budget_tokens: 2048 },
  tools,
  messages,
  ...(stream ? { stream: true } : {}),
});

/** The second turn's messages: the question, the first answer's content as it came, the tool's result. */
function secondTurn(content: Obj[]): unknown[] {
  const call = content.find((b) => b.type === 'tool_use')!;
  return [
    question,
    { role: 'assistant', content },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: 'Sunny, 21 °C' }] },
  ];
}

const lastSent = (path: string) => e.up.requests.filter((r) => r.path.endsWith(path)).at(-1)!.body as Obj;
const sentCount = (path: string) => e.up.requests.filter((r) => r.path.endsWith(path)).length;

/** The assistant turn Converse was sent. */
const converseAssistant = () =>
  (lastSent('/converse').messages as Obj[]).find((m) => m.role === 'assistant')!;

describe("an Anthropic client's tool loop to Claude on Bedrock with thinking on", () => {
  it("gets Bedrock's signature on the thinking block and gives it back: thinking stays on", async () => {
    e.up.script({ path: '/converse', reasoning: THOUGHT });
    const first = await json(await post(turn(BEDROCK, [question])));
    const content = first.content as Obj[];
    expect(content.map((b) => b.type)).toEqual(['thinking', 'tool_use']);
    expect(content[0]!.thinking).toBe(THOUGHT);
    expect(typeof content[0]!.signature).toBe('string');
    expect(String(content[0]!.signature)).toContain(mockThinkingSignature(THOUGHT));

    const second = await json(await post(turn(BEDROCK, secondTurn(content))));
    expect(second.type).toBe('message');
    const sent = lastSent('/converse');
    expect(sent.additionalModelRequestFields).toBeDefined();
    expect((converseAssistant().content as Obj[])[0]).toEqual({
      reasoningContent: { reasoningText: { text: THOUGHT, signature: mockThinkingSignature(THOUGHT) } },
    });
  });

  it('streamed: a signature_delta closes the thinking block, and it comes back the same', async () => {
    e.up.script({ path: '/converse-stream', reasoning: THOUGHT });
    const { content, events } = await streamedContent(await post(turn(BEDROCK, [question], true)));
    expect(content.map((b) => b.type)).toEqual(['thinking', 'tool_use']);
    expect(content[0]!.thinking).toBe(THOUGHT);
    // As Claude streams it: the signature last, then the block's stop.
    const sig = events.findIndex((ev) => (ev.delta as Obj | undefined)?.type === 'signature_delta');
    expect(sig).toBeGreaterThan(0);
    expect(events[sig + 1]).toEqual({ type: 'content_block_stop', index: 0 });
    expect(String(content[0]!.signature)).toContain(mockThinkingSignature(THOUGHT));

    e.up.script({ path: '/converse-stream', reasoning: 'Sunny it is.' });
    const second = await streamedContent(await post(turn(BEDROCK, secondTurn(content), true)));
    expect(second.content.map((b) => b.type)).toContain('text');
    const sent = lastSent('/converse-stream');
    expect(sent.additionalModelRequestFields).toBeDefined();
    const assistant = (sent.messages as Obj[]).find((m) => m.role === 'assistant')!;
    expect((assistant.content as Obj[])[0]).toEqual({
      reasoningContent: { reasoningText: { text: THOUGHT, signature: mockThinkingSignature(THOUGHT) } },
    });
  });

  it('redacted thinking a client got from Bedrock goes back as its redactedContent', async () => {
    e.up.script({ path: '/converse', reasoning: THOUGHT });
    const first = await json(await post(turn(BEDROCK, [question])));
    const content = first.content as Obj[];
    // The wrapping the gateway gives Bedrock's thinking, on redacted thinking's data as on a signature.
    const wrap = String(content[0]!.signature).replace(mockThinkingSignature(THOUGHT), '');
    const redacted = { type: 'redacted_thinking', data: `${wrap}EncryptedThoughts==` };
    await json(await post(turn(BEDROCK, secondTurn([redacted, ...content]))));
    const blocks = converseAssistant().content as Obj[];
    expect(blocks[0]).toEqual({ reasoningContent: { redactedContent: 'EncryptedThoughts==' } });
    expect(blocks[1]).toEqual({
      reasoningContent: { reasoningText: { text: THOUGHT, signature: mockThinkingSignature(THOUGHT) } },
    });
  });

  it("Bedrock's signature is never sent to Anthropic's API (it refuses it): that block is left out there", async () => {
    e.up.script({ path: '/converse', reasoning: THOUGHT });
    const first = await json(await post(turn(BEDROCK, [question])));
    const content = first.content as Obj[];
    const before = sentCount('/messages');
    await json(await post(turn(ANTHROPIC, secondTurn(content))));
    expect(sentCount('/messages')).toBe(before + 1);
    const sent = lastSent('/messages');
    expect(JSON.stringify(sent)).not.toContain(mockThinkingSignature(THOUGHT));
    expect(JSON.stringify(sent.messages)).not.toContain('"thinking"');
    // The last turn called a tool and lost its thinking: thinking goes for this turn (Claude would refuse it).
    expect(sent.thinking).toBeUndefined();
  });

  it("Anthropic's signature is never sent to Claude on Bedrock: thinking off there", async () => {
    e.up.script({ path: '/messages', reasoning: THOUGHT });
    const first = await json(await post(turn(ANTHROPIC, [question])));
    const content = first.content as Obj[];
    expect(content[0]).toEqual({
      type: 'thinking',
      thinking: THOUGHT,
      signature: mockThinkingSignature(THOUGHT),
    });
    await json(await post(turn(BEDROCK, secondTurn(content))));
    const sent = lastSent('/converse');
    expect(sent.additionalModelRequestFields).toBeUndefined();
    expect(JSON.stringify(sent.messages)).not.toContain('reasoningContent');
    expect(JSON.stringify(sent)).not.toContain(mockThinkingSignature(THOUGHT));
  });

  it('Anthropic to Anthropic is relayed as before: its own signature goes back untouched, thinking on', async () => {
    e.up.script({ path: '/messages', reasoning: THOUGHT });
    const first = await json(await post(turn(ANTHROPIC, [question])));
    await json(await post(turn(ANTHROPIC, secondTurn(first.content as Obj[]))));
    const sent = lastSent('/messages');
    expect(sent.thinking).toBeDefined();
    const assistant = (sent.messages as Obj[]).find((m) => m.role === 'assistant')!;
    expect((assistant.content as Obj[])[0]).toEqual({
      type: 'thinking',
      thinking: THOUGHT,
      signature: mockThinkingSignature(THOUGHT),
    });
  });

  it('any thinking block or signature a client sends is answered without a 5xx, on either upstream', async () => {
    e.up.script({ path: '/converse', reasoning: THOUGHT });
    const first = await json(await post(turn(BEDROCK, [question])));
    const content = first.content as Obj[];
    const real = String(content[0]!.signature);
    const wrap = real.replace(mockThinkingSignature(THOUGHT), '');
    const str = fc.oneof(
      fc.string(),
      fc.constant(real),
      fc.constant(wrap),
      fc.string().map((s) => wrap + s),
      fc.constant(mockThinkingSignature(THOUGHT)),
      fc.anything(),
    );
    const block = fc.oneof(
      fc.record({
        type: fc.constant('thinking'),
        thinking: fc.oneof(fc.string(), fc.constant(THOUGHT)),
        signature: str,
      }),
      fc.record({ type: fc.constant('thinking'), thinking: fc.anything() }, { requiredKeys: [] }),
      fc.record({ type: fc.constant('redacted_thinking'), data: str }),
      fc.record({ type: fc.constant('redacted_thinking') }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(block, { maxLength: 3 }),
        fc.constantFrom(BEDROCK, ANTHROPIC),
        fc.boolean(),
        async (thinking, model, stream) => {
          const blocks = [...thinking, ...content.filter((b) => b.type !== 'thinking')];
          const res = await post(turn(model, secondTurn(blocks), stream));
          await res.text();
          expect(res.status).toBeLessThan(500);
        },
      ),
      { numRuns: 40 },
    );
  });
});

// With data protection on, Claude thinks about the placeholders the request was given, and signs that text: the
// thinking block a client gets is signed text, its placeholders kept (as Anthropic's own relayed thinking is), so the
// block it sends back is what Claude signed, whole and streamed.
describe("an Anthropic client's tool loop to Claude on Bedrock with data protection on", () => {
  const EMAIL = 'jane.doe@example.com';
  const DP = '/api/v1/llm/data-protection';
  const thought = 'The user gave [EMAIL_1].';
  const ask = { role: 'user', content: `What is the weather for ${EMAIL}?` };
  let admin: string;

  beforeAll(async () => {
    const { t } = e;
    admin = await t.tokenFor('admin');
    const org = await t.app.ctx.prisma.organization.create({
      data: { name: 'Acme', slug: 'acme-bedrock-dlp' },
    });
    await t.app.ctx.prisma.organizationMember.create({
      data: { orgId: org.id, userId: e.ids.user, role: 'member' },
    });
    await t.http
      .patch(`${DP}/status/org:${org.id}`)
      .set({ authorization: `Bearer ${admin}` })
      .send({ enabled: true })
      .expect(200);
    await t.app.routing.reload();
  });

  for (const stream of [false, true])
    it(`keeps the placeholder in the signed thinking and gives Claude its block back${stream ? ', streamed' : ''}`, async () => {
      e.up.script({ path: '/converse', reasoning: thought });
      const res = await post(turn(BEDROCK, [ask], stream));
      const content = stream ? (await streamedContent(res)).content : ((await json(res)).content as Obj[]);
      expect(content[0]).toMatchObject({ type: 'thinking', thinking: thought });
      expect(String(content[0]!.signature)).toContain(mockThinkingSignature(thought));
      const call = content.find((b) => b.type === 'tool_use')!;
      const next = await post(
        turn(
          BEDROCK,
          [
            ask,
            { role: 'assistant', content },
            { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: 'Sunny' }] },
          ],
          stream,
        ),
      );
      const text = await next.text();
      expect(next.status, text).toBe(200);
      const sent = e.up.requests.at(-1)!.body as Obj;
      expect(sent.additionalModelRequestFields).toBeDefined();
      const assistant = (sent.messages as Obj[]).find((m) => m.role === 'assistant')!;
      expect((assistant.content as Obj[])[0]).toEqual({
        reasoningContent: { reasoningText: { text: thought, signature: mockThinkingSignature(thought) } },
      });
      expect(JSON.stringify(e.up.requests.map((r) => r.body))).not.toContain(EMAIL);
    });
});

// The streamed encoder on its own: the pivot's chunks keep the upstream's order, so Claude's interleaved thinking (a
// block between two tool calls) stays where it came, each block signed; redacted thinking is a block of its own; a
// signature that does not sign the text streamed in the open block is left out.
describe('an Anthropic stream made from signed pivot chunks', () => {
  const chunk = (delta: Obj): OaChunk => ({
    id: 'c',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'm',
    choices: [{ index: 0, delta: delta as OaChunk['choices'][number]['delta'], finish_reason: null }],
  });
  const signed = (b: SignedThinkingBlock) => chunk({ [SIGNED_THINKING]: [b] });
  const call = (index: number, id: string) =>
    chunk({ tool_calls: [{ index, id, type: 'function', function: { name: 'f', arguments: '{}' } }] });
  const blocks = async (chunks: OaChunk[]) => {
    const s = new OpenaiChunksToAnthropic('m', 'msg_1');
    const sse = chunks.map((c) => s.push(c)).join('') + s.finish();
    return (await streamedContent(new Response(sse))).content;
  };

  it('keeps interleaved thinking between tool calls, each block with its signature', async () => {
    const content = await blocks([
      chunk({ reasoning_content: 'First.' }),
      signed({ type: 'thinking', thinking: 'First.', signature: 'sA', origin: 'bedrock' }),
      call(0, 't1'),
      chunk({ reasoning_content: 'Second.' }),
      signed({ type: 'thinking', thinking: 'Second.', signature: 'sB', origin: 'bedrock' }),
      signed({ type: 'redacted_thinking', data: 'R', origin: 'bedrock' }),
      call(1, 't2'),
    ]);
    expect(content).toEqual([
      { type: 'thinking', thinking: 'First.', signature: `${BEDROCK_THINKING_MARK}sA` },
      { type: 'tool_use', id: 't1', name: 'f', input: {} },
      { type: 'thinking', thinking: 'Second.', signature: `${BEDROCK_THINKING_MARK}sB` },
      { type: 'redacted_thinking', data: `${BEDROCK_THINKING_MARK}R` },
      { type: 'tool_use', id: 't2', name: 'f', input: {} },
    ]);
  });

  it('leaves a signature out when the open block streamed another text', async () => {
    const content = await blocks([
      chunk({ reasoning_content: 'Unsigned. ' }),
      chunk({ reasoning_content: 'Signed.' }),
      signed({ type: 'thinking', thinking: 'Signed.', signature: 'sA', origin: 'bedrock' }),
      chunk({ content: 'Hi' }),
    ]);
    expect(content).toEqual([
      { type: 'thinking', thinking: 'Unsigned. Signed.', signature: '' },
      { type: 'text', text: 'Hi' },
    ]);
  });
});
