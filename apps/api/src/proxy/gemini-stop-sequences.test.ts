// Stop sequences to Gemini's native API, which takes at most 5 (400 "the number of stop_sequences must not exceed 5").
// An Anthropic client (which may send many) routed to Gemini with six was sent upstream and got Gemini's 400 in its
// own terms, after a call. And Gemini says nothing of which sequence stopped an answer: its finishReason is STOP for
// a natural end and a stop sequence alike, and the sequence is not in the text, so an Anthropic client is answered
// end_turn with no stop_sequence (the gateway cannot tell, and does not guess).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProxyEnv, type ProxyEnv } from '../test/proxy-env.js';

type Obj = Record<string, unknown>;

let e: ProxyEnv;

beforeAll(async () => {
  e = await createProxyEnv();
  const { prisma, secrets } = e.t.app.ctx;
  const gemini = await prisma.provider.create({
    data: {
      slug: 'up-gstop',
      name: 'up-gstop',
      type: 'google',
      priority: 50,
      baseUrl: e.up.url,
      status: 'active',
      encryptedApiKey: secrets.encrypt('key-gstop-0000'),
      apiKeyLast4: '0000',
    },
  });
  await prisma.model.create({
    data: {
      providerId: gemini.id,
      modelId: 'gemini-2.5-flash',
      displayName: 'gemini-2.5-flash',
      capabilities: ['chat', 'streaming'],
    },
  });
  await e.t.app.routing.reload();
}, 180_000);
afterAll(async () => {
  await e?.close();
});

const messages = (body: object) =>
  fetch(`${e.url}/v1/messages`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${e.userKey}`,
      'anthropic-version': '2023-06-01',
    },
    body: JSON.stringify(body),
  });
const hi = [{ role: 'user', content: 'hi' }];
const sent = () => e.up.requests.at(-1)!.body as Obj;

describe("an Anthropic client's stop sequences to Gemini", () => {
  it('six: a 400 naming the limit, and no call to the provider', async () => {
    const before = e.up.requests.length;
    const res = await messages({
      model: 'up-gstop/gemini-2.5-flash',
      max_tokens: 50,
      messages: hi,
      stop_sequences: ['A', 'B', 'C', 'D', 'E', 'F'],
    });
    const text = await res.text();
    expect(res.status, text).toBe(400);
    const body = JSON.parse(text) as { type: string; error: { type: string; message: string } };
    expect(body.error.type).toBe('invalid_request_error');
    expect(body.error.message).toMatch(/6 stop sequences/);
    expect(body.error.message).toMatch(/at most 5/);
    expect(e.up.requests.length).toBe(before);
  });

  it('five go as they are; the answer ends end_turn, no sequence named (Gemini does not say)', async () => {
    const res = await messages({
      model: 'up-gstop/gemini-2.5-flash',
      max_tokens: 50,
      messages: hi,
      stop_sequences: ['A', 'B', 'C', 'D', 'E'],
    });
    const text = await res.text();
    expect(res.status, text).toBe(200);
    expect((sent().generationConfig as Obj).stopSequences).toEqual(['A', 'B', 'C', 'D', 'E']);
    const body = JSON.parse(text) as Obj;
    expect(body.stop_reason).toBe('end_turn');
    expect(body.stop_sequence).toBeNull();
  });
});
