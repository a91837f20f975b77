// What one caller's key or request makes a provider answer must not take a model or a provider away from every
// other caller: the shared cooldowns (provider, provider × model) are for what is true of the provider's own
// account, never for a fact about a caller's own key or a caller's own request.
import { modelTarget } from '@switchyard/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generateGatewayKey } from '../lib/key-format.js';
import { createProxyEnv, resetProxyEnv, type ProxyEnv } from '../test/proxy-env.js';

let env: ProxyEnv;
beforeAll(async () => {
  env = await createProxyEnv();
});
afterAll(async () => {
  await env?.close();
});
// Each case starts from a clean slate of scripts, cooldowns and circuits.
beforeEach(() => resetProxyEnv(env));

const chat = (key: string, model = 'gpt-test') =>
  fetch(`${env.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
  });

/** A new user with a gateway key (and, when given, their own key for up-openai). */
async function newCaller(byokKey?: string): Promise<{ key: string; byokId: string | null }> {
  const { prisma, secrets } = env.t.app.ctx;
  const user = await env.t.createUser('user');
  const byok = byokKey
    ? await prisma.byokKey.create({
        data: {
          userId: user.id,
          providerId: env.ids.openai,
          encryptedKey: secrets.encrypt(byokKey),
          last4: byokKey.slice(-4),
          status: 'active',
        },
      })
    : null;
  const gk = generateGatewayKey();
  await prisma.gatewayKey.create({
    data: { keyHash: gk.hash, prefix: gk.prefix, name: 'caller', ownerType: 'user', userId: user.id },
  });
  await env.t.app.routing.reload();
  return { key: gk.key, byokId: byok?.id ?? null };
}

async function openaiModel(modelId: string) {
  return env.t.app.ctx.prisma.model.findFirstOrThrow({ where: { providerId: env.ids.openai, modelId } });
}

/** No shared cooldown on up-openai or on its `modelId`. */
async function expectNoSharedCooldown(modelId: string) {
  const m = await openaiModel(modelId);
  const view = env.t.app.routing.store.view();
  expect(view.cooldownUntil(env.ids.openai)).toBe(0);
  expect(view.cooldownUntil(modelTarget(env.ids.openai, m.id))).toBe(0);
}

const providerOf = (res: Response) => res.headers.get('x-switchyard-provider');
const authOf = (i: number) => String(env.up.requests[i]?.headers.authorization ?? '');

describe("a BYOK key without access to a model cools only that key's use of the model", () => {
  it('404 model_not_found on a BYOK key: that caller falls back; everyone else still gets up-openai', async () => {
    const BYOK = 'sk-user-own-no-access-0001';
    const byokUser = await newCaller(BYOK);
    env.up.script({
      path: '/chat/completions',
      status: 404,
      body: {
        error: {
          message: 'The model `gpt-test` does not exist or you do not have access to it.',
          type: 'invalid_request_error',
          param: null,
          code: 'model_not_found',
        },
      },
    });
    const first = await chat(byokUser.key);
    expect(first.status).toBe(200);
    expect(providerOf(first)).toBe('up-backup');
    expect(authOf(0)).toBe(`Bearer ${BYOK}`);

    // The provider's own account can serve the model: another caller is served by up-openai.
    await expectNoSharedCooldown('gpt-test');
    env.up.reset();
    const other = await chat(env.userKey);
    expect(other.status).toBe(200);
    expect(providerOf(other)).toBe('up-openai');

    // The BYOK caller skips up-openai for that model (their key cannot use it) ...
    env.up.reset();
    const again = await chat(byokUser.key);
    expect(providerOf(again)).toBe('up-backup');
    expect(env.up.requests).toHaveLength(1);
    // ... and their key still serves them the models it can use.
    env.up.reset();
    const big = await chat(byokUser.key, 'up-openai/big-test');
    expect(big.status).toBe(200);
    expect(authOf(0)).toBe(`Bearer ${BYOK}`);
  });
});

describe("a caller's invalid request, quoted back by the provider, cools nothing shared", () => {
  const invalidValue = (value: string) => ({
    error: {
      message: `Invalid value: '${value}'. Supported values are: 'system', 'assistant', 'user', 'function', 'tool', and 'developer'.`,
      type: 'invalid_request_error',
      param: 'messages[0].role',
      code: 'invalid_value',
    },
  });
  it.each([
    ['a role "billing" (the billing words)', 400, invalidValue('billing'), 400],
    [
      'a role naming a model that "is not available" (the model words)',
      400,
      invalidValue('my model is not available'),
      400,
    ],
    [
      'the same with no code, only the generic type',
      400,
      { error: { ...invalidValue('insufficient credits').error, code: null } },
      400,
    ],
    [
      'a 404 for a caller-given id that contains "model"',
      404,
      {
        error: {
          message: "Previous response with id 'resp_model_0001' not found.",
          type: 'invalid_request_error',
          param: 'previous_response_id',
          code: 'previous_response_not_found',
        },
      },
      200, // a 404 of something upstream (not the model): the same model on up-backup answers
    ],
  ] as const)(
    '%s: no provider or model cooldown; the next caller gets up-openai',
    async (_n, status, body, answered) => {
      env.up.script({ path: '/chat/completions', status, body });
      const res = await chat(env.userKey, 'up-openai/gpt-test');
      expect(res.status).toBe(answered);
      await expectNoSharedCooldown('gpt-test');
      const other = await newCaller();
      env.up.reset();
      const next = await chat(other.key);
      expect(next.status).toBe(200);
      expect(providerOf(next)).toBe('up-openai');
    },
  );

  it('a 400 invalid value is answered to the caller as their 400, with no fallback', async () => {
    env.up.script({ path: '/chat/completions', status: 400, body: invalidValue('billing') });
    const res = await chat(env.userKey);
    expect(res.status).toBe(400);
    expect(env.up.requests).toHaveLength(1);
  });
});

describe("a request too large for an account's tokens-per-minute limit is the request's own fault", () => {
  const tooLarge = (model: string) => ({
    path: '/chat/completions',
    status: 429,
    body: {
      error: {
        message: `Request too large for ${model} in organization org-abc on tokens per min (TPM): Limit 30000, Requested 250000. The input or output tokens must be reduced in order to run successfully. Visit https://platform.openai.com/account/rate-limits to learn more.`,
        type: 'tokens',
        param: null,
        code: 'rate_limit_exceeded',
      },
    },
  });

  it('only up-openai serves big-test: the caller gets a clear 413, and the next caller is served', async () => {
    env.up.script(tooLarge('big-test'));
    const res = await chat(env.userKey, 'big-test');
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(res.status).toBe(413);
    expect(body.error.code).toBe('request_too_large');
    expect(body.error.message).toMatch(/Request too large/);
    await expectNoSharedCooldown('big-test');
    const other = await newCaller();
    env.up.reset();
    const next = await chat(other.key, 'big-test');
    expect(next.status).toBe(200);
    expect(providerOf(next)).toBe('up-openai');
  });

  it('gpt-test: falls back to up-backup, and up-openai stays open to the next caller', async () => {
    env.up.script(tooLarge('gpt-test'));
    const res = await chat(env.userKey);
    expect(res.status).toBe(200);
    expect(providerOf(res)).toBe('up-backup');
    await expectNoSharedCooldown('gpt-test');
    env.up.reset();
    const next = await chat(env.userKey);
    expect(providerOf(next)).toBe('up-openai');
  });
});

describe("Anthropic's 413 request_too_large (a body over the API's byte limit) is the request's size, not its prompt's length", () => {
  const bodyTooLarge = {
    path: '/messages',
    status: 413,
    body: {
      type: 'error',
      error: { type: 'request_too_large', message: 'Request exceeds the maximum allowed number of bytes.' },
    },
  };

  async function claudeModel() {
    return env.t.app.ctx.prisma.model.findFirstOrThrow({
      where: { providerId: env.ids.anthropic, modelId: 'claude-test' },
    });
  }

  it('only up-anthropic serves claude-test: the caller gets 413 request_too_large, not a context-length 400', async () => {
    env.up.script(bodyTooLarge);
    const res = await chat(env.userKey, 'claude-test');
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(res.status).toBe(413);
    expect(body.error.code).toBe('request_too_large');
    expect(body.error.message).toMatch(/maximum allowed number of bytes/);
    const m = await claudeModel();
    const view = env.t.app.routing.store.view();
    expect(view.cooldownUntil(env.ids.anthropic)).toBe(0);
    expect(view.cooldownUntil(modelTarget(env.ids.anthropic, m.id))).toBe(0);
    env.up.reset();
    const next = await chat(env.userKey, 'claude-test');
    expect(next.status).toBe(200);
    expect(providerOf(next)).toBe('up-anthropic');
  });

  it('falls back to a target with a smaller context window (a larger window is not what it needs)', async () => {
    await env.t.app.ctx.prisma.alias.create({
      data: {
        name: 'claude-then-gpt',
        targets: [{ ref: 'up-anthropic/claude-test', weight: 1 }],
        fallbacks: ['up-openai/gpt-test'],
      },
    });
    await env.t.app.routing.reload();
    env.up.script(bodyTooLarge);
    const res = await chat(env.userKey, 'claude-then-gpt');
    expect(res.status).toBe(200);
    expect(providerOf(res)).toBe('up-openai');
    expect(env.up.requests.map((r) => r.path)).toEqual(['/v1/messages', '/v1/chat/completions']);
  });
});
