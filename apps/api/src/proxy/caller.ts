import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { hashGatewayKey } from '../lib/key-format.js';
import type { GatewayError } from '../lib/errors.js';
import type { LoadedConfig, LoadedGatewayKey } from '../router/load-config.js';
import type { ProxyCaller } from '../router/types.js';

export type { ProxyCaller };

/** The operator (GATEWAY_MASTER_KEY): no key limits, no BYOK, global scope. */
export const MASTER_CALLER: ProxyCaller = Object.freeze({
  kind: 'master',
  keyId: null,
  keyName: 'master',
  keyPrefix: null,
  userId: null,
  orgId: null,
  appId: null,
  powerLevel: null,
  allowedModels: [],
  key: null,
});

/**
 * A user's calls as a dry run sees them (the tester, the dry-run plan): their organization and power level, no key
 * of their own (so no key limits). Null when the user does not exist.
 */
export function callerForUser(config: LoadedConfig, userId: string): ProxyCaller | null {
  const user = config.users.get(userId);
  if (!user) return null;
  return {
    kind: 'key',
    keyId: null,
    keyName: null,
    keyPrefix: null,
    userId: user.id,
    orgId: user.orgId,
    appId: null,
    powerLevel: user.powerLevel,
    allowedModels: [],
    key: null,
  };
}

export type CallerResult =
  { ok: true; caller: ProxyCaller } | ({ ok: false; status: 401 | 403 } & GatewayError);

/** `Authorization: Bearer <key>` or `x-api-key: <key>` (Anthropic clients). */
export function presentedKey(req: IncomingMessage): string | null {
  const auth = req.headers.authorization;
  if (auth && auth.length > 7 && auth.slice(0, 7).toLowerCase() === 'bearer ') return auth.slice(7).trim();
  const x = req.headers['x-api-key'];
  if (typeof x === 'string' && x.length > 0) return x.trim();
  return null;
}

/** The master key's bytes, kept for the last key seen (it is fixed for the process; not re-encoded per request). */
let masterBytes: { key: string; bytes: Buffer } | null = null;

function sameSecret(presented: string, master: string): boolean {
  if (masterBytes?.key !== master) masterBytes = { key: master, bytes: Buffer.from(master) };
  const expected = masterBytes.bytes;
  // Byte length first (cheap, and timingSafeEqual needs equal lengths); the comparison itself is constant-time.
  if (Buffer.byteLength(presented) !== expected.length) return false;
  return timingSafeEqual(Buffer.from(presented), expected);
}

export function resolveCaller(
  presented: string | null,
  config: LoadedConfig,
  masterKey: string | undefined,
  now: number,
): CallerResult {
  if (!presented) {
    return {
      ok: false,
      kind: 'client',
      status: 401,
      code: 'missing_api_key',
      message: 'Send a gateway key as "Authorization: Bearer <key>" or "x-api-key".',
    };
  }
  if (masterKey && sameSecret(presented, masterKey)) {
    return { ok: true, caller: MASTER_CALLER };
  }
  const key = config.keysByHash.get(hashGatewayKey(presented));
  if (!key || key.revoked)
    return {
      ok: false,
      kind: 'client',
      status: 401,
      code: 'invalid_api_key',
      message: 'The gateway key is not valid or was revoked.',
    };
  if (key.expiresAt !== null && key.expiresAt <= now) {
    return {
      ok: false,
      kind: 'client',
      status: 401,
      code: 'expired_api_key',
      message: 'The gateway key has expired.',
    };
  }
  return callerForKey(key, config);
}

/** The caller a (valid, unexpired) gateway key stands for: its owner's org and power level, or why it may not call. */
export function callerForKey(key: LoadedGatewayKey, config: LoadedConfig): CallerResult {
  let orgId = key.orgId;
  let powerLevel: string | null = null;
  if (key.userId) {
    const user = config.users.get(key.userId);
    if (!user || user.status !== 'active') {
      return {
        ok: false,
        kind: 'client',
        status: 403,
        code: 'account_suspended',
        message: 'The account that owns this key is suspended.',
      };
    }
    orgId ??= user.orgId;
    powerLevel = user.powerLevel;
  }
  if (key.appId) {
    const app = config.apps.get(key.appId);
    if (!app || !app.active)
      return {
        ok: false,
        kind: 'client',
        status: 403,
        code: 'app_inactive',
        message: 'The app that owns this key is inactive.',
      };
    orgId ??= app.orgId;
  }
  if (orgId) {
    const org = config.orgs.get(orgId);
    if (org && org.status !== 'active') {
      return {
        ok: false,
        kind: 'client',
        status: 403,
        code: 'org_suspended',
        message: 'The organization that owns this key is suspended.',
      };
    }
  }
  return {
    ok: true,
    caller: {
      kind: 'key',
      keyId: key.id,
      keyName: key.name,
      keyPrefix: key.prefix,
      userId: key.userId,
      orgId,
      appId: key.appId,
      powerLevel,
      allowedModels: key.allowedModels,
      key,
    },
  };
}
