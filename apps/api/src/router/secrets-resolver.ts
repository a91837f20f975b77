import type { SecretBox } from '../lib/secrets.js';

/** Why a key cannot be used; the engine skips such a candidate with this reason instead of failing. */
export type KeyProblem = 'env-unresolved' | 'decrypt-failed' | 'missing';

export type ResolvedSecret = { ok: true; value: string } | { ok: false; problem: KeyProblem; detail: string };

/** `_env` references look like `{"_env": "OPENAI_API_KEY"}`. */
export function envRefName(v: unknown): string | null {
  if (v && typeof v === 'object' && '_env' in v && typeof (v as { _env: unknown })._env === 'string') {
    return (v as { _env: string })._env;
  }
  return null;
}

/**
 * A provider's API key: a value stored in the database wins; else the `_env` reference in its auth settings,
 * resolved from the environment now (at snapshot build, which reloads on every config change).
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
  const auth = (p.auth ?? {}) as Record<string, unknown>;
  const ref = envRefName(auth.apiKey);
  if (ref) {
    const value = env[ref];
    return value
      ? { ok: true, value }
      : { ok: false, problem: 'env-unresolved', detail: `${ref} is not set` };
  }
  // Bedrock: access key id and secret as two env references.
  const idRef = envRefName(auth.accessKeyId);
  const secretRef = envRefName(auth.secretAccessKey);
  if (idRef && secretRef) {
    const id = env[idRef];
    const secret = env[secretRef];
    if (!id || !secret)
      return { ok: false, problem: 'env-unresolved', detail: `${!id ? idRef : secretRef} is not set` };
    const token = envRefName(auth.sessionToken);
    return { ok: true, value: [id, secret, ...(token && env[token] ? [env[token]!] : [])].join(':') };
  }
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
