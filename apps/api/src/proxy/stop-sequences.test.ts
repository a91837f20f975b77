// Stop sequences between formats. Anthropic takes many stop sequences, OpenAI at most 4: an Anthropic client sending
// five to an OpenAI model was sent upstream and got OpenAI's own 400, in chat's terms ("stop": array too long).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProxyEnv, type ProxyEnv } from '../test/proxy-env.js';

type Obj = Record<string, unknown>;

let e: ProxyEnv;
beforeAll(async () => {
  e = await createProxyEnv();
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
const five = ['A', 'B', 'C', 'D', 'E'];

describe("an Anthropic client's stop sequences to an OpenAI model", () => {
  it('five or more: a 400 naming the limit, and no call to the provider', async () => {
    const before = e.up.requests.length;
    const res = await messages({
      model: 'up-openai/gpt-test',
      max_tokens: 50,
      messages: hi,
      stop_sequences: five,
    });
    const text = await res.text();
    expect(res.status, text).toBe(400);
    const body = JSON.parse(text) as { type: string; error: { type: string; message: string } };
    expect(body.type).toBe('error');
    expect(body.error.type).toBe('invalid_request_error');
    expect(body.error.message).toMatch(/5 stop sequences/);
    expect(body.error.message).toMatch(/at most 4/);
    expect(e.up.requests.length).toBe(before);
  });

  it('four go as they are', async () => {
    const res = await messages({
      model: 'up-openai/gpt-test',
      max_tokens: 50,
      messages: hi,
      stop_sequences: five.slice(0, 4),
    });
    expect(res.status, await res.clone().text()).toBe(200);
    expect((e.up.requests.at(-1)!.body as Obj).stop).toEqual(five.slice(0, 4));
  });

  it('five still go to Claude, which takes them', async () => {
    const res = await messages({
      model: 'up-anthropic/claude-test',
      max_tokens: 50,
      messages: hi,
      stop_sequences: five,
    });
    expect(res.status, await res.clone().text()).toBe(200);
    expect((e.up.requests.at(-1)!.body as Obj).stop_sequences).toEqual(five);
  });
});
