// A model's config (its default request parameters) reaches the provider on every request routed to it that does
// not set them itself, in the client's format and through translation. Before, the Models page stored the JSON and
// no request ever got it.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { modelFamily } from '../providers/model-family.js';
import { addBedrockProvider } from '../test/bedrock.js';
import { createProxyEnv, type ProxyEnv } from '../test/proxy-env.js';

let e: ProxyEnv;
let admin: string;
let modelId: string;
const as = (token: string) => ({ authorization: `Bearer ${token}` });

beforeAll(async () => {
  e = await createProxyEnv();
  admin = await e.t.tokenFor('admin');
  modelId = (
    await e.t.app.ctx.prisma.model.findFirstOrThrow({
      where: { modelId: 'gpt-test', provider: { slug: 'up-openai' } },
    })
  ).id;
}, 180_000);
afterAll(async () => {
  await e?.close();
});

const setConfigOf = (id: string, config: unknown) =>
  e.t.http.put(`/api/v1/llm/models/${id}`).set(as(admin)).send({ config });
const setConfig = (config: unknown) => setConfigOf(modelId, config);
/** A model's default parameters set and live (the routing config reloaded). */
async function withDefaults(id: string, config: unknown): Promise<void> {
  const saved = await setConfigOf(id, config);
  expect(saved.status, saved.text).toBe(200);
  await e.t.app.routing.reload();
}

const post = (path: string, body: object, headers: Record<string, string> = {}) =>
  fetch(`${e.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${e.userKey}`, ...headers },
    body: JSON.stringify(body),
  });
const sent = () => e.up.requests.at(-1)!.body as Record<string, unknown>;
const hi = [{ role: 'user', content: 'hi' }];

describe("a model's default parameters", () => {
  it('are sent where the request does not set them; the client wins; an Anthropic client gets them translated', async () => {
    const saved = await setConfig({ temperature: 0.3, max_tokens: 2000, stop: 'END' });
    expect(saved.status, saved.text).toBe(200);
    expect(saved.body.config).toEqual({ temperature: 0.3, max_tokens: 2000, stop: 'END' });
    await e.t.app.routing.reload();

    expect((await post('/v1/chat/completions', { model: 'up-openai/gpt-test', messages: hi })).status).toBe(
      200,
    );
    expect(sent()).toMatchObject({ temperature: 0.3, max_tokens: 2000, stop: 'END' });

    const own = await post('/v1/chat/completions', {
      model: 'up-openai/gpt-test',
      messages: hi,
      temperature: 1,
      max_completion_tokens: 9,
    });
    expect(own.status).toBe(200);
    expect(sent()).toMatchObject({ temperature: 1, stop: 'END' });
    expect(sent().max_tokens).toBeUndefined();

    // Anthropic format in, OpenAI format out: stop → stop_sequences → stop; the client's max_tokens stands.
    const viaMessages = await post(
      '/v1/messages',
      { model: 'up-openai/gpt-test', max_tokens: 5, messages: hi },
      { 'anthropic-version': '2023-06-01' },
    );
    expect(viaMessages.status, await viaMessages.clone().text()).toBe(200);
    expect(sent()).toMatchObject({ temperature: 0.3, stop: ['END'] });
    expect(sent().max_tokens ?? sent().max_completion_tokens).toBe(5);

    // Removed: requests go as they came.
    expect((await setConfig({})).status).toBe(200);
    await e.t.app.routing.reload();
    await post('/v1/chat/completions', { model: 'up-openai/gpt-test', messages: hi });
    expect(sent().temperature).toBeUndefined();
  });

  it('an unknown parameter or a bad value is a 400 naming it, and nothing is stored', async () => {
    const unknown = await setConfig({ temperature: 0.2, mystery: 1 });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toMatch(/config/);
    expect(unknown.body.error.message).toMatch(/mystery/);
    const bad = await setConfig({ temperature: 7 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^config\.temperature: must be between 0 and 2/);
    const row = await e.t.app.ctx.prisma.model.findUniqueOrThrow({ where: { id: modelId } });
    expect(row.config).toEqual({});
  });
});

// Claude models from Opus 4.1 and Sonnet 4.5 on refuse `temperature` and `top_p` together (a 400 "cannot both be
// specified"), which OpenAI-format clients and SDK defaults often send: translated to Anthropic, the request keeps
// `temperature` and leaves `top_p` out (Anthropic's own advice is to set one of them), so it is answered.
describe('sampling parameters translated to Claude', () => {
  it('an OpenAI-format request with temperature and top_p is answered, sending temperature only', async () => {
    const both = await post('/v1/chat/completions', {
      model: 'up-anthropic/claude-test',
      messages: hi,
      temperature: 0.4,
      top_p: 0.9,
    });
    expect(both.status, await both.clone().text()).toBe(200);
    expect(sent()).toMatchObject({ temperature: 0.4 });
    expect(sent()).not.toHaveProperty('top_p');
    // One of them alone goes as it is.
    const alone = await post('/v1/chat/completions', {
      model: 'up-anthropic/claude-test',
      messages: hi,
      top_p: 0.7,
    });
    expect(alone.status).toBe(200);
    expect(sent()).toMatchObject({ top_p: 0.7 });
  });
});

// A model's default parameters fill in what the client left unset; they never displace what it set. Claude takes one
// of temperature and top_p: a client's top_p with a default temperature added used to reach it as temperature only
// (translated: the pair reduced to temperature), or as both and refused (Anthropic format, sent as it came).
describe("a Claude model's default sampling parameters", () => {
  let claudeId: string;
  beforeAll(async () => {
    claudeId = (
      await e.t.app.ctx.prisma.model.findFirstOrThrow({
        where: { modelId: 'claude-test', provider: { slug: 'up-anthropic' } },
      })
    ).id;
  });
  afterEach(async () => {
    await withDefaults(claudeId, {});
  });

  it("a default temperature does not displace the client's top_p, in either format", async () => {
    await withDefaults(claudeId, { temperature: 0.3 });
    const chat = await post('/v1/chat/completions', {
      model: 'up-anthropic/claude-test',
      messages: hi,
      top_p: 0.7,
    });
    expect(chat.status, await chat.clone().text()).toBe(200);
    expect(sent()).toMatchObject({ top_p: 0.7 });
    expect(sent()).not.toHaveProperty('temperature');

    const messages = await post(
      '/v1/messages',
      { model: 'up-anthropic/claude-test', max_tokens: 5, messages: hi, top_p: 0.7 },
      { 'anthropic-version': '2023-06-01' },
    );
    expect(messages.status, await messages.clone().text()).toBe(200);
    expect(sent()).toMatchObject({ top_p: 0.7 });
    expect(sent()).not.toHaveProperty('temperature');

    // No sampling parameter from the client: the default applies.
    expect(
      (await post('/v1/chat/completions', { model: 'up-anthropic/claude-test', messages: hi })).status,
    ).toBe(200);
    expect(sent()).toMatchObject({ temperature: 0.3 });
  });

  it('a default top_p does not join the client temperature; both as defaults, temperature goes alone', async () => {
    await withDefaults(claudeId, { temperature: 0.3, top_p: 0.8 });
    const own = await post(
      '/v1/messages',
      { model: 'up-anthropic/claude-test', max_tokens: 5, messages: hi, temperature: 0.9 },
      { 'anthropic-version': '2023-06-01' },
    );
    expect(own.status, await own.clone().text()).toBe(200);
    expect(sent()).toMatchObject({ temperature: 0.9 });
    expect(sent()).not.toHaveProperty('top_p');

    const none = await post(
      '/v1/messages',
      { model: 'up-anthropic/claude-test', max_tokens: 5, messages: hi },
      { 'anthropic-version': '2023-06-01' },
    );
    expect(none.status, await none.clone().text()).toBe(200);
    expect(sent()).toMatchObject({ temperature: 0.3 });
    expect(sent()).not.toHaveProperty('top_p');
  });

  it('an OpenAI model still gets a default temperature beside the client top_p (it takes both)', async () => {
    await withDefaults(modelId, { temperature: 0.3 });
    const r = await post('/v1/chat/completions', { model: 'up-openai/gpt-test', messages: hi, top_p: 0.7 });
    expect(r.status).toBe(200);
    expect(sent()).toMatchObject({ temperature: 0.3, top_p: 0.7 });
    await withDefaults(modelId, {});
  });
});

// OpenAI's reasoning models (o1, o3, o4-mini, gpt-5…) refuse `max_tokens` with a 400 and take
// `max_completion_tokens`. Behind a custom OpenAI-compatible base URL (a corporate proxy in front of OpenAI) the
// provider type does not say it is OpenAI: the model id does.
describe('an OpenAI reasoning model behind a custom OpenAI-compatible base URL', () => {
  let reasoningId: string;
  beforeAll(async () => {
    const { prisma, secrets } = e.t.app.ctx;
    const p = await prisma.provider.create({
      data: {
        slug: 'up-corp',
        name: 'up-corp',
        type: 'custom',
        priority: 50,
        baseUrl: `${e.up.url}/v1`,
        status: 'active',
        encryptedApiKey: secrets.encrypt('sk-corp-proxy-0000'),
        apiKeyLast4: '0000',
      },
    });
    reasoningId = (
      await prisma.model.create({
        data: {
          providerId: p.id,
          modelId: 'o3-mini',
          displayName: 'o3-mini',
          priceInputPer1M: 1.1,
          priceOutputPer1M: 4.4,
          contextWindow: 200_000,
          capabilities: ['chat', 'tools', 'streaming', 'json'],
        },
      })
    ).id;
    await e.t.app.routing.reload();
  });

  it('a translated request is answered, its cap sent as max_completion_tokens', async () => {
    const messages = await post(
      '/v1/messages',
      { model: 'up-corp/o3-mini', max_tokens: 50, messages: hi },
      { 'anthropic-version': '2023-06-01' },
    );
    expect(messages.status, await messages.clone().text()).toBe(200);
    expect(sent()).toMatchObject({ model: 'o3-mini', max_completion_tokens: 50 });
    expect(sent()).not.toHaveProperty('max_tokens');

    const responses = await post('/v1/responses', {
      model: 'up-corp/o3-mini',
      max_output_tokens: 60,
      input: 'hi',
    });
    expect(responses.status, await responses.clone().text()).toBe(200);
    expect(sent()).toMatchObject({ model: 'o3-mini', max_completion_tokens: 60 });
    expect(sent()).not.toHaveProperty('max_tokens');
  });

  it("a default cap goes as max_completion_tokens; an OpenAI-format client's own field goes as it sent it", async () => {
    await withDefaults(reasoningId, { max_tokens: 300 });
    const defaulted = await post('/v1/chat/completions', { model: 'up-corp/o3-mini', messages: hi });
    expect(defaulted.status, await defaulted.clone().text()).toBe(200);
    expect(sent()).toMatchObject({ max_completion_tokens: 300 });
    expect(sent()).not.toHaveProperty('max_tokens');

    const own = await post('/v1/chat/completions', {
      model: 'up-corp/o3-mini',
      messages: hi,
      max_completion_tokens: 9,
    });
    expect(own.status).toBe(200);
    expect(sent()).toMatchObject({ max_completion_tokens: 9 });
    expect(sent()).not.toHaveProperty('max_tokens');

    // Pass-through: the client's `max_tokens` is not rewritten (the client chose it; the upstream's answer is its).
    const chosen = await post('/v1/chat/completions', {
      model: 'up-corp/o3-mini',
      messages: hi,
      max_tokens: 20,
    });
    expect(sent()).toMatchObject({ max_tokens: 20 });
    expect(sent()).not.toHaveProperty('max_completion_tokens');
    expect(chosen.status).toBe(400);
    expect(await chosen.text()).toMatch(/max_completion_tokens/);
    await withDefaults(reasoningId, {});
  });
});

// OpenAI's reasoning models take only the default temperature and top_p (a 400 "Only the default (1) value is
// supported" otherwise). A model default the target refuses is not sent: before, an admin's default temperature on
// such a model made the provider refuse every request routed to it. The client's own value still goes as it sent it
// (its choice, and the provider's answer is the client's to read).
describe("an OpenAI reasoning model's default sampling parameters", () => {
  let reasoningId: string;
  beforeAll(async () => {
    reasoningId = (
      await e.t.app.ctx.prisma.model.findFirstOrThrow({
        where: { modelId: 'o3-mini', provider: { slug: 'up-corp' } },
      })
    ).id;
  });
  afterEach(async () => {
    await withDefaults(reasoningId, {});
  });

  it('a default temperature or top_p is not sent, in any format; the other defaults are', async () => {
    await withDefaults(reasoningId, { temperature: 0.3, top_p: 0.5, max_tokens: 300 });
    const chat = await post('/v1/chat/completions', { model: 'up-corp/o3-mini', messages: hi });
    expect(chat.status, await chat.clone().text()).toBe(200);
    expect(sent()).toMatchObject({ model: 'o3-mini', max_completion_tokens: 300 });
    expect(sent()).not.toHaveProperty('temperature');
    expect(sent()).not.toHaveProperty('top_p');

    const messages = await post(
      '/v1/messages',
      { model: 'up-corp/o3-mini', max_tokens: 50, messages: hi },
      { 'anthropic-version': '2023-06-01' },
    );
    expect(messages.status, await messages.clone().text()).toBe(200);
    expect(sent()).not.toHaveProperty('temperature');
    expect(sent()).not.toHaveProperty('top_p');

    const responses = await post('/v1/responses', { model: 'up-corp/o3-mini', input: 'hi' });
    expect(responses.status, await responses.clone().text()).toBe(200);
    expect(sent()).not.toHaveProperty('temperature');
    expect(sent()).not.toHaveProperty('top_p');
  });

  it('a default presence or frequency penalty is not sent either (the o-series refuses them); the provider answers', async () => {
    await withDefaults(reasoningId, { presence_penalty: 0.4, frequency_penalty: 0.2, seed: 7 });
    const chat = await post('/v1/chat/completions', { model: 'up-corp/o3-mini', messages: hi });
    expect(chat.status, await chat.clone().text()).toBe(200);
    expect(sent()).toMatchObject({ model: 'o3-mini', seed: 7 });
    expect(sent()).not.toHaveProperty('presence_penalty');
    expect(sent()).not.toHaveProperty('frequency_penalty');
  });

  it("the client's own temperature goes as sent, and the provider's refusal reaches the client", async () => {
    await withDefaults(reasoningId, { temperature: 0.3 });
    const own = await post('/v1/chat/completions', {
      model: 'up-corp/o3-mini',
      messages: hi,
      temperature: 0.5,
    });
    expect(sent()).toMatchObject({ temperature: 0.5 });
    expect(own.status).toBe(400);
    expect(await own.text()).toMatch(/temperature/);
  });

  it('with reasoning effort "none" (GPT-5.1 on, which then takes sampling parameters) the default goes', async () => {
    const { prisma } = e.t.app.ctx;
    const corp = await prisma.provider.findFirstOrThrow({ where: { slug: 'up-corp' } });
    const m = await prisma.model.create({
      data: { providerId: corp.id, modelId: 'gpt-5.1', displayName: 'gpt-5.1', capabilities: ['chat'] },
    });
    await withDefaults(m.id, { temperature: 0.3 });
    const none = await post('/v1/chat/completions', {
      model: 'up-corp/gpt-5.1',
      messages: hi,
      reasoning_effort: 'none',
    });
    expect(none.status, await none.clone().text()).toBe(200);
    expect(sent()).toMatchObject({ model: 'gpt-5.1', temperature: 0.3 });
    const low = await post('/v1/chat/completions', {
      model: 'up-corp/gpt-5.1',
      messages: hi,
      reasoning_effort: 'low',
    });
    expect(low.status, await low.clone().text()).toBe(200);
    expect(sent()).toMatchObject({ model: 'gpt-5.1', reasoning_effort: 'low' });
    expect(sent()).not.toHaveProperty('temperature');
    await prisma.model.delete({ where: { id: m.id } });
    await e.t.app.routing.reload();
  });
});

// GPT-5's chat model (gpt-5-chat-latest, what ChatGPT runs) is not a reasoning model: it takes temperature and top_p.
// Its id was read as one of the reasoning family's (gpt-5…), so an admin's default temperature on it was never sent.
describe('which OpenAI models are reasoning models', () => {
  it.each([
    ['gpt-5', 'openai-reasoning'],
    ['gpt-5-mini', 'openai-reasoning'],
    ['gpt-5-2025-08-07', 'openai-reasoning'],
    ['gpt-5.1', 'openai-reasoning'],
    ['gpt-5.1-chat-latest', 'openai-reasoning'],
    ['o3-mini', 'openai-reasoning'],
    ['openai/o3', 'openai-reasoning'],
    ['gpt-5-chat', 'openai-chat'],
    ['gpt-5-chat-latest', 'openai-chat'],
    ['openai/gpt-5-chat-latest', 'openai-chat'],
    ['gpt-4o', 'other'],
    ['gpt-4.1-mini', 'other'],
  ])('%s is %s', (id, family) => {
    expect(modelFamily({ modelId: id })).toBe(family);
  });

  it("gpt-5-chat-latest gets the model's default temperature, its cap as max_completion_tokens", async () => {
    const { prisma } = e.t.app.ctx;
    const corp = await prisma.provider.findFirstOrThrow({ where: { slug: 'up-corp' } });
    const m = await prisma.model.create({
      data: {
        providerId: corp.id,
        modelId: 'gpt-5-chat-latest',
        displayName: 'gpt-5-chat-latest',
        capabilities: ['chat'],
      },
    });
    await withDefaults(m.id, { temperature: 0.3, max_tokens: 400 });
    const chat = await post('/v1/chat/completions', { model: 'up-corp/gpt-5-chat-latest', messages: hi });
    expect(chat.status, await chat.clone().text()).toBe(200);
    expect(sent()).toMatchObject({
      model: 'gpt-5-chat-latest',
      temperature: 0.3,
      max_completion_tokens: 400,
    });
    expect(sent()).not.toHaveProperty('max_tokens');
    const messages = await post(
      '/v1/messages',
      { model: 'up-corp/gpt-5-chat-latest', max_tokens: 50, messages: hi },
      { 'anthropic-version': '2023-06-01' },
    );
    expect(messages.status, await messages.clone().text()).toBe(200);
    expect(sent()).toMatchObject({ temperature: 0.3, max_completion_tokens: 50 });
    await prisma.model.delete({ where: { id: m.id } });
    await e.t.app.routing.reload();
  });
});

// The upstream id does not always say which model it is: a Bedrock application inference profile is an ARN, an Azure
// deployment is named by its owner. The model's config names the model it serves (`baseModel`), and the gateway
// adapts the request to it as it does for a model whose id says it.
describe("a model whose upstream id does not say what it serves: the config's baseModel", () => {
  const ARN = 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123';
  let arnId: string;
  let azureId: string;
  beforeAll(async () => {
    const { prisma, secrets } = e.t.app.ctx;
    const bedrock = await addBedrockProvider(e);
    arnId = (
      await prisma.model.create({
        data: { providerId: bedrock, modelId: ARN, displayName: 'Claude (profile)', capabilities: ['chat'] },
      })
    ).id;
    const azure = await prisma.provider.create({
      data: {
        slug: 'up-azure',
        name: 'up-azure',
        type: 'azure-openai',
        priority: 60,
        baseUrl: e.up.url,
        status: 'active',
        encryptedApiKey: secrets.encrypt('azure-key-0000'),
        apiKeyLast4: '0000',
      },
    });
    azureId = (
      await prisma.model.create({
        data: {
          providerId: azure.id,
          modelId: 'prod-reasoner',
          displayName: 'Reasoner',
          capabilities: ['chat'],
        },
      })
    ).id;
    await e.t.app.routing.reload();
  });
  const converse = () => e.up.requests.at(-1)!;

  it('Claude behind a Bedrock inference profile ARN takes one of temperature and top_p', async () => {
    await withDefaults(arnId, { baseModel: 'anthropic.claude-sonnet-4-5-20250929-v1:0' });
    const both = await post('/v1/chat/completions', {
      model: `up-bedrock/${ARN}`,
      messages: hi,
      temperature: 0.4,
      top_p: 0.9,
    });
    expect(both.status, await both.clone().text()).toBe(200);
    expect(decodeURIComponent(converse().path)).toBe(`/model/${ARN}/converse`);
    expect((converse().body as { inferenceConfig: object }).inferenceConfig).toEqual({ temperature: 0.4 });

    // A default temperature does not join the client's top_p.
    await withDefaults(arnId, { baseModel: 'anthropic.claude-sonnet-4-5-20250929-v1:0', temperature: 0.3 });
    const topP = await post('/v1/chat/completions', { model: `up-bedrock/${ARN}`, messages: hi, top_p: 0.7 });
    expect(topP.status, await topP.clone().text()).toBe(200);
    expect((converse().body as { inferenceConfig: object }).inferenceConfig).toEqual({ topP: 0.7 });
  });

  it('an Azure deployment serving an OpenAI reasoning model gets its default cap as max_completion_tokens, no default temperature', async () => {
    await withDefaults(azureId, { baseModel: 'o3-mini', max_tokens: 300, temperature: 0.3 });
    const r = await post('/v1/chat/completions', { model: 'up-azure/prod-reasoner', messages: hi });
    expect(r.status, await r.clone().text()).toBe(200);
    expect(converse().path).toBe('/openai/deployments/prod-reasoner/chat/completions');
    expect(sent()).toMatchObject({ max_completion_tokens: 300 });
    expect(sent()).not.toHaveProperty('max_tokens');
    expect(sent()).not.toHaveProperty('temperature');
  });

  it('a translated request to a custom OpenAI-compatible upstream sends its cap as max_completion_tokens', async () => {
    const { prisma } = e.t.app.ctx;
    const corp = await prisma.provider.findFirstOrThrow({ where: { slug: 'up-corp' } });
    const m = await prisma.model.create({
      data: {
        providerId: corp.id,
        modelId: 'corp-reasoner',
        displayName: 'Reasoner',
        capabilities: ['chat'],
      },
    });
    await withDefaults(m.id, { baseModel: 'openai/o4-mini' });
    const r = await post(
      '/v1/messages',
      { model: 'up-corp/corp-reasoner', max_tokens: 50, messages: hi },
      { 'anthropic-version': '2023-06-01' },
    );
    expect(r.status, await r.clone().text()).toBe(200);
    expect(sent()).toMatchObject({ model: 'corp-reasoner', max_completion_tokens: 50 });
    expect(sent()).not.toHaveProperty('max_tokens');
    await prisma.model.delete({ where: { id: m.id } });
    await e.t.app.routing.reload();
  });

  it('the baseModel is validated, shown, and never sent upstream', async () => {
    const bad = await setConfigOf(azureId, { baseModel: 'o3 mini' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^config\.baseModel/);
    await withDefaults(azureId, { baseModel: 'o3-mini' });
    const shown = await e.t.http.get(`/api/v1/llm/models/${azureId}`).set(as(admin));
    expect(shown.status, shown.text).toBe(200);
    expect(shown.body.config).toEqual({ baseModel: 'o3-mini' });
    await post('/v1/chat/completions', { model: 'up-azure/prod-reasoner', messages: hi });
    expect(sent()).not.toHaveProperty('baseModel');
    expect(sent()).not.toHaveProperty('base_model');
  });
});
