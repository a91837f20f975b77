import { request as httpRequest, type IncomingMessage } from 'node:http';
import { once } from 'node:events';
import { modelTarget } from '@switchyard/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createProxyEnv, resetProxyEnv, type ProxyEnv } from '../test/proxy-env.js';
import type { Fault } from '../test/mock-upstream.js';

let env: ProxyEnv;
beforeAll(async () => {
  env = await createProxyEnv();
});
afterAll(async () => {
  await env?.close();
});
// Each case starts from a clean slate of scripts, cooldowns and circuits.
beforeEach(() => resetProxyEnv(env));

const chat = (model = 'gpt-test', extra: Record<string, unknown> = {}) =>
  fetch(`${env.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${env.userKey}` },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }], ...extra }),
  });

/** Which providers got the request, in order (the mock records the Authorization-bearing path). */
const hits = () => env.up.requests.map((r) => r.path);

/** A new gateway and database, for a case that changes the configuration (the rest share one, reset before each). */
async function freshEnv() {
  await env.close();
  env = await createProxyEnv();
}

/**
 * A chat call to `model` whose client leaves once the upstream has it (and `waitMs` more); resolves when it left.
 */
async function sendAndLeave(model: string, waitMs = 0): Promise<void> {
  const before = env.up.requests.length;
  const ac = new AbortController();
  const sent = fetch(`${env.url}/v1/chat/completions`, {
    method: 'POST',
    signal: ac.signal,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${env.userKey}` },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
  }).catch(() => null);
  await expect.poll(() => env.up.requests.length - before).toBe(1);
  if (waitMs > 0) await new Promise((r) => setTimeout(r, waitMs));
  ac.abort();
  await sent;
}

describe('fault matrix (bare model "gpt-test" served by up-openai, then up-backup)', () => {
  it.each<[string, Fault[], { status: number; hits: number; provider?: string; errorCode?: string }]>([
    [
      '500 twice then ok: retried on the same target',
      [{ status: 500 }, { status: 500 }],
      { status: 200, hits: 3, provider: 'up-openai' },
    ],
    [
      'an error sent with HTTP 200 (an overloaded service): a failed attempt, retried like a 500',
      [{ status: 200, body: { error: { message: 'The server is overloaded.', type: 'server_error' } } }],
      { status: 200, hits: 2, provider: 'up-openai' },
    ],
    [
      'an error sent with HTTP 200 naming a 400: the request error, not an answer',
      [{ status: 200, body: { error: { code: 400, message: "Invalid value for 'messages'." } } }],
      { status: 400, hits: 1 },
    ],
    [
      '503 three times: retries exhausted, falls back',
      [{ status: 503 }, { status: 503 }, { status: 503 }],
      { status: 200, hits: 4, provider: 'up-backup' },
    ],
    [
      '429 with a long Retry-After: falls back at once',
      [{ status: 429, headers: { 'retry-after': '30' } }],
      { status: 200, hits: 2, provider: 'up-backup' },
    ],
    [
      '401 upstream auth: falls back',
      [
        {
          status: 401,
          body: {
            error: {
              message: 'Incorrect API key provided',
              type: 'invalid_request_error',
              code: 'invalid_api_key',
            },
          },
        },
      ],
      { status: 200, hits: 2, provider: 'up-backup' },
    ],
    [
      '402 billing: falls back',
      [
        {
          status: 402,
          body: { error: { message: 'You exceeded your current quota', type: 'insufficient_quota' } },
        },
      ],
      { status: 200, hits: 2, provider: 'up-backup' },
    ],
    [
      '404 model not found: falls back',
      [
        {
          status: 404,
          body: { error: { message: 'The model `gpt-test` does not exist', code: 'model_not_found' } },
        },
      ],
      { status: 200, hits: 2, provider: 'up-backup' },
    ],
    [
      'policy 400: stops, no fallback',
      [
        {
          status: 400,
          body: {
            error: {
              message: 'Your request was rejected by our content policy',
              code: 'content_policy_violation',
            },
          },
        },
      ],
      { status: 400, hits: 1, errorCode: 'content_policy' },
    ],
    [
      'other 400: stops, no fallback',
      [
        {
          status: 400,
          body: { error: { message: "Invalid value for 'temperature'", type: 'invalid_request_error' } },
        },
      ],
      { status: 400, hits: 1 },
    ],
    ['connection reset: retried', [{ reset: true }], { status: 200, hits: 2, provider: 'up-openai' }],
    [
      'timeout (no answer): not asked again, falls back at once',
      [{ hang: true }],
      { status: 200, hits: 2, provider: 'up-backup' },
    ],
  ])(
    '%s',
    async (_name, faults, expected) => {
      env.up.script(faults.map((f) => ({ path: '/chat/completions', ...f })));
      const res = await chat();
      const body = (await res.json()) as { error?: { code: string }; choices?: unknown[] };
      expect(res.status).toBe(expected.status);
      expect(hits().filter((p) => p.endsWith('/chat/completions'))).toHaveLength(expected.hits);
      if (expected.provider) expect(res.headers.get('x-switchyard-provider')).toBe(expected.provider);
      if (expected.errorCode) expect(body.error?.code).toBe(expected.errorCode);
      await env.flushUsage();
      const rec = await env.t.app.ctx.prisma.usageRecord.findFirst({ orderBy: { id: 'desc' } });
      expect(rec!.status).toBe(expected.status);
      expect(rec!.attempts).toBe(expected.hits);
    },
    20_000,
  );

  it('context-window 400 falls back to a model with a larger window', async () => {
    await freshEnv();
    await env.t.app.ctx.prisma.fallbackChain.create({
      data: { modelRef: 'up-openai/gpt-test', targets: ['up-openai/big-test'] },
    });
    await env.t.app.ctx.prisma.provider.update({
      where: { id: env.ids.backup },
      data: { autoFallback: false },
    });
    await env.t.app.routing.reload();
    env.up.script({
      path: '/chat/completions',
      status: 400,
      body: {
        error: {
          message: "This model's maximum context length is 8192 tokens",
          code: 'context_length_exceeded',
        },
      },
    });
    const res = await chat('up-openai/gpt-test');
    expect(res.status).toBe(200);
    expect(res.headers.get('x-switchyard-model')).toBe('big-test');
    const sent = env.up.requests.map((r) => (r.body as { model: string }).model);
    expect(sent).toEqual(['gpt-test', 'big-test']);
  });

  it('every attempt failing → 502 in the client format naming the attempts', async () => {
    await freshEnv(); // after the context-window case's changes
    env.up.script(Array.from({ length: 6 }, () => ({ path: '/chat/completions', status: 502 })));
    const res = await chat();
    expect(res.status).toBe(502);
    const body = (await res.json()) as { error: { message: string } };
    expect(body.error.message).toMatch(/attempts failed/);
  });

  it('a provider put in cooldown by a 429 is skipped by the next request', async () => {
    env.up.script({ path: '/chat/completions', status: 429, headers: { 'retry-after': '60' } });
    expect((await chat()).headers.get('x-switchyard-provider')).toBe('up-backup');
    env.up.reset();
    const second = await chat();
    expect(second.headers.get('x-switchyard-provider')).toBe('up-backup');
    expect(env.up.requests).toHaveLength(1);
  });
});

describe('streams', () => {
  const stream = (model = 'gpt-test') => chat(model, { stream: true });

  it('cut before the first byte: falls back and the client gets a whole stream', async () => {
    env.up.script({ path: '/chat/completions', cutAfterChunks: 0 });
    const res = await stream();
    const text = await res.text();
    expect(res.status).toBe(200);
    expect(text).toContain('Hello');
    expect(text).toContain('[DONE]');
    expect(env.up.requests.length).toBeGreaterThanOrEqual(2);
  });

  it('cut after the first byte: no fallback; the client sees what arrived and the record says so', async () => {
    env.up.script({ path: '/chat/completions', cutAfterChunks: 2 });
    const res = await stream('up-openai/gpt-test');
    const text = await res.text().catch(() => '');
    expect(res.status).toBe(200);
    expect(text).toContain('Hello');
    expect(env.up.requests).toHaveLength(1);
    await env.flushUsage();
    const rec = await env.t.app.ctx.prisma.usageRecord.findFirst({ orderBy: { id: 'desc' } });
    expect(rec!.errorCode).toBe('stream_interrupted');
  });

  it('a stream cut after the first byte counts toward the circuit; a client that leaves does not', async () => {
    const m = await env.t.app.ctx.prisma.model.findFirstOrThrow({
      where: { providerId: env.ids.openai, modelId: 'gpt-test' },
    });
    const failures = () =>
      env.t.app.routing.store.view().circuit(modelTarget(env.ids.openai, m.id))?.failures ?? 0;
    expect(failures()).toBe(0);
    env.up.script({ path: '/chat/completions', cutAfterChunks: 2 });
    await (await stream('up-openai/gpt-test')).text().catch(() => '');
    await expect.poll(failures).toBe(1);

    // The client goes away after its first chunk: the upstream did nothing wrong.
    env.up.script({ path: '/chat/completions', chunkDelayMs: 100 });
    const ac = new AbortController();
    const res = await fetch(`${env.url}/v1/chat/completions`, {
      method: 'POST',
      signal: ac.signal,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${env.userKey}` },
      body: JSON.stringify({
        model: 'up-openai/gpt-test',
        stream: true,
        messages: [{ role: 'user', content: 'hi' }],
      }),
    });
    await res.body!.getReader().read();
    ac.abort();
    // Its attempt ends (the relay notices the closed socket); the circuit still holds the one failure.
    await new Promise((r) => setTimeout(r, 600));
    await env.flushUsage();
    expect(failures()).toBe(1);
  });

  it('a client that leaves before the answer starts does not count toward the circuit or a cooldown', async () => {
    const m = await env.t.app.ctx.prisma.model.findFirstOrThrow({
      where: { providerId: env.ids.openai, modelId: 'gpt-test' },
    });
    const view = () => env.t.app.routing.store.view();
    const failures = () => view().circuit(modelTarget(env.ids.openai, m.id))?.failures ?? 0;
    // A slow upstream; each client gives up before it answers (whole answers and streams alike).
    for (const stream of [false, true, false, true, false]) {
      env.up.script({ path: '/chat/completions', delayMs: 400 });
      const ac = new AbortController();
      const sent = fetch(`${env.url}/v1/chat/completions`, {
        method: 'POST',
        signal: ac.signal,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${env.userKey}` },
        body: JSON.stringify({
          model: 'up-openai/gpt-test',
          stream,
          messages: [{ role: 'user', content: 'hi' }],
        }),
      }).catch(() => null);
      await new Promise((r) => setTimeout(r, 60));
      ac.abort();
      await sent;
    }
    await new Promise((r) => setTimeout(r, 600));
    await env.flushUsage();
    expect(failures()).toBe(0);
    // Nobody else is turned away: the next caller is answered by the same target.
    const res = await fetch(`${env.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${env.userKey}` },
      body: JSON.stringify({ model: 'up-openai/gpt-test', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-switchyard-provider') ?? 'up-openai').toBe('up-openai');
    // Each request the gateway saw before its client left is logged as the client's (499); on a loaded host a client
    // may leave before its request arrives at all.
    const recs = await env.t.app.ctx.prisma.usageRecord.findMany({ where: { status: 499 } });
    expect(recs.length).toBeGreaterThan(0);
    expect(recs.length).toBeLessThanOrEqual(5);
  });

  it('a client that leaves while its retry waits is not retried for, nor counted against the target again', async () => {
    const m = await env.t.app.ctx.prisma.model.findFirstOrThrow({
      where: { providerId: env.ids.openai, modelId: 'big-test' },
    });
    const failures = () =>
      env.t.app.routing.store.view().circuit(modelTarget(env.ids.openai, m.id))?.failures ?? 0;
    // Rate limited for a second: the gateway waits to retry the same target (big-test has no other).
    env.up.script({ path: '/chat/completions', status: 429, headers: { 'retry-after': '1' } });
    const before = env.up.requests.length;
    await sendAndLeave('up-openai/big-test', 150);
    // Counted right as the client left, before the retry's wait ends.
    const counted = failures();
    // The wait ends: nobody is left to answer, so no second call is made and nothing more is held against it.
    await new Promise((r) => setTimeout(r, 1500));
    expect(env.up.requests.length - before).toBe(1);
    expect(failures()).toBe(counted);
    await env.flushUsage();
    const rec = await env.t.app.ctx.prisma.usageRecord.findFirst({ orderBy: { id: 'desc' } });
    expect(rec?.status).toBe(499);
  });

  // With no retries configured, an aborted call's failure went straight to the circuit: five clients hanging up
  // together opened a provider x model for everyone (on every instance, as failures add up in Redis).
  it('with maxRetries 0, five clients that hang up before the answer do not open the circuit for everyone', async () => {
    const { prisma } = env.t.app.ctx;
    await prisma.routingSettings.upsert({
      where: { id: 1 },
      create: { id: 1, maxRetries: 0 },
      update: { maxRetries: 0 },
    });
    await env.t.app.routing.reload();
    try {
      const m = await prisma.model.findFirstOrThrow({
        where: { providerId: env.ids.openai, modelId: 'gpt-test' },
      });
      const circuit = () => env.t.app.routing.store.view().circuit(modelTarget(env.ids.openai, m.id));
      for (let i = 0; i < 5; i++) {
        env.up.script({ path: '/chat/completions', delayMs: 600 });
        await sendAndLeave('up-openai/gpt-test');
        await new Promise((r) => setTimeout(r, 50));
      }
      await new Promise((r) => setTimeout(r, 300));
      expect(circuit()?.failures ?? 0).toBe(0);
      expect(circuit()?.phase ?? 'closed').toBe('closed');
    } finally {
      await prisma.routingSettings.update({ where: { id: 1 }, data: { maxRetries: 2 } });
      await env.t.app.routing.reload();
    }
  });

  it('malformed SSE before content: falls back', async () => {
    env.up.script({ path: '/chat/completions', malformed: true, cutAfterChunks: 0 });
    const res = await stream();
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('[DONE]');
  });

  it('a client that stops reading holds the upstream back (backpressure): the stream is not buffered in the gateway', async () => {
    const events = 4000;
    const bytes = 16_000; // 64 MB in all: several times what the sockets' buffers on both hops can hold
    env.up.script({ path: '/chat/completions', flood: { events, bytes } });
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = httpRequest(
        `${env.url}/v1/chat/completions`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${env.userKey}` },
        },
        resolve,
      );
      req.on('error', reject);
      req.end(
        JSON.stringify({ model: 'gpt-test', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
      );
    });
    res.pause();
    // Until the buffers on both hops are full and the upstream has stopped writing (a busy machine fills them
    // slower): two readings 300 ms apart that agree, or the whole flood written (no backpressure).
    let whilePaused = -1;
    for (let i = 0; i < 40 && env.up.flooded !== whilePaused && env.up.flooded < events; i++) {
      whilePaused = env.up.flooded;
      await new Promise((r) => setTimeout(r, 300));
    }
    whilePaused = env.up.flooded;
    await new Promise((r) => setTimeout(r, 300));
    // The upstream is stalled: it wrote part of the flood and nothing more while the client did not read.
    expect(whilePaused).toBeLessThan(events);
    expect(env.up.flooded).toBe(whilePaused);
    // Reading again lets the rest through, every event whole.
    let tail = '';
    let floodEvents = 0;
    const marker = 'x'.repeat(64);
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      const parts = (tail + chunk).split('\n\n');
      tail = parts.pop() ?? '';
      for (const p of parts) if (p.includes(marker)) floodEvents++;
    });
    res.resume();
    await once(res, 'end');
    expect(env.up.flooded).toBe(events);
    expect(floodEvents).toBe(events);
    expect(tail).toBe('');
  }, 30_000);

  it('a client disconnect aborts the upstream call', async () => {
    env.up.script({ path: '/chat/completions', chunkDelayMs: 300 });
    const ac = new AbortController();
    const res = await fetch(`${env.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${env.userKey}` },
      body: JSON.stringify({
        model: 'up-openai/gpt-test',
        stream: true,
        messages: [{ role: 'user', content: 'hi' }],
      }),
      signal: ac.signal,
    });
    const reader = res.body!.getReader();
    await reader.read();
    ac.abort();
    await new Promise((r) => setTimeout(r, 400));
    await env.flushUsage();
    const rec = await env.t.app.ctx.prisma.usageRecord.findFirst({ orderBy: { id: 'desc' } });
    expect(rec).not.toBeNull();
    expect(rec!.status).toBe(200);
  });
});
