import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generateGatewayKey, hashGatewayKey } from '../lib/key-format.js';
import { createProxyEnv, resetProxyEnv, type ProxyEnv } from '../test/proxy-env.js';

let env: ProxyEnv;
beforeAll(async () => {
  env = await createProxyEnv();
});
afterAll(async () => {
  await env?.close();
});

async function keyWith(data: {
  rpmLimit?: number;
  tpmLimit?: number;
  budgetUsd?: number;
  budgetPeriod?: string;
  allowedModels?: string[];
}) {
  const k = generateGatewayKey();
  await env.t.app.ctx.prisma.gatewayKey.create({
    data: {
      keyHash: k.hash,
      prefix: k.prefix,
      name: 'limited',
      ownerType: 'user',
      userId: env.ids.user,
      ...data,
    },
  });
  await env.t.app.routing.reload();
  return k.key;
}

/** The id of the key `keyWith` made. */
async function keyIdOf(key: string): Promise<string> {
  const k = await env.t.app.ctx.prisma.gatewayKey.findFirstOrThrow({
    where: { keyHash: hashGatewayKey(key) },
  });
  return k.id;
}

const call = (key: string, body: Record<string, unknown> = {}) =>
  fetch(`${env.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({
      model: 'up-openai/gpt-test',
      max_tokens: 1000,
      messages: [{ role: 'user', content: 'hi' }],
      ...body,
    }),
  });

describe('limits and budgets enforced by the proxy', () => {
  it('a key RPM limit admits exactly that many requests per minute, then 429 with Retry-After', async () => {
    const key = await keyWith({ rpmLimit: 5 });
    const results = await Promise.all(Array.from({ length: 12 }, () => call(key)));
    const ok = results.filter((r) => r.status === 200).length;
    const limited = results.filter((r) => r.status === 429);
    expect(ok).toBe(5);
    expect(limited).toHaveLength(7);
    expect(Number(limited[0]!.headers.get('retry-after'))).toBeGreaterThan(0);
    const body = (await limited[0]!.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('rate_limited');
  });

  it('budget race: 50 concurrent requests against a budget that allows 10 → at most 10 succeed and spend never exceeds the cap', async () => {
    // The mock upstream always reports 12 prompt / 5 completion tokens: $64e-6 per request at $2/$8 per 1M.
    const actual = (12 * 2 + 5 * 8) / 1e6;
    const cap = actual * 10;
    const key = await keyWith({ budgetUsd: cap, budgetPeriod: 'month' });
    const keyId = (
      await env.t.app.ctx.prisma.gatewayKey.findFirstOrThrow({
        where: { budgetUsd: { not: null } },
        orderBy: { createdAt: 'desc' },
      })
    ).id;
    const results = await Promise.all(Array.from({ length: 50 }, () => call(key, { max_tokens: 5 })));
    const ok = results.filter((r) => r.status === 200).length;
    const refused = results.filter((r) => r.status === 402);
    expect(ok).toBeGreaterThan(0);
    expect(ok).toBeLessThanOrEqual(10);
    expect(ok + refused.length).toBe(50);
    const body = (await refused[0]!.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('budget_exhausted');
    expect(body.error.message).toMatch(/key budget/);
    await env.flushUsage();
    const spent = await env.t.app.ctx.prisma.usageRecord.aggregate({
      _sum: { costUsd: true },
      where: { gatewayKeyId: keyId },
    });
    expect(Number(spent._sum.costUsd)).toBeCloseTo(ok * actual, 9);
    expect(Number(spent._sum.costUsd)).toBeLessThanOrEqual(cap + 1e-9);
  });

  it('a request for several answers (n) reserves the budget for each: one the budget cannot hold is refused before the call', async () => {
    // At $8 per 1M output tokens, 1,000 tokens are $0.008: a budget of $0.05 holds one answer of 1,000 tokens, and
    // not 128 of them ($1.02), which the provider would bill if each choice ran to max_tokens.
    const key = await keyWith({ budgetUsd: 0.05, budgetPeriod: 'month' });
    const before = env.up.requests.length;
    const many = await call(key, { n: 128 });
    expect(many.status).toBe(402);
    expect(((await many.json()) as { error: { code: string } }).error.code).toBe('budget_exhausted');
    expect(env.up.requests.length).toBe(before);
    expect((await call(key, { n: 2 })).status).toBe(200);
  });

  it('an allow-list refuses other models with 403', async () => {
    const key = await keyWith({ allowedModels: ['chat.default'] });
    expect((await call(key)).status).toBe(403);
    expect((await call(key, { model: 'chat.default' })).status).toBe(200);
  });
});

/** A whole OpenAI chat answer of `content` with the given usage object. */
const answerWith = (content: string, usage: unknown) => ({
  id: 'chatcmpl-x',
  object: 'chat.completion',
  created: 1_700_000_000,
  model: 'gpt-test',
  choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
  usage,
});

describe('limits and budgets against usage figures that are not sane numbers', () => {
  beforeEach(() => resetProxyEnv(env));

  it('a chat request carrying max_completion_tokens and max_tokens reserves by the larger', async () => {
    // Both caps go upstream: 7,000 output tokens at $8 per 1M are $0.056, which a budget of $0.04 cannot hold
    // (100 of them could be held 50 times over).
    const key = await keyWith({ budgetUsd: 0.04, budgetPeriod: 'month' });
    const before = env.up.requests.length;
    const r = await call(key, { max_completion_tokens: 100, max_tokens: 7000 });
    expect(r.status).toBe(402);
    expect(env.up.requests.length).toBe(before);
    expect((await call(key, { max_completion_tokens: 100, max_tokens: 200 })).status).toBe(200);
  });

  it('a figure that is not a number neither loses the usage record nor wedges the key’s budget', async () => {
    const key = await keyWith({ budgetUsd: 1, budgetPeriod: 'month' });
    const id = await keyIdOf(key);
    env.up.script({
      path: '/chat/completions',
      status: 200,
      body: answerWith('word '.repeat(400), {
        prompt_tokens: 12,
        completion_tokens: 'many',
        total_tokens: 'x',
      }),
    });
    const first = await call(key);
    expect(first.status).toBe(200);
    const firstId = first.headers.get('x-request-id')!;
    // The budget counter is settled with the call's cost: a NaN there refused every later call ("at $NaN").
    await new Promise((r) => setTimeout(r, 200));
    const second = await call(key);
    expect(second.status).toBe(200);
    await env.flushUsage();
    const row = await env.t.app.ctx.prisma.usageRecord.findFirst({ where: { requestId: firstId } });
    // The output figure it did not give is estimated from the answer's text (2,000 characters: 500 tokens).
    expect(row).toMatchObject({ gatewayKeyId: id, tokensIn: 12, tokensOut: 500 });
    expect(Number(row!.costUsd)).toBeCloseTo((12 * 2 + 500 * 8) / 1e6, 12);
    expect(await env.t.app.ctx.prisma.usageDeadLetter.count({ where: { requestId: firstId } })).toBe(0);
  });

  it('negative figures are not recorded and give no tokens back to a per-minute token limit', async () => {
    const key = await keyWith({ tpmLimit: 2000 });
    env.up.script({
      path: '/chat/completions',
      status: 200,
      body: answerWith('word '.repeat(400), {
        prompt_tokens: 12,
        completion_tokens: -100_000,
        total_tokens: -99_988,
      }),
    });
    const first = await call(key, { max_tokens: 500 });
    expect(first.status).toBe(200);
    await new Promise((r) => setTimeout(r, 200));
    // Each of these reserves ~1,900 tokens and uses 1,812: under a 2,000-token minute one fits, not ten.
    for (let i = 0; i < 10; i++)
      env.up.script({
        path: '/chat/completions',
        status: 200,
        body: answerWith('x', { prompt_tokens: 12, completion_tokens: 1800, total_tokens: 1812 }),
      });
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await call(key, { max_tokens: 1900 })).status);
    expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(1);
    await env.flushUsage();
    const row = await env.t.app.ctx.prisma.usageRecord.findFirst({
      where: { requestId: first.headers.get('x-request-id')! },
    });
    // A negative figure is none: the output is estimated from the answer's text (500 tokens).
    expect(row).toMatchObject({ tokensIn: 12, tokensOut: 500 });
    expect(Number(row!.costUsd)).toBeCloseTo((12 * 2 + 500 * 8) / 1e6, 12);
  });
});

describe('requests without max_tokens are reserved the most they may produce', () => {
  // Reserved 512 output tokens, a request without max_tokens could run to its model's whole output: a burst of them
  // spent a budget 1.7× over and used a tokens-per-minute limit 6.7× over. The test models list no max output, so
  // each is reserved the default cap (4,096 tokens), what the Anthropic translation sends as max_tokens.
  beforeEach(() => resetProxyEnv(env));
  const essay = (key: string, model = 'up-openai/gpt-test') =>
    fetch(`${env.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ model, messages: [{ role: 'user', content: 'write a long essay' }] }),
    });
  const longAnswer = () =>
    answerWith('x', { prompt_tokens: 12, completion_tokens: 4000, total_tokens: 4012 });
  const spentBy = async (key: string) => {
    await env.flushUsage();
    const s = await env.t.app.ctx.prisma.usageRecord.aggregate({
      _sum: { costUsd: true, tokensIn: true, tokensOut: true },
      where: { gatewayKeyId: await keyIdOf(key) },
    });
    return { usd: Number(s._sum.costUsd ?? 0), tokens: (s._sum.tokensIn ?? 0) + (s._sum.tokensOut ?? 0) };
  };

  it('a burst cannot spend past the budget, and the refusal says how to ask for less', async () => {
    const cap = ((12 * 2 + 4000 * 8) / 1e6) * 3; // three answers of 4,000 tokens at $8 per 1M
    const key = await keyWith({ budgetUsd: cap, budgetPeriod: 'month' });
    for (let i = 0; i < 20; i++)
      env.up.script({ path: '/chat/completions', status: 200, body: longAnswer() });
    const results = await Promise.all(Array.from({ length: 20 }, () => essay(key)));
    const refused = results.filter((r) => r.status === 402);
    expect(refused.length).toBeGreaterThan(0);
    expect((await spentBy(key)).usd).toBeLessThanOrEqual(cap + 1e-9);
    const body = (await refused[0]!.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('budget_exhausted');
    expect(body.error.message).toMatch(/set max_tokens to reserve less/);
  });

  it('a burst cannot use more tokens than a per-minute limit', async () => {
    const tpm = 3 * 4110; // three reservations of ~14 prompt + 4,096 output tokens
    const key = await keyWith({ tpmLimit: tpm });
    for (let i = 0; i < 20; i++)
      env.up.script({ path: '/chat/completions', status: 200, body: longAnswer() });
    const results = await Promise.all(Array.from({ length: 20 }, () => essay(key)));
    expect(results.filter((r) => r.status === 429).length).toBeGreaterThan(0);
    expect((await spentBy(key)).tokens).toBeLessThanOrEqual(tpm);
  });

  it('to an Anthropic model the reservation is the max_tokens the translation sends', async () => {
    const answer = (4096 * 15 + 12 * 3) / 1e6;
    const key = await keyWith({ budgetUsd: answer * 2, budgetPeriod: 'month' });
    for (let i = 0; i < 10; i++)
      env.up.script({
        path: '/messages',
        status: 200,
        body: {
          id: 'msg_1',
          type: 'message',
          role: 'assistant',
          model: 'claude-test',
          content: [{ type: 'text', text: 'x' }],
          stop_reason: 'max_tokens',
          stop_sequence: null,
          usage: { input_tokens: 12, output_tokens: 4096 },
        },
      });
    const results = await Promise.all(
      Array.from({ length: 10 }, () => essay(key, 'up-anthropic/claude-test')),
    );
    const sent = env.up.requests.filter((r) => r.path === '/v1/messages');
    expect(sent.every((r) => (r.body as { max_tokens: number }).max_tokens === 4096)).toBe(true);
    expect(results.filter((r) => r.status === 200).length).toBeLessThanOrEqual(2);
    expect((await spentBy(key)).usd).toBeLessThanOrEqual(answer * 2 + 1e-9);
  });
});

describe('what a reservation holds the request to', () => {
  beforeEach(() => resetProxyEnv(env));
  const post = (path: string, key: string, body: Record<string, unknown>) =>
    fetch(`${env.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify(body),
    });
  const capOf = (b: unknown) => {
    const o = b as { max_tokens?: number; max_completion_tokens?: number; max_output_tokens?: number };
    return o.max_completion_tokens ?? o.max_tokens ?? o.max_output_tokens ?? null;
  };

  it('embeddings and count_tokens write no output: a small tokens-per-minute limit holds them (no output reserved)', async () => {
    const key = await keyWith({ tpmLimit: 1000 });
    const emb = await post('/v1/embeddings', key, { model: 'up-openai/embed-test', input: 'hello world' });
    expect(emb.status, await emb.text()).toBe(200);
    const count = await fetch(`${env.url}/v1/messages/count_tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key, 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({
        model: 'up-anthropic/claude-test',
        messages: [{ role: 'user', content: 'hi' }],
      }),
    });
    expect(count.status, await count.text()).toBe(200);
  });

  it('a request without max_tokens that a budget or token limit reserved goes upstream with that cap', async () => {
    // The model has no registered max output: 4,096 tokens reserved, so the upstream may not write more.
    const budgeted = await keyWith({ budgetUsd: 10, budgetPeriod: 'month' });
    const chat = await post('/v1/chat/completions', budgeted, {
      model: 'up-openai/gpt-test',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(chat.status).toBe(200);
    const tpm = await keyWith({ tpmLimit: 100_000 });
    const resp = await post('/v1/responses', tpm, { model: 'up-openai/gpt-test', input: 'hi' });
    expect(resp.status).toBe(200);
    const sent = env.up.requests.map((r) => capOf(r.body));
    expect(sent).toEqual([4096, 4096]);
  });

  it('the client’s own cap, or no budget or token limit at all, leaves the request as sent', async () => {
    const budgeted = await keyWith({ budgetUsd: 10, budgetPeriod: 'month' });
    await post('/v1/chat/completions', budgeted, {
      model: 'up-openai/gpt-test',
      max_tokens: 300,
      messages: [{ role: 'user', content: 'hi' }],
    });
    const free = await keyWith({ rpmLimit: 1000 });
    await post('/v1/chat/completions', free, {
      model: 'up-openai/gpt-test',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(env.up.requests.map((r) => capOf(r.body))).toEqual([300, null]);
  });

  it('a fallback’s answer counts against the caller’s tokens-per-minute limit', async () => {
    // The first target's reservation on the key's limit was given back when it failed, and the fallback reserved
    // nothing there: a key could run past its limit through fallbacks.
    const key = await keyWith({ tpmLimit: 5000 });
    const ask = (max: number) =>
      post('/v1/chat/completions', key, {
        model: 'up-openai/gpt-test',
        max_tokens: max,
        messages: [{ role: 'user', content: 'hi' }],
      });
    env.up.script([
      { path: '/chat/completions', status: 401, body: { error: { message: 'bad key', type: 'auth' } } },
      {
        path: '/chat/completions',
        status: 200,
        body: answerWith('x', { prompt_tokens: 12, completion_tokens: 4000, total_tokens: 4012 }),
      },
    ]);
    const first = await ask(4500);
    expect(first.status).toBe(200);
    expect(first.headers.get('x-switchyard-attempts')).toBe('2');
    await env.flushUsage();
    const second = await ask(1000);
    expect(second.status).toBe(429);
  });
});

describe('a model’s default max_tokens is the cap of a request that sets none', () => {
  // The default goes upstream in its place, so it is what is reserved: one larger than the figure reserved ran past
  // the caller's limits, and a small one was refused for a reservation it could never use.
  beforeEach(() => resetProxyEnv(env));
  async function setDefaultCap(maxTokens: number | null) {
    await env.t.app.ctx.prisma.model.updateMany({
      where: { modelId: 'gpt-test' },
      data: { config: maxTokens === null ? {} : { max_tokens: maxTokens } },
    });
    await env.t.app.routing.reload();
  }
  afterAll(() => setDefaultCap(null));
  const ask = (key: string) =>
    fetch(`${env.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ model: 'up-openai/gpt-test', messages: [{ role: 'user', content: 'hi' }] }),
    });
  const sentCap = (i: number) => {
    const b = env.up.requests[i]!.body as { max_tokens?: number; max_completion_tokens?: number };
    return b.max_completion_tokens ?? b.max_tokens ?? null;
  };

  it('a default larger than a key’s token limit refuses the request, naming the default', async () => {
    await setDefaultCap(20_000);
    const small = await keyWith({ tpmLimit: 5000 });
    const refused = await ask(small);
    expect(refused.status).toBe(429);
    const body = (await refused.json()) as { error: { message: string } };
    expect(body.error.message).toMatch(/its model's default cap, 20000 tokens, is reserved/);
    expect(env.up.requests).toHaveLength(0);
    const large = await keyWith({ tpmLimit: 30_000 });
    expect((await ask(large)).status).toBe(200);
    expect(sentCap(0)).toBe(20_000);
  });

  it('a small default fits a small limit: only it is reserved', async () => {
    await setDefaultCap(100);
    const key = await keyWith({ tpmLimit: 1000 });
    expect((await ask(key)).status).toBe(200);
    expect(sentCap(0)).toBe(100);
  });
});

describe('the response cache and a cap the caller’s limits set', () => {
  it('an answer cut at a cap one key’s limits imposed is not served to a key that asked without one', async () => {
    const p = env.t.app.ctx.prisma;
    const org = await p.organization.create({ data: { name: 'Cap cache', slug: 'cap-cache' } });
    const orgKey = async (name: string, data: Record<string, unknown>) => {
      const k = generateGatewayKey();
      await p.gatewayKey.create({
        data: {
          keyHash: k.hash,
          prefix: k.prefix,
          name,
          ownerType: 'org',
          orgId: org.id,
          userId: null,
          ...data,
        },
      });
      return k.key;
    };
    const limited = await orgKey('limited', { tpmLimit: 100_000 });
    const free = await orgKey('free', {});
    await env.t.app.routing.reload();
    const ask = (key: string) =>
      fetch(`${env.url}/v1/chat/completions`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${key}`,
          'x-switchyard-cache': '600',
        },
        body: JSON.stringify({
          model: 'up-openai/gpt-test',
          messages: [{ role: 'user', content: 'write a long essay' }],
        }),
      });
    await resetProxyEnv(env);
    env.up.script({
      path: '/chat/completions',
      status: 200,
      body: {
        ...answerWith('cut...', { prompt_tokens: 12, completion_tokens: 4096, total_tokens: 4108 }),
        choices: [{ index: 0, message: { role: 'assistant', content: 'cut...' }, finish_reason: 'length' }],
      },
    });
    expect((await ask(limited)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    const b = await ask(free);
    const got = (await b.json()) as { choices: { finish_reason: string }[] };
    expect(env.up.requests).toHaveLength(2);
    expect(got.choices[0]!.finish_reason).toBe('stop');
  });
});

describe('requests with images are reserved what their images cost', () => {
  // A small body's prompt was estimated from its size alone: an image by URL (a few dozen characters) was reserved a
  // handful of tokens though the provider bills hundreds for it, so a burst of image requests was admitted together
  // and spent a budget several times over.
  beforeEach(() => resetProxyEnv(env));
  const image = (key: string) =>
    fetch(`${env.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({
        model: 'up-openai/gpt-test',
        max_tokens: 10,
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'What is in this picture?' },
              { type: 'image_url', image_url: { url: 'https://example.com/cat.png' } },
            ],
          },
        ],
      }),
    });

  it('a burst of image requests cannot spend past the budget', async () => {
    // The provider bills the image: 700 prompt tokens at $2 per 1M, 10 output tokens at $8 per 1M.
    const each = (700 * 2 + 10 * 8) / 1e6;
    const cap = each * 3;
    const key = await keyWith({ budgetUsd: cap, budgetPeriod: 'month' });
    for (let i = 0; i < 20; i++)
      env.up.script({
        path: '/chat/completions',
        status: 200,
        body: answerWith('a cat', { prompt_tokens: 700, completion_tokens: 10, total_tokens: 710 }),
      });
    const results = await Promise.all(Array.from({ length: 20 }, () => image(key)));
    expect(results.filter((r) => r.status === 402).length).toBeGreaterThan(0);
    await env.flushUsage();
    const s = await env.t.app.ctx.prisma.usageRecord.aggregate({
      _sum: { costUsd: true },
      where: { gatewayKeyId: await keyIdOf(key) },
    });
    expect(Number(s._sum.costUsd ?? 0)).toBeLessThanOrEqual(cap + 1e-9);
  });
});
