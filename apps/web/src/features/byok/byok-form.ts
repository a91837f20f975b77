import { putByokBody, type PutByokBody } from '@switchyard/core';
import { validate, type FormReader, type Parsed } from '../../lib/forms';

/** The key and label to store for a provider; the provider itself is required when adding. */
export function readByokForm(r: FormReader, opts: { needsProvider: boolean }): Parsed<PutByokBody & { providerId: string }> {
  const providerId = r.text('providerId');
  const pre = { ...r.errors };
  if (opts.needsProvider && !providerId) pre.providerId = 'Choose a provider';
  const parsed = validate(putByokBody, { apiKey: r.text('apiKey'), label: r.optText('label', null) }, pre);
  return parsed.ok ? { ok: true, data: { ...parsed.data, providerId } } : parsed;
}

/** How a stored key is shown: never more than its last four characters. */
export function maskKey(last4: string): string {
  return `••••${last4.slice(-4)}`;
}
