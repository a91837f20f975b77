// The stat cards compare the last 30 days with the 30 before, as two windows of the same length. Before, "30 days"
// was 29 whole days plus today so far, against 30 whole days: with steady traffic it read about −3% just after
// midnight UTC, and a call 30 days ago this afternoon counted in the previous window.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeUsageBatch } from '../../metering/writer.js';
import { createProxyEnv, type ProxyEnv } from '../../test/proxy-env.js';
import { envUserCall } from '../../test/usage-record.js';

let e: ProxyEnv;
let viewer: string;
const DAY = 86_400_000;
const HOUR = 3_600_000;

beforeAll(async () => {
  e = await createProxyEnv();
  viewer = await e.t.tokenFor('viewer');
}, 180_000);
afterAll(async () => {
  await e?.close();
});

const at = (ms: number, costUsd: number) =>
  envUserCall(e.ids, {
    createdAt: new Date(ms),
    requestId: `window-${ms}-${costUsd}`,
    tokensIn: 10,
    tokensOut: 5,
    costUsd,
    latencyMs: 50,
  });

describe('stat cards: the last 30 days against the 30 before', () => {
  it('counts a call by when it was made, not by its calendar day', async () => {
    const now = Date.now();
    await writeUsageBatch(e.t.app.ctx.prisma, [
      at(now - 30 * DAY + 2 * HOUR, 1), // within the last 30 days
      at(now - 30 * DAY - 2 * HOUR, 2), // in the 30 before
      at(now - 60 * DAY + 2 * HOUR, 4), // in the 30 before
      at(now - 60 * DAY - 2 * HOUR, 8), // older than both
    ]);
    const stats = await e.t.http
      .get('/api/v1/llm/stats')
      .set({ authorization: `Bearer ${viewer}` })
      .expect(200);
    expect(stats.body.cost30d).toMatchObject({ valueUsd: 1, previousUsd: 6 });
    expect(stats.body.apiCalls30d).toMatchObject({ value: 1, previous: 2 });
  });

  it('says how many of those calls went to models whose price is not known (their cost reads $0)', async () => {
    const { prisma } = e.t.app.ctx;
    await prisma.model.create({
      data: {
        provider: { connect: { id: e.ids.openai } },
        modelId: 'mystery-model',
        displayName: 'Mystery',
        priceInputPer1M: 0,
        priceOutputPer1M: 0,
        priced: false,
      },
    });
    const before = (await e.t.http.get('/api/v1/llm/stats').set({ authorization: `Bearer ${viewer}` })).body;
    expect(before.cost30d.unpricedCalls).toBe(0);
    const now = Date.now();
    await writeUsageBatch(prisma, [
      { ...at(now - DAY, 0), requestId: 'unpriced-1', modelId: 'mystery-model' },
      { ...at(now - 2 * DAY, 0), requestId: 'unpriced-2', modelId: 'mystery-model' },
      { ...at(now - 40 * DAY, 0), requestId: 'unpriced-old', modelId: 'mystery-model' },
    ]);
    const after = (await e.t.http.get('/api/v1/llm/stats').set({ authorization: `Bearer ${viewer}` })).body;
    expect(after.cost30d.unpricedCalls).toBe(2);
    expect(after.apiCalls30d.value).toBe(before.apiCalls30d.value + 2);
  });
});
