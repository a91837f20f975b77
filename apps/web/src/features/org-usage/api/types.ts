import type { MyOrgs } from '@switchyard/core';

export type { MyOrgs };
export type AdministeredOrg = MyOrgs['data'][number];

export const orgUsageKeys = {
  all: ['org-usage'] as const,
  orgs: ['org-usage', 'orgs'] as const,
  usage: (orgId: string, period: string) => ['org-usage', orgId, period] as const,
};
