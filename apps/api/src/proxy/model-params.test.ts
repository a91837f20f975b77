// A model's config (its default request parameters) reaches the provider on every request routed to it that does
// not set them itself, in the client's format and through translation. Before, the Models page stored the JSON and
// no request ever got it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

const setConfig = (config: unknown) =>
  e.t.http.put(`/api/v1/llm/models/${modelId}`).set(as(admin)).send({ config });

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
