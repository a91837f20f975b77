import { routingRulesBody } from '@switchyard/core';
import { z } from 'zod';
import { orNull } from '../../lib/zod-form';
import type { RoutingRules } from './api/types';

/** The numbers of the routing settings form, named as the API names them (times in ms). */
export const RULE_NUMBERS = [
  'maxAttempts',
  'maxRetries',
  'circuitFailureThreshold',
  'circuitOpenMs',
  'rateLimitCooldownMs',
  'billingCooldownMs',
  'authCooldownMs',
  'modelNotFoundCooldownMs',
] as const;
type RuleNumber = (typeof RULE_NUMBERS)[number];

/** What the routing settings form's controls hold: numbers as typed, the default model ('' = none). */
export type RoutingSettingsValues = Record<RuleNumber, string> & {
  policyFallback: boolean;
  defaultModel: string;
  /** Sent as it is (changing it is the strategy selector's job, and a super admin's). */
  strategy: RoutingRules['strategy'];
};

/** A whole number as typed; anything else is left for the shared schema to name ("expected number"). */
const typedNumber = (s: string): unknown => {
  const t = s.trim();
  return t === '' || !/^-?\d+(\.\d+)?$/.test(t) ? t : Number(t);
};

const numbers = {
  maxAttempts: z.string(),
  maxRetries: z.string(),
  circuitFailureThreshold: z.string(),
  circuitOpenMs: z.string(),
  rateLimitCooldownMs: z.string(),
  billingCooldownMs: z.string(),
  authCooldownMs: z.string(),
  modelNotFoundCooldownMs: z.string(),
} satisfies Record<RuleNumber, z.ZodString>;

/** The form's values checked by the API's own schema (PUT /llm/routing/rules). */
export const routingSettingsForm = z
  .object({
    ...numbers,
    policyFallback: z.boolean(),
    defaultModel: z.string(),
    strategy: z.enum(['cost', 'balanced', 'quality']),
  })
  .transform((v) => {
    const typed: Record<string, unknown> = {};
    for (const k of RULE_NUMBERS) typed[k] = typedNumber(v[k]);
    return {
      ...typed,
      strategy: v.strategy,
      policyFallback: v.policyFallback,
      defaultModel: orNull(v.defaultModel),
    } as z.input<typeof routingRulesBody>;
  })
  .pipe(routingRulesBody);

export const routingSettingsDefaults = (r: RoutingRules): RoutingSettingsValues => ({
  ...(Object.fromEntries(RULE_NUMBERS.map((k) => [k, String(r[k])])) as Record<RuleNumber, string>),
  policyFallback: r.policyFallback,
  defaultModel: r.defaultModel ?? '',
  strategy: r.strategy,
});

/** A duration in ms as a person reads it: "30 s", "5 min", "1 h", "1 h 30 min", "0 (none)". */
export function humanMs(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '';
  if (ms === 0) return 'none';
  if (ms < 1000) return `${ms} ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  return [h ? `${h} h` : '', m ? `${m} min` : '', rest ? `${rest} s` : ''].filter(Boolean).join(' ');
}
