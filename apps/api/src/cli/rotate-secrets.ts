/**
 * Re-encrypts every stored secret (provider keys, org provider keys, BYOK keys) under a new key, in one
 * transaction. Usage (with the server stopped):
 *   pnpm secrets:rotate                     # generate a new key
 *   pnpm secrets:rotate --new-key <base64>  # use this 32-byte key
 * With the generated key file (no SECRETS_KEY), the file is replaced atomically after the commit. With
 * SECRETS_KEY, the new key is printed once: put it in SECRETS_KEY before the next start.
 */
import { randomBytes } from 'node:crypto';
import { renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { PrismaClient } from '@switchyard/prisma';
import { EnvError, loadEnv } from '../config/env.js';
import { createDatabase } from '../db/client.js';
import { SecretBox } from '../lib/secrets.js';
import { loadSecretsKey } from '../lib/secrets-key.js';

export interface RotationReport {
  rotated: { providers: number; orgKeys: number; byokKeys: number };
  /** Values that did not decrypt with the old key: left untouched (they were already unusable). */
  undecryptable: string[];
}

export async function rotateSecrets(
  prisma: PrismaClient,
  oldBox: SecretBox,
  newBox: SecretBox,
): Promise<RotationReport> {
  const report: RotationReport = { rotated: { providers: 0, orgKeys: 0, byokKeys: 0 }, undecryptable: [] };
  await prisma.$transaction(
    async (tx) => {
      for (const p of await tx.provider.findMany({
        where: { encryptedApiKey: { not: null } },
        select: { id: true, slug: true, encryptedApiKey: true },
      })) {
        const clear = oldBox.decrypt(p.encryptedApiKey!);
        if (clear === null) report.undecryptable.push(`provider ${p.slug}`);
        else {
          await tx.provider.update({ where: { id: p.id }, data: { encryptedApiKey: newBox.encrypt(clear) } });
          report.rotated.providers++;
        }
      }
      for (const k of await tx.orgProviderKey.findMany({
        select: { id: true, orgId: true, encryptedKey: true },
      })) {
        const clear = oldBox.decrypt(k.encryptedKey);
        if (clear === null) report.undecryptable.push(`org key ${k.id}`);
        else {
          await tx.orgProviderKey.update({
            where: { id: k.id },
            data: { encryptedKey: newBox.encrypt(clear) },
          });
          report.rotated.orgKeys++;
        }
      }
      for (const k of await tx.byokKey.findMany({ select: { id: true, encryptedKey: true } })) {
        const clear = oldBox.decrypt(k.encryptedKey);
        if (clear === null) report.undecryptable.push(`BYOK key ${k.id}`);
        else {
          await tx.byokKey.update({ where: { id: k.id }, data: { encryptedKey: newBox.encrypt(clear) } });
          report.rotated.byokKeys++;
        }
      }
    },
    { timeout: 120_000 },
  );
  return report;
}

async function main() {
  let env;
  try {
    env = loadEnv();
  } catch (err) {
    if (err instanceof EnvError) {
      process.stderr.write(`rotate-secrets: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const args = process.argv.slice(2);
  const i = args.indexOf('--new-key');
  const newKey = i >= 0 ? Buffer.from(args[i + 1] ?? '', 'base64') : randomBytes(32);
  if (newKey.length !== 32) {
    process.stderr.write('rotate-secrets: --new-key must be 32 bytes, base64-encoded\n');
    process.exit(1);
  }
  const dataDir = resolve(env.SWITCHYARD_DATA_DIR);
  const keyFile = join(dataDir, 'secrets.key');
  const old = loadSecretsKey({ secretsKey: env.SECRETS_KEY, keyFile });
  const db = await createDatabase({ databaseUrl: env.DATABASE_URL, dataDir });
  try {
    const report = await rotateSecrets(db.prisma, new SecretBox(old.key), new SecretBox(newKey));
    const { providers, orgKeys, byokKeys } = report.rotated;
    process.stdout.write(
      `re-encrypted ${providers} provider keys, ${orgKeys} org keys, ${byokKeys} BYOK keys\n`,
    );
    if (report.undecryptable.length)
      process.stdout.write(
        `left untouched (did not decrypt with the old key): ${report.undecryptable.join(', ')}\n`,
      );
    if (env.SECRETS_KEY) {
      process.stdout.write(
        `new SECRETS_KEY (set it before the next start; shown once):\n${newKey.toString('base64')}\n`,
      );
    } else {
      const tmp = `${keyFile}.${process.pid}.tmp`;
      writeFileSync(tmp, newKey.toString('base64') + '\n', { mode: 0o600 });
      renameSync(tmp, keyFile);
      process.stdout.write(`${keyFile} now holds the new key\n`);
    }
  } finally {
    await db.close();
  }
}

if (process.argv[1]?.endsWith('rotate-secrets.js') || process.argv[1]?.endsWith('rotate-secrets.ts')) {
  main().catch((err: unknown) => {
    process.stderr.write(`rotate-secrets: ${(err as Error).message}\n`);
    process.exit(1);
  });
}
