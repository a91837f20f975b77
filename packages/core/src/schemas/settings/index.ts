/** Gateway settings (admin API `/api/v1/llm/settings`). */
import { z } from 'zod';
import { safeString } from '../safe/index.js';

const httpUrl = safeString()
  .trim()
  .url('must be a URL')
  .refine((u) => /^https?:\/\//i.test(u), 'must start with http:// or https://');

export const updateSettingsBody = z
  .object({
    /** Where Ollama listens (null turns the integration off). */
    ollamaBaseUrl: httpUrl.nullable(),
    /** Store request and response bodies with the logs (off by default: they may hold personal data). */
    bodyLogging: z.boolean(),
    /**
     * Also send `x-switchyard-skipped` (the candidates routing skipped, and why) on every answer: routed, failed,
     * refused or from the cache. `x-switchyard-provider`, `-model` and `-attempts` are always sent.
     */
    debugHeaders: z.boolean(),
  })
  .partial()
  .refine((b) => Object.keys(b).length > 0, 'nothing to change');
export type UpdateSettingsBody = z.infer<typeof updateSettingsBody>;

/** Test an Ollama server (the saved one when no URL is given) and list the models it has. */
export const ollamaTestBody = z.object({ baseUrl: httpUrl.optional() });
export type OllamaTestBody = z.infer<typeof ollamaTestBody>;
