export type KeyOwnerType = 'user' | 'org' | 'app';
export type KeyStatus = 'active' | 'revoked' | 'expired';

/** A gateway key as the API lists it: prefix and limits, never the key. */
export interface GatewayKey {
  id: string;
  name: string;
  prefix: string;
  ownerType: KeyOwnerType;
  ownerId: string | null;
  status: KeyStatus;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
  rpmLimit: number | null;
  tpmLimit: number | null;
  budgetUsd: number | null;
  budgetPeriod: 'day' | 'week' | 'month' | null;
  allowedModels: string[];
  /** Addresses / CIDR ranges the key may be used from; empty = anywhere. */
  ipAllowlist: string[];
}

/** The create response: the only time the full key is seen. */
export interface CreatedGatewayKey extends GatewayKey {
  key: string;
}

export const keysKeys = {
  all: ['keys'] as const,
  list: (filters: object) => ['keys', 'list', filters] as const,
  mine: ['keys', 'mine'] as const,
};
