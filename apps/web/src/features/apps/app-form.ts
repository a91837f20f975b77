import { createAppBody, updateAppBody, type CreateAppBody, type UpdateAppBody } from '@switchyard/core';
import { validate, type FormReader, type Parsed } from '../../lib/forms';

function fields(r: FormReader) {
  return {
    name: r.text('name'),
    slug: r.text('slug'),
    description: r.optText('description', null),
    contactEmail: r.optText('contactEmail', null),
    orgId: r.optText('orgId', null),
    active: r.bool('active'),
    piiProtection: r.bool('piiProtection'),
  };
}

export function readCreateAppForm(r: FormReader): Parsed<CreateAppBody> {
  return validate(createAppBody, fields(r), { ...r.errors });
}

export function readUpdateAppForm(r: FormReader): Parsed<UpdateAppBody> {
  return validate(updateAppBody, fields(r), { ...r.errors });
}
