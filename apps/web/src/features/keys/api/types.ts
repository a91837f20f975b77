import type {
  createdGatewayKeySchema,
  gatewayKeySchema,
  KEY_OWNER_TYPE_VALUES,
  KEY_STATUS_VALUES,
} from '@switchyard/core';
import type { z } from 'zod';

export type KeyOwnerType = (typeof KEY_OWNER_TYPE_VALUES)[number];
export type KeyStatus = (typeof KEY_STATUS_VALUES)[number];

/** A gateway key as the API lists it: prefix and limits, never the key (the contract's response schema). */
export type GatewayKey = z.infer<typeof gatewayKeySchema>;

/** The create response: the only time the full key is seen. */
export type CreatedGatewayKey = z.infer<typeof createdGatewayKeySchema>;

export const keysKeys = {
  all: ['keys'] as const,
  list: (filters: object) => ['keys', 'list', filters] as const,
  mine: ['keys', 'mine'] as const,
};
