import { expect } from 'vitest';
import { postAs, type ProxyEnv } from './proxy-env.js';

/** A one-message conversation. */
export const HI = [{ role: 'user', content: 'hi' }];

/** Expects a 200 (the body in the failure message). */
export async function expectOk(res: Response): Promise<void> {
  const text = await res.text();
  expect(res.status, text).toBe(200);
}

/**
 * Requests asking for reasoning through a proxy env as its user, each expecting a 200: a chat client's
 * `reasoning_effort`, an Anthropic client's thinking budget (`max_tokens` 32,000). `env` is read when a request is
 * made (a file's env is made in its beforeAll).
 */
export function reasoningAsks(env: () => ProxyEnv) {
  return {
    chat: async (model: string, reasoning_effort: unknown): Promise<void> =>
      expectOk(await postAs(env(), '/v1/chat/completions', { model, messages: HI, reasoning_effort })),
    thinking: async (model: string, budget_tokens: number): Promise<void> =>
      expectOk(
        await postAs(env(), '/v1/messages', {
          model,
          max_tokens: 32000,
          messages: HI,
          thinking: { type: 'enabled', budget_tokens },
        }),
      ),
  };
}
