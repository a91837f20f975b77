/** Users, gateway keys (any and my own), BYOK keys, organizations, client apps, the audit log. */
import {
  createAppBody,
  createGatewayKeyBody,
  createOrgBody,
  createOwnGatewayKeyBody,
  createUserBody,
  gatewayKeyListQuery,
  auditQuery,
  orgMemberBody,
  putByokBody,
  updateAppBody,
  updateGatewayKeyBody,
  updateOrgBody,
  updateUserBody,
  updatePreferencesBody,
  userListQuery,
} from '../schemas/identity/index.js';
import {
  appSchema,
  auditPageSchema,
  byokKeySchema,
  byokOverviewSchema,
  byokProviderOptionSchema,
  createdGatewayKeySchema,
  createdUserSchema,
  gatewayKeySchema,
  listOf,
  orgDetailSchema,
  orgProviderKeySchema,
  orgSchema,
  preferencesSchema,
  userByokSchema,
  userSchema,
} from '../schemas/identity/responses.js';
import { connectionTestSchema } from '../schemas/admin/responses.js';
import { defineContract } from './contract.js';

export const usersContracts = {
  list: defineContract({
    method: 'get',
    path: '/api/v1/users',
    permission: 'users:read',
    tag: 'Users',
    summary: 'List users (search, role, status)',
    query: userListQuery,
    response: { status: 200, description: 'Users', schema: listOf(userSchema) },
  }),
  create: defineContract({
    method: 'post',
    path: '/api/v1/users',
    permission: 'users:write',
    tag: 'Users',
    summary: 'Create a user (a generated password is returned once when none is given)',
    body: createUserBody,
    response: { status: 201, description: 'The user', schema: createdUserSchema },
    errors: { 409: 'Email taken' },
  }),
  get: defineContract({
    method: 'get',
    path: '/api/v1/users/{id}',
    permission: 'users:read',
    tag: 'Users',
    summary: 'One user',
    response: { status: 200, description: 'The user', schema: userSchema },
    errors: { 404: 'Not found' },
  }),
  update: defineContract({
    method: 'patch',
    path: '/api/v1/users/{id}',
    permission: 'users:write',
    tag: 'Users',
    summary:
      'Change name, role, status (suspend), weekly cap, power level, default model, preferred providers, monthly BYOK limits',
    body: updateUserBody,
    response: { status: 200, description: 'The user', schema: userSchema },
    errors: { 409: 'Last super admin' },
  }),
  byok: defineContract({
    method: 'get',
    path: '/api/v1/users/{id}/byok',
    permission: 'users:read',
    tag: 'Users',
    summary:
      "A user's own provider keys (last four), each one's calls, savings and last use, and the monthly BYOK limits with this month's use",
    response: { status: 200, description: 'BYOK settings and usage', schema: userByokSchema },
    errors: { 404: 'Not found' },
  }),
  myByok: defineContract({
    method: 'get',
    path: '/api/v1/me/byok/usage',
    permission: 'byok:own',
    tag: 'BYOK',
    summary:
      'My own provider keys with their calls, savings and last use, my monthly BYOK limits and this month against them',
    response: { status: 200, description: 'BYOK settings and usage', schema: userByokSchema },
  }),
  preferences: defineContract({
    method: 'get',
    path: '/api/v1/me/preferences',
    permission: 'self:read',
    tag: 'Users',
    summary: 'My default model and preferred providers',
    response: { status: 200, description: 'Preferences', schema: preferencesSchema },
  }),
  setPreferences: defineContract({
    method: 'put',
    path: '/api/v1/me/preferences',
    permission: 'self:write',
    tag: 'Users',
    summary: 'Change my default model and preferred providers (unknown provider slugs: 400)',
    body: updatePreferencesBody,
    response: { status: 200, description: 'Preferences', schema: preferencesSchema },
  }),
} as const;

const keyTagAny = 'Gateway keys (admin)';
const keyTagOwn = 'My gateway keys';

/** Every key (`/keys`): operators. */
export const keysContracts = {
  list: defineContract({
    method: 'get',
    path: '/api/v1/keys',
    permission: 'keys:read-any',
    tag: keyTagAny,
    summary: 'List gateway keys (prefix, owner, limits, last use; never the key)',
    query: gatewayKeyListQuery,
    response: { status: 200, description: 'Keys', schema: listOf(gatewayKeySchema) },
  }),
  create: defineContract({
    method: 'post',
    path: '/api/v1/keys',
    permission: 'keys:write-any',
    tag: keyTagAny,
    summary: 'Create a key for a user, an organization or an app; the full key is in this response only',
    body: createGatewayKeyBody,
    response: { status: 201, description: 'The new key, shown once', schema: createdGatewayKeySchema },
  }),
  update: defineContract({
    method: 'patch',
    path: '/api/v1/keys/{id}',
    permission: 'keys:write-any',
    tag: keyTagAny,
    summary: 'Change name, limits, expiry, allowed models or the IP allow-list',
    body: updateGatewayKeyBody,
    response: { status: 200, description: 'The key', schema: gatewayKeySchema },
  }),
  revoke: defineContract({
    method: 'post',
    path: '/api/v1/keys/{id}/revoke',
    permission: 'keys:write-any',
    tag: keyTagAny,
    summary: 'Revoke a key (takes effect at once)',
    response: { status: 200, description: 'The revoked key', schema: gatewayKeySchema },
  }),
} as const;

/** My own keys (`/me/keys`): everyone. */
export const myKeysContracts = {
  list: defineContract({
    method: 'get',
    path: '/api/v1/me/keys',
    permission: 'keys:own',
    tag: keyTagOwn,
    summary: 'List my gateway keys (prefix, limits, last use; never the key)',
    response: { status: 200, description: 'Keys', schema: listOf(gatewayKeySchema) },
  }),
  create: defineContract({
    method: 'post',
    path: '/api/v1/me/keys',
    permission: 'keys:own',
    tag: keyTagOwn,
    summary: 'Create a key for myself; the full key is in this response only',
    body: createOwnGatewayKeyBody,
    response: { status: 201, description: 'The new key, shown once', schema: createdGatewayKeySchema },
    errors: {
      409: 'key_limit_reached: the user has USER_KEY_LIMIT live keys (not revoked, not expired); revoke one first',
    },
  }),
  update: defineContract({
    method: 'patch',
    path: '/api/v1/me/keys/{id}',
    permission: 'keys:own',
    tag: keyTagOwn,
    summary:
      'Change name, limits, expiry, allowed models or the IP allow-list of one of my keys (of a key an operator issued me, or whose bounds an operator set: its name and response cache only)',
    body: updateGatewayKeyBody,
    response: { status: 200, description: 'The key', schema: gatewayKeySchema },
    errors: {
      403: 'key_bounds_locked: an operator issued the key or set its bounds; the error names the bounds only one may change',
    },
  }),
  revoke: defineContract({
    method: 'post',
    path: '/api/v1/me/keys/{id}/revoke',
    permission: 'keys:own',
    tag: keyTagOwn,
    summary: 'Revoke one of my keys (takes effect at once)',
    response: { status: 200, description: 'The revoked key', schema: gatewayKeySchema },
  }),
} as const;

export const byokContracts = {
  list: defineContract({
    method: 'get',
    path: '/api/v1/me/byok',
    permission: 'byok:own',
    tag: 'BYOK',
    summary: 'My provider keys (last four characters only)',
    response: { status: 200, description: 'Keys', schema: listOf(byokKeySchema) },
  }),
  providers: defineContract({
    method: 'get',
    path: '/api/v1/me/byok/providers',
    permission: 'byok:own',
    tag: 'BYOK',
    summary: 'Providers I may bring my own key for (active, not free/local), and whether I have one',
    response: { status: 200, description: 'Providers', schema: listOf(byokProviderOptionSchema) },
  }),
  put: defineContract({
    method: 'put',
    path: '/api/v1/me/byok/{providerId}',
    permission: 'byok:own',
    tag: 'BYOK',
    summary: 'Add or rotate my key for a provider',
    body: putByokBody,
    response: { status: 200, description: 'The key (masked)', schema: byokKeySchema },
  }),
  remove: defineContract({
    method: 'delete',
    path: '/api/v1/me/byok/{providerId}',
    permission: 'byok:own',
    tag: 'BYOK',
    summary: 'Remove my key for a provider',
    response: { status: 204, description: 'Removed' },
  }),
  test: defineContract({
    method: 'post',
    path: '/api/v1/me/byok/{providerId}/test',
    permission: 'byok:own',
    tag: 'BYOK',
    summary: 'Test my key with a real minimal call',
    response: {
      status: 200,
      description: '{success, latencyMs, modelsAvailable} or {success:false, error}',
      schema: connectionTestSchema,
    },
  }),
  overview: defineContract({
    method: 'get',
    path: '/api/v1/byok',
    permission: 'usage:read-any',
    tag: 'BYOK',
    summary: 'Users with BYOK keys and the cost their keys saved',
    response: { status: 200, description: 'Overview', schema: byokOverviewSchema },
  }),
} as const;

const orgTag = 'Organizations';

export const orgsContracts = {
  list: defineContract({
    method: 'get',
    path: '/api/v1/orgs',
    permission: 'orgs:read',
    tag: orgTag,
    summary: 'List organizations',
    response: { status: 200, description: 'Organizations', schema: listOf(orgSchema) },
  }),
  create: defineContract({
    method: 'post',
    path: '/api/v1/orgs',
    permission: 'orgs:write',
    tag: orgTag,
    summary: 'Create an organization',
    body: createOrgBody,
    response: { status: 201, description: 'Created', schema: orgSchema },
    errors: { 409: 'Slug taken' },
  }),
  get: defineContract({
    method: 'get',
    path: '/api/v1/orgs/{id}',
    permission: 'orgs:read',
    tag: orgTag,
    summary: 'One organization with members and provider keys (last four)',
    response: { status: 200, description: 'Organization', schema: orgDetailSchema },
  }),
  update: defineContract({
    method: 'patch',
    path: '/api/v1/orgs/{id}',
    permission: 'orgs:write',
    tag: orgTag,
    summary: 'Change name, owner, spend cap, rollover, PII protection, status',
    body: updateOrgBody,
    response: { status: 200, description: 'Organization', schema: orgSchema },
  }),
  remove: defineContract({
    method: 'delete',
    path: '/api/v1/orgs/{id}',
    permission: 'orgs:write',
    tag: orgTag,
    summary: 'Delete an organization',
    response: { status: 204, description: 'Deleted' },
  }),
  addMember: defineContract({
    method: 'post',
    path: '/api/v1/orgs/{id}/members',
    permission: 'orgs:write',
    tag: orgTag,
    summary: 'Add or change a member',
    body: orgMemberBody,
    response: { status: 200, description: 'Organization', schema: orgDetailSchema },
  }),
  removeMember: defineContract({
    method: 'delete',
    path: '/api/v1/orgs/{id}/members/{userId}',
    permission: 'orgs:write',
    tag: orgTag,
    summary: 'Remove a member',
    response: { status: 204, description: 'Removed' },
  }),
  putProviderKey: defineContract({
    method: 'put',
    path: '/api/v1/orgs/{id}/provider-keys/{providerId}',
    permission: 'providers:credentials',
    tag: orgTag,
    summary: "Set the org's own key for a provider (super admin)",
    body: putByokBody,
    response: { status: 200, description: 'Key (masked)', schema: orgProviderKeySchema },
  }),
  deleteProviderKey: defineContract({
    method: 'delete',
    path: '/api/v1/orgs/{id}/provider-keys/{providerId}',
    permission: 'providers:credentials',
    tag: orgTag,
    summary: "Remove the org's key for a provider",
    response: { status: 204, description: 'Removed' },
  }),
} as const;

export const appsContracts = {
  list: defineContract({
    method: 'get',
    path: '/api/v1/apps',
    permission: 'apps:read',
    tag: 'Apps',
    summary: 'List client apps',
    response: { status: 200, description: 'Apps', schema: listOf(appSchema) },
  }),
  create: defineContract({
    method: 'post',
    path: '/api/v1/apps',
    permission: 'apps:write',
    tag: 'Apps',
    summary: 'Create a client app',
    body: createAppBody,
    response: { status: 201, description: 'Created', schema: appSchema },
  }),
  get: defineContract({
    method: 'get',
    path: '/api/v1/apps/{id}',
    permission: 'apps:read',
    tag: 'Apps',
    summary: 'One app',
    response: { status: 200, description: 'App', schema: appSchema },
  }),
  update: defineContract({
    method: 'patch',
    path: '/api/v1/apps/{id}',
    permission: 'apps:write',
    tag: 'Apps',
    summary: 'Change an app (deactivating stops its keys)',
    body: updateAppBody,
    response: { status: 200, description: 'App', schema: appSchema },
  }),
  remove: defineContract({
    method: 'delete',
    path: '/api/v1/apps/{id}',
    permission: 'apps:write',
    tag: 'Apps',
    summary: 'Delete an app (and its keys)',
    response: { status: 204, description: 'Deleted' },
  }),
} as const;

export const auditContracts = {
  list: defineContract({
    method: 'get',
    path: '/api/v1/audit',
    permission: 'audit:read',
    tag: 'Audit',
    summary: 'Audit log: who changed what, when, before/after with secrets masked',
    query: auditQuery,
    response: { status: 200, description: '{data, nextCursor}', schema: auditPageSchema },
  }),
} as const;
