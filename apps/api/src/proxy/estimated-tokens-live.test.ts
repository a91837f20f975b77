// Whether a record's tokens were the gateway's estimate (the upstream reported no usage) reaches every place that shows
// tokens as they happen: the live event stream's call events and /metrics (a counter of its own beside
// switchyard_tokens_total), so estimates are not read as the provider's figures there either.
import { callEventSchema } from '@switchyard/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createProxyEnv, resetProxyEnv, type ProxyEnv } from '../test/proxy-env.js';
import { openSse, type SseClient } from '../test/sse.js';

let env: ProxyEnv;
beforeAll(async () => {
  env = await createProxyEnv();
});
afterAll(async () => {
  await env?.close();
});
beforeEach(() => resetProxyEnv(env));

/** A whole chat answer without a `usage` object: its tokens are estimated from its text. */
const noUsage = {
  id: 'chatcmpl-nousage',
  object: 'chat.completion',
  created: 1_700_000_000,
  model: 'gpt-test',
  choices: [
    { index: 0, message: { role: 'assistant', content: 'word '.repeat(400) }, finish_reason: 'stop' },
  ],
};

async function chat(): Promise<string> {
  const res = await fetch(`${env.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${env.userKey}` },
    body: JSON.stringify({ model: 'up-openai/gpt-test', messages: [{ role: 'user', content: 'hi' }] }),
  });
  await res.text();
  expect(res.status).toBe(200);
  return res.headers.get('x-request-id')!;
}

/** The value of a series of /metrics (0 when absent). */
async function metric(name: string, labels: string): Promise<number> {
  const text = await (await fetch(`${env.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}} `));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

describe('estimated tokens as they happen', () => {
  it('the live call event says so, and /metrics counts them apart from measured ones', async () => {
    const token = await env.t.tokenFor('admin');
    const sse: SseClient = await openSse(`${env.url}/api/v1/llm/events`, {
      authorization: `Bearer ${token}`,
    });
    try {
      const labels = (direction: string) => `provider="up-openai",model="gpt-test",direction="${direction}"`;
      const before = {
        out: await metric('switchyard_tokens_total', labels('out')),
        estOut: await metric('switchyard_tokens_estimated_total', labels('out')),
        estIn: await metric('switchyard_tokens_estimated_total', labels('in')),
      };

      env.up.script({ path: '/chat/completions', status: 200, body: noUsage });
      const estimated = await chat();
      const measured = await chat();
      await env.flushUsage();

      const callOf = async (id: string) =>
        callEventSchema.parse(
          JSON.parse(
            (await sse.waitFor((f) => f.event === 'call' && f.data.includes(`"requestId":"${id}"`), 5000))
              .data,
          ),
        );
      const e = await callOf(estimated);
      const m = await callOf(measured);
      expect(e.tokensOut).toBeGreaterThan(300);
      expect(e.tokensEstimated).toBe(true);
      expect(m).toMatchObject({ tokensIn: 12, tokensOut: 5, tokensEstimated: false });

      // Every token is in switchyard_tokens_total; the estimated call's are also in switchyard_tokens_estimated_total.
      expect((await metric('switchyard_tokens_total', labels('out'))) - before.out).toBe(
        e.tokensOut + m.tokensOut,
      );
      expect((await metric('switchyard_tokens_estimated_total', labels('out'))) - before.estOut).toBe(
        e.tokensOut,
      );
      expect((await metric('switchyard_tokens_estimated_total', labels('in'))) - before.estIn).toBe(
        e.tokensIn,
      );
    } finally {
      sse.close();
    }
  });
});
