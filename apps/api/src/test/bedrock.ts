import type { ProxyEnv } from './proxy-env.js';

/** The Claude model the Bedrock test provider serves (the test upstream speaks Converse for it). */
export const BEDROCK_MODEL = 'anthropic.claude-test-v1:0';

/**
 * A Bedrock provider `up-bedrock` at the test upstream (region us-east-1, a platform key the upstream's SigV4 check
 * accepts) serving BEDROCK_MODEL at $3 / $15 per 1M tokens; the routing reloaded. Returns the provider's id.
 */
export async function addBedrockProvider(env: ProxyEnv): Promise<string> {
  const { prisma, secrets } = env.t.app.ctx;
  const key = 'AKIDEXAMPLE:wJalrXUtnFEMIbPxRfiCYEXAMPLEKEY';
  const p = await prisma.provider.create({
    data: {
      slug: 'up-bedrock',
      name: 'up-bedrock',
      type: 'bedrock',
      priority: 40,
      baseUrl: env.up.url,
      status: 'active',
      encryptedApiKey: secrets.encrypt(key),
      apiKeyLast4: key.slice(-4),
      config: { region: 'us-east-1' },
    },
  });
  await prisma.model.create({
    data: {
      providerId: p.id,
      modelId: BEDROCK_MODEL,
      displayName: 'Claude on Bedrock',
      priceInputPer1M: 3,
      priceOutputPer1M: 15,
      contextWindow: 200_000,
      capabilities: ['chat', 'tools', 'streaming'],
    },
  });
  await env.t.app.routing.reload();
  return p.id;
}
