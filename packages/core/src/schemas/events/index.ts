/**
 * The live event stream (`GET /api/v1/llm/events`, server-sent events): what each event carries. Never a prompt, an
 * answer or a key: a `call` holds who, what, which provider, the outcome and the cost; the others name what changed.
 */
import { z } from 'zod';

/** A proxied request that finished and whose usage record was written (one per record). */
export const callEventSchema = z.strictObject({
  type: z.literal('call'),
  requestId: z.string(),
  /** When the request was recorded (ISO). */
  at: z.string(),
  userId: z.string().nullable(),
  orgId: z.string().nullable(),
  appId: z.string().nullable(),
  keyId: z.string().nullable(),
  endpoint: z.string(),
  /** The model (or alias) the client asked for. */
  requestedModel: z.string(),
  /** The provider slug and model id that answered (or were tried last); null when nothing was called. */
  provider: z.string().nullable(),
  model: z.string().nullable(),
  status: z.number(),
  errorCode: z.string().nullable(),
  latencyMs: z.number(),
  tokensIn: z.number(),
  tokensOut: z.number(),
  /** The gateway estimated the tokens (the provider reported no usage, or not all of it): not the provider's figures. */
  tokensEstimated: z.boolean(),
  /** What the call cost (0 when a BYOK key paid: then `byok` is true). */
  costUsd: z.number(),
  byok: z.boolean(),
});
export type CallEvent = z.infer<typeof callEventSchema>;

/** A provider was created, changed (status, settings), deleted, or its status changed after a connection test. */
export const providerEventSchema = z.strictObject({
  type: z.literal('provider'),
  action: z.enum(['created', 'updated', 'deleted', 'status']),
  id: z.string(),
  slug: z.string().nullable(),
  status: z.string().nullable(),
});
export type ProviderEvent = z.infer<typeof providerEventSchema>;

/** Models were created, changed, enabled, disabled or deleted. */
export const modelEventSchema = z.strictObject({
  type: z.literal('model'),
  action: z.enum(['created', 'updated', 'deleted', 'enabled', 'disabled']),
  ids: z.array(z.string()),
});
export type ModelEvent = z.infer<typeof modelEventSchema>;

/** A provider × model circuit breaker opened (`open`) or closed again. */
export const circuitEventSchema = z.strictObject({
  type: z.literal('circuit'),
  provider: z.string(),
  model: z.string(),
  open: z.boolean(),
});
export type CircuitEvent = z.infer<typeof circuitEventSchema>;

export const liveEventSchema = z.discriminatedUnion('type', [
  callEventSchema,
  providerEventSchema,
  modelEventSchema,
  circuitEventSchema,
]);
export type LiveEvent = z.infer<typeof liveEventSchema>;
export type LiveEventType = LiveEvent['type'];

/**
 * What a signed-in caller may see: operators and viewers (`all`) every event; anyone else only `call` events of
 * their own requests (user id match) and nothing about providers, models or circuits.
 */
export function visibleTo(event: LiveEvent, viewer: { all: boolean; userId: string }): boolean {
  if (viewer.all) return true;
  return event.type === 'call' && event.userId !== null && event.userId === viewer.userId;
}
