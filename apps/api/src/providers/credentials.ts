import type { ProviderConfig } from './types.js';

/** Provider settings that are credentials themselves (Bedrock's AWS keys). */
export const CREDENTIAL_CONFIG_KEYS = ['accessKeyId', 'secretAccessKey', 'sessionToken'] as const;

/** An extra header whose name says it carries a credential. */
export const SECRET_HEADER = /authorization|api[-_]?key|token|secret|cookie|password/i;

const stripped = new WeakMap<ProviderConfig, ProviderConfig>();

/**
 * A provider's settings for a call that a user's own key (BYOK) or an organization's key pays: without the
 * provider's own credentials (its AWS keys, its extra headers that carry a credential), so a caller's key that is
 * malformed or incomplete fails as such and is never completed with the platform's. Memoised per settings object
 * (the same object until the provider changes).
 */
export function callerKeyConfig(config: ProviderConfig): ProviderConfig {
  let out = stripped.get(config);
  if (out) return out;
  out = { ...config };
  for (const k of CREDENTIAL_CONFIG_KEYS) delete out[k];
  const kept = Object.entries(config.headers ?? {}).filter(([name]) => !SECRET_HEADER.test(name));
  if (kept.length > 0) out.headers = Object.fromEntries(kept);
  else delete out.headers;
  stripped.set(config, out);
  return out;
}
