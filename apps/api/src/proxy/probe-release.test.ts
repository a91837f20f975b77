// A circuit's half-open probe that ends without a verdict (its client hangs up before the upstream answers) gives
// its claim back: the next request is the probe, instead of every request being refused the target until the claim
// expires. One instance, the in-memory store; the same over Redis with two instances is in shared-circuits.test.ts.
import { modelTarget } from '@switchyard/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MASTER_KEY, createProxyEnv, type ProxyEnv } from '../test/proxy-env.js';
import { eventually } from '../test/redis.js';

let env: ProxyEnv;
let adminToken: string;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function chat(model: string, signal?: AbortSignal) {
  const res = await fetch(`${env.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${MASTER_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'Hello there' }], max_tokens: 20 }),
    ...(signal ? { signal } : {}),
  });
  await res.arrayBuffer();
  return { status: res.status, provider: res.headers.get('x-switchyard-provider') };
}

beforeAll(async () => {
  env = await createProxyEnv();
  adminToken = await env.t.tokenFor('seed_admin');
  const rules = (
    await env.t.http.get('/api/v1/llm/routing/rules').set('authorization', `Bearer ${adminToken}`)
  ).body as Record<string, unknown>;
  const res = await env.t.http
    .put('/api/v1/llm/routing/rules')
    .set('authorization', `Bearer ${adminToken}`)
    .send({ strategy: rules.strategy, maxRetries: 0, circuitFailureThreshold: 1, circuitOpenMs: 1000 });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  await eventually(() =>
    expect(env.t.app.routing.routingConfig.circuit).toMatchObject({ failureThreshold: 1, openMs: 1000 }),
  );
});
afterAll(async () => {
  await env?.close();
});

describe('a half-open probe whose client leaves (in-memory store)', () => {
  it('gives its claim back: the next request probes the target and closes the circuit', async () => {
    const store = env.t.app.routing.store;
    const target = modelTarget(
      env.ids.openai,
      env.t.app.routing.config.models.find(
        (m) => m.providerId === env.ids.openai && m.modelId === 'gpt-test',
      )!.id,
    );
    // up-openai fails once: the circuit opens (up-backup serves the request).
    env.up.script({ status: 500, path: '/chat/completions' });
    expect(await chat('gpt-test')).toEqual({ status: 200, provider: 'up-backup' });
    expect(store.view().circuit(target)).toMatchObject({ phase: 'open' });
    await sleep(1100);

    // The probe: up-openai takes long to answer, and its client hangs up once the upstream has the request.
    env.up.reset();
    env.up.script({ delayMs: 5000, path: '/chat/completions' });
    const abort = new AbortController();
    const probe = chat('gpt-test', abort.signal).catch((err: Error) => err.name);
    await eventually(() => expect(env.up.requests).toHaveLength(1));
    expect(store.view().circuit(target)).toMatchObject({ phase: 'half-open' });
    abort.abort();
    expect(await probe).toBe('AbortError');
    // The gateway is done with the abandoned call.
    await eventually(() => expect(store.view().inFlight(target)).toBe(0));

    // Its claim is given back: the circuit is open with its open time over, and the next request is the probe.
    expect(store.view().circuit(target)).toMatchObject({ phase: 'open' });
    env.up.reset();
    expect(await chat('gpt-test')).toEqual({ status: 200, provider: 'up-openai' });
    expect(store.view().circuit(target)?.phase ?? 'closed').toBe('closed');
  });
});
