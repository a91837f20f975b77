import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProxyEnv, type ProxyEnv } from '../test/proxy-env.js';

let env: ProxyEnv;
beforeAll(async () => {
  env = await createProxyEnv();
});
afterAll(async () => {
  await env?.close();
});

const chat = (model: string) =>
  fetch(`${env.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${env.userKey}` },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
  });

describe('metrics, debug headers and the circuit breaker', () => {
  it('/metrics counts requests, tokens and cost by provider and model', async () => {
    expect((await chat('up-openai/gpt-test')).status).toBe(200);
    const text = await (await fetch(`${env.url}/metrics`)).text();
    expect(text).toMatch(
      /switchyard_proxy_requests_total\{endpoint="chat.completions",provider="up-openai",model="gpt-test",status="200"\} [1-9]/,
    );
    expect(text).toMatch(
      /switchyard_tokens_total\{provider="up-openai",model="gpt-test",direction="out"\} [1-9]/,
    );
    expect(text).toMatch(/switchyard_cost_usd_total\{provider="up-openai",model="gpt-test"\} \d/);
    expect(text).toContain('switchyard_proxy_ttft_seconds_bucket');
  });

  it('with routing debug headers on, the response lists skipped candidates and why', async () => {
    const { prisma } = env.t.app.ctx;
    await prisma.routingSettings.update({ where: { id: 1 }, data: { debugHeaders: true } });
    await prisma.provider.update({ where: { id: env.ids.openai }, data: { status: 'disabled' } });
    await env.t.app.routing.reload();
    const res = await chat('gpt-test');
    expect(res.status).toBe(200);
    expect(res.headers.get('x-switchyard-provider')).toBe('up-backup');
    expect(res.headers.get('x-switchyard-skipped')).toContain('up-openai/gpt-test=provider-disabled');
    await prisma.provider.update({ where: { id: env.ids.openai }, data: { status: 'active' } });
    await prisma.routingSettings.update({ where: { id: 1 }, data: { debugHeaders: false } });
    await env.t.app.routing.reload();
    expect((await chat('gpt-test')).headers.get('x-switchyard-skipped')).toBeNull();
  });

  it('five requests failing on one target open its provider × model circuit: the next request skips it', async () => {
    // Give up-openai its own path on the mock so faults hit it alone.
    await env.t.app.ctx.prisma.provider.update({
      where: { id: env.ids.openai },
      data: { baseUrl: `${env.up.url}/primary/v1` },
    });
    await env.t.app.routing.reload();
    env.up.reset();
    // Five requests fail for good on up-openai (three tries each, then a fallback to up-backup): five
    // consecutive failures of that target — retries within one request count once.
    env.up.script(Array.from({ length: 15 }, () => ({ path: '/primary/', status: 500 })));
    for (let i = 0; i < 4; i++) expect((await chat('gpt-test')).status).toBe(200);
    expect(await (await fetch(`${env.url}/metrics`)).text()).not.toMatch(
      /switchyard_circuit_open\{provider="up-openai",model="gpt-test"\} 1/,
    );
    expect((await chat('gpt-test')).status).toBe(200);
    env.up.reset();
    const res = await chat('gpt-test');
    expect(res.headers.get('x-switchyard-provider')).toBe('up-backup');
    expect(env.up.requests).toHaveLength(1);
    const text = await (await fetch(`${env.url}/metrics`)).text();
    expect(text).toMatch(/switchyard_circuit_open\{provider="up-openai",model="gpt-test"\} 1/);
    await env.flushUsage();
    const rec = await env.t.app.ctx.prisma.usageRecord.findFirst({ orderBy: { id: 'desc' } });
    const trace = rec!.trace as { plan: { candidates: { ref: string; reason?: string }[] } };
    expect(trace.plan.candidates.find((c) => c.ref === 'up-openai/gpt-test')?.reason).toBe('circuit-open');
  }, 20_000);
});
