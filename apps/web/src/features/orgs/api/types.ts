import type {
  ORG_MEMBER_ROLE_VALUES,
  ORG_STATUS_VALUES,
  orgDetailSchema,
  orgMemberSchema,
  orgSchema,
} from '@switchyard/core';
import type { z } from 'zod';

export type OrgStatus = (typeof ORG_STATUS_VALUES)[number];
export type MemberRole = (typeof ORG_MEMBER_ROLE_VALUES)[number];

/** An organization as the API answers it (the contracts' response schemas). */
export type Org = z.infer<typeof orgSchema>;
export type OrgMember = z.infer<typeof orgMemberSchema>;
export type OrgDetail = z.infer<typeof orgDetailSchema>;

/** The API path of an organization's key for one provider. */
export const orgKeyPath = (orgId: string, providerId: string) =>
  `/orgs/${encodeURIComponent(orgId)}/provider-keys/${encodeURIComponent(providerId)}`;

export const orgsKeys = {
  all: ['orgs'] as const,
  list: ['orgs', 'list'] as const,
  detail: (id: string) => ['orgs', 'detail', id] as const,
};
