import { createHash, randomBytes } from 'node:crypto';

/**
 * Gateway keys look like `sy-` + 43 base64url characters (256 bits). Only the SHA-256 hash is stored (the key
 * has full entropy, so a fast hash is safe and keeps the per-request lookup cheap); the first 10 characters are
 * kept as a visible prefix so people can tell their keys apart.
 */
export const GATEWAY_KEY_PREFIX = 'sy-';

export function generateGatewayKey(): { key: string; hash: string; prefix: string } {
  const key = GATEWAY_KEY_PREFIX + randomBytes(32).toString('base64url');
  return { key, hash: hashGatewayKey(key), prefix: key.slice(0, 10) };
}

export function hashGatewayKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}
