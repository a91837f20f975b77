// The "models used, last 24 h" card counts distinct provider × model pairs that answered in exactly the last 24 hours
// and in the 24 before: whole hours from the hourly rollup, the hours cut by a window's start from the raw rows.
// Rows placed on each side of every edge, with the clock set mid-hour and on the hour, on the real database.
import { beforeAll, expect, it } from 'vitest';
import type { ProxyUsage } from '../../metering/types.js';
import { writeUsageBatch } from '../../metering/writer.js';
import { createTestApp } from '../../test/app.js';
import { usageRecord } from '../../test/usage-record.js';

const row = (at: string, modelId: string, status = 200): ProxyUsage =>
  usageRecord({
    createdAt: new Date(at),
    requestId: `w-${at}-${modelId}`,
    requestedModel: modelId,
    providerId: null,
    providerSlug: null,
    modelId,
    tokensIn: 1,
    tokensOut: 1,
    costUsd: 0,
    latencyMs: 10,
    status,
    errorCode: status >= 400 ? 'upstream_error' : null,
  });

async function modelsUsed(now: string, rows: ProxyUsage[]) {
  const t = await createTestApp({ now: () => Date.parse(now) });
  try {
    await writeUsageBatch(t.app.ctx.db, rows);
    const viewer = await t.tokenFor('viewer');
    const res = await t.http.get('/api/v1/llm/stats').set({ authorization: `Bearer ${viewer}` });
    expect(res.status).toBe(200);
    return res.body.modelsUsed24h as { value: number; previous: number };
  } finally {
    await t.close();
  }
}

let mid: { value: number; previous: number };
let onTheHour: { value: number; previous: number };
beforeAll(async () => {
  mid = await modelsUsed('2026-12-15T12:30:00Z', [
    row('2026-12-15T12:10:00Z', 'this-hour'), // current: this hour, before now
    row('2026-12-15T08:00:00Z', 'whole-hour'), // current, from the rollup
    row('2026-12-14T20:00:00Z', 'whole-hour'), // current again: the same pair counts once
    row('2026-12-14T12:40:00Z', 'after-day-ago'), // current: the edge hour, after now − 24 h
    row('2026-12-14T12:20:00Z', 'before-day-ago'), // previous: the same edge hour, before now − 24 h
    row('2026-12-13T18:00:00Z', 'prev-hour'), // previous, from the rollup
    row('2026-12-13T12:40:00Z', 'after-two-days'), // previous: the edge hour, after now − 48 h
    row('2026-12-13T12:20:00Z', 'before-two-days'), // neither: older than 48 h
    row('2026-12-15T11:00:00Z', 'failed', 502), // an error answered nothing
  ]);
  onTheHour = await modelsUsed('2026-12-15T12:00:00Z', [
    row('2026-12-15T12:00:00Z', 'at-now'), // current: now itself
    row('2026-12-14T12:00:00Z', 'at-day-ago'), // current: exactly 24 h ago
    row('2026-12-14T11:59:59Z', 'just-before'), // previous
    row('2026-12-13T12:00:00Z', 'at-two-days'), // previous: exactly 48 h ago
    row('2026-12-13T11:59:59Z', 'too-old'), // neither
  ]);
}, 120_000);

it('counts each pair once, in the window its time falls in, to the millisecond at every edge', () => {
  expect(mid).toMatchObject({ value: 3, previous: 3 });
});

it('keeps the edges exact when the clock is on the hour', () => {
  expect(onTheHour).toMatchObject({ value: 2, previous: 2 });
});
