import type { gatewaySettingsSchema, ollamaSyncResultSchema, ollamaTestResultSchema } from '@switchyard/core';
import type { z } from 'zod';

/** The gateway settings as the API answers them (the contracts' response schemas). */
export type GatewaySettings = z.infer<typeof gatewaySettingsSchema>;
export type OllamaTestResult = z.infer<typeof ollamaTestResultSchema>;
export type OllamaSyncResult = z.infer<typeof ollamaSyncResultSchema>;

export const settingsKeys = { all: ['settings'] as const };
