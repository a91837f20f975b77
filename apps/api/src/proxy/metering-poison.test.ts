import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProxyEnv, type ProxyEnv } from '../test/proxy-env.js';

let env: ProxyEnv;
beforeAll(async () => {
  env = await createProxyEnv();
});
afterAll(async () => {
  await env?.close();
});

const chat = (model: string) =>
  fetch(`${env.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${env.userKey}` },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
  });

async function rowOf(requestId: string) {
  await env.flushUsage();
  return env.t.app.ctx.prisma.usageRecord.findFirst({ where: { requestId } });
}

describe('no model name can stop metering', () => {
  it('a 299-character model name ending in an emoji (cut mid-pair at 300) is answered and recorded, and so is the next request', async () => {
    const model = `${'m'.repeat(299)}😀`;
    const res = await chat(model);
    expect(res.status).toBe(404);
    const id = res.headers.get('x-request-id')!;
    const next = await chat('gpt-test');
    expect(next.status).toBe(200);
    const nextId = next.headers.get('x-request-id')!;

    const row = await rowOf(id);
    expect(row).toMatchObject({ status: 404, requestedModel: 'm'.repeat(299) });
    expect(await rowOf(nextId)).toMatchObject({ status: 200, modelId: 'gpt-test' });
    expect(env.t.app.usage.depth).toBe(0);
  });

  it("a model name holding a NUL is refused or recorded, and never holds back the next request's record", async () => {
    const res = await chat('evil\u0000model');
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    const next = await chat('gpt-test');
    expect(next.status).toBe(200);
    expect(await rowOf(next.headers.get('x-request-id')!)).toMatchObject({ status: 200 });
    const bad = await rowOf(res.headers.get('x-request-id')!);
    if (bad) expect(bad.requestedModel).toBe('evil\ufffdmodel');
    expect(env.t.app.usage.depth).toBe(0);
  });
});
