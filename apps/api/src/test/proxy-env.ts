import type { Server } from 'node:http';
import { createGatewayServer } from '../http/server.js';
import type { AddressInfo } from 'node:net';
import { generateGatewayKey } from '../lib/key-format.js';
import { createTestApp, type TestApp } from './app.js';
import type { TestDatabase } from './db.js';
import { startMockUpstream, type MockUpstream } from './mock-upstream.js';

export const MASTER_KEY = 'test-master-key-0123456789abcdef';
export const UPSTREAM_KEY = 'sk-upstream-openai-secret-9f8e';
export const ANTHROPIC_UPSTREAM_KEY = 'sk-ant-upstream-secret-7d6c';

export interface ProxyEnv {
  t: TestApp;
  up: MockUpstream;
  /** The gateway, listening on a real port (SDK clients need a URL). */
  url: string;
  server: Server;
  ids: { openai: string; anthropic: string; backup: string; user: string };
  userKey: string;
  /** The user's password (to sign in to the admin API as that user). */
  userPassword: string;
  /** Wait until every queued usage record is in the database. */
  flushUsage: () => Promise<void>;
  close: () => Promise<void>;
}

/**
 * A gateway on a real database with three providers pointing at one real HTTP mock upstream:
 * `up-openai` (OpenAI format, priority 10), `up-backup` (OpenAI format, priority 20, same model id) and
 * `up-anthropic` (Anthropic format), plus a user with a gateway key.
 */
export async function createProxyEnv(
  opts: {
    env?: Record<string, string>;
    logDestination?: NodeJS.WritableStream;
    now?: () => number;
    db?: TestDatabase;
    /** The environment `_env` references resolve from. */
    processEnv?: Record<string, string | undefined>;
  } = {},
): Promise<ProxyEnv> {
  const up = await startMockUpstream();
  const t = await createTestApp({
    ...(opts.logDestination ? { logDestination: opts.logDestination } : {}),
    ...(opts.now ? { now: opts.now } : {}),
    ...(opts.db ? { db: opts.db } : {}),
    ...(opts.processEnv ? { processEnv: opts.processEnv } : {}),
    env: {
      GATEWAY_MASTER_KEY: MASTER_KEY,
      USAGE_FLUSH_INTERVAL_MS: '50',
      UPSTREAM_FIRST_BYTE_TIMEOUT_MS: '1500',
      UPSTREAM_IDLE_TIMEOUT_MS: '1500',
      ...opts.env,
    },
  });
  const { prisma, secrets } = t.app.ctx;
  const mk = async (slug: string, type: string, priority: number, baseUrl: string, key: string) =>
    prisma.provider.create({
      data: {
        slug,
        name: slug,
        type,
        priority,
        baseUrl,
        status: 'active',
        encryptedApiKey: secrets.encrypt(key),
        apiKeyLast4: key.slice(-4),
        autoFallback: true,
      },
    });
  const openai = await mk('up-openai', 'openai', 10, `${up.url}/v1`, UPSTREAM_KEY);
  const backup = await mk('up-backup', 'openai', 20, `${up.url}/v1`, UPSTREAM_KEY);
  const anthropic = await mk('up-anthropic', 'anthropic', 30, up.url, ANTHROPIC_UPSTREAM_KEY);
  const caps = ['chat', 'tools', 'streaming', 'json', 'vision'];
  for (const p of [openai, backup]) {
    await prisma.model.create({
      data: {
        providerId: p.id,
        modelId: 'gpt-test',
        displayName: 'GPT test',
        priceInputPer1M: 2,
        priceOutputPer1M: 8,
        contextWindow: 8000,
        capabilities: caps,
        qualityTier: 'balanced',
      },
    });
  }
  await prisma.model.create({
    data: {
      providerId: openai.id,
      modelId: 'embed-test',
      displayName: 'Embed test',
      priceInputPer1M: 0.1,
      priceOutputPer1M: 0,
      capabilities: ['embeddings'],
    },
  });
  await prisma.model.create({
    data: {
      providerId: openai.id,
      modelId: 'big-test',
      displayName: 'Big window',
      priceInputPer1M: 5,
      priceOutputPer1M: 15,
      contextWindow: 1_000_000,
      capabilities: caps,
      qualityTier: 'precision',
    },
  });
  await prisma.model.create({
    data: {
      providerId: anthropic.id,
      modelId: 'claude-test',
      displayName: 'Claude test',
      priceInputPer1M: 3,
      priceOutputPer1M: 15,
      priceCachedInputPer1M: 0.3,
      contextWindow: 200_000,
      capabilities: caps,
      qualityTier: 'precision',
    },
  });

  const user = await t.createUser('user');
  const key = generateGatewayKey();
  await prisma.gatewayKey.create({
    data: { keyHash: key.hash, prefix: key.prefix, name: 'test key', ownerType: 'user', userId: user.id },
  });
  await t.app.routing.reload();

  const server = createGatewayServer(t.app.handle);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    t,
    up,
    url,
    server,
    ids: { openai: openai.id, anthropic: anthropic.id, backup: backup.id, user: user.id },
    userKey: key.key,
    userPassword: user.password,
    flushUsage: async () => {
      for (let i = 0; i < 50 && t.app.usage.depth > 0; i++) await t.app.usage.flush();
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await t.close();
      await up.close();
    },
  };
}

/**
 * A chat completion through the env's proxy asking for the response cache (`x-switchyard-cache: <ttl>`), as the
 * env's user: the same body twice is a miss, then a hit.
 */
export function cachedChat(
  env: ProxyEnv,
  body: Record<string, unknown>,
  ttlSeconds = 600,
): Promise<Response> {
  return fetch(`${env.url}/v1/chat/completions`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${env.userKey}`,
      'content-type': 'application/json',
      'x-switchyard-cache': String(ttlSeconds),
    },
    body: JSON.stringify(body),
  });
}

/**
 * Another user of the env with a gateway key of their own (routing reloaded): their id, the key to call as them,
 * and a session token to read the admin API as them.
 */
export async function otherUser(
  env: ProxyEnv,
  name = 'other',
): Promise<{ id: string; key: string; token: string }> {
  const other = await env.t.createUser('user');
  const k = generateGatewayKey();
  await env.t.app.ctx.prisma.gatewayKey.create({
    data: { keyHash: k.hash, prefix: k.prefix, name, ownerType: 'user', userId: other.id },
  });
  await env.t.app.routing.reload();
  const login = await env.t.http
    .post('/api/v1/auth/login')
    .send({ email: other.email, password: other.password });
  return { id: other.id, key: k.key, token: login.body.token as string };
}

/** Another user of the env with a gateway key of their own (routing reloaded): the key, to call as them. */
export async function otherUserKey(env: ProxyEnv, name = 'other'): Promise<string> {
  return (await otherUser(env, name)).key;
}

/** A one-message chat completion through the proxy with `key`: its status and x-request-id (the body read). */
export async function chatAs(
  env: ProxyEnv,
  key: string,
  model = 'up-openai/gpt-test',
  headers: Record<string, string> = {},
): Promise<{ status: number; requestId: string | null }> {
  const res = await fetch(`${env.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, ...headers },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'Hi' }] }),
  });
  await res.text();
  return { status: res.status, requestId: res.headers.get('x-request-id') };
}

/** A one-message chat completion through the proxy with `key`; expects a 200 and gives its x-request-id. */
export async function chatFor(
  env: ProxyEnv,
  key: string,
  model = 'up-openai/gpt-test',
  headers: Record<string, string> = {},
): Promise<string> {
  const { status, requestId } = await chatAs(env, key, model, headers);
  if (status !== 200) throw new Error(`chat ${model}: HTTP ${status}`);
  return requestId!;
}

/**
 * POSTs `body` as JSON through the env's proxy with `key` (the env's user's by default), with the
 * `anthropic-version` header an Anthropic SDK sends (only the Messages endpoints read it).
 */
export function postAs(
  env: ProxyEnv,
  path: string,
  body: object,
  opts: { key?: string; headers?: Record<string, string> } = {},
): Promise<Response> {
  return fetch(`${env.url}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${opts.key ?? env.userKey}`,
      'anthropic-version': '2023-06-01',
      ...opts.headers,
    },
    body: JSON.stringify(body),
  });
}

/** The JSON body the env's mock upstream received last. */
export function lastSent(env: ProxyEnv): Record<string, unknown> {
  return env.up.requests.at(-1)!.body as Record<string, unknown>;
}

/**
 * A clean slate between a file's cases: the mock upstream's scripts and requests, and every env provider's
 * cooldowns, circuits and rate-limit windows (a routing reload keeps those: they are the state store's).
 */
export async function resetProxyEnv(env: ProxyEnv): Promise<void> {
  env.up.reset();
  for (const id of [env.ids.openai, env.ids.backup, env.ids.anthropic])
    await env.t.app.routing.resetState(id, null);
}
