import { z } from 'zod';
import { providerKeyField } from '../provider-key.js';
import { MAX_INT32, dateField, safeString, usdAmount } from '../safe/index.js';
import { regionField } from '../rules/index.js';

/** Emails as people use them on private networks too (`admin@localhost` is valid). */
export const emailField = safeString()
  .trim()
  .toLowerCase()
  .regex(/^[^\s@]+@[^\s@]+$/, 'must be an email address')
  .max(254);

export const ROLE_VALUES = ['super_admin', 'admin', 'user', 'viewer'] as const;
export const POWER_LEVEL_VALUES = ['eco', 'balanced', 'precision'] as const;

export const createUserBody = z.object({
  email: emailField,
  name: safeString().trim().min(1, 'is required').max(120).optional(),
  role: z.enum(ROLE_VALUES).default('user'),
  /** Omit to have a strong password generated and returned once. */
  password: safeString().min(12, 'must be at least 12 characters').max(1024).optional(),
  weeklyCapUsd: usdAmount().nullable().optional(),
  powerLevel: z.enum(POWER_LEVEL_VALUES).default('balanced'),
});
export type CreateUserBody = z.infer<typeof createUserBody>;

/** A user's default model: what `default` (or no model) routes to for them — an alias, power level, ref or id. */
export const defaultModelField = safeString()
  .trim()
  .min(1, 'is empty (null clears it)')
  .max(200)
  .regex(/^\S+$/, 'cannot contain spaces');

/** Provider slugs in the user's order of preference (routing tries their candidates first). */
export const preferredProvidersField = z
  .array(
    safeString()
      .trim()
      .toLowerCase()
      .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be a provider slug'),
  )
  .max(20, 'at most 20 providers')
  .refine((s) => new Set(s).size === s.length, 'lists a provider twice');

export const updateUserBody = z
  .object({
    name: safeString().trim().min(1).max(120),
    role: z.enum(ROLE_VALUES),
    status: z.enum(['active', 'suspended']),
    weeklyCapUsd: usdAmount().nullable(),
    powerLevel: z.enum(POWER_LEVEL_VALUES),
    defaultModel: defaultModelField.nullable(),
    preferredProviders: preferredProvidersField,
    /** Calls the user's own (BYOK) keys may make per calendar month (UTC); null = unlimited. */
    byokMonthlyRequestLimit: z.number().int().min(0).max(MAX_INT32).nullable(),
    /** List-price spend the user's own keys may pay per calendar month (UTC); null = unlimited. */
    byokMonthlySpendLimitUsd: usdAmount().nullable(),
  })
  .partial();

/** `PUT /me/preferences`: my default model and preferred providers. */
export const updatePreferencesBody = z
  .object({
    defaultModel: defaultModelField.nullable(),
    preferredProviders: preferredProvidersField,
  })
  .partial()
  .refine((b) => Object.keys(b).length > 0, 'nothing to change');
export type UpdatePreferencesBody = z.infer<typeof updatePreferencesBody>;
export type UpdateUserBody = z.infer<typeof updateUserBody>;

/** One entry of an IP allow-list: an IPv4 or IPv6 address, or a CIDR range of either. */
export const ipRangeEntry = z
  .string()
  .trim()
  .pipe(
    z.union([z.ipv4(), z.ipv6(), z.cidrv4(), z.cidrv6()], {
      message: 'must be an IP address or CIDR range (e.g. 203.0.113.7, 10.0.0.0/8, 2001:db8::/32)',
    }),
  );

/** Where a gateway key may be used from; empty = anywhere. */
export const ipAllowlistField = z.array(ipRangeEntry).max(100, 'at most 100 entries');

/** A gateway key (`sy-` and its random part), as a name pasted with one would hold it; the 10-character prefix is fine. */
const GATEWAY_KEY_SHAPE = /sy-[A-Za-z0-9_-]{20,}/;

const keyLimits = {
  name: safeString()
    .trim()
    .min(1, 'is required')
    .max(100)
    .refine(
      (s) => !GATEWAY_KEY_SHAPE.test(s),
      'must not hold a gateway key (names show in lists, request logs and the audit log; the prefix is fine)',
    ),
  expiresAt: dateField().nullable().optional(),
  rpmLimit: z
    .number()
    .int()
    .positive('must be a positive whole number')
    .max(MAX_INT32, `must be at most ${MAX_INT32}`)
    .nullable()
    .optional(),
  tpmLimit: z
    .number()
    .int()
    .positive('must be a positive whole number')
    .max(MAX_INT32, `must be at most ${MAX_INT32}`)
    .nullable()
    .optional(),
  budgetUsd: usdAmount().nullable().optional(),
  budgetPeriod: z.enum(['day', 'week', 'month']).nullable().optional(),
  /** Response cache for this key's requests, in seconds (1 s to a year); null = off. */
  cacheTtlSeconds: z
    .number()
    .int('must be a whole number of seconds')
    .min(1, 'must be between 1 and 31536000 seconds')
    .max(31_536_000, 'must be between 1 and 31536000 seconds')
    .nullable()
    .optional(),
  allowedModels: z.array(safeString().trim().min(1).max(200)).max(100).optional(),
  ipAllowlist: ipAllowlistField.optional(),
  /** The region routing rules see for this key's requests (else its app's). */
  region: regionField.optional(),
};

/** A key for a user, an organization or an app (admins), or for oneself (`/me/keys`: owner omitted). */
export const createGatewayKeyBody = z.object({
  ...keyLimits,
  ownerType: z.enum(['user', 'org', 'app']).optional(),
  ownerId: safeString().min(1).optional(),
});
export type CreateGatewayKeyBody = z.infer<typeof createGatewayKeyBody>;

export const updateGatewayKeyBody = z.object(keyLimits).partial();
export type UpdateGatewayKeyBody = z.infer<typeof updateGatewayKeyBody>;

/** Characters of a key that, found together in its label, mean the key (or most of it) was pasted there. */
const KEY_RUN = 12;

/** Whether `label` holds `key` or a run of KEY_RUN of its characters (a last four, or a short note, does not). */
function labelHoldsKey(label: string, key: string): boolean {
  if (key.length < KEY_RUN) return label.includes(key);
  for (let i = 0; i + KEY_RUN <= key.length; i++) if (label.includes(key.slice(i, i + KEY_RUN))) return true;
  return false;
}

export const putByokBody = z
  .object({
    apiKey: providerKeyField.min(8, 'must be at least 8 characters'),
    label: safeString().trim().max(100).nullable().optional(),
  })
  .superRefine((b, ctx) => {
    if (b.label && labelHoldsKey(b.label, b.apiKey))
      ctx.addIssue({
        code: 'custom',
        path: ['label'],
        message: 'must not hold the key (labels show in lists and the audit log; the key is kept encrypted)',
      });
  });
export type PutByokBody = z.infer<typeof putByokBody>;

/**
 * Turn a stored provider key (a user's own, an organization's) off or back on. A disabled key is kept but never
 * routed; turning it on makes it active again (a key a test found invalid too: the next test checks it again).
 */
export const providerKeyStatusBody = z.object({ status: z.enum(['active', 'disabled']) }).strict();
export type ProviderKeyStatusBody = z.infer<typeof providerKeyStatusBody>;

const slugField = safeString()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lowercase letters, digits and dashes');

/** Who shares an organization's cached answers (response cache): all of it, each user, or each gateway key. */
export const CACHE_SCOPE_VALUES = ['organization', 'user', 'key'] as const;

export const createOrgBody = z.object({
  name: safeString().trim().min(1, 'is required').max(120),
  slug: slugField,
  ownerId: safeString().min(1).nullable().optional(),
  spendCapUsd: usdAmount().nullable().optional(),
  rollover: z.boolean().optional(),
  piiProtection: z.boolean().optional(),
  /** Who shares the organization's cached answers (response cache): organization (default), user or key. */
  cacheScope: z.enum(CACHE_SCOPE_VALUES).optional(),
});
export type CreateOrgBody = z.infer<typeof createOrgBody>;
export const updateOrgBody = createOrgBody
  .partial()
  .extend({ status: z.enum(['active', 'suspended']).optional() });
export type UpdateOrgBody = z.infer<typeof updateOrgBody>;

export const orgMemberBody = z.object({
  userId: safeString().min(1, 'is required'),
  role: z.enum(['owner', 'admin', 'member']).default('member'),
});
export type OrgMemberBody = z.infer<typeof orgMemberBody>;

export const createAppBody = z.object({
  name: safeString().trim().min(1, 'is required').max(120),
  slug: slugField,
  description: safeString().max(500).nullable().optional(),
  contactEmail: emailField.nullable().optional(),
  active: z.boolean().optional(),
  piiProtection: z.boolean().optional(),
  orgId: safeString().min(1).nullable().optional(),
  /** The region routing rules see for this app's keys (a key's own region comes first). */
  region: regionField.optional(),
});
export type CreateAppBody = z.infer<typeof createAppBody>;
export const updateAppBody = createAppBody.partial();
export type UpdateAppBody = z.infer<typeof updateAppBody>;

export type RoleValue = (typeof ROLE_VALUES)[number];

/** Sign in (`POST /auth/login`). */
export const loginBody = z.object({
  email: safeString()
    .trim()
    .toLowerCase()
    .regex(/^[^\s@]+@[^\s@]+$/, 'must be an email address'),
  password: safeString().min(1, 'is required').max(1024),
});
export type LoginBody = z.infer<typeof loginBody>;

/** Change my password (`POST /auth/password`). */
export const changePasswordBody = z.object({
  currentPassword: safeString().min(1, 'is required').max(1024),
  newPassword: safeString().min(12, 'must be at least 12 characters').max(1024),
});
export type ChangePasswordBody = z.infer<typeof changePasswordBody>;

/** `GET /users` filters. */
export const userListQuery = z.object({
  search: safeString().trim().max(200).optional(),
  role: z.enum(ROLE_VALUES).optional(),
  status: z.enum(['active', 'suspended']).optional(),
});
export type UserListQuery = z.infer<typeof userListQuery>;

/** `GET /keys` filters. */
export const gatewayKeyListQuery = z.object({
  ownerType: z.enum(['user', 'org', 'app']).optional(),
  ownerId: safeString().max(128).optional(),
  status: z.enum(['active', 'revoked', 'expired']).optional(),
});
export type GatewayKeyListQuery = z.infer<typeof gatewayKeyListQuery>;

/** `POST /me/keys`: a key for oneself (the owner is the caller). */
export const createOwnGatewayKeyBody = createGatewayKeyBody.omit({ ownerType: true, ownerId: true });
export type CreateOwnGatewayKeyBody = z.infer<typeof createOwnGatewayKeyBody>;

/** `GET /audit` filters and keyset cursor. */
export const auditQuery = z.object({
  entityType: safeString().max(100).optional(),
  entityId: safeString().max(200).optional(),
  actor: safeString().max(254).optional(),
  action: safeString().max(100).optional(),
  from: dateField().optional(),
  to: dateField().optional(),
  cursor: safeString().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type AuditQuery = z.infer<typeof auditQuery>;
