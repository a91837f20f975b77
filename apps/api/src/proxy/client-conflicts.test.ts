// A 409 conflict from the upstream (OpenAI's "another request is using this conversation", which any caller can
// provoke by sending two requests on one conversation) is about the request, not the provider: it never counts
// toward the provider × model circuit that everyone's traffic shares. Real database, real HTTP mock upstream.
import { modelTarget } from '@switchyard/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MASTER_KEY, createProxyEnv, type ProxyEnv } from '../test/proxy-env.js';
import { eventually } from '../test/redis.js';

let env: ProxyEnv;

async function chat(model: string) {
  const res = await fetch(`${env.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${MASTER_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'Hello there' }], max_tokens: 20 }),
  });
  await res.arrayBuffer();
  return { status: res.status, provider: res.headers.get('x-switchyard-provider') };
}

beforeAll(async () => {
  env = await createProxyEnv();
  const admin = await env.t.tokenFor('seed_admin');
  const rules = (await env.t.http.get('/api/v1/llm/routing/rules').set('authorization', `Bearer ${admin}`))
    .body as Record<string, unknown>;
  // One failure opens a circuit: a conflict counted as one would close the target to everyone at once.
  const res = await env.t.http
    .put('/api/v1/llm/routing/rules')
    .set('authorization', `Bearer ${admin}`)
    .send({ strategy: rules.strategy, maxRetries: 0, circuitFailureThreshold: 1, circuitOpenMs: 60_000 });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  await eventually(() =>
    expect(env.t.app.routing.routingConfig.circuit).toMatchObject({ failureThreshold: 1 }),
  );
});
afterAll(async () => {
  await env?.close();
});

describe('a conflict the caller provoked', () => {
  it('falls back without opening the circuit: the next caller is served by that provider', async () => {
    const target = modelTarget(
      env.ids.openai,
      env.t.app.routing.config.models.find(
        (m) => m.providerId === env.ids.openai && m.modelId === 'gpt-test',
      )!.id,
    );
    env.up.script({
      path: '/chat/completions',
      status: 409,
      body: {
        error: {
          message: 'Another process is currently operating on this conversation. Please try again later.',
          type: 'invalid_request_error',
          code: 'conversation_locked',
        },
      },
    });
    expect(await chat('gpt-test')).toEqual({ status: 200, provider: 'up-backup' });
    expect(env.up.requests.filter((r) => r.path.endsWith('/chat/completions'))).toHaveLength(2);
    expect(env.t.app.routing.store.view().circuit(target)?.phase ?? 'closed').toBe('closed');
    expect(await chat('up-openai/gpt-test')).toEqual({ status: 200, provider: 'up-openai' });
  });
});
