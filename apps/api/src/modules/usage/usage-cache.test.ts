// A response-cache hit is recorded under the provider whose answer it replays, but the provider did not serve it:
// the provider's load counts the calls it served, and its latency and time to first token are its own (a hit's
// ~1 ms used to pull the average down), with the hits it stands behind shown beside them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cachedChat, createProxyEnv, type ProxyEnv } from '../../test/proxy-env.js';

let e: ProxyEnv;
let viewer: string;

beforeAll(async () => {
  e = await createProxyEnv();
  viewer = await e.t.tokenFor('viewer');
}, 180_000);
afterAll(async () => {
  await e?.close();
});

const cached = () =>
  cachedChat(e, { model: 'up-openai/gpt-test', messages: [{ role: 'user', content: 'the same question' }] });

describe('provider figures and the response cache', () => {
  it("a hit is not the provider's load, latency or time to first token; it is counted beside them", async () => {
    // The provider takes 300 ms; the hits take about 1.
    e.up.script({ path: '/chat/completions', delayMs: 300 });
    const miss = await cached();
    expect(miss.headers.get('x-switchyard-cache')).not.toBe('hit');
    await miss.text();
    await expect.poll(async () => (await cached()).headers.get('x-switchyard-cache')).toBe('hit');
    for (let i = 0; i < 3; i++) expect((await cached()).headers.get('x-switchyard-cache')).toBe('hit');
    await e.flushUsage();
    const hits = await e.t.app.ctx.prisma.usageRecord.count({ where: { cacheHit: true } });
    expect(hits).toBeGreaterThanOrEqual(4);

    const usage = await e.t.http
      .get('/api/v1/llm/usage')
      .query({ period: '7d' })
      .set({ authorization: `Bearer ${viewer}` })
      .expect(200);
    const openai = usage.body.byProvider.find((p: { slug: string }) => p.slug === 'up-openai');
    expect(openai).toMatchObject({ requests: 1, cacheHits: hits, errors: 0, successRate: 1 });
    expect(openai.avgLatencyMs).toBeGreaterThanOrEqual(300);
    // Every call is still in the totals.
    expect(usage.body.totals.requests).toBe(1 + hits);
  });
});
