// Both response cache stores stay within CACHE_MAX_BYTES at every write (the database store did only at its periodic
// sweep), and one organization's flood evicts its own entries, never another's: an organization holds at most its
// share of the bound (CACHE_ORG_MAX_SHARE), and when the whole store is full the largest holder's oldest entries go
// first. Real database (PGlite or PostgreSQL per SWITCHYARD_TEST_DB), real Redis (REDIS_TEST_URL).
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import { dropPrefix, REDIS_TEST_URL, testPrefix } from '../../test/redis.js';
import { loadEnv } from '../../config/env.js';
import { DB_CACHE_MAX_WRITES, orgShareBytes } from './create.js';
import { CacheSweep, DbResponseCache, RedisResponseCache } from './store.js';

const T0 = Date.UTC(2026, 11, 7, 1, 0, 0);
const TTL = 600_000;
const value = (i: number) => Buffer.alloc(800 + (i % 5) * 100, i % 256);

describe('the database cache store keeps its bound at every write', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  const held = async (orgId?: string | null) => {
    const rows = await t.app.ctx.prisma.responseCacheEntry.findMany({
      select: { key: true, sizeBytes: true, orgId: true },
    });
    const mine = orgId === undefined ? rows : rows.filter((r) => r.orgId === orgId);
    return { bytes: mine.reduce((s, r) => s + r.sizeBytes, 0), keys: new Set(mine.map((r) => r.key)) };
  };

  it('many concurrent writes never leave the table above CACHE_MAX_BYTES; the newest are kept', async () => {
    const prisma = t.app.ctx.prisma;
    await prisma.responseCacheEntry.deleteMany();
    const max = 20_000;
    const store = new DbResponseCache(prisma, { maxBytes: max, orgMaxBytes: max });
    const meta = { orgId: null, target: 'p/m' };
    // 150 entries of 800 to 1,200 bytes (about 150 KB, 7.5 times the bound), all at once, no sweep.
    await Promise.all(Array.from({ length: 150 }, (_, i) => store.set(`w${i}`, value(i), TTL, T0 + i, meta)));
    const all = await held();
    expect(all.bytes).toBeLessThanOrEqual(max);
    expect(all.bytes).toBeGreaterThan(max - 2_000);
    // Written one after another, the newest stay and the oldest go.
    for (let i = 150; i < 160; i++) await store.set(`w${i}`, value(i), TTL, T0 + i, meta);
    const after = await held();
    expect(after.bytes).toBeLessThanOrEqual(max);
    for (let i = 150; i < 160; i++) expect(after.keys.has(`w${i}`), `w${i}`).toBe(true);
    // The store's counters (what each write's eviction reads) say exactly what the table holds.
    const counted = await prisma.$queryRawUnsafe<{ bytes: bigint }[]>(
      `SELECT "bytes" FROM "ResponseCacheUsage" WHERE "holder" = '*'`,
    );
    expect(Number(counted[0]?.bytes)).toBe(after.bytes);
    // A value larger than the whole bound is refused and takes nothing from what is held.
    expect(await store.set('huge', Buffer.alloc(max + 1), TTL, T0 + 200, meta)).toBe(false);
    expect((await held()).bytes).toBe(after.bytes);
    await prisma.responseCacheEntry.deleteMany();
  });

  it('on the defaults, a gateway with one organization keeps answers up to the whole bound', async () => {
    const prisma = t.app.ctx.prisma;
    await prisma.responseCacheEntry.deleteMany();
    const env = loadEnv({ CACHE_MAX_BYTES: '20000' });
    const store = new DbResponseCache(prisma, {
      maxBytes: env.CACHE_MAX_BYTES,
      orgMaxBytes: orgShareBytes(env),
    });
    for (let i = 0; i < 18; i++)
      await store.set(`one${i}`, Buffer.alloc(1000), TTL, T0 + i, { orgId: 'org-one', target: 'p/m' });
    // 18 KB of 20 KB: nothing evicted (a default share of half the bound kept only the newest 10).
    expect((await held('org-one')).keys.size).toBe(18);
    await prisma.responseCacheEntry.deleteMany();
  });

  it('a burst of writes holds at most DB_CACHE_MAX_WRITES connections: the rest are not stored, never queued', async () => {
    const prisma = t.app.ctx.prisma;
    await prisma.responseCacheEntry.deleteMany();
    const store = new DbResponseCache(
      prisma,
      { maxBytes: 1_000_000, orgMaxBytes: 1_000_000 },
      DB_CACHE_MAX_WRITES,
    );
    const stored = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        store.set(`burst${i}`, Buffer.alloc(100), TTL, T0 + i, { orgId: 'org-burst', target: 'p/m' }),
      ),
    );
    expect(stored.filter(Boolean)).toHaveLength(DB_CACHE_MAX_WRITES);
    expect((await held('org-burst')).keys.size).toBe(DB_CACHE_MAX_WRITES);
    // Once they are done, the next write goes in.
    expect(
      await store.set('after', Buffer.alloc(100), TTL, T0 + 50, { orgId: 'org-burst', target: 'p/m' }),
    ).toBe(true);
    await prisma.responseCacheEntry.deleteMany();
  });

  it("one organization's flood evicts its own entries, never another organization's", async () => {
    const prisma = t.app.ctx.prisma;
    await prisma.responseCacheEntry.deleteMany();
    const max = 20_000;
    const store = new DbResponseCache(prisma, { maxBytes: max, orgMaxBytes: max / 2 });
    const b = { orgId: 'org-b', target: 'p/m' };
    for (let i = 0; i < 5; i++) await store.set(`b${i}`, Buffer.alloc(1000), TTL, T0 + i, b);
    // Organization A floods: 120 answers at once, then a sweep as the periodic one would run.
    await Promise.all(
      Array.from({ length: 120 }, (_, i) =>
        store.set(`a${i}`, value(i), TTL, T0 + 100 + i, { orgId: 'org-a', target: 'p/m' }),
      ),
    );
    await new CacheSweep(prisma, {
      maxBytes: max,
      intervalMs: 60_000,
      now: () => T0 + 1_000,
      logger: t.app.ctx.logger,
    }).run();
    const orgB = await held('org-b');
    expect([...orgB.keys].sort()).toEqual(['b0', 'b1', 'b2', 'b3', 'b4']);
    expect((await held('org-a')).bytes).toBeLessThanOrEqual(max / 2);
    expect((await held()).bytes).toBeLessThanOrEqual(max);
    // Full, a third holder's writes take the largest holder's oldest entries (A's), not B's.
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        store.set(`c${i}`, Buffer.alloc(1000), TTL, T0 + 300 + i, { orgId: null, target: 'p/m' }),
      ),
    );
    expect([...(await held('org-b')).keys].sort()).toEqual(['b0', 'b1', 'b2', 'b3', 'b4']);
    expect((await held()).bytes).toBeLessThanOrEqual(max);
    await prisma.responseCacheEntry.deleteMany();
  });
});

describe('the Redis cache store: one organization cannot evict another', () => {
  const prefix = testPrefix();
  const r = new Redis(REDIS_TEST_URL, { maxRetriesPerRequest: 1 });
  afterAll(async () => {
    await dropPrefix(prefix);
    await r.quit();
  });

  it("one organization's flood evicts its own entries, never another organization's", async () => {
    const max = 20_000;
    const store = new RedisResponseCache(r, prefix, max, max / 2);
    const b = { orgId: 'org-b', target: 'p/m' };
    for (let i = 0; i < 5; i++) await store.set(`b${i}`, Buffer.alloc(1000), TTL, T0, b);
    await Promise.all(
      Array.from({ length: 120 }, (_, i) =>
        store.set(`a${i}`, value(i), TTL, T0, { orgId: 'org-a', target: 'p/m' }),
      ),
    );
    for (let i = 0; i < 5; i++) expect(await r.exists(`${prefix}cache:b${i}`), `b${i}`).toBe(1);
    let heldA = 0;
    for (let i = 0; i < 120; i++) heldA += (await r.strlen(`${prefix}cache:a${i}`)) ?? 0;
    expect(heldA).toBeLessThanOrEqual(max / 2);
    expect(heldA).toBeGreaterThan(max / 2 - 2_000);
    // Full, a third holder's writes take the largest holder's oldest entries (A's), not B's.
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        store.set(`c${i}`, Buffer.alloc(1000), TTL, T0, { orgId: null, target: 'p/m' }),
      ),
    );
    for (let i = 0; i < 5; i++) expect(await r.exists(`${prefix}cache:b${i}`), `b${i}`).toBe(1);
    expect(Number(await r.hget(`${prefix}cache-index:sizes`, 'total'))).toBeLessThanOrEqual(max);
    // A value larger than the organization's share is refused.
    expect(await store.set('huge', Buffer.alloc(max / 2 + 1), TTL, T0, b)).toBe(false);
    expect(await r.exists(`${prefix}cache:huge`)).toBe(0);
  });
});
