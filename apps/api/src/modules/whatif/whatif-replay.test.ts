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

async function chat(body: Record<string, unknown>, headers: Record<string, string> = {}) {
  const res = await fetch(`${env.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${env.userKey}`, ...headers },
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

  it('a request a header rule routed replays with the header value its record kept', async () => {
    const { prisma } = env.t.app.ctx;
    const as = { authorization: `Bearer ${admin}` };
    const rule = await env.t.http
      .post('/api/v1/llm/rules')
      .set(as)
      .send({
        name: 'Search team',
        when: { headers: [{ name: 'x-team', equals: 'search' }] },
        then: { route: 'up-backup/gpt-test' },
      })
      .expect(201);
    await env.t.app.routing.reload();
    try {
      const from = new Date().toISOString();
      await chat({ model: 'up-openai/gpt-test' }, { 'x-team': 'search' });
      await chat({ model: 'up-openai/gpt-test' }, { 'x-team': 'ads' });
      await env.flushUsage();
      const answered = await prisma.usageRecord.findMany({
        where: { createdAt: { gte: new Date(from) } },
        orderBy: { id: 'asc' },
        select: { providerSlug: true },
      });
      expect(answered.map((r) => r.providerSlug)).toEqual(['up-backup', 'up-openai']);
      const to = new Date(Date.now() + 60_000).toISOString();
      // The rule kept (an unrelated change): both requests replay where they went, the routed one by its header.
      const kept = await env.t.http
        .post('/api/v1/llm/whatif')
        .set(as)
        .send({ from, to, change: { disableModels: ['up-anthropic/claude-test'] } })
        .expect(200);
      expect(kept.body.requests).toBe(2);
      expect(kept.body.changed).toBe(0);
      // Without the rule: the request it routed goes back to the model it named.
      const res = await env.t.http
        .post('/api/v1/llm/whatif')
        .set(as)
        .send({ from, to: new Date(Date.now() + 60_000).toISOString(), change: { rules: [] } })
        .expect(200);
      expect(res.body.requests).toBe(2);
      expect(res.body.changed).toBe(1);
      expect(
        res.body.samples.map((x: { actual: string; projected: string }) => [x.actual, x.projected]),
      ).toEqual([['up-backup/gpt-test', 'up-openai/gpt-test']]);
    } finally {
      await env.t.http.delete(`/api/v1/llm/rules/${rule.body.id}`).set(as).expect(204);
      await env.t.app.routing.reload();
    }
  });

  it('a request whose x-switchyard-agent header chose the model replays with that agent', async () => {
    const as = { authorization: `Bearer ${admin}` };
    const agent = await env.t.http
      .post('/api/v1/llm/agents')
      .set(as)
      .send({
        agentId: 'replay-agent',
        name: 'Replay agent',
        role: 'Replays',
        normalModel: 'up-openai/gpt-test',
        heavyModel: 'up-openai/gpt-test',
        maxModel: 'up-anthropic/claude-test',
      })
      .expect(201);
    await env.t.app.routing.reload();
    try {
      const from = new Date().toISOString();
      await chat(
        { model: 'up-openai/gpt-test' },
        { 'x-switchyard-agent': 'replay-agent', 'x-switchyard-effort': 'max' },
      );
      await env.flushUsage();
      // The agent's model taken away: the replayed request moves to its replacement.
      const res = await env.t.http
        .post('/api/v1/llm/whatif')
        .set(as)
        .send({
          from,
          to: new Date(Date.now() + 60_000).toISOString(),
          change: { replaceModels: [{ from: 'up-anthropic/claude-test', to: 'up-backup/gpt-test' }] },
        })
        .expect(200);
      expect(res.body.requests).toBe(1);
      expect(res.body.changed).toBe(1);
      expect(res.body.samples[0]).toMatchObject({
        actual: 'up-anthropic/claude-test',
        projected: 'up-backup/gpt-test',
      });
    } finally {
      await env.t.http.delete(`/api/v1/llm/agents/${agent.body.id}`).set(as).expect(204);
      await env.t.app.routing.reload();
    }
  });
});
