export type OrgStatus = 'active' | 'suspended';
export type MemberRole = 'owner' | 'admin' | 'member';

export interface Org {
  id: string;
  name: string;
  slug: string;
  ownerId: string | null;
  status: OrgStatus;
  spendCapUsd: number | null;
  rollover: boolean;
  rolloverBalanceUsd: number;
  piiProtection: boolean;
  members?: number;
  createdAt: string;
}

export interface OrgMember {
  userId: string;
  email: string;
  name: string | null;
  role: MemberRole;
}

export interface OrgDetail extends Org {
  memberList: OrgMember[];
  providerKeys: { providerId: string; last4: string; label: string | null; status: string }[];
}

export const orgsKeys = {
  all: ['orgs'] as const,
  list: ['orgs', 'list'] as const,
  detail: (id: string) => ['orgs', 'detail', id] as const,
};
