import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { budgetKey as makeBudgetKey, spentBy as spentOn } from '../test/budgets.js';
import { createProxyEnv, resetProxyEnv, type ProxyEnv } from '../test/proxy-env.js';

// An image is reserved what the model that may answer counts for it. gpt-4o-mini counts an image at about 33 times
// gpt-4o's tiles, and Gemini a large image at 258 tokens per 768-pixel tile: reserved as Claude or gpt-4o count it,
// a burst of such requests was admitted together and spent a budget far past its cap.

let env: ProxyEnv;
beforeAll(async () => {
  env = await createProxyEnv();
  const { prisma, secrets } = env.t.app.ctx;
  const caps = ['chat', 'tools', 'streaming', 'vision'];
  await prisma.model.create({
    data: {
      providerId: env.ids.openai,
      modelId: 'gpt-4o-mini',
      displayName: 'GPT-4o mini',
      priceInputPer1M: 0.15,
      priceOutputPer1M: 0.6,
      contextWindow: 128_000,
      capabilities: caps,
    },
  });
  const gem = await prisma.provider.create({
    data: {
      slug: 'up-gemini',
      name: 'up-gemini',
      type: 'google',
      priority: 50,
      status: 'active',
      autoFallback: false,
      baseUrl: env.up.url,
      encryptedApiKey: secrets.encrypt('AIza-test-key'),
      apiKeyLast4: 'test',
    },
  });
  await prisma.model.create({
    data: {
      providerId: gem.id,
      modelId: 'gemini-2.0-flash',
      displayName: 'Gemini 2.0 Flash',
      priceInputPer1M: 0.1,
      priceOutputPer1M: 0.4,
      contextWindow: 1_000_000,
      capabilities: caps,
    },
  });
  // An Azure deployment's name says nothing of its model: the admin names it (the model config's `baseModel`).
  const azure = await prisma.provider.create({
    data: {
      slug: 'up-azure',
      name: 'up-azure',
      type: 'azure-openai',
      priority: 50,
      status: 'active',
      autoFallback: false,
      baseUrl: env.up.url,
      encryptedApiKey: secrets.encrypt('azure-key-0000'),
      apiKeyLast4: '0000',
    },
  });
  await prisma.model.create({
    data: {
      providerId: azure.id,
      modelId: 'vision-prod',
      displayName: 'Vision (prod)',
      priceInputPer1M: 0.15,
      priceOutputPer1M: 0.6,
      contextWindow: 128_000,
      capabilities: caps,
      config: { baseModel: 'gpt-4o-mini' },
    },
  });
  await env.t.app.routing.reload();
});
afterAll(async () => {
  await env?.close();
});
beforeEach(() => resetProxyEnv(env));
const budgetKey = (usd: number) => makeBudgetKey(env, usd);
const spentBy = (keyId: string) => spentOn(env, keyId);

/** A PNG's first bytes (signature and IHDR) for an image of this size, as base64. */
function pngBase64(width: number, height: number): string {
  const b = Buffer.alloc(64);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 13, 10, 26, 10, 0, 0, 0, 13]).copy(b, 0);
  b.write('IHDR', 12, 'latin1');
  b.writeUInt32BE(width, 16);
  b.writeUInt32BE(height, 20);
  b.set([8, 2, 0, 0, 0], 24);
  return b.toString('base64');
}

/** `n` chat requests at once, each with one inline image of this size, on this key. */
function burst(n: number, key: string, model: string, width: number, height: number) {
  return Promise.all(
    Array.from({ length: n }, () =>
      fetch(`${env.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify({
          model,
          max_tokens: 10,
          messages: [
            {
              role: 'user',
              content: [
                { type: 'text', text: 'What is in this picture?' },
                {
                  type: 'image_url',
                  image_url: { url: `data:image/png;base64,${pngBase64(width, height)}` },
                },
              ],
            },
          ],
        }),
      }),
    ),
  );
}

/**
 * Some of the burst answered and the rest were refused for the budget (402, also where the catalogue's other
 * providers of the model are turned off), and the budget spent no more than its cap.
 */
async function expectHeldTo(results: Response[], keyId: string, cap: number) {
  expect(results.filter((r) => r.status === 200).length).toBeGreaterThan(0);
  const refused = results.filter((r) => r.status !== 200);
  expect(refused.length).toBeGreaterThan(0);
  for (const r of refused) {
    expect(r.status).toBe(402);
    expect(await r.text()).toMatch(/budget/i);
  }
  expect(await spentBy(keyId)).toBeLessThanOrEqual(cap + 1e-9);
}

describe('a burst of requests with images cannot spend a budget past its cap on any model', () => {
  it('gpt-4o-mini: an image is reserved its 2,833 base and 5,667 tokens per tile', async () => {
    // 1024×1024 at high detail: scaled to 768×768, 4 tiles of 512: 2,833 + 4 × 5,667 = 25,501 tokens (gpt-4o: 765).
    const input = 25_501 + 9;
    const each = (input * 0.15 + 10 * 0.6) / 1e6;
    const cap = each * 3;
    const { key, id } = await budgetKey(cap);
    for (let i = 0; i < 20; i++)
      env.up.script({
        path: '/chat/completions',
        status: 200,
        body: {
          id: `chatcmpl-img${i}`,
          object: 'chat.completion',
          created: 1_700_000_000,
          model: 'gpt-4o-mini-2024-07-18',
          choices: [{ index: 0, message: { role: 'assistant', content: 'a cat' }, finish_reason: 'stop' }],
          usage: { prompt_tokens: input, completion_tokens: 10, total_tokens: input + 10 },
        },
      });
    const results = await burst(20, key, 'up-openai/gpt-4o-mini', 1024, 1024);
    await expectHeldTo(results, id, cap);
  });

  it('an Azure deployment of gpt-4o-mini (named by its baseModel) is reserved as gpt-4o-mini counts', async () => {
    const input = 25_501 + 9;
    const each = (input * 0.15 + 10 * 0.6) / 1e6;
    const cap = each * 3;
    const { key, id } = await budgetKey(cap);
    for (let i = 0; i < 20; i++)
      env.up.script({
        path: '/openai/deployments/vision-prod/chat/completions',
        status: 200,
        body: {
          id: `chatcmpl-az${i}`,
          object: 'chat.completion',
          created: 1_700_000_000,
          model: 'gpt-4o-mini-2024-07-18',
          choices: [{ index: 0, message: { role: 'assistant', content: 'a cat' }, finish_reason: 'stop' }],
          usage: { prompt_tokens: input, completion_tokens: 10, total_tokens: input + 10 },
        },
      });
    const results = await burst(20, key, 'up-azure/vision-prod', 1024, 1024);
    await expectHeldTo(results, id, cap);
  });

  it('Gemini: a large image is reserved 258 tokens for each 768-pixel tile', async () => {
    // 3072×3072: 4 × 4 tiles of 768, 16 × 258 = 4,128 tokens (Claude counts it ~1,600, gpt-4o 765).
    const input = 4_128 + 9;
    const each = (input * 0.1 + 10 * 0.4) / 1e6;
    const cap = each * 3;
    const { key, id } = await budgetKey(cap);
    for (let i = 0; i < 20; i++)
      env.up.script({
        path: ':generateContent',
        status: 200,
        body: {
          candidates: [
            { content: { role: 'model', parts: [{ text: 'a cat' }] }, finishReason: 'STOP', index: 0 },
          ],
          usageMetadata: { promptTokenCount: input, candidatesTokenCount: 10, totalTokenCount: input + 10 },
          modelVersion: 'gemini-2.0-flash',
          responseId: `gem${i}`,
        },
      });
    const results = await burst(20, key, 'up-gemini/gemini-2.0-flash', 3072, 3072);
    await expectHeldTo(results, id, cap);
  });
});
