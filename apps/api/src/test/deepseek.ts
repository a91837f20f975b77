import type { ProxyEnv } from './proxy-env.js';

/**
 * A DeepSeek provider `up-deepseek` at the test upstream's OpenAI-compatible path serving `deepseek-chat`, which
 * reasons in the open (`reasoning_content`). The caller reloads the routing. Returns the provider's id.
 */
export async function addDeepSeekProvider(
  env: ProxyEnv,
  opts: { priority?: number; capabilities?: string[] } = {},
): Promise<string> {
  const { prisma, secrets } = env.t.app.ctx;
  const p = await prisma.provider.create({
    data: {
      slug: 'up-deepseek',
      name: 'up-deepseek',
      type: 'deepseek',
      priority: opts.priority ?? 50,
      baseUrl: `${env.up.url}/v1`,
      status: 'active',
      encryptedApiKey: secrets.encrypt('sk-deepseek-0000'),
      apiKeyLast4: '0000',
    },
  });
  await prisma.model.create({
    data: {
      providerId: p.id,
      modelId: 'deepseek-chat',
      displayName: 'DeepSeek',
      capabilities: opts.capabilities ?? ['chat', 'tools', 'streaming'],
    },
  });
  return p.id;
}
