// Claude's signed thinking through an OpenAI Chat Completions client's round trip. Before, a Chat client was given
// Claude's thinking only as `reasoning_content`, without its signature, so the next turn of a tool loop could not give
// Claude its signed thinking back: the gateway turned thinking off for that turn (Claude requires a tool-continuing
// turn to open with its own signed thinking). Now the answer's message (a streamed delta too) carries OpenRouter's
// `reasoning_details`, one entry a block with its signature and where it was signed, and the assistant message the
// client sends back with them becomes Claude's blocks again, for a Claude upstream of that origin only.
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
  // OpenRouter, whose field reasoning_details is: a Chat client's request is relayed to it as it came.
  const { prisma, secrets } = e.t.app.ctx;
  const or = await prisma.provider.create({
    data: {
      slug: 'up-openrouter',
      name: 'up-openrouter',
      type: 'openrouter',
      priority: 60,
      baseUrl: `${e.up.url}/v1`,
      status: 'active',
      encryptedApiKey: secrets.encrypt('sk-or-v1-0000'),
      apiKeyLast4: '0000',
    },
  });
  await prisma.model.create({
    data: {
      providerId: or.id,
      modelId: 'or-claude',
      displayName: 'Claude via OpenRouter',
      capabilities: ['chat', 'tools', 'streaming'],
    },
  });
  const azure = await prisma.provider.create({
    data: {
      slug: 'up-azure',
      name: 'up-azure',
      type: 'azure-openai',
      priority: 70,
      baseUrl: e.up.url,
      status: 'active',
      encryptedApiKey: secrets.encrypt('azure-key-0000'),
      apiKeyLast4: '0000',
    },
  });
  await prisma.model.create({
    data: {
      providerId: azure.id,
      modelId: 'gpt-dep',
      displayName: 'Azure deployment',
      capabilities: ['chat', 'tools', 'streaming'],
    },
  });
  await addBedrockProvider(e);
}, 180_000);
afterAll(async () => {
  await e?.close();
});

const post = (body: object) =>
  fetch(`${e.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${e.userKey}` },
    body: JSON.stringify(body),
  });

async function json(res: Response): Promise<Obj> {
  const text = await res.text();
  expect(res.status, text).toBe(200);
  return JSON.parse(text) as Obj;
}

/** A streamed answer accumulated as an OpenAI-format client does, `reasoning_details` as OpenRouter's clients do. */
async function accumulated(res: Response): Promise<Obj> {
  const text = await res.text();
  expect(res.status, text).toBe(200);
  let content = '';
  let reasoning = '';
  const details: Obj[] = [];
  const calls: Obj[] = [];
  for (const block of text.split('\n\n')) {
    const data = /^data: (.*)$/m.exec(block)?.[1];
    if (!data || data === '[DONE]') continue;
    const chunk = JSON.parse(data) as Obj;
    const delta = ((chunk.choices as Obj[] | undefined)?.[0]?.delta ?? {}) as Obj;
    if (typeof delta.content === 'string') content += delta.content;
    if (typeof delta.reasoning_content === 'string') reasoning += delta.reasoning_content;
    for (const d of (delta.reasoning_details as Obj[] | undefined) ?? []) {
      const at = details.find((x) => x.index === d.index && x.type === d.type);
      if (at) Object.assign(at, { ...d, text: String(at.text ?? '') + String(d.text ?? '') });
      else details.push({ ...d });
    }
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
    ...(details.length ? { reasoning_details: details } : {}),
    tool_calls: calls.map(({ index: _i, ...c }) => c),
  };
}

const tools = [
  {
    type: 'function',
    function: {
      name: 'get_weather',
      description: 'The weather in a city.',
      parameters: { type: 'object', properties: { location: { type: 'string' } } },
    },
  },
];
const question = { role: 'user', content: 'What is the weather in Paris?' };
const THOUGHT = 'I should look the weather up.';

/** A Chat request as a coding agent sends it: reasoning on, the tools. */
const chatTurn = (model: string, messages: unknown[], stream = false) => ({
  model,
  reasoning_effort: 'low',
  max_tokens: 4000,
  tools,
  messages,
  ...(stream ? { stream: true } : {}),
});

/** The second turn: the question, the first turn's assistant message as it came, the tool's answer. */
function secondTurn(assistant: Obj): unknown[] {
  const call = (assistant.tool_calls as Obj[])[0]!;
  return [question, assistant, { role: 'tool', tool_call_id: call.id, content: 'Sunny, 21 °C' }];
}

const messageOf = (answer: Obj) => ((answer.choices as Obj[])[0]!.message ?? {}) as Obj;
const lastSent = (path: string) => e.up.requests.filter((r) => r.path.endsWith(path)).at(-1)!.body as Obj;
const sentAssistant = (sent: Obj) => (sent.messages as Obj[]).find((m) => m.role === 'assistant')!;

const ANTHROPIC = 'up-anthropic/claude-test';
const BEDROCK = `up-bedrock/${BEDROCK_MODEL}`;

describe("a Chat Completions client's tool loop to Claude with reasoning on", () => {
  it("gives Claude back its signed thinking on the next turn, and keeps thinking on (Anthropic's API)", async () => {
    e.up.script({ path: '/messages', reasoning: THOUGHT });
    const first = messageOf(await json(await post(chatTurn(ANTHROPIC, [question]))));
    expect(first.reasoning_content).toBe(THOUGHT);
    expect(first.reasoning_details).toEqual([
      {
        type: 'reasoning.text',
        text: THOUGHT,
        signature: mockThinkingSignature(THOUGHT),
        format: 'anthropic-claude-v1',
        index: 0,
      },
    ]);

    const second = await json(await post(chatTurn(ANTHROPIC, secondTurn(first))));
    expect(messageOf(second).role).toBe('assistant');
    const sent = lastSent('/messages');
    expect(sent.thinking).toBeDefined();
    expect((sentAssistant(sent).content as Obj[])[0]).toEqual({
      type: 'thinking',
      thinking: THOUGHT,
      signature: mockThinkingSignature(THOUGHT),
    });
  });

  it('streamed: the signature comes in delta.reasoning_details at the block end, and comes back the same', async () => {
    e.up.script({ path: '/messages', reasoning: THOUGHT });
    const first = await accumulated(await post(chatTurn(ANTHROPIC, [question], true)));
    expect(first.reasoning_content).toBe(THOUGHT);
    // The same as the whole answer gives.
    e.up.script({ path: '/messages', reasoning: THOUGHT });
    const whole = messageOf(await json(await post(chatTurn(ANTHROPIC, [question]))));
    expect(first.reasoning_details).toEqual(whole.reasoning_details);

    e.up.script({ path: '/messages', reasoning: 'Sunny it is.' });
    await accumulated(await post(chatTurn(ANTHROPIC, secondTurn(first), true)));
    const sent = lastSent('/messages');
    expect(sent.thinking).toBeDefined();
    expect((sentAssistant(sent).content as Obj[])[0]).toEqual({
      type: 'thinking',
      thinking: THOUGHT,
      signature: mockThinkingSignature(THOUGHT),
    });
  });

  it('on Bedrock alike (Converse reasoningContent with its signature), whole and streamed', async () => {
    for (const stream of [false, true]) {
      e.up.script({ path: '/converse', reasoning: THOUGHT });
      const res = await post(chatTurn(BEDROCK, [question], stream));
      const first = stream ? await accumulated(res) : messageOf(await json(res));
      const details = first.reasoning_details as Obj[];
      expect(details).toHaveLength(1);
      expect(details[0]!.signature).toBe(mockThinkingSignature(THOUGHT));
      expect(details[0]!.format).not.toBe('anthropic-claude-v1');

      const again = await post(chatTurn(BEDROCK, secondTurn(first), stream));
      expect(again.status, await again.text()).toBe(200);
      const sent = lastSent('/converse');
      expect(sent.additionalModelRequestFields).toBeDefined();
      expect((sentAssistant(sent).content as Obj[])[0]).toEqual({
        reasoningContent: { reasoningText: { text: THOUGHT, signature: mockThinkingSignature(THOUGHT) } },
      });
    }
  });

  it("Anthropic's signature is not given to Claude on Bedrock, nor Bedrock's to Anthropic's API: thinking off there", async () => {
    e.up.script({ path: '/messages', reasoning: THOUGHT });
    const fromAnthropic = messageOf(await json(await post(chatTurn(ANTHROPIC, [question]))));
    await json(await post(chatTurn(BEDROCK, secondTurn(fromAnthropic))));
    const toBedrock = lastSent('/converse');
    expect(toBedrock.additionalModelRequestFields).toBeUndefined();
    expect(JSON.stringify(toBedrock.messages)).not.toContain('reasoningContent');

    e.up.script({ path: '/converse', reasoning: THOUGHT });
    const fromBedrock = messageOf(await json(await post(chatTurn(BEDROCK, [question]))));
    await json(await post(chatTurn(ANTHROPIC, secondTurn(fromBedrock))));
    const toAnthropic = lastSent('/messages');
    expect(toAnthropic.thinking).toBeUndefined();
    expect(JSON.stringify(toAnthropic.messages)).not.toContain('"thinking"');
  });

  it('to an OpenAI-compatible upstream other than OpenRouter, reasoning_details is left out (DeepSeek, OpenAI, Azure)', async () => {
    // The assistant message as the gateway gives it after Claude's answer (the tests above).
    const first = {
      role: 'assistant',
      content: null,
      reasoning_content: THOUGHT,
      reasoning_details: [
        {
          type: 'reasoning.text',
          text: THOUGHT,
          signature: mockThinkingSignature(THOUGHT),
          format: 'anthropic-claude-v1',
          index: 0,
        },
      ],
      tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{}' } }],
    };
    for (const model of ['up-deepseek/deepseek-chat', 'up-openai/gpt-test', 'up-azure/gpt-dep']) {
      await json(await post(chatTurn(model, secondTurn(first))));
      const at = e.up.requests.at(-1)!;
      expect(at.path).toContain(model.endsWith('gpt-dep') ? 'gpt-dep' : '/chat/completions');
      const sent = at.body as Obj;
      expect(JSON.stringify(sent)).not.toContain('reasoning_details');
      expect(JSON.stringify(sent)).not.toContain(mockThinkingSignature(THOUGHT));
    }
    // OpenRouter takes it back as it gave it.
    await json(await post(chatTurn('up-openrouter/or-claude', secondTurn(first))));
    expect(sentAssistant(lastSent('/chat/completions')).reasoning_details).toEqual(first.reasoning_details);
  });

  it("reasoning_details that are not Claude's (another format, forged, malformed) never reach Claude: thinking off", async () => {
    const call = { id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{}' } };
    for (const details of [
      [{ type: 'reasoning.text', text: THOUGHT, signature: 'x', format: 'google-gemini-v1', index: 0 }],
      [{ type: 'reasoning.text', text: THOUGHT, format: 'anthropic-claude-v1', index: 0 }],
      [{ type: 'reasoning.text', text: 7, signature: 'x', format: 'anthropic-claude-v1', index: 0 }],
      'not an array',
    ]) {
      const assistant = { role: 'assistant', content: null, tool_calls: [call], reasoning_details: details };
      await json(await post(chatTurn(ANTHROPIC, secondTurn(assistant))));
      const sent = lastSent('/messages');
      expect(sent.thinking).toBeUndefined();
      expect(JSON.stringify(sent.messages)).not.toContain('"thinking"');
    }
  });

  it('any reasoning_details a client sends is answered without a 5xx', async () => {
    const call = { id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{}' } };
    const entry = fc.record(
      {
        type: fc.constantFrom('reasoning.text', 'reasoning.encrypted', 'reasoning.summary', 'x'),
        text: fc.oneof(fc.string(), fc.constant(THOUGHT), fc.anything()),
        signature: fc.oneof(fc.string(), fc.constant(mockThinkingSignature(THOUGHT)), fc.anything()),
        data: fc.oneof(fc.string(), fc.anything()),
        format: fc.constantFrom('anthropic-claude-v1', 'switchyard-bedrock-claude-v1', 'unknown', 7),
        index: fc.oneof(fc.nat(3), fc.anything()),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.array(entry, { maxLength: 4 }), fc.anything()),
        fc.constantFrom(ANTHROPIC, BEDROCK, 'up-openai/gpt-test'),
        fc.boolean(),
        async (details, model, stream) => {
          const assistant = {
            role: 'assistant',
            content: null,
            tool_calls: [call],
            reasoning_details: details,
          };
          const res = await post(chatTurn(model, secondTurn(assistant), stream));
          await res.text();
          expect(res.status).toBeLessThan(500);
        },
      ),
      { numRuns: 40 },
    );
  });
});
