// Claude's signed thinking through an OpenAI-format client's own round trip. Before, the thinking block's signature was
// dropped when a Claude answer was translated for a Responses client, so the next turn of a tool loop (a coding agent
// such as Codex sending its reasoning items back) could not give Claude its signed thinking: the gateway turned
// thinking off for that turn (Claude requires a tool-continuing turn to open with its own signed thinking). Now the
// signature rides in the reasoning item's `encrypted_content` (the gateway's envelope) and comes back as the block.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addBedrockProvider, BEDROCK_MODEL } from '../test/bedrock.js';
import { mockThinkingSignature } from '../test/mock-upstream.js';
import { addDeepSeekProvider } from '../test/deepseek.js';
import { createProxyEnv, type ProxyEnv } from '../test/proxy-env.js';

type Obj = Record<string, unknown>;

let e: ProxyEnv;

beforeAll(async () => {
  e = await createProxyEnv();
  await addDeepSeekProvider(e);
  await addBedrockProvider(e);
}, 180_000);
afterAll(async () => {
  await e?.close();
});

const post = (path: string, body: object) =>
  fetch(`${e.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${e.userKey}` },
    body: JSON.stringify(body),
  });

async function json(res: Response): Promise<Obj> {
  const text = await res.text();
  expect(res.status, text).toBe(200);
  return JSON.parse(text) as Obj;
}

/** An SSE body's events: name and parsed data. */
async function events(res: Response): Promise<Array<{ event: string | undefined; data: Obj }>> {
  const text = await res.text();
  expect(res.status, text).toBe(200);
  const out: Array<{ event: string | undefined; data: Obj }> = [];
  for (const block of text.split('\n\n')) {
    const event = /^event: (.*)$/m.exec(block)?.[1];
    const data = /^data: (.*)$/m.exec(block)?.[1];
    if (data && data !== '[DONE]') out.push({ event, data: JSON.parse(data) as Obj });
  }
  return out;
}

const tools = [
  {
    type: 'function',
    name: 'get_weather',
    description: 'The weather in a city.',
    parameters: { type: 'object', properties: { location: { type: 'string' } } },
  },
];
const question = { role: 'user', content: [{ type: 'input_text', text: 'What is the weather in Paris?' }] };
const THOUGHT = 'I should look the weather up.';

/** A Responses request as Codex sends it: reasoning on, its encrypted content asked for, the tools. */
const codexTurn = (model: string, input: unknown[], stream = false) => ({
  model,
  reasoning: { effort: 'low' },
  include: ['reasoning.encrypted_content'],
  store: false,
  tools,
  input,
  ...(stream ? { stream: true } : {}),
});

/** The second turn's input: the question, the first turn's output items as they came, the tool's output. */
function secondTurnInput(output: Obj[]): unknown[] {
  const call = output.find((it) => it.type === 'function_call')!;
  return [
    question,
    ...output,
    { type: 'function_call_output', call_id: call.call_id, output: 'Sunny, 21 °C' },
  ];
}

const lastSent = (path: string) => e.up.requests.filter((r) => r.path.endsWith(path)).at(-1)!.body as Obj;

describe("a Responses client's tool loop to Claude with reasoning on", () => {
  it('gives Claude back its signed thinking on the next turn, and keeps thinking on (Anthropic API)', async () => {
    const model = 'up-anthropic/claude-test';
    e.up.script({ path: '/messages', reasoning: THOUGHT });
    const first = await json(await post('/v1/responses', codexTurn(model, [question])));
    const output = first.output as Obj[];
    expect(output.map((it) => it.type)).toEqual(['reasoning', 'function_call']);
    const signature = mockThinkingSignature(THOUGHT);
    expect(typeof output[0]!.encrypted_content).toBe('string');

    const second = await json(await post('/v1/responses', codexTurn(model, secondTurnInput(output))));
    expect(second.status).toBe('completed');
    const sent = lastSent('/messages');
    expect(sent.thinking).toBeDefined();
    const assistant = (sent.messages as Obj[]).find((m) => m.role === 'assistant')!;
    expect((assistant.content as Obj[])[0]).toEqual({ type: 'thinking', thinking: THOUGHT, signature });
  });

  it('streamed: the signature reaches the reasoning item at its end, and comes back the same', async () => {
    const model = 'up-anthropic/claude-test';
    e.up.script({ path: '/messages', reasoning: THOUGHT });
    const evs = await events(await post('/v1/responses', codexTurn(model, [question], true)));
    const doneItems = evs
      .filter((x) => x.event === 'response.output_item.done')
      .map((x) => x.data.item as Obj);
    const reasoning = doneItems.find((it) => it.type === 'reasoning')!;
    expect(typeof reasoning.encrypted_content).toBe('string');
    const completed = evs.find((x) => x.event === 'response.completed')!.data.response as Obj;
    const output = completed.output as Obj[];
    expect(output[0]).toEqual(reasoning);

    e.up.script({ path: '/messages', reasoning: 'Sunny it is.' });
    await events(await post('/v1/responses', codexTurn(model, secondTurnInput(output), true)));
    const sent = lastSent('/messages');
    expect(sent.thinking).toBeDefined();
    const assistant = (sent.messages as Obj[]).find((m) => m.role === 'assistant')!;
    expect((assistant.content as Obj[])[0]).toEqual({
      type: 'thinking',
      thinking: THOUGHT,
      signature: mockThinkingSignature(THOUGHT),
    });
  });

  it('on Bedrock alike (Converse reasoningContent with its signature)', async () => {
    const model = `up-bedrock/${BEDROCK_MODEL}`;
    e.up.script({ path: '/converse', reasoning: THOUGHT });
    const first = await json(await post('/v1/responses', codexTurn(model, [question])));
    const output = first.output as Obj[];
    expect(typeof output[0]!.encrypted_content).toBe('string');
    await json(await post('/v1/responses', codexTurn(model, secondTurnInput(output))));
    const sent = lastSent('/converse');
    expect(sent.additionalModelRequestFields).toBeDefined();
    const assistant = (sent.messages as Obj[]).find((m) => m.role === 'assistant')!;
    expect((assistant.content as Obj[])[0]).toEqual({
      reasoningContent: { reasoningText: { text: THOUGHT, signature: mockThinkingSignature(THOUGHT) } },
    });
  });

  it("Anthropic's signature is not given to Claude on Bedrock (neither takes the other's): thinking off there", async () => {
    e.up.script({ path: '/messages', reasoning: THOUGHT });
    const first = await json(await post('/v1/responses', codexTurn('up-anthropic/claude-test', [question])));
    await json(
      await post(
        '/v1/responses',
        codexTurn(`up-bedrock/${BEDROCK_MODEL}`, secondTurnInput(first.output as Obj[])),
      ),
    );
    const sent = lastSent('/converse');
    expect(sent.additionalModelRequestFields).toBeUndefined();
    expect(JSON.stringify(sent.messages)).not.toContain('reasoningContent');
  });

  it('to DeepSeek the same reasoning item is its reasoning_content, with no signature', async () => {
    e.up.script({ path: '/messages', reasoning: THOUGHT });
    const first = await json(await post('/v1/responses', codexTurn('up-anthropic/claude-test', [question])));
    await json(
      await post(
        '/v1/responses',
        codexTurn('up-deepseek/deepseek-chat', secondTurnInput(first.output as Obj[])),
      ),
    );
    const sent = lastSent('/chat/completions');
    const assistant = (sent.messages as Obj[]).find((m) => m.role === 'assistant')!;
    expect(assistant.reasoning_content).toBe(THOUGHT);
    expect(JSON.stringify(sent)).not.toContain(mockThinkingSignature(THOUGHT));
  });

  it("an encrypted_content that is not the gateway's is never sent to Claude as a signature (thinking off, as before)", async () => {
    e.up.script({ path: '/messages', reasoning: THOUGHT });
    const first = await json(await post('/v1/responses', codexTurn('up-anthropic/claude-test', [question])));
    const output = (first.output as Obj[]).map((it) =>
      it.type === 'reasoning' ? { ...it, encrypted_content: 'gAAAAABo-openai-own-opaque' } : it,
    );
    await json(await post('/v1/responses', codexTurn('up-anthropic/claude-test', secondTurnInput(output))));
    const sent = lastSent('/messages');
    expect(sent.thinking).toBeUndefined();
    expect(JSON.stringify(sent.messages)).not.toContain('gAAAAABo');
    expect(JSON.stringify(sent.messages)).not.toContain('"thinking"');
  });

  it("to OpenAI's own Responses API: its reasoning items go back untouched, the gateway's are left out", async () => {
    e.up.script({ path: '/messages', reasoning: THOUGHT });
    const first = await json(await post('/v1/responses', codexTurn('up-anthropic/claude-test', [question])));
    const own = { type: 'reasoning', id: 'rs_0a1b2c', summary: [], encrypted_content: 'gAAAAABo-openai-own' };
    await json(
      await post(
        '/v1/responses',
        codexTurn('up-openai/gpt-test', [own, ...secondTurnInput(first.output as Obj[])]),
      ),
    );
    const sent = lastSent('/responses');
    const reasoning = (sent.input as Obj[]).filter((it) => it.type === 'reasoning');
    expect(reasoning).toEqual([own]);
  });

  it('any encrypted_content a client sends is answered without a 5xx', async () => {
    e.up.script({ path: '/messages', reasoning: THOUGHT });
    const first = await json(await post('/v1/responses', codexTurn('up-anthropic/claude-test', [question])));
    const real = String((first.output as Obj[])[0]!.encrypted_content);
    const prefix = real.slice(0, real.indexOf(':') + 1);
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string(),
          fc.string().map((s) => prefix + s),
          fc.base64String().map((s) => prefix + s),
          fc.json().map((j) => prefix + Buffer.from(j).toString('base64url')),
          fc.anything().map((v) => v as unknown),
        ),
        fc.oneof(fc.string(), fc.constant(THOUGHT)),
        async (encrypted, summary) => {
          const output = (first.output as Obj[]).map((it) =>
            it.type === 'reasoning'
              ? { ...it, summary: [{ type: 'summary_text', text: summary }], encrypted_content: encrypted }
              : it,
          );
          const res = await post(
            '/v1/responses',
            codexTurn('up-anthropic/claude-test', secondTurnInput(output)),
          );
          await res.text();
          expect(res.status).toBeLessThan(500);
        },
      ),
      { numRuns: 40 },
    );
  });
});
