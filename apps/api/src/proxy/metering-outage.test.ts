import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProxyEnv, type ProxyEnv } from '../test/proxy-env.js';

let env: ProxyEnv;
beforeAll(async () => {
  env = await createProxyEnv();
});
afterAll(async () => {
  await env?.close();
});

describe('metering during a database outage', () => {
  it('requests keep succeeding, records wait in the queue, and are written once the table is back', async () => {
    const { prisma } = env.t.app.ctx;
    await env.flushUsage();
    const before = await prisma.usageRecord.count();
    // Make every usage write fail, as an outage of the usage table would.
    await prisma.$executeRawUnsafe('ALTER TABLE "UsageRecord" RENAME TO "UsageRecord_offline"');
    try {
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await fetch(`${env.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${env.userKey}` },
          body: JSON.stringify({ model: 'up-openai/gpt-test', messages: [{ role: 'user', content: 'hi' }] }),
        });
        expect(res.status).toBe(200);
        ids.push(res.headers.get('x-request-id')!);
      }
      await new Promise((r) => setTimeout(r, 300));
      expect(env.t.app.usage.depth).toBeGreaterThanOrEqual(5);
      const metrics = await (await fetch(`${env.url}/metrics`)).text();
      expect(metrics).toMatch(/switchyard_usage_queue_depth [5-9]/);
    } finally {
      await prisma.$executeRawUnsafe('ALTER TABLE "UsageRecord_offline" RENAME TO "UsageRecord"');
    }
    for (let i = 0; i < 100 && env.t.app.usage.depth > 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(env.t.app.usage.depth).toBe(0);
    expect(await prisma.usageRecord.count()).toBe(before + 5);
  }, 30_000);
});
