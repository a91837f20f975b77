import type { Provider } from '@switchyard/prisma';
import type { AppContext } from '../../context.js';
import { callerKeyConfig } from '../../providers/credentials.js';
import { providerCallConfig } from '../../router/auth-json.js';
import { testProviderConnection, type ConnectionTest } from './provider-test.js';

/**
 * Tests a caller's stored key (a user's BYOK key, an organization's provider key) with a real minimal call, as routing
 * would send it: the provider's auth settings (apiVersion, region, ...) over its config, without the provider's own
 * credentials (the key is tested alone). Answers the result and the key's status after it: a key its provider refuses
 * becomes `invalid` (not routed) until a test passes; a key its owner turned off stays `disabled` whatever the result.
 */
export async function testCallerKey(
  ctx: AppContext,
  provider: Provider,
  key: { encryptedKey: string; status: string },
): Promise<{ result: ConnectionTest; status: string }> {
  const secret = ctx.secrets.decrypt(key.encryptedKey);
  const result: ConnectionTest =
    secret === null
      ? {
          success: false,
          latencyMs: 0,
          error: {
            code: 'misconfigured',
            message: 'The stored key cannot be decrypted with the current SECRETS_KEY.',
          },
        }
      : await testProviderConnection(
          {
            id: provider.id,
            slug: provider.slug,
            type: provider.type,
            baseUrl: provider.baseUrl,
            apiKey: secret,
            config: callerKeyConfig(providerCallConfig(provider, ctx.secrets, ctx.processEnv)),
          },
          { dispatcher: ctx.outbound.dispatcher },
        );
  const status =
    key.status === 'disabled'
      ? 'disabled'
      : result.success
        ? 'active'
        : result.error.code === 'invalid_key'
          ? 'invalid'
          : key.status;
  return { result, status };
}
