import type { SecretBox } from '../lib/secrets.js';
import { resolveAuth, type ResolvedSecret } from './auth-json.js';

export { envRefName, type KeyProblem, type ResolvedSecret } from './auth-json.js';

/**
 * A provider's API key: a value stored in the database wins; else what its auth variables make (an apiKey, or
 * Bedrock's access key id + secret [+ session token]; literal secrets or `_env` references, resolved now: at
 * snapshot build, which reloads on every config change).
 */
export function resolveProviderKey(
  p: { encryptedApiKey: string | null; auth: unknown },
  secrets: SecretBox,
  env: Record<string, string | undefined>,
): ResolvedSecret {
  if (p.encryptedApiKey) {
    const value = secrets.decrypt(p.encryptedApiKey);
    return value === null
      ? {
          ok: false,
          problem: 'decrypt-failed',
          detail: 'the stored key cannot be decrypted with the current SECRETS_KEY',
        }
      : { ok: true, value };
  }
  // Auth variables (literal secrets and `_env` references): the key they make, unless a setting does not resolve.
  const vars = resolveAuth(p.auth, secrets, env);
  if (vars?.unresolved.length)
    return { ok: false, problem: 'env-unresolved', detail: vars.unresolved.join('; ') };
  if (vars?.key) return vars.key;
  return { ok: false, problem: 'missing', detail: 'no API key configured' };
}

export function decryptStored(encrypted: string, secrets: SecretBox): ResolvedSecret {
  const value = secrets.decrypt(encrypted);
  return value === null
    ? {
        ok: false,
        problem: 'decrypt-failed',
        detail: 'the stored key cannot be decrypted with the current SECRETS_KEY',
      }
    : { ok: true, value };
}
