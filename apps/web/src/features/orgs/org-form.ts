import { createOrgBody, updateOrgBody, type CreateOrgBody, type UpdateOrgBody } from '@switchyard/core';
import { validate, type FormReader, type Parsed } from '../../lib/forms';
import { readerSchema } from '../../lib/zod-form';
import type { Org } from './api/types';

function fields(r: FormReader, empty: null | undefined) {
  return {
    name: r.text('name'),
    slug: r.text('slug'),
    ownerId: r.optText('ownerId', empty),
    spendCapUsd: r.number('spendCapUsd', empty),
    rollover: r.bool('rollover'),
    piiProtection: r.bool('piiProtection'),
    cacheScope: r.optText('cacheScope', undefined),
  };
}

/** New organization: a blank spend cap means none; rollover only means something with a cap. */
export function readCreateOrgForm(r: FormReader): Parsed<CreateOrgBody> {
  const body = fields(r, undefined);
  const pre = { ...r.errors };
  if (body.rollover && body.spendCapUsd === undefined && !pre.spendCapUsd)
    pre.rollover = 'Rollover carries unspent cap over: set a spend cap first';
  return validate(createOrgBody, body, pre);
}

/** Edit organization: a cleared cap or owner is `null`. */
export function readUpdateOrgForm(r: FormReader): Parsed<UpdateOrgBody> {
  const body = fields(r, null);
  const pre = { ...r.errors };
  if (body.rollover && body.spendCapUsd === null && !pre.spendCapUsd)
    pre.rollover = 'Rollover carries unspent cap over: set a spend cap first';
  return validate(updateOrgBody, body, pre);
}

/** What the organization dialog's controls hold. */
export interface OrgFormValues {
  name: string;
  slug: string;
  ownerId: string;
  spendCapUsd: string;
  rollover: boolean;
  piiProtection: boolean;
  cacheScope: string;
}

export const createOrgForm = readerSchema<OrgFormValues, CreateOrgBody>(readCreateOrgForm);
export const updateOrgForm = readerSchema<OrgFormValues, UpdateOrgBody>(readUpdateOrgForm);

export const orgFormDefaults = (org?: Org): OrgFormValues => ({
  name: org?.name ?? '',
  slug: org?.slug ?? '',
  ownerId: org?.ownerId ?? '',
  spendCapUsd: org?.spendCapUsd == null ? '' : String(org.spendCapUsd),
  rollover: org?.rollover ?? false,
  piiProtection: org?.piiProtection ?? false,
  cacheScope: org?.cacheScope ?? 'organization',
});
