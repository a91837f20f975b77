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

  // The cost strategy ranks a request by what it may cost, each of its `n` answers counted: a request for many
  // answers goes to the target with the cheaper output. The simulator and the dry run plan it as the proxy did.
  it('a request for several answers (n) replays and dry-runs with them, as the proxy routed it', async () => {
    const { prisma } = env.t.app.ctx;
    const as = { authorization: `Bearer ${admin}` };
    // One model id on two providers: on up-openai a cheaper prompt and a dearer output, on up-backup the reverse.
    for (const [providerId, priceInputPer1M, priceOutputPer1M] of [
      [env.ids.openai, 1, 5],
      [env.ids.backup, 5, 1],
    ] as const)
      await prisma.model.create({
        data: {
          providerId,
          modelId: 'dual',
          displayName: 'dual',
          priceInputPer1M,
          priceOutputPer1M,
          contextWindow: 8000,
          capabilities: ['chat', 'tools', 'streaming', 'json'],
        },
      });
    const settings = await prisma.routingSettings.findUniqueOrThrow({ where: { id: 1 } });
    await prisma.routingSettings.update({ where: { id: 1 }, data: { strategy: 'cost' } });
    await env.t.app.routing.reload();
    try {
      const messages = [{ role: 'user', content: 'hello '.repeat(8) }];
      const send = async (body: Record<string, unknown>) => {
        const res = await fetch(`${env.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${env.userKey}` },
          body: JSON.stringify({ model: 'dual', messages, max_tokens: 10, ...body }),
        });
        expect(res.status).toBe(200);
        await res.text();
        return res;
      };
      const from = new Date().toISOString();
      // Eight answers asked for go to the cheaper output; one, to the cheaper prompt.
      const many = await send({ n: 8 });
      expect(many.headers.get('x-switchyard-provider')).toBe('up-backup');
      expect((await send({})).headers.get('x-switchyard-provider')).toBe('up-openai');
      await env.flushUsage();

      // The simulator, with an unrelated change: both requests replay where they went.
      const sim = await env.t.http
        .post('/api/v1/llm/whatif')
        .set(as)
        .send({
          from,
          to: new Date(Date.now() + 60_000).toISOString(),
          change: { disableModels: ['up-anthropic/claude-test'] },
        })
        .expect(200);
      expect(sim.body.requests).toBe(2);
      expect(sim.body.samples).toEqual([]);
      expect(sim.body.changed).toBe(0);

      // The dry run: the logged request replayed, and the same request as a client sends it.
      const replayed = await env.t.http
        .post('/api/v1/llm/routing/trace')
        .set(as)
        .send({ requestId: many.headers.get('x-request-id'), asOperator: true })
        .expect(200);
      expect(replayed.body.chosen.ref).toBe('up-backup/dual');
      const sent = await env.t.http
        .post('/api/v1/llm/routing/trace')
        .set(as)
        .send({ model: 'dual', messages, max_tokens: 10, n: 8 })
        .expect(200);
      expect(sent.body.chosen.ref).toBe('up-backup/dual');
      expect(sent.body.request.choices).toBe(8);
      // Its estimate counts every answer: eight of at most 10 tokens at $1 per 1M, on top of the prompt.
      const trace = (n?: number) =>
        env.t.http
          .post('/api/v1/llm/routing/trace')
          .set(as)
          .send({ model: 'up-backup/dual', messages, max_tokens: 10, ...(n ? { n } : {}) })
          .expect(200);
      const single = (await trace()).body.chosen.estimatedCostUsd as number;
      const eight = (await trace(8)).body.chosen.estimatedCostUsd as number;
      expect(eight - single).toBeCloseTo((7 * 10 * 1) / 1e6, 12);
      // Described without messages, as the trace form sends it: a provider that cannot give several answers is
      // skipped, as the proxy skips it.
      const live = await fetch(`${env.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${env.userKey}` },
        body: JSON.stringify({ model: 'up-anthropic/claude-test', messages, n: 2 }),
      });
      expect(live.status).toBeGreaterThanOrEqual(400);
      await live.text();
      const form = await env.t.http
        .post('/api/v1/llm/routing/trace')
        .set(as)
        .send({ model: 'up-anthropic/claude-test', n: 2 })
        .expect(200);
      expect(form.body).toMatchObject({ ok: false, chosen: null, request: { choices: 2 } });
    } finally {
      await prisma.routingSettings.update({ where: { id: 1 }, data: { strategy: settings.strategy } });
      await prisma.model.deleteMany({ where: { modelId: 'dual' } });
      await env.t.app.routing.reload();
    }
  });
});
