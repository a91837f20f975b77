import type { CreateOrgBody, UpdateOrgBody } from '@switchyard/core';
import { useState } from 'react';
import { Dialog, FormFooter } from '../../../components/ui/dialog';
import { CheckboxField, SelectField, TextField } from '../../../components/ui/field';
import { slugify } from '../../../lib/slug';
import { useFormSubmit } from '../../../lib/use-form-submit';
import type { Org } from '../api/types';
import { readCreateOrgForm, readUpdateOrgForm } from '../org-form';

type Props =
  | { mode: 'create'; org?: undefined; submit: (b: CreateOrgBody) => Promise<unknown> }
  | { mode: 'edit'; org: Org; submit: (b: UpdateOrgBody) => Promise<unknown> };

/** Create or edit an organization: name, slug, owner, monthly spend cap, rollover, PII protection. */
export function OrgDialog({ open, onClose, users, pending, ...p }: Props & { open: boolean; onClose: () => void; users: { id: string; label: string }[]; pending: boolean }) {
  const f = useFormSubmit<CreateOrgBody | UpdateOrgBody>(p.mode === 'create' ? readCreateOrgForm : readUpdateOrgForm, p.submit as (b: CreateOrgBody | UpdateOrgBody) => Promise<unknown>);
  const [slugTouched, setSlugTouched] = useState(false);
  const [slug, setSlug] = useState(p.org?.slug ?? '');
  const close = () => {
    f.reset();
    setSlugTouched(false);
    setSlug('');
    onClose();
  };
  const org = p.org;
  return (
    <Dialog open={open} onClose={close} title={org ? `Edit ${org.name}` : 'Create an organization'} wide>
      <form key={org?.id ?? 'new'} onSubmit={f.onSubmit} noValidate aria-label={org ? 'Edit organization' : 'New organization'} className="grid grid-cols-1 gap-3 sm:grid-cols-2">
        <TextField
          label="Name"
          name="name"
          defaultValue={org?.name}
          error={f.err('name')}
          data-autofocus
          onChange={(e) => {
            if (!org && !slugTouched) setSlug(slugify(e.target.value));
          }}
        />
        <TextField
          label="Slug"
          name="slug"
          value={org && !slugTouched ? org.slug : slug}
          onChange={(e) => {
            setSlugTouched(true);
            setSlug(e.target.value);
          }}
          error={f.err('slug')}
          hint="Lowercase letters, digits and dashes."
        />
        <SelectField label="Owner" name="ownerId" defaultValue={org?.ownerId ?? ''} error={f.err('ownerId')} hint={org ? undefined : 'Becomes a member with the owner role.'}>
          <option value="">No owner</option>
          {users.map((u) => (
            <option key={u.id} value={u.id}>{u.label}</option>
          ))}
        </SelectField>
        <TextField label="Monthly spend cap (USD)" name="spendCapUsd" inputMode="decimal" defaultValue={org?.spendCapUsd ?? ''} error={f.err('spendCapUsd')} hint="Blank: no cap." />
        <CheckboxField label="Roll over unspent cap" name="rollover" defaultChecked={org?.rollover ?? false} error={f.err('rollover')} hint="What is left of this month's cap is added to next month's." className="sm:col-span-2" />
        <CheckboxField label="PII protection" name="piiProtection" defaultChecked={org?.piiProtection ?? false} error={f.err('piiProtection')} hint="Personal data in its members' requests is masked before it reaches a provider or the logs." className="sm:col-span-2" />
        <FormFooter error={f.formError} onCancel={close} pending={pending} submitLabel={org ? 'Save changes' : 'Create organization'} />
      </form>
    </Dialog>
  );
}
