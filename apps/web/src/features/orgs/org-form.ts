import { createOrgBody, updateOrgBody, type CreateOrgBody, type UpdateOrgBody } from '@switchyard/core';
import { validate, type FormReader, type Parsed } from '../../lib/forms';

function fields(r: FormReader, empty: null | undefined) {
  return {
    name: r.text('name'),
    slug: r.text('slug'),
    ownerId: r.optText('ownerId', empty),
    spendCapUsd: r.number('spendCapUsd', empty),
    rollover: r.bool('rollover'),
    piiProtection: r.bool('piiProtection'),
  };
}

/** New organization: a blank spend cap means none; rollover only means something with a cap. */
export function readCreateOrgForm(r: FormReader): Parsed<CreateOrgBody> {
  const body = fields(r, undefined);
  const pre = { ...r.errors };
  if (body.rollover && body.spendCapUsd === undefined && !pre.spendCapUsd) pre.rollover = 'Rollover carries unspent cap over: set a spend cap first';
  return validate(createOrgBody, body, pre);
}

/** Edit organization: a cleared cap or owner is `null`. */
export function readUpdateOrgForm(r: FormReader): Parsed<UpdateOrgBody> {
  const body = fields(r, null);
  const pre = { ...r.errors };
  if (body.rollover && body.spendCapUsd === null && !pre.spendCapUsd) pre.rollover = 'Rollover carries unspent cap over: set a spend cap first';
  return validate(updateOrgBody, body, pre);
}
