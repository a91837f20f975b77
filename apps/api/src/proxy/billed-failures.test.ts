// A failed attempt the provider billed all the same (it reported usage): Bedrock's Converse bills a turn it stopped
// as malformed (malformed_model_output, malformed_tool_use) like any other. The attempt fails and the request goes
// on (a retry, a fallback), but what the failed call cost is the request's: in its record and in its budgets.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { budgetKey } from '@switchyard/core';
import { generateGatewayKey } from '../lib/key-format.js';
import { createProxyEnv, resetProxyEnv, type ProxyEnv } from '../test/proxy-env.js';
import { addBedrockProvider, BEDROCK_MODEL } from '../test/bedrock.js';

let env: ProxyEnv;
let bedrockId: string;
const MODEL = BEDROCK_MODEL;

beforeAll(async () => {
  env = await createProxyEnv();
  bedrockId = await addBedrockProvider(env);
});
afterAll(async () => {
  await env?.close();
});
beforeEach(async () => {
  await resetProxyEnv(env);
  await env.t.app.routing.resetState(bedrockId, null);
});

describe('a malformed answer Bedrock billed (it reported usage)', () => {
  // Converse bills a turn it stopped as malformed like any other (its usage says so): the attempt fails and the
  // request goes on, but what that attempt cost is the request's all the same, in its record and in its budget.
  /** The mock's Converse usage (12 in, 5 out) at the Bedrock model's price (3 and 15 per 1M). */
  const BEDROCK_TURN_USD = (12 * 3 + 5 * 15) / 1e6;

  async function budgetedKey() {
    const k = generateGatewayKey();
    const row = await env.t.app.ctx.prisma.gatewayKey.create({
      data: {
        keyHash: k.hash,
        prefix: k.prefix,
        name: 'budgeted',
        ownerType: 'user',
        userId: env.ids.user,
        budgetUsd: 1000,
        budgetPeriod: 'month',
      },
    });
    await env.t.app.routing.reload();
    return { key: k.key, id: row.id };
  }

  async function chat(key: string, model: string) {
    const res = await fetch(`${env.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model, messages: [{ role: 'user', content: 'Hi' }] }),
    });
    return { status: res.status, text: await res.text(), id: res.headers.get('x-request-id')!, res };
  }

  async function rowOf(requestId: string) {
    await env.flushUsage();
    const row = await env.t.app.ctx.prisma.usageRecord.findFirst({ where: { requestId } });
    if (!row) throw new Error(`no usage record for ${requestId}`);
    return row;
  }

  const spent = async (keyId: string) =>
    (
      await env.t.app.routing.store.read([
        budgetKey({ scope: 'key', id: keyId, period: 'month' }, Date.now()),
      ])
    )[0] ?? 0;

  const converseCalls = () => env.up.requests.filter((q) => q.path.endsWith('/converse')).length;

  it('then a fallback answers: the record and the budget hold both attempts’ cost', async () => {
    await env.t.app.ctx.prisma.alias.create({
      data: {
        name: 'bedrock-then-gpt',
        targets: [{ ref: `up-bedrock/${MODEL}`, weight: 1 }],
        fallbacks: ['up-openai/gpt-test'],
      },
    });
    await env.t.app.routing.reload();
    // The fallback's answer alone, for what it costs.
    const alone = await rowOf((await chat(env.userKey, 'up-openai/gpt-test')).id);
    expect(Number(alone.costUsd)).toBeGreaterThan(0);
    env.up.reset();

    const { key, id } = await budgetedKey();
    env.up.script(
      Array.from({ length: 6 }, () => ({ path: '/converse', stopReason: 'malformed_model_output' })),
    );
    const r = await chat(key, 'bedrock-then-gpt');
    expect(r.status).toBe(200);
    expect(r.res.headers.get('x-switchyard-provider')).toBe('up-openai');
    const billed = converseCalls();
    expect(billed).toBeGreaterThanOrEqual(1);

    const row = await rowOf(r.id);
    const expected = Number(alone.costUsd) + billed * BEDROCK_TURN_USD;
    expect(row).toMatchObject({ status: 200, providerSlug: 'up-openai', modelId: 'gpt-test', isByok: false });
    expect(Number(row.costUsd)).toBeCloseTo(expected, 9);
    expect(Number(row.savedUsd)).toBe(0);
    // The answer's own tokens; each billed failed attempt says its tokens and cost in the trace.
    expect(row).toMatchObject({ tokensIn: alone.tokensIn, tokensOut: alone.tokensOut });
    const attempts = (row.trace as { attempts: Array<Record<string, unknown>> }).attempts;
    const failed = attempts.filter((a) => a.provider === 'up-bedrock');
    expect(failed).toHaveLength(billed);
    for (const a of failed)
      expect(a).toMatchObject({
        billed: { tokensIn: 12, tokensOut: 5, usd: expect.closeTo(BEDROCK_TURN_USD, 9) },
      });
    expect(attempts.at(-1)).not.toHaveProperty('billed');
    // The budget holds what the record says was spent: the failed attempts' cost too.
    await expect.poll(() => spent(id)).toBeCloseTo(expected, 9);
  });

  it('/metrics counts each billed failed attempt under its own provider and model, not the answering one', async () => {
    await env.t.app.ctx.prisma.alias.create({
      data: {
        name: 'bedrock-then-gpt-metrics',
        targets: [{ ref: `up-bedrock/${MODEL}`, weight: 1 }],
        fallbacks: ['up-openai/gpt-test'],
      },
    });
    await env.t.app.routing.reload();
    /** A counter's value for these labels (0 when it has no such series yet). */
    const counter = async (name: string, labels: string) => {
      const text = await (await fetch(`${env.url}/metrics`)).text();
      const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}} `));
      return line ? Number(line.split(' ').at(-1)) : 0;
    };
    const bedrock = `provider="up-bedrock",model="${MODEL}"`;
    const gpt = 'provider="up-openai",model="gpt-test"';
    const read = async () => ({
      bedrockIn: await counter('switchyard_tokens_total', `${bedrock},direction="in"`),
      bedrockOut: await counter('switchyard_tokens_total', `${bedrock},direction="out"`),
      bedrockUsd: await counter('switchyard_cost_usd_total', bedrock),
      gptUsd: await counter('switchyard_cost_usd_total', gpt),
    });
    // The fallback's answer alone, for what it costs.
    const alone = await rowOf((await chat(env.userKey, 'up-openai/gpt-test')).id);
    env.up.reset();

    const before = await read();
    env.up.script(
      Array.from({ length: 6 }, () => ({ path: '/converse', stopReason: 'malformed_model_output' })),
    );
    const r = await chat(env.userKey, 'bedrock-then-gpt-metrics');
    expect(r.status).toBe(200);
    const billed = converseCalls();
    expect(billed).toBeGreaterThanOrEqual(1);
    await rowOf(r.id);
    const after = await read();
    // Bedrock's billed turns (12 in, 5 out each) under Bedrock's model; the answer's cost alone under gpt-test.
    expect(after.bedrockIn - before.bedrockIn).toBe(12 * billed);
    expect(after.bedrockOut - before.bedrockOut).toBe(5 * billed);
    expect(after.bedrockUsd - before.bedrockUsd).toBeCloseTo(billed * BEDROCK_TURN_USD, 9);
    expect(after.gptUsd - before.gptUsd).toBeCloseTo(Number(alone.costUsd), 9);
  });

  it('when every attempt gets one, the failed request is charged what was billed', async () => {
    const { key, id } = await budgetedKey();
    env.up.script(Array.from({ length: 6 }, () => ({ path: '/converse', stopReason: 'malformed_tool_use' })));
    const r = await chat(key, `up-bedrock/${MODEL}`);
    expect(r.status).toBe(502);
    const billed = converseCalls();
    expect(billed).toBeGreaterThanOrEqual(1);
    const row = await rowOf(r.id);
    expect(row).toMatchObject({ status: 502, providerSlug: 'up-bedrock' });
    expect(Number(row.costUsd)).toBeCloseTo(billed * BEDROCK_TURN_USD, 9);
    await expect.poll(() => spent(id)).toBeCloseTo(billed * BEDROCK_TURN_USD, 9);
  });

  it('streamed, after the first byte: the turn is billed at the usage Converse reports after its stop, not an estimate', async () => {
    const { key, id } = await budgetedKey();
    env.up.script({ path: '/converse-stream', stopReason: 'malformed_model_output', chunkDelayMs: 40 });
    const res = await fetch(`${env.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        model: `up-bedrock/${MODEL}`,
        stream: true,
        messages: [{ role: 'user', content: 'Hi' }],
      }),
    });
    const text = await res.text();
    expect(res.status).toBe(200);
    expect(text).toContain('malformed_model_output');
    expect(text).not.toContain('[DONE]');
    const row = await rowOf(res.headers.get('x-request-id')!);
    expect(row).toMatchObject({ errorCode: 'stream_interrupted', tokensIn: 12, tokensOut: 5 });
    expect(Number(row.costUsd)).toBeCloseTo(BEDROCK_TURN_USD, 9);
    await expect.poll(() => spent(id)).toBeCloseTo(BEDROCK_TURN_USD, 9);
  });

  it('streamed, before the first byte: each malformed turn that came whole is billed, and the request is charged them', async () => {
    // The whole turn (its stop and the usage after it) in one read: it fails before anything reached the client,
    // the attempt is retried, and every call Converse billed is the request's cost.
    const { key, id } = await budgetedKey();
    env.up.script(
      Array.from({ length: 6 }, () => ({
        path: '/converse-stream',
        stopReason: 'malformed_tool_use',
        oneWrite: true,
      })),
    );
    const res = await fetch(`${env.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        model: `up-bedrock/${MODEL}`,
        stream: true,
        messages: [{ role: 'user', content: 'Hi' }],
      }),
    });
    await res.text();
    expect(res.status).toBe(502);
    const billed = env.up.requests.filter((q) => q.path.endsWith('/converse-stream')).length;
    expect(billed).toBeGreaterThanOrEqual(1);
    const row = await rowOf(res.headers.get('x-request-id')!);
    expect(Number(row.costUsd)).toBeCloseTo(billed * BEDROCK_TURN_USD, 9);
    await expect.poll(() => spent(id)).toBeCloseTo(billed * BEDROCK_TURN_USD, 9);
  });
});
