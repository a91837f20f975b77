import { modelRefField, updatePowerLevelBody } from '@switchyard/core';
import { z } from 'zod';
import { orNull } from '../../lib/zod-form';
import type { PowerLevel } from './api/types';

/** What the power level dialog's controls hold. */
export interface PowerLevelFormValues {
  name: string;
  description: string;
  tier: 'eco' | 'balanced' | 'precision';
  /** Comma- or newline-separated model refs, tried first in this order. */
  modelRefs: string;
  enabled: boolean;
}

/** Split a list typed as "a/b, c/d" or one per line. */
export const splitRefs = (s: string): string[] =>
  s
    .split(/[\n,]/)
    .map((r) => r.trim())
    .filter(Boolean);

const values = z.object({
  name: z.string(),
  description: z.string(),
  tier: z.enum(['eco', 'balanced', 'precision']),
  // Each ref checked here, so the message lands on the one field that holds the list.
  modelRefs: z.string().superRefine((v, ctx) => {
    for (const ref of splitRefs(v)) {
      const r = modelRefField.safeParse(ref);
      if (!r.success)
        ctx.addIssue({
          code: 'custom',
          message: `"${ref}" ${r.error.issues[0]?.message ?? 'is not a model'}`,
        });
    }
  }),
  enabled: z.boolean(),
});

/** The form's values checked by the API's own schema (PUT /llm/routing/power-levels/:slug). */
export const powerLevelForm = values
  .transform((v): z.input<typeof updatePowerLevelBody> => ({
    name: v.name.trim(),
    description: orNull(v.description),
    tier: v.tier,
    modelRefs: splitRefs(v.modelRefs),
    enabled: v.enabled,
  }))
  .pipe(updatePowerLevelBody);

export const powerLevelFormDefaults = (l: PowerLevel): PowerLevelFormValues => ({
  name: l.name,
  description: l.description ?? '',
  tier: l.tier as PowerLevelFormValues['tier'],
  modelRefs: l.modelRefs.join(', '),
  enabled: l.enabled,
});
