import { putByokBody, type PutByokBody } from '@switchyard/core';
import { validate, type FormReader, type Parsed } from '../../lib/forms';
import { readerSchema } from '../../lib/zod-form';

/** The key and label to store for a provider; the provider itself is required when adding. */
export function readByokForm(
  r: FormReader,
  opts: { needsProvider: boolean },
): Parsed<PutByokBody & { providerId: string }> {
  const providerId = r.text('providerId');
  const pre = { ...r.errors };
  if (opts.needsProvider && !providerId) pre.providerId = 'Choose a provider';
  const parsed = validate(putByokBody, { apiKey: r.text('apiKey'), label: r.optText('label', null) }, pre);
  return parsed.ok ? { ok: true, data: { ...parsed.data, providerId } } : parsed;
}

/** What the key dialog's controls hold. */
export interface ByokFormValues {
  providerId: string;
  apiKey: string;
  label: string;
}

export const byokForm = (opts: { needsProvider: boolean }) =>
  readerSchema<ByokFormValues, PutByokBody & { providerId: string }>((r) => readByokForm(r, opts));

/** How a stored key is shown: never more than its last four characters. */
export function maskKey(last4: string): string {
  return `••••${last4.slice(-4)}`;
}
