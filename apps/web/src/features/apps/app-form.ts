import { createAppBody, updateAppBody } from '@switchyard/core';
import { z } from 'zod';
import { orNull } from '../../lib/zod-form';
import type { App } from './api/types';

/** What the app dialog's controls hold. */
export interface AppFormValues {
  name: string;
  slug: string;
  description: string;
  contactEmail: string;
  orgId: string;
  active: boolean;
  piiProtection: boolean;
  /** The region routing rules see for this app's keys (a key's own comes first); blank = none. */
  region: string;
}

const values = z.object({
  name: z.string(),
  slug: z.string(),
  description: z.string(),
  contactEmail: z.string(),
  orgId: z.string(),
  active: z.boolean(),
  piiProtection: z.boolean(),
  region: z.string(),
});

/** Blank optional texts are null (cleared); the rest as typed, trimmed. */
const toBody = (v: AppFormValues) => ({
  name: v.name.trim(),
  slug: v.slug.trim(),
  description: orNull(v.description),
  contactEmail: orNull(v.contactEmail),
  orgId: orNull(v.orgId),
  active: v.active,
  piiProtection: v.piiProtection,
  region: v.region.trim(),
});

/** The form's values checked by the API's own schemas. */
export const createAppForm = values
  .transform((v): z.input<typeof createAppBody> => toBody(v))
  .pipe(createAppBody);
export const updateAppForm = values
  .transform((v): z.input<typeof updateAppBody> => toBody(v))
  .pipe(updateAppBody);

export const appFormDefaults = (app?: App): AppFormValues => ({
  name: app?.name ?? '',
  slug: app?.slug ?? '',
  description: app?.description ?? '',
  contactEmail: app?.contactEmail ?? '',
  orgId: app?.orgId ?? '',
  active: app?.active ?? true,
  piiProtection: app?.piiProtection ?? false,
  region: app?.region ?? '',
});
