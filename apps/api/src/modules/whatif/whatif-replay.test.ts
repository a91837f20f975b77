// Requests that went through the gateway are replayed with what they needed: the proxy stores a request's needs
// and max tokens first in its trace, and the what-if simulator reads them back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProxyEnv, type ProxyEnv } from '../../test/proxy-env.js';

let env: ProxyEnv;
let admin: string;
beforeAll(async () => {
  env = await createProxyEnv();
  admin = await env.t.tokenFor('admin');
});
afterAll(async () => {
  await env?.close();
});

async function chat(body: Record<string, unknown>) {
  const res = await fetch(`${env.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${env.userKey}` },
    body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }], ...body }),
  });
  expect(res.status).toBe(200);
  await res.text();
}

describe('replay facts', () => {
  it('a request with tools and max_tokens is stored with them and replayed with them', async () => {
    const from = new Date(Date.now() - 60_000).toISOString();
    await chat({ model: 'up-openai/gpt-test' });
    await chat({
      model: 'up-openai/gpt-test',
      max_tokens: 64,
      tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }],
    });
    await env.flushUsage();
    const rows = await env.t.app.ctx.db.query<{ t: string }>(
      `SELECT "trace"::text AS t FROM "UsageRecord" WHERE "requestedModel" = 'up-openai/gpt-test' ORDER BY "id"`,
      [],
    );
    expect(rows).toHaveLength(2);
    expect(rows[0]!.t.startsWith('{"plan":')).toBe(true); // a plain chat request stores no facts
    expect(rows[1]!.t.startsWith('{"facts":{"needs":["tools"],"maxTokens":64}')).toBe(true);

    // Without tools on the backup provider's model, the request that needed them has nowhere to go.
    const backup = await env.t.app.ctx.prisma.model.findFirstOrThrow({
      where: { providerId: env.ids.backup, modelId: 'gpt-test' },
    });
    await env.t.app.ctx.prisma.model.update({ where: { id: backup.id }, data: { capabilities: ['chat'] } });
    await env.t.app.routing.reload();
    const res = await env.t.http
      .post('/api/v1/llm/whatif')
      .set({ authorization: `Bearer ${admin}` })
      .send({
        from,
        to: new Date(Date.now() + 60_000).toISOString(),
        change: { replaceModels: [{ from: 'up-openai/gpt-test', to: 'up-backup/gpt-test' }] },
      })
      .expect(200);
    expect(res.body.requests).toBe(2);
    expect(res.body.changed).toBe(1);
    expect(res.body.unroutable.count).toBe(1);
  });
});
