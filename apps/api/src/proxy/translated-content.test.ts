/**
 * What a translation between formats must carry for an SDK user: the documents (PDFs) a request attaches, the
 * tool calls of a stream whose chunks name no index, content blocks an upstream accepts, tool schemas a Gemini
 * upstream takes. Each through the gateway, against the test upstream, with the official SDKs.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { addBedrockProvider, BEDROCK_MODEL } from '../test/bedrock.js';
import { createProxyEnv, type ProxyEnv } from '../test/proxy-env.js';

type Obj = Record<string, unknown>;

let env: ProxyEnv;
let openai: OpenAI;
let anthropic: Anthropic;

const PDF_B64 = Buffer.from('%PDF-1.4\n% a test document\n').toString('base64');
const PDF_URL = `data:application/pdf;base64,${PDF_B64}`;

beforeAll(async () => {
  env = await createProxyEnv();
  const { prisma, secrets } = env.t.app.ctx;
  const gem = await prisma.provider.create({
    data: {
      slug: 'up-gemini',
      name: 'up-gemini',
      type: 'google',
      priority: 50,
      status: 'active',
      autoFallback: false,
      baseUrl: env.up.url,
      encryptedApiKey: secrets.encrypt('AIza-test-key'),
      apiKeyLast4: 'test',
    },
  });
  await prisma.model.create({
    data: {
      providerId: gem.id,
      modelId: 'gemini-test',
      displayName: 'gemini-test',
      priceInputPer1M: 1,
      priceOutputPer1M: 1,
      contextWindow: 100_000,
      capabilities: ['chat', 'tools', 'streaming'],
    },
  });
  // An OpenAI-compatible server without /responses: a Responses client is translated to chat for it.
  const compat = await prisma.provider.create({
    data: {
      slug: 'up-compat',
      name: 'up-compat',
      type: 'openai',
      priority: 60,
      status: 'active',
      autoFallback: false,
      baseUrl: `${env.up.url}/v1`,
      encryptedApiKey: secrets.encrypt('sk-compat-key'),
      apiKeyLast4: '-key',
      config: { responsesApi: false },
    },
  });
  await prisma.model.create({
    data: {
      providerId: compat.id,
      modelId: 'compat-test',
      displayName: 'compat-test',
      priceInputPer1M: 1,
      priceOutputPer1M: 1,
      contextWindow: 100_000,
      capabilities: ['chat', 'tools', 'streaming'],
    },
  });
  await addBedrockProvider(env);
  openai = new OpenAI({ apiKey: env.userKey, baseURL: `${env.url}/v1`, maxRetries: 0 });
  anthropic = new Anthropic({ apiKey: env.userKey, baseURL: env.url, maxRetries: 0 });
});
afterAll(async () => {
  await env?.close();
});
beforeEach(() => {
  env.up.reset();
});

/** The last request the test upstream received, as JSON. */
const sent = () => env.up.requests.at(-1)!.body as Obj;

describe('a document (PDF) attached to a request reaches an upstream of another format', () => {
  const chatWithFile = (model: string) =>
    openai.chat.completions.create({
      model,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Summarise the report.' },
            { type: 'file', file: { file_data: PDF_URL, filename: 'report.pdf' } },
          ],
        },
      ],
    });

  it('an OpenAI chat file part becomes an Anthropic document block', async () => {
    await chatWithFile('claude-test');
    const msgs = sent().messages as Array<{ content: Obj[] }>;
    expect(msgs[0]!.content).toEqual([
      { type: 'text', text: 'Summarise the report.' },
      {
        type: 'document',
        source: { type: 'base64', media_type: 'application/pdf', data: PDF_B64 },
        title: 'report.pdf',
      },
    ]);
  });

  it('an Anthropic document block becomes an OpenAI chat file part', async () => {
    await anthropic.messages.create({
      model: 'gpt-test',
      max_tokens: 100,
      messages: [
        {
          role: 'user',
          content: [
            {
              type: 'document',
              source: { type: 'base64', media_type: 'application/pdf', data: PDF_B64 },
              title: 'report.pdf',
            },
            { type: 'text', text: 'Summarise the report.' },
          ],
        },
      ],
    });
    const msgs = sent().messages as Array<{ content: unknown }>;
    expect(msgs[0]!.content).toEqual([
      { type: 'file', file: { file_data: PDF_URL, filename: 'report.pdf' } },
      { type: 'text', text: 'Summarise the report.' },
    ]);
  });

  it("an Anthropic plain-text document's text reaches an OpenAI chat upstream", async () => {
    await anthropic.messages.create({
      model: 'gpt-test',
      max_tokens: 100,
      messages: [
        {
          role: 'user',
          content: [
            {
              type: 'document',
              source: { type: 'text', media_type: 'text/plain', data: 'Revenue rose 4%.' },
            },
            { type: 'text', text: 'What rose?' },
          ],
        },
      ],
    });
    expect(JSON.stringify(sent().messages)).toContain('Revenue rose 4%.');
  });

  it('a Responses input_file becomes an Anthropic document block', async () => {
    await openai.responses.create({
      model: 'claude-test',
      input: [
        {
          role: 'user',
          content: [
            { type: 'input_file', file_data: PDF_URL, filename: 'report.pdf' },
            { type: 'input_text', text: 'Summarise the report.' },
          ],
        },
      ],
    });
    const msgs = sent().messages as Array<{ content: Obj[] }>;
    expect(msgs[0]!.content[0]).toEqual({
      type: 'document',
      source: { type: 'base64', media_type: 'application/pdf', data: PDF_B64 },
      title: 'report.pdf',
    });
  });

  it('an OpenAI chat file part becomes Gemini inline data', async () => {
    await chatWithFile('gemini-test');
    const contents = sent().contents as Array<{ parts: Obj[] }>;
    expect(contents[0]!.parts).toContainEqual({ inlineData: { mimeType: 'application/pdf', data: PDF_B64 } });
  });

  it('an OpenAI chat file part becomes a Bedrock Converse document block with a name Converse takes', async () => {
    await chatWithFile(BEDROCK_MODEL);
    const msgs = sent().messages as Array<{ content: Obj[] }>;
    const doc = msgs[0]!.content.find((b) => 'document' in b)?.document as Obj | undefined;
    expect(doc).toMatchObject({ format: 'pdf', source: { bytes: PDF_B64 } });
    // Converse names: letters, digits, single spaces, hyphens, parentheses and square brackets.
    expect(doc?.name).toMatch(/^[A-Za-z0-9\-()[\]]+( [A-Za-z0-9\-()[\]]+)*$/);
  });
});

describe('streamed parallel tool calls whose chunks name no index (some OpenAI-compatible servers)', () => {
  const chunk = (delta: Obj, finish: string | null = null) =>
    `data: ${JSON.stringify({
      id: 'chatcmpl-1',
      object: 'chat.completion.chunk',
      created: 1,
      model: 'gpt-test',
      choices: [{ index: 0, delta, finish_reason: finish }],
    })}\n\n`;
  // Two calls, each with its id on its first chunk and its arguments split over the chunks that follow.
  const events = [
    chunk({ role: 'assistant', content: null }),
    chunk({
      tool_calls: [{ id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '' } }],
    }),
    chunk({ tool_calls: [{ function: { arguments: '{"city":' } }] }),
    chunk({ tool_calls: [{ function: { arguments: '"Oslo"}' } }] }),
    chunk({
      tool_calls: [{ id: 'call_b', type: 'function', function: { name: 'get_time', arguments: '{"tz"' } }],
    }),
    chunk({ tool_calls: [{ function: { arguments: ':"CET"}' } }] }),
    chunk({}, 'tool_calls'),
    'data: [DONE]\n\n',
  ];
  const tools = [
    {
      name: 'get_weather',
      input_schema: { type: 'object' as const, properties: { city: { type: 'string' } } },
    },
    { name: 'get_time', input_schema: { type: 'object' as const, properties: { tz: { type: 'string' } } } },
  ];

  it('an Anthropic SDK stream gets two tool_use blocks with their own inputs', async () => {
    env.up.script({ path: '/chat/completions', events });
    const msg = await anthropic.messages
      .stream({
        model: 'gpt-test',
        max_tokens: 100,
        tools,
        messages: [{ role: 'user', content: 'Weather and time in Oslo?' }],
      })
      .finalMessage();
    expect(msg.stop_reason).toBe('tool_use');
    expect(msg.content).toEqual([
      { type: 'tool_use', id: 'call_a', name: 'get_weather', input: { city: 'Oslo' } },
      { type: 'tool_use', id: 'call_b', name: 'get_time', input: { tz: 'CET' } },
    ]);
  });

  it('a Responses stream gets two function calls with their own arguments', async () => {
    env.up.script({ path: '/chat/completions', events });
    const stream = openai.responses.stream({
      model: 'compat-test',
      input: 'Weather and time in Oslo?',
      tools: tools.map((t) => ({
        type: 'function' as const,
        name: t.name,
        parameters: t.input_schema,
        strict: false,
      })),
    });
    const res = await stream.finalResponse();
    const calls = res.output.filter((o) => o.type === 'function_call');
    expect(calls.map((c) => [c.call_id, c.name, JSON.parse(c.arguments)])).toEqual([
      ['call_a', 'get_weather', { city: 'Oslo' }],
      ['call_b', 'get_time', { tz: 'CET' }],
    ]);
  });
});

describe('content an Anthropic or Bedrock upstream accepts', () => {
  const withEmptyParts = (model: string) =>
    openai.chat.completions.create({
      model,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: '' },
            { type: 'text', text: 'Weather in Oslo?' },
          ],
        },
        {
          role: 'assistant',
          content: [{ type: 'text', text: '' }],
          tool_calls: [
            {
              id: 'call_1',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Oslo"}' },
            },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: 'Sunny' },
      ],
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }],
    });

  it('empty text parts of an OpenAI chat request are left out (Anthropic refuses empty text blocks)', async () => {
    await withEmptyParts('claude-test');
    const msgs = sent().messages as Array<{ content: Obj[] }>;
    const texts = msgs.flatMap((m) => m.content).filter((b) => b.type === 'text');
    expect(texts).toEqual([{ type: 'text', text: 'Weather in Oslo?' }]);
    expect(msgs[1]!.content).toEqual([
      { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Oslo' } },
    ]);
  });

  it('and left out for Bedrock Converse (which refuses a blank text block)', async () => {
    await withEmptyParts(BEDROCK_MODEL);
    const msgs = sent().messages as Array<{ content: Obj[] }>;
    const texts = msgs.flatMap((m) => m.content).filter((b) => 'text' in b);
    expect(texts).toEqual([{ text: 'Weather in Oslo?' }]);
  });
});

describe('tool schemas a Gemini upstream takes', () => {
  it("nullable types, const and oneOf become Gemini's schema (one type, nullable, enum, anyOf); keywords it has not are left out", async () => {
    await openai.chat.completions.create({
      model: 'gemini-test',
      messages: [{ role: 'user', content: 'Book it' }],
      tools: [
        {
          type: 'function',
          function: {
            name: 'book',
            parameters: {
              $schema: 'https://json-schema.org/draft/2020-12/schema',
              type: 'object',
              properties: {
                note: { type: ['string', 'null'], description: 'optional note' },
                kind: { const: 'flight' },
                seats: { type: 'array', items: { type: 'integer', exclusiveMinimum: 0 }, uniqueItems: true },
                when: {
                  oneOf: [
                    { type: 'string', format: 'date-time' },
                    { type: 'object', properties: { day: { type: 'string' } }, additionalProperties: false },
                  ],
                },
              },
              required: ['kind'],
              additionalProperties: false,
            },
          },
        },
      ],
    });
    const tools = sent().tools as Array<{ functionDeclarations: Array<{ parameters: Obj }> }>;
    expect(tools[0]!.functionDeclarations[0]!.parameters).toEqual({
      type: 'object',
      properties: {
        note: { type: 'string', nullable: true, description: 'optional note' },
        kind: { enum: ['flight'], type: 'string' },
        seats: { type: 'array', items: { type: 'integer' } },
        when: {
          anyOf: [
            { type: 'string', format: 'date-time' },
            { type: 'object', properties: { day: { type: 'string' } } },
          ],
        },
      },
      required: ['kind'],
    });
  });
});

/** The upstream refuses: an OpenAI chat answer with `refusal` (no content), whole or streamed in two pieces. */
const REFUSAL = "I'm sorry, I can't help with that.";
function scriptRefusal(model: string, stream: boolean) {
  if (!stream) {
    env.up.script({
      path: '/chat/completions',
      status: 200,
      body: {
        id: 'chatcmpl-r',
        object: 'chat.completion',
        created: 1,
        model,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: null, refusal: REFUSAL },
            finish_reason: 'stop',
          },
        ],
        usage: { prompt_tokens: 5, completion_tokens: 9, total_tokens: 14 },
      },
    });
    return;
  }
  const chunk = (delta: Obj, finish: string | null = null) =>
    `data: ${JSON.stringify({ id: 'chatcmpl-r', object: 'chat.completion.chunk', created: 1, model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  env.up.script({
    path: '/chat/completions',
    events: [
      chunk({ role: 'assistant', content: null, refusal: '' }),
      chunk({ refusal: REFUSAL.slice(0, 11) }),
      chunk({ refusal: REFUSAL.slice(11) }),
      chunk({}, 'stop'),
      'data: [DONE]\n\n',
    ],
  });
}

describe('an OpenAI refusal to an Anthropic client', () => {
  const refusal = REFUSAL;
  it('a whole answer stops with "refusal" and keeps the refusal text', async () => {
    scriptRefusal('gpt-test', false);
    const msg = await anthropic.messages.create({
      model: 'gpt-test',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'Something harmful' }],
    });
    expect(msg.stop_reason).toBe('refusal');
    expect(msg.content).toEqual([{ type: 'text', text: refusal }]);
  });

  it('a streamed one too', async () => {
    scriptRefusal('gpt-test', true);
    const msg = await anthropic.messages
      .stream({
        model: 'gpt-test',
        max_tokens: 100,
        messages: [{ role: 'user', content: 'Something harmful' }],
      })
      .finalMessage();
    expect(msg.stop_reason).toBe('refusal');
    expect(msg.content).toEqual([{ type: 'text', text: refusal }]);
  });
});

describe('an OpenAI chat refusal to a Responses client (a provider without /responses)', () => {
  const refusal = REFUSAL;
  it('a whole answer has the refusal as a refusal part', async () => {
    scriptRefusal('compat-test', false);
    const res = await openai.responses.create({ model: 'compat-test', input: 'Something harmful' });
    expect(res.output).toMatchObject([{ type: 'message', content: [{ type: 'refusal', refusal }] }]);
  });

  it('a streamed one too', async () => {
    scriptRefusal('compat-test', true);
    const stream = openai.responses.stream({ model: 'compat-test', input: 'Something harmful' });
    const deltas: string[] = [];
    stream.on('response.refusal.delta', (e) => deltas.push(e.delta));
    const res = await stream.finalResponse();
    expect(deltas.join('')).toBe(refusal);
    expect(res.output).toMatchObject([{ type: 'message', content: [{ type: 'refusal', refusal }] }]);
  });
});

describe("a document in an Anthropic tool result, to an OpenAI chat upstream (chat's tool messages take text only)", () => {
  it('follows the tool messages in a user message, as images do', async () => {
    await anthropic.messages.create({
      model: 'gpt-test',
      max_tokens: 100,
      tools: [{ name: 'fetch_report', input_schema: { type: 'object', properties: {} } }],
      messages: [
        { role: 'user', content: 'Get the report' },
        {
          role: 'assistant',
          content: [{ type: 'tool_use', id: 'toolu_1', name: 'fetch_report', input: {} }],
        },
        {
          role: 'user',
          content: [
            {
              type: 'tool_result',
              tool_use_id: 'toolu_1',
              content: [
                { type: 'text', text: 'Here it is' },
                // The SDK's types have no document in a tool result yet; the API takes it.
                {
                  type: 'document',
                  source: { type: 'base64', media_type: 'application/pdf', data: PDF_B64 },
                } as unknown as Anthropic.TextBlockParam,
              ],
            },
          ],
        },
      ],
    });
    const msgs = sent().messages as Array<{ role: string; content: unknown }>;
    const tool = msgs.find((m) => m.role === 'tool')!;
    expect(typeof tool.content).toBe('string');
    expect(msgs.at(-1)).toMatchObject({
      role: 'user',
      content: expect.arrayContaining([{ type: 'file', file: { file_data: PDF_URL } }]) as unknown,
    });
  });
});
