import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProxyEnv, type ProxyEnv } from '../../test/proxy-env.js';
import type { LogRecord } from '@switchyard/core';

/**
 * Which tool made each call: the proxy records the tool, version, user-agent, app, originator and session of every
 * request, with the headers Claude Code, Codex and the OpenAI SDK really send; the logs show and filter them.
 */
let e: ProxyEnv;
let viewer: string;
let user: string;
const as = (token: string) => ({ authorization: `Bearer ${token}` });

const CLAUDE_SESSION = '8c4e4a36-5a1b-4bb1-9c3c-1f6f5b0c2d11';
const CODEX_SESSION = '0199c0de-7a11-7b22-8c33-d44e55f66a77';
// What Claude Code 2.1 puts in metadata.user_id: 150 characters of JSON, the session at the end.
const CLAUDE_USER_ID = JSON.stringify({
  device_id: 'f'.repeat(64),
  account_uuid: '',
  session_id: CLAUDE_SESSION,
});

const claudeCode = (model: string) =>
  fetch(`${e.url}/v1/messages?beta=true`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-api-key': e.userKey,
      'anthropic-version': '2023-06-01',
      'anthropic-beta': 'claude-code-20250219,interleaved-thinking-2025-05-14',
      'user-agent': 'claude-cli/2.1.33 (external, cli)',
      'x-app': 'cli',
    },
    body: JSON.stringify({
      model,
      max_tokens: 100,
      metadata: { user_id: CLAUDE_USER_ID },
      messages: [{ role: 'user', content: 'hi' }],
    }),
  });

const codex = () =>
  fetch(`${e.url}/v1/responses`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${e.userKey}`,
      'user-agent': 'codex_exec/0.17.3 (Debian 12.0.0; x86_64) unknown (codex_exec; 0.17.3)',
      originator: 'codex_exec',
      session_id: CODEX_SESSION,
    },
    body: JSON.stringify({ model: 'up-openai/gpt-test', input: 'hi' }),
  });

const logs = async (query: string, token = viewer, path = '/api/v1/llm/logs') => {
  const res = await e.t.http.get(`${path}${query}`).set(as(token));
  expect(res.status).toBe(200);
  return res.body.data as LogRecord[];
};

beforeAll(async () => {
  e = await createProxyEnv();
  viewer = await e.t.tokenFor('viewer');
  const u = await e.t.app.ctx.prisma.user.findUniqueOrThrow({ where: { id: e.ids.user } });
  user = (await e.t.http.post('/api/v1/auth/login').send({ email: u.email, password: e.userPassword })).body
    .token;

  expect((await claudeCode('up-anthropic/claude-test')).status).toBe(200);
  expect((await codex()).status).toBe(200);
  const openai = new OpenAI({ apiKey: e.userKey, baseURL: `${e.url}/v1`, maxRetries: 0 });
  await openai.chat.completions.create({
    model: 'up-openai/gpt-test',
    messages: [{ role: 'user', content: 'hi' }],
  });
  // A failed Claude Code call (unknown model) becomes an error report naming the agent and its version.
  expect((await claudeCode('no-such-model')).status).toBe(404);
  // No user-agent at all, and one that carries a key-shaped token.
  const bare = await fetch(`${e.url}/v1/chat/completions`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${e.userKey}`,
      'user-agent': `MyScript/0.1 (token ${e.userKey})`,
    },
    body: JSON.stringify({ model: 'up-openai/gpt-test', messages: [{ role: 'user', content: 'hi' }] }),
  });
  expect(bare.status).toBe(200);
  await e.flushUsage();
});
afterAll(async () => {
  await e?.close();
});

describe('the logs name the tool of every call', () => {
  it('Claude Code: tool, version, app and the session from metadata.user_id (never the device id)', async () => {
    const rows = await logs('?tool=claude-code');
    expect(rows).toHaveLength(2);
    expect(rows.every((r) => r.client?.tool === 'claude-code')).toBe(true);
    const ok = rows.find((r) => r.status === 200)!;
    expect(ok.client).toEqual({
      tool: 'claude-code',
      version: '2.1.33',
      userAgent: 'claude-cli/2.1.33 (external, cli)',
      app: 'cli',
      originator: null,
      sessionId: CLAUDE_SESSION,
    });
    expect(JSON.stringify(rows)).not.toContain('f'.repeat(64));
  });

  it('Codex: tool, version, originator and the session_id header', async () => {
    const [row, ...rest] = await logs('?tool=codex');
    expect(rest).toEqual([]);
    expect(row!.endpoint).toBe('responses');
    expect(row!.client).toMatchObject({
      tool: 'codex',
      version: '0.17.3',
      originator: 'codex_exec',
      sessionId: CODEX_SESSION,
    });
  });

  it('the OpenAI SDK is named from its user-agent', async () => {
    const rows = await logs('?tool=openai-js');
    expect(rows).toHaveLength(1);
    expect(rows[0]!.client!.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(rows[0]!.client!.userAgent).toMatch(/^OpenAI\/JS /);
  });

  it('filters by session (and by tool and session together); the tool filter is case-blind', async () => {
    expect((await logs(`?session=${CLAUDE_SESSION}`)).map((r) => r.client?.tool)).toEqual([
      'claude-code',
      'claude-code',
    ]);
    expect(await logs(`?session=${CODEX_SESSION}&tool=claude-code`)).toEqual([]);
    expect(await logs('?tool=Claude-Code')).toHaveLength(2);
    expect(await logs('?tool=cursor')).toEqual([]);
    // A session id with a NUL (which PostgreSQL text cannot hold) is a 400, not a database error.
    for (const path of ['/api/v1/llm/logs', '/api/v1/me/logs'])
      expect((await e.t.http.get(`${path}?session=a%00b`).set(as(viewer))).status).toBe(400);
  });

  it('a user filters their own logs the same way (/me/logs)', async () => {
    const mine = await logs('?tool=codex', user, '/api/v1/me/logs');
    expect(mine.map((r) => r.client?.sessionId)).toEqual([CODEX_SESSION]);
  });

  it('an unknown client is named by its product token; a key in its user-agent is never stored', async () => {
    const [row] = await logs('?tool=myscript');
    expect(row!.client).toMatchObject({ tool: 'myscript', version: '0.1' });
    expect(row!.client!.userAgent).toBe('MyScript/0.1 ([redacted])');
    const stored = await e.t.app.ctx.prisma.usageRecord.findMany({ select: { userAgent: true } });
    expect(JSON.stringify(stored)).not.toContain(e.userKey);
  });

  it('a bad tool filter is a 400 naming the parameter', async () => {
    const res = await e.t.http.get('/api/v1/llm/logs?tool=%3Bdrop').set(as(viewer));
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.error)).toContain('tool');
  });

  it('error reports carry the agent and its version', async () => {
    const res = await e.t.http.get('/api/v1/llm/errors').set(as(viewer));
    expect(res.status).toBe(200);
    const report = (res.body.data as { model: string; client: unknown }[]).find(
      (r) => r.model === 'no-such-model',
    );
    expect(report?.client).toEqual({ tool: 'claude-code', version: '2.1.33' });
  });
});
