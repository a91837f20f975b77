import { generateGatewayKey } from '../lib/key-format.js';
import type { ProxyEnv } from './proxy-env.js';

/** A user key with a monthly budget of `budgetUsd` (the routing reloaded): its secret and its id. */
export async function budgetKey(env: ProxyEnv, budgetUsd: number): Promise<{ key: string; id: string }> {
  const k = generateGatewayKey();
  const row = await env.t.app.ctx.prisma.gatewayKey.create({
    data: {
      keyHash: k.hash,
      prefix: k.prefix,
      name: 'budgeted',
      ownerType: 'user',
      userId: env.ids.user,
      budgetUsd,
      budgetPeriod: 'month',
    },
  });
  await env.t.app.routing.reload();
  return { key: k.key, id: row.id };
}

/** What the key's usage records cost, once the usage queue is written. */
export async function spentBy(env: ProxyEnv, keyId: string): Promise<number> {
  await env.flushUsage();
  const s = await env.t.app.ctx.prisma.usageRecord.aggregate({
    _sum: { costUsd: true },
    where: { gatewayKeyId: keyId },
  });
  return Number(s._sum.costUsd ?? 0);
}

/** A completed OpenAI Responses answer `id` ("ok") that the provider billed `input` and `output` tokens. */
export const responsesAnswer = (id: string, input: number, output: number) => ({
  id,
  object: 'response',
  created_at: 1_700_000_000,
  status: 'completed',
  model: 'gpt-test',
  error: null,
  incomplete_details: null,
  output: [
    {
      type: 'message',
      id: 'msg_1',
      status: 'completed',
      role: 'assistant',
      content: [{ type: 'output_text', text: 'ok', annotations: [] }],
    },
  ],
  usage: {
    input_tokens: input,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: input + output,
  },
});
