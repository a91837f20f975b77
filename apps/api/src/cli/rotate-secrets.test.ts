import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/client.js';
import { SecretBox } from '../lib/secrets.js';
import { seedDatabase } from '../seed/seed.js';
import { createTestDatabase } from '../test/db.js';
import { rotateSecrets } from './rotate-secrets.js';

let db: Database;
beforeAll(async () => {
  db = await createTestDatabase();
  await seedDatabase(db.prisma, {
    adminEmail: 'admin@localhost',
    adminPassword: 'rotate-test-password',
    env: {},
  });
});
afterAll(async () => {
  await db?.close();
});

describe('secrets rotation', () => {
  it('re-encrypts provider and BYOK keys under the new key; the old key decrypts nothing afterwards', async () => {
    const a = new SecretBox(randomBytes(32));
    const b = new SecretBox(randomBytes(32));
    const openai = await db.prisma.provider.findUniqueOrThrow({ where: { slug: 'openai' } });
    await db.prisma.provider.update({
      where: { id: openai.id },
      data: { encryptedApiKey: a.encrypt('sk-provider-clear-1') },
    });
    const user = await db.prisma.user.findUniqueOrThrow({ where: { email: 'admin@localhost' } });
    await db.prisma.byokKey.create({
      data: {
        userId: user.id,
        providerId: openai.id,
        encryptedKey: a.encrypt('sk-byok-clear-2'),
        last4: 'ar-2',
      },
    });
    const anthropic = await db.prisma.provider.findUniqueOrThrow({ where: { slug: 'anthropic' } });
    await db.prisma.provider.update({
      where: { id: anthropic.id },
      data: { encryptedApiKey: new SecretBox(randomBytes(32)).encrypt('unknown-key') },
    });

    const report = await rotateSecrets(db.prisma, a, b);
    expect(report.rotated).toEqual({ providers: 1, orgKeys: 0, byokKeys: 1 });
    expect(report.undecryptable).toEqual(['provider anthropic']);

    const p = await db.prisma.provider.findUniqueOrThrow({ where: { id: openai.id } });
    const k = await db.prisma.byokKey.findFirstOrThrow({ where: { userId: user.id } });
    expect(b.decrypt(p.encryptedApiKey!)).toBe('sk-provider-clear-1');
    expect(b.decrypt(k.encryptedKey)).toBe('sk-byok-clear-2');
    expect(a.decrypt(p.encryptedApiKey!)).toBeNull();
    expect(a.decrypt(k.encryptedKey)).toBeNull();
    expect(p.encryptedApiKey).not.toContain('sk-provider-clear-1');
  });
});
