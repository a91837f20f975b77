// What a request's cache trace says of the write of its answer. The database store keeps at most
// DB_CACHE_MAX_WRITES writes in flight per instance and skips a write past them; the trace said "stored" all the
// same, for every miss, before the write had run (a write refused by the bounds or failing said "stored" too). It
// now says what is known when the request is recorded: skipped (busy), or a write attempted ("storing").
// Real database (PGlite or PostgreSQL per SWITCHYARD_TEST_DB), real HTTP mock upstream.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrismaClient } from '@switchyard/prisma';
import { createProxyEnv, type ProxyEnv } from '../../test/proxy-env.js';
import { DB_CACHE_MAX_WRITES } from './create.js';
import { DbResponseCache, FrontedCache } from './store.js';

type Obj = Record<string, unknown>;

describe('the cache trace on the database store', () => {
  let env: ProxyEnv;
  beforeAll(async () => {
    env = await createProxyEnv();
  }, 120_000);
  afterAll(async () => {
    await env?.close();
  });

  const ask = async (requestId: string) => {
    const res = await fetch(`${env.url}/v1/chat/completions`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${env.userKey}`,
        'x-switchyard-cache': '600',
        'x-request-id': requestId,
      },
      body: JSON.stringify({ model: 'up-openai/gpt-test', messages: [{ role: 'user', content: requestId }] }),
    });
    await res.text();
    expect(res.status).toBe(200);
    expect(res.headers.get('x-switchyard-cache')).toMatch(/^miss/);
  };
  /** How many cache writes /metrics counts as skipped for `reason`. */
  const skipped = async (reason: string) => {
    const text = await fetch(`${env.url}/metrics`).then((r) => r.text());
    const m = new RegExp(
      `switchyard_response_cache_skipped_writes_total\\{reason="${reason}"\\} (\\d+)`,
    ).exec(text);
    return m ? Number(m[1]) : 0;
  };
  const summaryOf = async (requestId: string) => {
    const row = await env.t.app.ctx.prisma.usageRecord.findFirst({ where: { requestId } });
    return String(((row!.trace as Obj).cache as Obj).summary);
  };

  it('misses past the writes in flight say they were skipped (busy); the others that a write was attempted, never "stored" before it ran', async () => {
    const prisma = env.t.app.ctx.prisma;
    await prisma.responseCacheEntry.deleteMany();
    const runtime = env.t.app.responseCache.runtime;
    const real = runtime.store;
    // The app's database store, its writes held until released (its reads go straight through): the first
    // DB_CACHE_MAX_WRITES misses' writes stay in flight while the next misses are answered.
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const held: PrismaClient = new Proxy(prisma, {
      get(target, prop, receiver) {
        if (prop !== '$queryRawUnsafe') return Reflect.get(target, prop, receiver) as unknown;
        return async (sql: string, ...args: unknown[]) => {
          if (sql.includes('response_cache_put')) await gate;
          return target.$queryRawUnsafe(sql, ...args);
        };
      },
    });
    runtime.store = new FrontedCache(
      new DbResponseCache(held, { maxBytes: 1_000_000, orgMaxBytes: 1_000_000 }, DB_CACHE_MAX_WRITES),
    );
    const run = `trace-${Date.now()}`;
    const first = Array.from({ length: DB_CACHE_MAX_WRITES }, (_, i) => `${run}-w${i}`);
    const past = [`${run}-p0`, `${run}-p1`];
    const busyBefore = await skipped('busy');
    try {
      for (const id of [...first, ...past]) await ask(id);
      release();
      await Promise.allSettled([...runtime.writes]);
    } finally {
      release();
      runtime.store = real;
    }
    await env.flushUsage();
    for (const id of first) expect(await summaryOf(id)).toMatch(/; storing$/);
    for (const id of past)
      expect(await summaryOf(id)).toMatch(
        new RegExp(`; not stored \\(busy: ${DB_CACHE_MAX_WRITES} database cache writes in flight\\)$`),
      );
    // What the traces say is what the store holds: the attempted writes went in, the skipped ones did not.
    const keys = await prisma.responseCacheEntry.count();
    expect(keys).toBe(first.length);
    // /metrics counts the skipped writes, so an operator sees how often the cache drops them.
    expect((await skipped('busy')) - busyBefore).toBe(past.length);
    await prisma.responseCacheEntry.deleteMany();
  });

  it('/metrics counts a write skipped as larger than an organization keeps, and one the store refused', async () => {
    const prisma = env.t.app.ctx.prisma;
    await prisma.responseCacheEntry.deleteMany();
    const runtime = env.t.app.responseCache.runtime;
    const real = { store: runtime.store, storeMaxBytes: runtime.storeMaxBytes };
    const run = `skip-${Date.now()}`;
    const before = { large: await skipped('too_large'), refused: await skipped('refused') };
    try {
      // Above the share one organization may hold: not attempted.
      runtime.storeMaxBytes = 10;
      await ask(`${run}-large`);
      // Attempted, and refused by the store's bounds (its share for an organization is smaller than the answer).
      runtime.storeMaxBytes = real.storeMaxBytes;
      runtime.store = new FrontedCache(
        new DbResponseCache(prisma, { maxBytes: 1_000_000, orgMaxBytes: 10 }, DB_CACHE_MAX_WRITES),
      );
      await ask(`${run}-refused`);
      await Promise.allSettled([...runtime.writes]);
    } finally {
      runtime.store = real.store;
      runtime.storeMaxBytes = real.storeMaxBytes;
    }
    expect(await prisma.responseCacheEntry.count()).toBe(0);
    expect((await skipped('too_large')) - before.large).toBe(1);
    expect((await skipped('refused')) - before.refused).toBe(1);
  });

  it('the store says it is busy while its most writes are in flight, and not once they are done', async () => {
    const prisma = env.t.app.ctx.prisma;
    const store = new FrontedCache(
      new DbResponseCache(prisma, { maxBytes: 1_000_000, orgMaxBytes: 1_000_000 }, DB_CACHE_MAX_WRITES),
    );
    const meta = { orgId: null, target: 'p/m' };
    const now = Date.now();
    expect(store.busy()).toBe(false);
    const writes = Array.from({ length: DB_CACHE_MAX_WRITES }, (_, i) =>
      store.set(`busy${now}-${i}`, Buffer.alloc(100), 600_000, now, meta),
    );
    expect(store.busy()).toBe(true);
    expect(await Promise.all(writes)).toEqual(writes.map(() => true));
    expect(store.busy()).toBe(false);
    await prisma.responseCacheEntry.deleteMany();
  });
});
