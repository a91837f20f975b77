// Time limits a client can rely on: one deadline to the first byte over every attempt of a request, no second
// wait on a target that just hung, and per-provider limits set through the admin API.
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
