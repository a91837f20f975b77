// During a database outage the admin API and sign-in answer 503 `database_unavailable` with Retry-After (they used to
// answer 500). PostgreSQL: the app reaches its database through a TCP relay the test cuts (established connections
// reset, new ones refused). PGlite: the embedded database is closed under the running app.
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, IN_MEMORY } from '../db/client.js';
import { createTestApp, TEST_ADMIN, type TestApp } from '../test/app.js';
import { createTestDatabase, testDbKind, type TestDatabase } from '../test/db.js';

let t: TestApp;
let token: string;
let cut: () => Promise<void>;
const cleanup: Array<() => Promise<void>> = [];

/** A TCP relay to PostgreSQL; `close` refuses new connections and resets the open ones. */
async function relay(target: URL): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(Number(target.port || 5432), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      const closed = new Promise<void>((r) => server.close(() => r()));
      for (const s of sockets) s.resetAndDestroy();
      await closed;
    },
  };
}

beforeAll(async () => {
  if (testDbKind() === 'postgres') {
    const real: TestDatabase = await createTestDatabase();
    cleanup.push(() => real.close());
    const r = await relay(new URL(real.url!));
    const viaRelay = new URL(real.url!);
    viaRelay.hostname = '127.0.0.1';
    viaRelay.port = String(r.port);
    const db = await createDatabase({ databaseUrl: viaRelay.toString(), dataDir: IN_MEMORY, poolSize: 3 });
    cleanup.unshift(() => db.close().catch(() => undefined));
    t = await createTestApp({ db });
    cut = r.close;
  } else {
    t = await createTestApp();
    cut = () => t.db.close();
  }
  token = await t.tokenFor('seed_admin');
  // Warm: the session and a list work while the database is up.
  const ok = await t.http.get('/api/v1/users').set('authorization', `Bearer ${token}`);
  expect(ok.status).toBe(200);
  await cut();
}, 60_000);

afterAll(async () => {
  await t?.close().catch(() => undefined);
  for (const c of cleanup) await c();
});

function expectUnavailable(res: {
  status: number;
  body: { error?: { code?: string; message?: string } };
  headers: Record<string, unknown>;
}) {
  expect(res.status).toBe(503);
  expect(res.body.error?.code).toBe('database_unavailable');
  expect(res.body.error?.message).toEqual(expect.any(String));
  expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
}

describe('database outage', () => {
  it('answers sign-in with 503 and Retry-After, not 500', async () => {
    expectUnavailable(await t.http.post('/api/v1/auth/login').send(TEST_ADMIN));
  }, 30_000);

  it('answers the admin API (session lookup, reads and writes) with 503 and Retry-After', async () => {
    expectUnavailable(await t.http.get('/api/v1/users').set('authorization', `Bearer ${token}`));
    expectUnavailable(await t.http.get('/api/v1/auth/me').set('authorization', `Bearer ${token}`));
    expectUnavailable(
      await t.http
        .post('/api/v1/orgs')
        .set('authorization', `Bearer ${token}`)
        .send({ name: 'Down', slug: 'down' }),
    );
  }, 30_000);

  it('reports not-ready on /ready', async () => {
    expect((await t.http.get('/ready')).status).toBe(503);
  }, 30_000);
});
