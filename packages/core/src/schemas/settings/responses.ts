/** What the settings endpoints answer. */
import { z } from 'zod';
import { connectionErrorSchema } from '../admin/responses.js';

export const gatewaySettingsSchema = z.strictObject({
  ollamaBaseUrl: z.string().nullable(),
  /** The Ollama provider the URL feeds (the first one), with how many models it has. */
  ollamaProvider: z
    .strictObject({ id: z.string(), slug: z.string(), status: z.string(), modelCount: z.number().int() })
    .nullable(),
  bodyLogging: z.boolean(),
  debugHeaders: z.boolean(),
  updatedAt: z.string().nullable(),
});
export type GatewaySettings = z.infer<typeof gatewaySettingsSchema>;

/** `POST /llm/settings/ollama/test`: reachable with its models, or why not. */
export const ollamaTestResultSchema = z.discriminatedUnion('success', [
  z.strictObject({
    success: z.literal(true),
    latencyMs: z.number(),
    baseUrl: z.string(),
    models: z.array(z.string()),
  }),
  z.strictObject({
    success: z.literal(false),
    latencyMs: z.number(),
    baseUrl: z.string(),
    error: connectionErrorSchema,
  }),
]);
export type OllamaTestResult = z.infer<typeof ollamaTestResultSchema>;

/** `POST /llm/settings/ollama/sync`: what the server has and which of those were added to the registry. */
export const ollamaSyncResultSchema = z.strictObject({
  provider: z.string(),
  discovered: z.array(z.string()),
  added: z.array(z.string()),
});
export type OllamaSyncResult = z.infer<typeof ollamaSyncResultSchema>;
