// Time limits a client can rely on: one deadline to the first byte over every attempt of a request, no second
// wait on a target that just hung, and per-provider limits set through the admin API.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { modelTarget } from '@switchyard/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createProxyEnv, type ProxyEnv } from '../test/proxy-env.js';

let env: ProxyEnv;
beforeAll(async () => {
  env = await createProxyEnv({ env: { UPSTREAM_FIRST_BYTE_TIMEOUT_MS: '700', REQUEST_DEADLINE_MS: '2000' } });
});
afterAll(async () => {
  await env?.close();
});
beforeEach(() => env.up.reset());

const chat = (model: string) =>
  fetch(`${env.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${env.userKey}` },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
  });

describe('deadlines', () => {
  it('a target that hangs before the first byte is not asked again; the request ends at its deadline with a 504', async () => {
    env.up.script(Array.from({ length: 6 }, () => ({ path: '/chat/completions', hang: true })));
    const t0 = performance.now();
    const res = await chat('gpt-test');
    const elapsed = performance.now() - t0;
    expect(res.status).toBe(504);
    const body = (await res.json()) as { error: { code: string } };
    expect(['deadline_exceeded', 'upstream_timeout']).toContain(body.error.code);
    // One request per target (up-openai, then up-backup with what is left of the deadline): no same-target retry.
    const targets = env.up.requests.map((r) => (r.body as { model: string }).model);
    expect(targets.length).toBeLessThanOrEqual(2);
    // The deadline (2 s) bounds the whole request, not 700 ms × 3 attempts × 2 targets (4.2 s). The deadline leaves
    // room for the fallback in the next test on a loaded machine (two test processes on two cores).
    expect(elapsed).toBeLessThan(3500);
  });

  it('per-provider first-byte limit from the admin API: a hung provider gives up early and the request falls back', async () => {
    const token = await env.t.tokenFor('seed_admin');
    const bad = await env.t.http
      .put(`/api/v1/llm/providers/${env.ids.openai}`)
      .set('authorization', `Bearer ${token}`)
      .send({ config: { timeouts: { firstByteMs: 5 } } });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('config.timeouts.firstByteMs');
    const ok = await env.t.http
      .put(`/api/v1/llm/providers/${env.ids.openai}`)
      .set('authorization', `Bearer ${token}`)
      .send({ config: { timeouts: { firstByteMs: 150 } } });
    expect(ok.status).toBe(200);
    await env.t.app.routing.reload();
    try {
      env.up.script({ path: '/chat/completions', hang: true });
      const res = await chat('gpt-test');
      expect(res.status).toBe(200);
      expect(res.headers.get('x-switchyard-provider')).toBe('up-backup');
      expect(res.headers.get('x-switchyard-attempts')).toBe('2');
    } finally {
      await env.t.http
        .put(`/api/v1/llm/providers/${env.ids.openai}`)
        .set('authorization', `Bearer ${token}`)
        .send({ config: {} });
      await env.t.app.routing.reload();
    }
  });
});

describe("a deadline cut short is the request's, not the provider's", () => {
  // The provider's own first-byte limit (3 s) fits in the deadline (4 s); the mock answers in 2.5 s.
  let slow: ProxyEnv;
  beforeAll(async () => {
    slow = await createProxyEnv({
      env: { UPSTREAM_FIRST_BYTE_TIMEOUT_MS: '3000', REQUEST_DEADLINE_MS: '4000' },
    });
  });
  afterAll(async () => {
    await slow?.close();
  });
  beforeEach(async () => {
    slow.up.reset();
    for (const id of [slow.ids.openai, slow.ids.backup]) await slow.t.app.routing.resetState(id, null);
  });

  const circuitOf = async (providerId: string) => {
    const m = await slow.t.app.ctx.prisma.model.findFirstOrThrow({
      where: { providerId, modelId: 'gpt-test' },
    });
    return slow.t.app.routing.store.view().circuit(modelTarget(providerId, m.id)) ?? null;
  };

  /** A chat request whose body arrives in two parts, `pauseMs` apart; its status and the provider that answered. */
  const trickled = (pauseMs: number) =>
    new Promise<{ status: number; provider: string | null }>((resolve, reject) => {
      const body = Buffer.from(
        JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }] }),
      );
      const u = new URL(`${slow.url}/v1/chat/completions`);
      const req = httpRequest(
        {
          host: u.hostname,
          port: u.port,
          path: u.pathname,
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'content-length': body.length,
            authorization: `Bearer ${slow.userKey}`,
          },
        },
        (res: IncomingMessage) => {
          res.resume();
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              provider: (res.headers['x-switchyard-provider'] as string | undefined) ?? null,
            }),
          );
        },
      );
      req.on('error', reject);
      req.write(body.subarray(0, 10));
      setTimeout(() => req.end(body.subarray(10)), pauseMs);
    });

  it('a slow upload does not use up the deadline, and the provider that answers within its own limits is not blamed', async () => {
    slow.up.script(Array.from({ length: 5 }, () => ({ path: '/chat/completions', delayMs: 2500 })));
    // Five requests from one key, each sending its body over 3.7 s of the 4 s deadline.
    const answers = await Promise.all(Array.from({ length: 5 }, () => trickled(3700)));
    // The deadline counts from when the request is in: 2.5 s is within it and within the provider's 3 s.
    expect(answers).toEqual(Array.from({ length: 5 }, () => ({ status: 200, provider: 'up-openai' })));
    expect((await circuitOf(slow.ids.openai))?.failures ?? 0).toBe(0);
    // Another caller is still served by the first target.
    const res = await fetch(`${slow.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${slow.userKey}` },
      body: JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-switchyard-provider')).toBe('up-openai');
  }, 20_000);

  it('a fallback cut short by what a slow first target left of the deadline does not count against its circuit', async () => {
    // up-openai hangs to its own first-byte limit (3 s, a failure of its own); up-backup would answer in 2.5 s
    // but only about 1 s of the deadline is left for it.
    slow.up.script([
      { path: '/chat/completions', hang: true },
      { path: '/chat/completions', delayMs: 2500 },
    ]);
    const res = await fetch(`${slow.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${slow.userKey}` },
      body: JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.status).toBe(504);
    expect(slow.up.requests).toHaveLength(2);
    // A timeout at the provider's own limit counts; the one the request's deadline imposed does not.
    expect((await circuitOf(slow.ids.openai))?.failures).toBe(1);
    expect((await circuitOf(slow.ids.backup))?.failures ?? 0).toBe(0);
  }, 20_000);
});
