// GET /v1/models lists what the caller may send: a model scoped to its user or organization is routable for it, so
// it is listed (and can be retrieved) for that caller only. Before, scoped models were routable but never listed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProxyEnv, otherUserKey, type ProxyEnv } from '../test/proxy-env.js';

let e: ProxyEnv;
let otherKey: string;

beforeAll(async () => {
  e = await createProxyEnv();
  const { prisma } = e.t.app.ctx;
  await prisma.model.create({
    data: {
      provider: { connect: { id: e.ids.openai } },
      modelId: 'my-finetune',
      displayName: 'My fine-tune',
      scope: `user:${e.ids.user}`,
      owner: { connect: { id: e.ids.user } },
      priceInputPer1M: 1,
      priceOutputPer1M: 2,
    },
  });
  otherKey = await otherUserKey(e);
}, 180_000);
afterAll(async () => {
  await e?.close();
});

const list = async (key: string) =>
  (
    (await (await fetch(`${e.url}/v1/models`, { headers: { authorization: `Bearer ${key}` } })).json()) as {
      data: { id: string }[];
    }
  ).data.map((m) => m.id);

describe('GET /v1/models and scoped models', () => {
  it("lists a user's own model for that user only, and it routes for them", async () => {
    expect(await list(e.userKey)).toEqual(expect.arrayContaining(['up-openai/my-finetune', 'my-finetune']));
    expect(await list(otherKey)).not.toContain('up-openai/my-finetune');
    expect(await list(otherKey)).not.toContain('my-finetune');
    const one = await fetch(`${e.url}/v1/models/up-openai/my-finetune`, {
      headers: { authorization: `Bearer ${e.userKey}` },
    });
    expect(one.status).toBe(200);
    const chat = await fetch(`${e.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${e.userKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'up-openai/my-finetune', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(chat.status).toBe(200);
  });

  it("does not list auto when the caller's power level is switched off (auto would not route), and lists it again once on", async () => {
    const admin = await e.t.tokenFor('admin');
    const level = (await e.t.app.ctx.prisma.user.findUniqueOrThrow({ where: { id: e.ids.user } })).powerLevel;
    const setLevel = async (enabled: boolean) =>
      expect(
        (
          await e.t.http
            .put(`/api/v1/llm/routing/power-levels/${level}`)
            .set({ authorization: `Bearer ${admin}` })
            .send({ enabled })
        ).status,
      ).toBe(200);
    const chatAuto = async () =>
      (
        await fetch(`${e.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${e.userKey}`, 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'auto', messages: [{ role: 'user', content: 'hi' }] }),
        })
      ).status;
    await setLevel(false);
    try {
      expect(await chatAuto()).not.toBe(200);
      const listed = await list(e.userKey);
      expect(listed).not.toContain('auto');
      expect(listed).not.toContain(level);
      expect(
        (await fetch(`${e.url}/v1/models/auto`, { headers: { authorization: `Bearer ${e.userKey}` } }))
          .status,
      ).toBe(404);
    } finally {
      await setLevel(true);
    }
    expect(await chatAuto()).toBe(200);
    expect(await list(e.userKey)).toContain('auto');
  });
});
