// A Bedrock Converse target behind the proxy (the test upstream speaks Converse and checks the SigV4 header): what
// Converse requires of a request, and what its answers' stop reasons become for each client format.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createProxyEnv, resetProxyEnv, type ProxyEnv } from '../test/proxy-env.js';

type Obj = Record<string, unknown>;

let env: ProxyEnv;
const MODEL = 'anthropic.claude-test-v1:0';

beforeAll(async () => {
  env = await createProxyEnv();
  const { prisma, secrets } = env.t.app.ctx;
  const key = 'AKIDEXAMPLE:wJalrXUtnFEMIbPxRfiCYEXAMPLEKEY';
  const p = await prisma.provider.create({
    data: {
      slug: 'up-bedrock',
      name: 'up-bedrock',
      type: 'bedrock',
      priority: 40,
      baseUrl: env.up.url,
      status: 'active',
      encryptedApiKey: secrets.encrypt(key),
      apiKeyLast4: key.slice(-4),
      config: { region: 'us-east-1' },
    },
  });
  await prisma.model.create({
    data: {
      providerId: p.id,
      modelId: MODEL,
      displayName: 'Claude on Bedrock',
      priceInputPer1M: 3,
      priceOutputPer1M: 15,
      contextWindow: 200_000,
      capabilities: ['chat', 'tools', 'streaming'],
    },
  });
  await env.t.app.routing.reload();
});
afterAll(async () => {
  await env?.close();
});
beforeEach(async () => {
  await resetProxyEnv(env);
});

async function post(path: string, body: Obj) {
  const res = await fetch(`${env.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${env.userKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, text: await res.text() };
}

/** The Converse request the upstream received last. */
function converseSent(): Obj {
  const r = env.up.requests.filter((q) => q.path.startsWith('/model/')).at(-1);
  if (!r) throw new Error('no Converse request reached the upstream');
  return r.body as Obj;
}

describe('tool history without tools in this turn', () => {
  // Converse rejects a request whose messages hold toolUse / toolResult blocks without a toolConfig ("The toolConfig
  // field must be defined when using toolUse and toolResult content blocks"). A client may well send such history
  // and no tools (a summary turn, a turn that must not call anything).
  it('an OpenAI-format client: the request goes with a toolConfig naming the tools the history used', async () => {
    const r = await post('/v1/chat/completions', {
      model: `up-bedrock/${MODEL}`,
      messages: [
        { role: 'user', content: 'What is it like in Oslo?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: 'call_1',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Oslo"}' },
            },
            { id: 'call_2', type: 'function', function: { name: 'get_time', arguments: '{"city":"Oslo"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: '12°C' },
        { role: 'tool', tool_call_id: 'call_2', content: '14:00' },
        { role: 'user', content: 'Summarise that in one line.' },
      ],
    });
    expect(r.status).toBe(200);
    const sent = converseSent();
    const tools = (sent.toolConfig as { tools: Array<{ toolSpec: Obj }> } | undefined)?.tools;
    expect(tools?.map((t) => t.toolSpec.name)).toEqual(['get_weather', 'get_time']);
    for (const t of tools!) expect((t.toolSpec.inputSchema as Obj).json).toMatchObject({ type: 'object' });
    expect((sent.toolConfig as Obj).toolChoice).toBeUndefined();
  });

  it('an Anthropic-format client likewise (tool_use and tool_result blocks, no tools)', async () => {
    const r = await post('/v1/messages', {
      model: `up-bedrock/${MODEL}`,
      max_tokens: 100,
      messages: [
        { role: 'user', content: 'What is it like in Oslo?' },
        {
          role: 'assistant',
          content: [{ type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Oslo' } }],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_1', content: '12°C' },
            { type: 'text', text: 'Summarise that in one line.' },
          ],
        },
      ],
    });
    expect(r.status).toBe(200);
    const tools = (converseSent().toolConfig as { tools: Array<{ toolSpec: Obj }> } | undefined)?.tools;
    expect(tools?.map((t) => t.toolSpec.name)).toEqual(['get_weather']);
  });

  it('a conversation without tool blocks still goes without a toolConfig', async () => {
    const r = await post('/v1/chat/completions', {
      model: `up-bedrock/${MODEL}`,
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(r.status).toBe(200);
    expect(converseSent().toolConfig).toBeUndefined();
  });
});
