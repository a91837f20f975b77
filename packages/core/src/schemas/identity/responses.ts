/** What the identity endpoints answer: sessions, users, gateway keys, BYOK keys, organizations, apps, the audit log. */
import { z } from 'zod';
import { PERMISSION_VALUES } from '../../contracts/permissions.js';
import { CACHE_SCOPE_VALUES, POWER_LEVEL_VALUES, ROLE_VALUES } from './index.js';

const iso = z.string().describe('ISO 8601 time');
const isoOrNull = iso.nullable();

/** The signed-in user as the API returns it (`/auth/login`, `/auth/me`) and the dashboard uses it. */
export const sessionUserSchema = z.strictObject({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: z.enum(ROLE_VALUES),
  orgId: z.string().nullable(),
  powerLevel: z.string().nullable(),
});
export type SessionUser = z.infer<typeof sessionUserSchema>;

/** `GET /auth/me`: who I am, the CSRF token for cookie sessions, and what my role allows. */
export const meResponse = z.strictObject({
  user: sessionUserSchema,
  csrfToken: z.string(),
  permissions: z.array(z.enum(PERMISSION_VALUES)),
});
export type MeResponse = z.infer<typeof meResponse>;

/** `POST /auth/login`: the session token (also set as an httpOnly cookie) and everything `/auth/me` says. */
export const loginResponse = meResponse.extend({ token: z.string(), expiresAt: iso });
export type LoginResponse = z.infer<typeof loginResponse>;

export const USER_STATUS_VALUES = ['active', 'suspended'] as const;

export const ORG_MEMBER_ROLE_VALUES = ['owner', 'admin', 'member'] as const;

export const userSchema = z.strictObject({
  id: z.string(),
  email: z.string(),
  /** The email when no name is set. */
  name: z.string(),
  role: z.enum(ROLE_VALUES),
  status: z.enum(USER_STATUS_VALUES),
  weeklyCapUsd: z.number().nullable(),
  powerLevel: z.enum(POWER_LEVEL_VALUES),
  defaultModel: z.string().nullable(),
  preferredProviders: z.array(z.string()),
  byokMonthlyRequestLimit: z.number().int().nullable(),
  byokMonthlySpendLimitUsd: z.number().nullable(),
  lastLoginAt: isoOrNull,
  createdAt: iso,
  /** The organizations the user belongs to, with their role (lists only). */
  orgs: z
    .array(z.strictObject({ id: z.string(), name: z.string(), role: z.enum(ORG_MEMBER_ROLE_VALUES) }))
    .optional(),
});
export type User = z.infer<typeof userSchema>;

/** `GET/PUT /me/preferences`: my routing preferences beyond the power level. */
export const preferencesSchema = z.strictObject({
  defaultModel: z.string().nullable(),
  preferredProviders: z.array(z.string()),
});
export type Preferences = z.infer<typeof preferencesSchema>;

/**
 * `GET /users/{id}/byok`: a user's own provider keys with what each did (from real usage rows: calls, the list
 * price their key paid, last use), the user's monthly BYOK limits and this month's use against them.
 */
export const userByokSchema = z.strictObject({
  userId: z.string(),
  limits: z.strictObject({
    monthlyRequests: z.number().int().nullable(),
    monthlySpendUsd: z.number().nullable(),
  }),
  month: z.strictObject({
    since: iso,
    resetsAt: iso,
    requests: z.number().int(),
    spendUsd: z.number(),
  }),
  providers: z.array(
    z.strictObject({
      providerId: z.string(),
      slug: z.string(),
      name: z.string(),
      last4: z.string(),
      label: z.string().nullable(),
      status: z.string(),
      addedAt: iso,
      lastUsedAt: isoOrNull,
      requests: z.number().int(),
      savedUsd: z.number(),
    }),
  ),
});
export type UserByok = z.infer<typeof userByokSchema>;

/** `POST /users`: the user, with the generated password (shown once) when none was given. */
export const createdUserSchema = userSchema.extend({ generatedPassword: z.string().optional() });
export type CreatedUser = z.infer<typeof createdUserSchema>;

export const KEY_OWNER_TYPE_VALUES = ['user', 'org', 'app'] as const;
export const KEY_STATUS_VALUES = ['active', 'revoked', 'expired'] as const;

/** A gateway key as the API lists it: prefix and limits, never the key or its hash. */
export const gatewayKeySchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  ownerType: z.enum(KEY_OWNER_TYPE_VALUES),
  ownerId: z.string().nullable(),
  status: z.enum(KEY_STATUS_VALUES),
  createdAt: iso,
  expiresAt: isoOrNull,
  revokedAt: isoOrNull,
  lastUsedAt: isoOrNull,
  rpmLimit: z.number().int().nullable(),
  tpmLimit: z.number().int().nullable(),
  budgetUsd: z.number().nullable(),
  budgetPeriod: z.enum(['day', 'week', 'month']).nullable(),
  /** Response cache TTL in seconds; null = off. */
  cacheTtlSeconds: z.number().int().nullable(),
  allowedModels: z.array(z.string()),
  /** Addresses / CIDR ranges the key may be used from; empty = anywhere. */
  ipAllowlist: z.array(z.string()),
  /** The region routing rules see for this key (null = its app's, or none). */
  region: z.string().nullable(),
});
export type GatewayKey = z.infer<typeof gatewayKeySchema>;

/** The create answer: the only time the full key is seen. */
export const createdGatewayKeySchema = gatewayKeySchema.extend({ key: z.string() });
export type CreatedGatewayKey = z.infer<typeof createdGatewayKeySchema>;

/** One of my provider keys: only the last four characters ever come back. */
export const byokKeySchema = z.strictObject({
  providerId: z.string(),
  provider: z.strictObject({ slug: z.string(), name: z.string(), type: z.string() }),
  label: z.string().nullable(),
  last4: z.string(),
  /** `active`, `disabled` (turned off by its owner: not routed), or `invalid` once a test was refused by the provider. */
  status: z.string(),
  lastError: z.string().nullable(),
  lastTestedAt: isoOrNull,
  createdAt: iso,
  updatedAt: iso,
});
export type ByokKey = z.infer<typeof byokKeySchema>;

/** A provider I may bring my own key for (active, not free/local), and whether I have one. */
export const byokProviderOptionSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  slug: z.string(),
  type: z.string(),
  color: z.string(),
  hasKey: z.boolean(),
});
export type ByokProviderOption = z.infer<typeof byokProviderOptionSchema>;

/** `GET /byok`: users with BYOK keys and what their keys saved. */
export const byokOverviewSchema = z.strictObject({
  users: z.array(
    z.strictObject({
      userId: z.string(),
      email: z.string(),
      name: z.string().nullable(),
      providers: z.array(z.string()),
      savedUsd: z.number(),
      byokRequests: z.number(),
    }),
  ),
  totalUsers: z.number().int(),
  /** What every BYOK call ever recorded saved the platform (all time; users who removed their keys included). */
  totalSavedUsd: z.number(),
});
export type ByokOverview = z.infer<typeof byokOverviewSchema>;

export const ORG_STATUS_VALUES = ['active', 'suspended'] as const;

export const orgSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  slug: z.string(),
  ownerId: z.string().nullable(),
  status: z.enum(ORG_STATUS_VALUES),
  spendCapUsd: z.number().nullable(),
  rollover: z.boolean(),
  rolloverBalanceUsd: z.number(),
  piiProtection: z.boolean(),
  /** Who shares the organization's cached answers (response cache). */
  cacheScope: z.enum(CACHE_SCOPE_VALUES),
  /** The member count (lists and details; absent right after a create or change). */
  members: z.number().int().optional(),
  /** The owner's email and name (lists only; null when the org has no owner). */
  owner: z
    .strictObject({ id: z.string(), email: z.string(), name: z.string().nullable() })
    .nullable()
    .optional(),
  createdAt: iso,
});
export type Org = z.infer<typeof orgSchema>;

export const orgMemberSchema = z.strictObject({
  userId: z.string(),
  email: z.string(),
  name: z.string().nullable(),
  role: z.enum(ORG_MEMBER_ROLE_VALUES),
});
export type OrgMember = z.infer<typeof orgMemberSchema>;

/** An organization's own key for a provider (last four characters only). */
export const orgProviderKeySchema = z.strictObject({
  providerId: z.string(),
  provider: z.strictObject({ slug: z.string(), name: z.string(), type: z.string() }),
  last4: z.string(),
  label: z.string().nullable(),
  /** `active` (routed), `disabled` (turned off by an operator) or `invalid` (its provider refused it in a test). */
  status: z.string(),
  /** The last connection test: when, and its error (null when it passed or never ran). */
  lastTestedAt: isoOrNull,
  lastError: z.string().nullable(),
});
export type OrgProviderKey = z.infer<typeof orgProviderKeySchema>;

export const orgDetailSchema = orgSchema.extend({
  memberList: z.array(orgMemberSchema),
  providerKeys: z.array(orgProviderKeySchema),
});
export type OrgDetail = z.infer<typeof orgDetailSchema>;

/** A client app: it gets its own gateway keys; an inactive app's keys stop working. */
export const appSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  slug: z.string(),
  description: z.string().nullable(),
  contactEmail: z.string().nullable(),
  active: z.boolean(),
  piiProtection: z.boolean(),
  orgId: z.string().nullable(),
  region: z.string().nullable(),
  createdAt: iso,
  updatedAt: iso,
});
export type App = z.infer<typeof appSchema>;

/** One audit entry: who changed what, when; `before` / `after` as stored (secrets masked). */
export const auditEntrySchema = z.strictObject({
  id: z.string(),
  createdAt: iso,
  actorUserId: z.string().nullable(),
  actorEmail: z.string().nullable(),
  action: z.string(),
  entityType: z.string(),
  entityId: z.string().nullable(),
  before: z.unknown(),
  after: z.unknown(),
  ip: z.string().nullable(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

export const auditPageSchema = z.strictObject({
  data: z.array(auditEntrySchema),
  nextCursor: z.string().nullable(),
});
export type AuditPage = z.infer<typeof auditPageSchema>;

/** `{ data: [...] }`: how list endpoints answer. */
export function listOf<T extends z.ZodType>(item: T) {
  return z.strictObject({ data: z.array(item) });
}

/** `GET /me/keys/{id}/models`: what the proxy's `GET /v1/models` answers for that key (OpenAI list format). */
export const keyModelsSchema = z.strictObject({
  object: z.literal('list'),
  data: z.array(
    z.strictObject({
      id: z.string(),
      object: z.literal('model'),
      created: z.number().int(),
      owned_by: z.string(),
      /** What the name is: an alias, a power level, an agent at an effort (`agent:<id>[:heavy|:max]`), `default`, a model. */
      switchyard_kind: z.enum(['alias', 'power-level', 'agent', 'default', 'model']),
    }),
  ),
});
export type KeyModels = z.infer<typeof keyModelsSchema>;
export type KeyModel = KeyModels['data'][number];
