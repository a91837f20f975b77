import { createGatewayKeyBody, type CreateGatewayKeyBody } from '@switchyard/core';
import { validate, type FormReader, type Parsed } from '../../lib/forms';
import { readerSchema } from '../../lib/zod-form';

const selfKeyBody = createGatewayKeyBody.omit({ ownerType: true, ownerId: true });

/**
 * The create-key form as the API's body: limits left blank are omitted, the expiry date is the end of that day,
 * allowed models are a comma list. Checks the schema's rules plus what the form can know: an owner for admin keys,
 * an expiry in the future, and a budget and its period set together.
 */
export function readKeyForm(
  r: FormReader,
  opts: { withOwner: boolean; now?: number },
): Parsed<CreateGatewayKeyBody> {
  const now = opts.now ?? Date.now();
  const budgetUsd = r.number('budgetUsd', undefined);
  const budgetPeriod = r.optText('budgetPeriod', undefined);
  const expiresAt = r.endOfDay('expiresAt', undefined);
  const allowedModels = r.list('allowedModels');
  const ipAllowlist = r.list('ipAllowlist');
  const body: Record<string, unknown> = {
    name: r.text('name'),
    expiresAt,
    rpmLimit: r.integer('rpmLimit', undefined),
    tpmLimit: r.integer('tpmLimit', undefined),
    cacheTtlSeconds: r.integer('cacheTtlSeconds', undefined),
    region: r.optText('region', undefined),
    budgetUsd,
    budgetPeriod,
    ...(allowedModels.length ? { allowedModels } : {}),
    ...(ipAllowlist.length ? { ipAllowlist } : {}),
  };
  const pre = { ...r.errors };
  if (opts.withOwner) {
    body.ownerType = r.optText('ownerType', undefined);
    body.ownerId = r.optText('ownerId', undefined);
    if (!body.ownerType) pre.ownerType = 'Choose who owns the key';
    if (!body.ownerId && !pre.ownerId) pre.ownerId = 'Choose the owner';
  }
  if (expiresAt && expiresAt.getTime() <= now && !pre.expiresAt) pre.expiresAt = 'Must be in the future';
  if (budgetUsd !== undefined && !budgetPeriod && !pre.budgetPeriod)
    pre.budgetPeriod = 'Choose the period the budget covers';
  if (budgetUsd === undefined && budgetPeriod && !pre.budgetUsd)
    pre.budgetUsd = 'Set an amount for this period, or clear the period';
  const parsed = validate(
    opts.withOwner ? createGatewayKeyBody : selfKeyBody,
    body,
    pre,
  ) as Parsed<CreateGatewayKeyBody>;
  // "must be an IP address…" alone does not say which entry: name the first wrong one.
  if (!parsed.ok && parsed.errors.ipAllowlist) {
    const at = Object.keys(parsed.errors).find((k) => /^ipAllowlist\.\d+$/.test(k));
    const entry = at ? ipAllowlist[Number(at.split('.')[1])] : undefined;
    if (entry !== undefined)
      parsed.errors.ipAllowlist = `"${entry}" ${parsed.errors[at!]!.replace(/^must be /, 'is not ')}`;
  }
  return parsed;
}

/** What the create-key dialog's controls hold (the owner fields only matter with `withOwner`). */
export interface KeyFormValues {
  name: string;
  ownerType: 'user' | 'org' | 'app';
  ownerId: string;
  expiresAt: string;
  rpmLimit: string;
  tpmLimit: string;
  /** Response cache TTL in seconds; blank = off. */
  cacheTtlSeconds: string;
  /** The region routing rules see for this key's requests; blank = its app's, or none. */
  region: string;
  budgetUsd: string;
  budgetPeriod: string;
  allowedModels: string;
  ipAllowlist: string;
}

export const keyFormDefaults: KeyFormValues = {
  name: '',
  ownerType: 'user',
  ownerId: '',
  expiresAt: '',
  rpmLimit: '',
  tpmLimit: '',
  cacheTtlSeconds: '',
  region: '',
  budgetUsd: '',
  budgetPeriod: '',
  allowedModels: '',
  ipAllowlist: '',
};

export const keyForm = (opts: { withOwner: boolean }) =>
  readerSchema<KeyFormValues, CreateGatewayKeyBody>((r) => readKeyForm(r, opts));
