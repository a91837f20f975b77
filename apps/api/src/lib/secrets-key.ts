import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * The key that encrypts provider credentials and BYOK keys at rest: `SECRETS_KEY` (base64, 32 bytes) when set,
 * else generated once into `<dataDir>/secrets.key` with mode 0600 and reused on every start.
 */
export function loadSecretsKey(opts: { secretsKey?: string; keyFile: string }): {
  key: Buffer;
  source: string;
} {
  if (opts.secretsKey) return { key: Buffer.from(opts.secretsKey, 'base64'), source: 'SECRETS_KEY' };
  if (existsSync(opts.keyFile)) {
    const key = Buffer.from(readFileSync(opts.keyFile, 'utf8').trim(), 'base64');
    if (key.length !== 32) throw new Error(`${opts.keyFile} does not hold a 32-byte base64 key`);
    return { key, source: opts.keyFile };
  }
  mkdirSync(dirname(opts.keyFile), { recursive: true });
  const key = randomBytes(32);
  writeFileSync(opts.keyFile, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  chmodSync(opts.keyFile, 0o600);
  return { key, source: `${opts.keyFile} (generated)` };
}
