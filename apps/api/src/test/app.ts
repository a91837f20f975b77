import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { createApp, type App } from '../app.js';
import { loadEnv } from '../config/env.js';
import type { LookupFn } from '../lib/outbound-policy.js';
import { createLogger } from '../lib/logger.js';
import { hashPassword } from '../lib/password.js';
import { SecretBox } from '../lib/secrets.js';
import type { Role } from '../modules/auth/permissions.js';
import { seedDatabase } from '../seed/seed.js';
import { createTestDatabase, type TestDatabase } from './db.js';
import { TEST_ADMIN, TEST_SEED } from './seed-options.js';

export { TEST_ADMIN };

export interface TestApp {
  app: App;
  db: TestDatabase;
  http: ReturnType<typeof request>;
  /** A bearer token for a new (or the seeded) user of that role. */
  tokenFor: (role: Role | 'seed_admin', email?: string) => Promise<string>;
  createUser: (role: Role, email?: string) => Promise<{ id: string; email: string; password: string }>;
  close: () => Promise<void>;
}

/**
 * A real app on a real database (PGlite or PostgreSQL per SWITCHYARD_TEST_DB), seeded like a first start.
 * `env` overrides take the same names as the process environment.
 */
export async function createTestApp(
  opts: {
    env?: Record<string, string>;
    processEnv?: Record<string, string | undefined>;
    now?: () => number;
    logDestination?: NodeJS.WritableStream;
    /** Use this database (the caller closes it) instead of a new one. */
    db?: TestDatabase;
    /** Name resolution for outbound connections and URL checks (default: the system resolver). */
    outboundLookup?: LookupFn;
    /** Check every JSON answer against its contract (default on: a mismatch answers 500 contract_violation). */
    checkResponses?: boolean;
  } = {},
): Promise<TestApp> {
  // An app without an environment of its own starts from the suite's seeded template; the rest are seeded here.
  const db = opts.db ?? (await createTestDatabase({ seeded: opts.processEnv === undefined }));
  if (!('seededFromTemplate' in db && db.seededFromTemplate))
    await seedDatabase(db.prisma, { ...TEST_SEED, env: opts.processEnv ?? {} });
  // Background health checks only where a test turns them on (they would call test upstreams on their own).
  // The admin write limit runs (counted in the state store) but out of reach: one seeded admin makes hundreds of
  // changes a minute across a file's tests (the admin fuzz thousands); modules/auth/write-limit.test.ts sets its own.
  const env = loadEnv({
    LOG_LEVEL: 'silent',
    SERVE_WEB: 'false',
    HEALTH_CHECK_TICK_MS: '0',
    ADMIN_WRITE_RATE_LIMIT_PER_MINUTE: '1000000',
    ...opts.env,
  });
  const app = await createApp({
    env,
    db,
    logger: opts.logDestination ? createLogger('trace', opts.logDestination) : createLogger('silent'),
    secrets: new SecretBox(randomBytes(32)),
    processEnv: opts.processEnv ?? {},
    now: opts.now,
    checkResponses: opts.checkResponses ?? true,
    ...(opts.outboundLookup ? { outboundLookup: opts.outboundLookup } : {}),
  });
  const http = request(app.handle);

  const createUser = async (role: Role, email = `${role}-${randomBytes(4).toString('hex')}@example.com`) => {
    const password = `pw-${randomBytes(8).toString('hex')}`;
    const user = await db.prisma.user.create({
      data: { email, name: email.split('@')[0], role, passwordHash: await hashPassword(password) },
    });
    return { id: user.id, email, password };
  };

  const tokenFor = async (role: Role | 'seed_admin', email?: string) => {
    const creds = role === 'seed_admin' ? TEST_ADMIN : await createUser(role, email);
    const res = await http.post('/api/v1/auth/login').send({ email: creds.email, password: creds.password });
    if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.token as string;
  };

  return {
    app,
    db,
    http,
    tokenFor,
    createUser,
    close: async () => {
      await app.close();
      if (!opts.db) await db.close();
    },
  };
}
