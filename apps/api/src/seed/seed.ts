// First-start seed, run on every start. Idempotent: it creates what is missing and leaves
// what exists alone, with two deliberate exceptions (see README.md):
// - catalogue model prices follow the price package while the admin has not edited them;
// - a provider the seed disabled for a missing env var is activated once the var is set.
import { randomBytes } from 'node:crypto';
import { Prisma, type PrismaClient } from '@switchyard/prisma';
import { hashPassword } from '../lib/password.js';
import { DISABLED_MISSING_ENV } from '../lib/provider-status.js';
import {
  MOCK_MODELS,
  MOCK_PROVIDER,
  PROVIDER_CATALOGUE,
  resolveCatalogueModels,
  type ResolvedCatalogueModel,
} from '../providers/model-catalogue.js';

export interface SeedOptions {
  adminEmail: string;
  /** When absent a strong password is generated and returned once. */
  adminPassword?: string;
  /** Environment (for `_env` presence checks and OLLAMA_BASE_URL / AWS_REGION). */
  env?: Record<string, string | undefined>;
  /** Clock for catalogue price look-ups (defaults to now). */
  now?: Date;
}

export interface SeedCounts {
  providers: number;
  models: number;
  aliases: number;
  powerLevels: number;
  routingSettings: number;
  users: number;
}

export interface SeedResult {
  adminCreated: boolean;
  /** Only when the admin was created now without opts.adminPassword. Never log it here. */
  generatedPassword?: string;
  /** Rows created by this run. */
  created: SeedCounts;
  /** Catalogue models whose prices were refreshed from the price package. */
  pricesUpdated: number;
  /** Providers the seed had disabled for a missing env var, activated now the var is set. */
  providersActivated: number;
}

const SEED_LOCK_KEY = 72707370;

type Tx = Prisma.TransactionClient;

interface SeededPricing {
  input: string;
  output: string;
  cached: string | null;
}

function dec(n: number | null): Prisma.Decimal | null {
  return n === null ? null : new Prisma.Decimal(n);
}

function pricingOf(m: {
  priceInputPer1M: Prisma.Decimal;
  priceOutputPer1M: Prisma.Decimal;
  priceCachedInputPer1M: Prisma.Decimal | null;
}): SeededPricing {
  return {
    input: m.priceInputPer1M.toString(),
    output: m.priceOutputPer1M.toString(),
    cached: m.priceCachedInputPer1M?.toString() ?? null,
  };
}

function catalogPricing(m: ResolvedCatalogueModel): SeededPricing {
  return pricingOf({
    priceInputPer1M: new Prisma.Decimal(m.priceInputPer1M),
    priceOutputPer1M: new Prisma.Decimal(m.priceOutputPer1M),
    priceCachedInputPer1M: dec(m.priceCachedInputPer1M),
  });
}

function samePricing(a: SeededPricing, b: SeededPricing): boolean {
  const eq = (x: string | null, y: string | null) =>
    x === null || y === null ? x === y : new Prisma.Decimal(x).equals(new Prisma.Decimal(y));
  return eq(a.input, b.input) && eq(a.output, b.output) && eq(a.cached, b.cached);
}

function isSeededPricing(v: unknown): v is SeededPricing {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as SeededPricing).input === 'string' &&
    typeof (v as SeededPricing).output === 'string'
  );
}

function hasEnv(env: Record<string, string | undefined>, names: string[]): boolean {
  return names.length > 0 && names.every((n) => (env[n] ?? '').trim() !== '');
}

export function generatePassword(): string {
  return randomBytes(18).toString('base64url'); // 24 characters, 144 bits
}

async function seedModels(
  tx: Tx,
  providerId: string,
  models: ResolvedCatalogueModel[],
  source: 'builtin' | 'catalogue',
): Promise<{ created: number; pricesUpdated: number }> {
  let created = 0;
  let pricesUpdated = 0;
  for (const [i, m] of models.entries()) {
    const pricing = catalogPricing(m);
    const existing = await tx.model.findUnique({
      where: { providerId_modelId_scope: { providerId, modelId: m.modelId, scope: 'global' } },
    });
    if (!existing) {
      await tx.model.create({
        data: {
          providerId,
          modelId: m.modelId,
          displayName: m.displayName,
          description: m.description,
          priceInputPer1M: pricing.input,
          priceOutputPer1M: pricing.output,
          priceCachedInputPer1M: pricing.cached,
          contextWindow: m.contextWindow,
          maxOutputTokens: m.maxOutputTokens,
          qualityTier: m.qualityTier,
          qualityScore: m.qualityScore,
          capabilities: m.capabilities,
          enabled: true,
          priority: 100 + i,
          scope: 'global',
          source,
          seededPricing: { ...pricing },
        },
      });
      created++;
      continue;
    }
    // Refresh prices only while they are still the ones the seed wrote last time.
    const seeded = existing.seededPricing;
    if (
      isSeededPricing(seeded) &&
      samePricing(seeded, pricingOf(existing)) &&
      !samePricing(seeded, pricing)
    ) {
      await tx.model.update({
        where: { id: existing.id },
        data: {
          priceInputPer1M: pricing.input,
          priceOutputPer1M: pricing.output,
          priceCachedInputPer1M: pricing.cached,
          seededPricing: { ...pricing },
        },
      });
      pricesUpdated++;
    }
  }
  return { created, pricesUpdated };
}

/**
 * Seeds providers, models, the default alias, power levels, routing settings and the first
 * admin. Runs in one transaction under an advisory lock, so concurrent starts are safe.
 */
export async function seedDatabase(prisma: PrismaClient, opts: SeedOptions): Promise<SeedResult> {
  const env = opts.env ?? {};
  const now = opts.now ?? new Date();
  const password =
    opts.adminPassword && opts.adminPassword.length > 0 ? opts.adminPassword : generatePassword();
  const adminEmail = opts.adminEmail.trim().toLowerCase();

  return prisma.$transaction(
    async (tx) => {
      await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${SEED_LOCK_KEY})`);
      const created: SeedCounts = {
        providers: 0,
        models: 0,
        aliases: 0,
        powerLevels: 0,
        routingSettings: 0,
        users: 0,
      };
      let pricesUpdated = 0;
      let providersActivated = 0;

      // --- the built-in mock provider
      let mock = await tx.provider.findUnique({ where: { slug: MOCK_PROVIDER.slug } });
      if (!mock) {
        mock = await tx.provider.create({
          data: {
            type: MOCK_PROVIDER.type,
            slug: MOCK_PROVIDER.slug,
            name: MOCK_PROVIDER.name,
            baseUrl: MOCK_PROVIDER.baseUrl,
            auth: { ...MOCK_PROVIDER.auth },
            status: 'active',
            priority: MOCK_PROVIDER.priority,
            config: { ...MOCK_PROVIDER.config },
            source: 'builtin',
          },
        });
        created.providers++;
      }
      const mockModels = await seedModels(tx, mock.id, MOCK_MODELS, 'builtin');
      created.models += mockModels.created;
      pricesUpdated += mockModels.pricesUpdated;

      // --- the provider catalogue
      for (const spec of PROVIDER_CATALOGUE) {
        const envReady = hasEnv(env, spec.requiredEnv);
        let provider = await tx.provider.findUnique({ where: { slug: spec.slug } });
        if (!provider) {
          const auth: Record<string, unknown> = { ...spec.auth };
          if (spec.type === 'bedrock' && env.AWS_REGION) auth.region = env.AWS_REGION;
          const baseUrl = spec.type === 'ollama' && env.OLLAMA_BASE_URL ? env.OLLAMA_BASE_URL : spec.baseUrl;
          provider = await tx.provider.create({
            data: {
              type: spec.type,
              slug: spec.slug,
              name: spec.name,
              baseUrl,
              auth: auth as Prisma.InputJsonObject,
              status: envReady ? 'active' : 'disabled',
              disabledReason: envReady ? null : DISABLED_MISSING_ENV,
              priority: spec.priority,
              config: (spec.config ?? {}) as Prisma.InputJsonObject,
              source: 'catalogue',
            },
          });
          created.providers++;
        } else if (
          envReady &&
          provider.status === 'disabled' &&
          provider.disabledReason === DISABLED_MISSING_ENV
        ) {
          provider = await tx.provider.update({
            where: { id: provider.id },
            data: { status: 'active', disabledReason: null },
          });
          providersActivated++;
        }
        const r = await seedModels(tx, provider.id, resolveCatalogueModels(spec, now), 'catalogue');
        created.models += r.created;
        pricesUpdated += r.pricesUpdated;
      }

      // --- the default alias
      if (
        !(await tx.alias.findUnique({ where: { name_scope: { name: 'chat.default', scope: 'global' } } }))
      ) {
        await tx.alias.create({
          data: {
            name: 'chat.default',
            scope: 'global',
            strategy: 'ordered',
            targets: [{ ref: 'mock/mock-small', weight: 1 }],
            fallbacks: ['mock/mock-large'],
            description:
              'Default chat alias. Points at the built-in mock until you route it to a real provider.',
          },
        });
        created.aliases++;
      }

      // --- power levels
      const levels = [
        {
          slug: 'eco',
          name: 'Eco',
          description: 'Cheapest models: high-volume, simple tasks.',
          qualityTier: 'eco',
          modelRefs: ['mock/mock-small'],
          sortOrder: 1,
        },
        {
          slug: 'balanced',
          name: 'Balanced',
          description: 'Balance of cost and quality for general use.',
          qualityTier: 'balanced',
          modelRefs: ['mock/mock-small', 'mock/mock-large'],
          sortOrder: 2,
        },
        {
          slug: 'precision',
          name: 'Precision',
          description: 'Best available models for complex reasoning.',
          qualityTier: 'precision',
          modelRefs: ['mock/mock-large'],
          sortOrder: 3,
        },
      ];
      for (const level of levels) {
        if (!(await tx.powerLevel.findUnique({ where: { slug: level.slug } }))) {
          await tx.powerLevel.create({ data: level });
          created.powerLevels++;
        }
      }

      // --- routing settings (singleton)
      if (!(await tx.routingSettings.findUnique({ where: { id: 1 } }))) {
        await tx.routingSettings.create({
          data: {
            id: 1,
            strategy: 'balanced',
            maxAttempts: 3,
            debugHeaders: false,
            bodyLogging: false,
            ollamaBaseUrl: env.OLLAMA_BASE_URL || null,
          },
        });
        created.routingSettings++;
      }

      // --- the first admin: only while there is no super admin and no user with that email
      let adminCreated = false;
      const superAdmins = await tx.user.count({ where: { role: 'super_admin' } });
      if (superAdmins === 0 && !(await tx.user.findUnique({ where: { email: adminEmail } }))) {
        await tx.user.create({
          data: {
            email: adminEmail,
            name: 'Administrator',
            role: 'super_admin',
            status: 'active',
            passwordHash: await hashPassword(password),
          },
        });
        adminCreated = true;
        created.users++;
      }

      const result: SeedResult = { adminCreated, created, pricesUpdated, providersActivated };
      if (adminCreated && !opts.adminPassword) result.generatedPassword = password;
      return result;
    },
    { timeout: 60_000, maxWait: 30_000 },
  );
}
