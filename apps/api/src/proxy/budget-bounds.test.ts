import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  budgetKey as makeBudgetKey,
  responsesAnswer as responseWith,
  spentBy as spentOn,
} from '../test/budgets.js';
import { createProxyEnv, resetProxyEnv, type ProxyEnv } from '../test/proxy-env.js';

// Budgets reserve each call's most it may cost before it runs; these are calls whose prompt the body alone
// under-states, so a burst of them was admitted together and spent a budget far past its cap.

let env: ProxyEnv;
beforeAll(async () => {
  env = await createProxyEnv();
});
afterAll(async () => {
  await env?.close();
});
beforeEach(() => resetProxyEnv(env));
const budgetKey = (usd: number) => makeBudgetKey(env, usd);
const spentBy = (keyId: string) => spentOn(env, keyId);

const post = (path: string, key: string, body: Record<string, unknown>) =>
  fetch(`${env.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify(body),
  });

describe('a Responses call continuing a stored conversation (previous_response_id)', () => {
  const sse = (type: string, o: Record<string, unknown>) =>
    `event: ${type}\ndata: ${JSON.stringify({ type, ...o })}\n\n`;
  it.each([false, true])(
    'a burst of them cannot spend a budget past its cap: the conversation the gateway relayed is reserved (first turn streamed: %s)',
    async (stream) => {
      // A first turn through the gateway (another key pays): the provider counted 5,000 input and 100 output tokens.
      const r = responseWith('resp_long1', 5_000, 100);
      env.up.script(
        stream
          ? {
              path: '/responses',
              events: [
                sse('response.created', { response: { ...r, usage: null } }),
                sse('response.completed', { response: r }),
              ],
            }
          : { path: '/responses', status: 200, body: r },
      );
      const first = await post('/v1/responses', env.userKey, {
        model: 'up-openai/gpt-test',
        input: 'start',
        stream,
      });
      expect(first.status).toBe(200);
      expect(await first.text()).toContain('resp_long1');

      // Each continuation is billed the whole conversation as input: 5,120 tokens at $2 per 1M, 10 out at $8 per 1M.
      const each = (5_120 * 2 + 10 * 8) / 1e6;
      const cap = each * 3;
      const { key, id } = await budgetKey(cap);
      for (let i = 0; i < 20; i++)
        env.up.script({ path: '/responses', status: 200, body: responseWith(`resp_next${i}`, 5_120, 10) });
      const results = await Promise.all(
        Array.from({ length: 20 }, () =>
          post('/v1/responses', key, {
            model: 'up-openai/gpt-test',
            previous_response_id: 'resp_long1',
            input: 'and then?',
            max_output_tokens: 10,
          }),
        ),
      );
      const statuses = results.map((r) => r.status);
      expect(statuses.filter((s) => s === 200).length).toBeGreaterThan(0);
      expect(statuses.filter((s) => s === 402).length).toBeGreaterThan(0);
      // Reserved the conversation as the provider counted it (5,100) and the turn's own input, not the whole window.
      const refused = (await results.find((r) => r.status === 402)!.json()) as { error: { message: string } };
      expect(refused.error.message).toContain('may cost up to $0.0103');
      expect(await spentBy(id)).toBeLessThanOrEqual(cap + 1e-9);
    },
  );

  it('one the gateway did not relay is reserved its model’s whole context window, so a burst cannot overspend either', async () => {
    // gpt-test's context window is 8,000 tokens: the most any conversation on it can be billed as input.
    const each = (7_900 * 2 + 10 * 8) / 1e6;
    const window = (8_000 * 2 + 10 * 8) / 1e6;
    const cap = window * 2;
    const { key, id } = await budgetKey(cap);
    for (let i = 0; i < 20; i++)
      env.up.script({ path: '/responses', status: 200, body: responseWith(`resp_u${i}`, 7_900, 10) });
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        post('/v1/responses', key, {
          model: 'up-openai/gpt-test',
          previous_response_id: 'resp_from_elsewhere',
          input: 'and then?',
          max_output_tokens: 10,
        }),
      ),
    );
    expect(results.filter((r) => r.status === 200).length).toBeGreaterThan(0);
    const refused = results.find((r) => r.status === 402);
    expect(refused).toBeDefined();
    expect(await spentBy(id)).toBeLessThanOrEqual(cap + 1e-9);
    expect(await spentBy(id)).toBeGreaterThanOrEqual(each);
  });
});

/** A PNG's first bytes (signature and IHDR) for an image of this size, as base64, padded to `bytes`. */
function pngBase64(width: number, height: number, bytes = 64): string {
  const b = Buffer.alloc(Math.max(bytes, 33));
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 13, 10, 26, 10, 0, 0, 0, 13]).copy(b, 0);
  b.write('IHDR', 12, 'latin1');
  b.writeUInt32BE(width, 16);
  b.writeUInt32BE(height, 20);
  b.set([8, 2, 0, 0, 0], 24);
  return b.toString('base64');
}

describe('requests with images are reserved what their provider counts for them', () => {
  it('Claude: a burst of requests with a large inline image cannot spend a budget past its cap', async () => {
    // Claude counts a 1200×1200 image (scaled to ~1.15 megapixels) as about 1,600 tokens, not 765.
    const each = (1_600 * 3 + 10 * 15) / 1e6;
    const cap = each * 3;
    const { key, id } = await budgetKey(cap);
    const answer = {
      id: 'msg_img',
      type: 'message',
      role: 'assistant',
      model: 'claude-test',
      content: [{ type: 'text', text: 'a cat' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: 1_600, output_tokens: 10 },
    };
    for (let i = 0; i < 20; i++) env.up.script({ path: '/messages', status: 200, body: answer });
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        post('/v1/messages', key, {
          model: 'up-anthropic/claude-test',
          max_tokens: 10,
          messages: [
            {
              role: 'user',
              content: [
                { type: 'text', text: 'What is in this picture?' },
                {
                  type: 'image',
                  source: { type: 'base64', media_type: 'image/png', data: pngBase64(1200, 1200) },
                },
              ],
            },
          ],
        }),
      ),
    );
    expect(results.filter((r) => r.status === 200).length).toBeGreaterThan(0);
    expect(results.filter((r) => r.status === 402).length).toBeGreaterThan(0);
    expect(await spentBy(id)).toBeLessThanOrEqual(cap + 1e-9);
  });

  it('Responses: a burst of requests with an image by URL cannot spend a budget past its cap', async () => {
    // A long, thin image at high detail: 8 tiles, 1,445 tokens; its URL is a few dozen characters.
    const each = (1_455 * 2 + 10 * 8) / 1e6;
    const cap = each * 3;
    const { key, id } = await budgetKey(cap);
    for (let i = 0; i < 20; i++)
      env.up.script({ path: '/responses', status: 200, body: responseWith(`resp_img${i}`, 1_455, 10) });
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        post('/v1/responses', key, {
          model: 'up-openai/gpt-test',
          max_output_tokens: 10,
          input: [
            {
              role: 'user',
              content: [
                { type: 'input_text', text: 'What is in this picture?' },
                { type: 'input_image', image_url: 'https://example.com/panorama.png', detail: 'high' },
              ],
            },
          ],
        }),
      ),
    );
    expect(results.filter((r) => r.status === 200).length).toBeGreaterThan(0);
    expect(results.filter((r) => r.status === 402).length).toBeGreaterThan(0);
    expect(await spentBy(id)).toBeLessThanOrEqual(cap + 1e-9);
  });

  it('Responses: a large inline image is counted as an image, not as its base64 characters', async () => {
    // 200 KB of base64 was estimated as ~50,000 tokens: past gpt-test's 8,000-token window, so no model could take it.
    const r = await post('/v1/responses', env.userKey, {
      model: 'up-openai/gpt-test',
      max_output_tokens: 10,
      input: [
        {
          role: 'user',
          content: [
            { type: 'input_text', text: 'What is in this picture?' },
            { type: 'input_image', image_url: `data:image/png;base64,${pngBase64(1024, 1024, 150_000)}` },
          ],
        },
      ],
    });
    expect(r.status).toBe(200);
  });
});

describe('text in scripts that take more tokens than 4 bytes each', () => {
  // 1,000 Chinese characters: 3,000 bytes, reserved as 750 tokens at 4 bytes a token; a tokenizer counts them at up
  // to ~1.25 tokens each (cl100k: 1.24).
  const chinese = '人工智能正在改变世界的许多行业，包括医疗、教育和金融。'.repeat(40).slice(0, 1_000);

  it('a burst of Chinese prompts cannot spend a budget past its cap', async () => {
    const each = (1_250 * 2 + 10 * 8) / 1e6;
    const cap = each * 3;
    const { key, id } = await budgetKey(cap);
    for (let i = 0; i < 20; i++)
      env.up.script({
        path: '/chat/completions',
        status: 200,
        body: {
          id: `chatcmpl-zh${i}`,
          object: 'chat.completion',
          created: 1_700_000_000,
          model: 'gpt-test',
          choices: [{ index: 0, message: { role: 'assistant', content: '好' }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 1_250, completion_tokens: 10, total_tokens: 1_260 },
        },
      });
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        post('/v1/chat/completions', key, {
          model: 'up-openai/gpt-test',
          max_tokens: 10,
          messages: [{ role: 'user', content: `请总结：${chinese}` }],
        }),
      ),
    );
    expect(results.filter((r) => r.status === 200).length).toBeGreaterThan(0);
    expect(results.filter((r) => r.status === 402).length).toBeGreaterThan(0);
    expect(await spentBy(id)).toBeLessThanOrEqual(cap + 1e-9);
  });
});
