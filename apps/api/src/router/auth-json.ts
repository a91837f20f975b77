/**
 * Auth JSON: a model's own auth settings, several named variables (an API key, Bedrock's access key id and
 * secret, Azure's api version and deployment, a region), each either a literal secret or an `_env` reference.
 *
 * Stored: `{ "<name>": { "_env": "VAR" } | { "_secret": "<SecretBox ciphertext>", "last4": "abcd" } }`.
 * Written: `{ "<name>": "<literal>" | { "_env": "VAR" } | null }` (null removes the variable; names not sent are
 * kept, so a form never has to send a secret back). Shown: name, kind, the env name or the last four, and
 * whether it resolves now. Literal values never leave the server.
 */
import type { AuthEntry, AuthPatch } from '@switchyard/core';
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

type StoredValue = { _env: string } | { _secret: string; last4: string };
export type StoredAuth = Record<string, StoredValue>;

/** The variables that make up the key the upstream call carries; every other variable is a call setting. */
const KEY_NAMES = new Set(['apiKey', 'accessKeyId', 'secretAccessKey', 'sessionToken']);

function storedOf(raw: unknown): StoredAuth {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return {};
  const out: StoredAuth = {};
  for (const [name, v] of Object.entries(raw as Record<string, unknown>)) {
    const env = envRefName(v);
    if (env) out[name] = { _env: env };
    else if (v && typeof v === 'object' && typeof (v as { _secret?: unknown })._secret === 'string')
      out[name] = {
        _secret: (v as { _secret: string })._secret,
        last4: String((v as { last4?: unknown }).last4 ?? ''),
      };
  }
  return out;
}

/** The stored auth after a write: literals encrypted (only their last four kept in clear), nulls removed. */
export function applyAuthPatch(before: unknown, patch: AuthPatch, secrets: SecretBox): StoredAuth {
  // Entries this module does not know (older provider settings) are kept as they are.
  const next = {
    ...(before && typeof before === 'object' && !Array.isArray(before) ? before : {}),
  } as StoredAuth;
  for (const [name, v] of Object.entries(patch)) {
    if (v === null) delete next[name];
    else if (typeof v === 'string') next[name] = { _secret: secrets.encrypt(v), last4: v.slice(-4) };
    else next[name] = { _env: v._env };
  }
  return next;
}

/** The auth as the API shows it: never a value, each variable's env name or last four and whether it resolves. */
export function presentAuth(raw: unknown, env: Record<string, string | undefined>): AuthEntry[] {
  return Object.entries(storedOf(raw))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, v]) =>
      '_env' in v
        ? { name, kind: 'env' as const, env: v._env, last4: null, resolved: Boolean(env[v._env]) }
        : { name, kind: 'secret' as const, env: null, last4: v.last4 || null, resolved: true },
    );
}

export interface ResolvedAuth {
  /** The key the call carries when the auth names one (apiKey, or accessKeyId + secretAccessKey [+ sessionToken]). */
  key: ResolvedSecret | null;
  /** Every other variable, resolved: laid over the provider's settings for calls to this model. */
  settings: Record<string, string>;
  /** Settings that do not resolve (an unset env var, a secret that does not decrypt): `name: why`. */
  unresolved: string[];
}

/** Resolves stored auth now (at snapshot build): values from the environment and the secret box. */
export function resolveAuth(
  raw: unknown,
  secrets: SecretBox,
  env: Record<string, string | undefined>,
): ResolvedAuth | null {
  const stored = storedOf(raw);
  const names = Object.keys(stored);
  if (names.length === 0) return null;
  const values: Record<string, ResolvedSecret> = {};
  for (const name of names) {
    const v = stored[name]!;
    if ('_env' in v) {
      const value = env[v._env];
      values[name] = value
        ? { ok: true, value }
        : { ok: false, problem: 'env-unresolved', detail: `${v._env} is not set` };
    } else {
      const value = secrets.decrypt(v._secret);
      values[name] =
        value === null
          ? {
              ok: false,
              problem: 'decrypt-failed',
              detail: `${name} cannot be decrypted with the current SECRETS_KEY`,
            }
          : { ok: true, value };
    }
  }
  const settings: Record<string, string> = {};
  const unresolved: string[] = [];
  for (const [name, r] of Object.entries(values)) {
    if (KEY_NAMES.has(name)) continue;
    if (r.ok) settings[name] = r.value;
    else unresolved.push(`${name}: ${r.detail}`);
  }
  return { key: keyOf(values), settings, unresolved };
}

function keyOf(values: Record<string, ResolvedSecret>): ResolvedSecret | null {
  const failed = (r: ResolvedSecret | undefined): r is Extract<ResolvedSecret, { ok: false }> =>
    r !== undefined && !r.ok;
  if (values.apiKey) return values.apiKey;
  const id = values.accessKeyId;
  const secret = values.secretAccessKey;
  if (!id && !secret) return null;
  if (!id || !secret)
    return { ok: false, problem: 'missing', detail: 'accessKeyId and secretAccessKey go together' };
  if (failed(id)) return id;
  if (failed(secret)) return secret;
  if (!id.ok || !secret.ok) return null;
  const token = values.sessionToken;
  return { ok: true, value: [id.value, secret.value, ...(token?.ok ? [token.value] : [])].join(':') };
}

/**
 * A provider's config with a model's auth settings laid over it for calls to that model: `deployment` names the
 * Azure deployment of this model, every other setting (apiVersion, region, ...) replaces the provider's.
 */
export function withAuthSettings(
  config: Record<string, unknown>,
  settings: Record<string, string>,
  modelId: string | null,
): Record<string, unknown> {
  if (Object.keys(settings).length === 0) return config;
  if (modelId === null) return { ...config, ...settings };
  const { deployment, ...rest } = settings;
  const next: Record<string, unknown> = { ...config, ...rest };
  if (deployment)
    next.deployments = { ...((config.deployments ?? {}) as Record<string, unknown>), [modelId]: deployment };
  return next;
}

/** A provider's config as calls see it: its auth settings (apiVersion, region, ...) laid over it. */
export function providerCallConfig(
  p: { config: unknown; auth: unknown },
  secrets: SecretBox,
  env: Record<string, string | undefined>,
): Record<string, unknown> {
  return withAuthSettings(
    (p.config ?? {}) as Record<string, unknown>,
    resolveAuth(p.auth, secrets, env)?.settings ?? {},
    null,
  );
}
