import type { CreateAppBody, UpdateAppBody } from '@switchyard/core';
import { useState } from 'react';
import { Dialog, FormFooter } from '../../../components/ui/dialog';
import { CheckboxField, SelectField, TextAreaField, TextField } from '../../../components/ui/field';
import { slugify } from '../../../lib/slug';
import { useFormSubmit } from '../../../lib/use-form-submit';
import type { App } from '../api/types';
import { readCreateAppForm, readUpdateAppForm } from '../app-form';

type Props =
  | { app?: undefined; submit: (b: CreateAppBody) => Promise<unknown> }
  | { app: App; submit: (b: UpdateAppBody) => Promise<unknown> };

/** Create or edit a client app: name, slug, description, contact, organization, active, PII protection. */
export function AppDialog({ open, onClose, orgs, pending, app, submit }: Props & { open: boolean; onClose: () => void; orgs: { id: string; label: string }[]; pending: boolean }) {
  const f = useFormSubmit<CreateAppBody | UpdateAppBody>(app ? readUpdateAppForm : readCreateAppForm, submit as (b: CreateAppBody | UpdateAppBody) => Promise<unknown>);
  const [slug, setSlug] = useState<string | null>(null);
  const close = () => {
    f.reset();
    setSlug(null);
    onClose();
  };
  const [suggested, setSuggested] = useState('');
  return (
    <Dialog open={open} onClose={close} title={app ? `Edit ${app.name}` : 'Create an app'} wide>
      <form key={app?.id ?? 'new'} onSubmit={f.onSubmit} noValidate aria-label={app ? 'Edit app' : 'New app'} className="grid grid-cols-1 gap-3 sm:grid-cols-2">
        <TextField label="Name" name="name" defaultValue={app?.name} error={f.err('name')} data-autofocus onChange={(e) => setSuggested(slugify(e.target.value))} />
        <TextField label="Slug" name="slug" value={slug ?? app?.slug ?? suggested} onChange={(e) => setSlug(e.target.value)} error={f.err('slug')} hint="Lowercase letters, digits and dashes." />
        <TextAreaField label="Description" name="description" defaultValue={app?.description ?? ''} maxLength={500} error={f.err('description')} className="sm:col-span-2" />
        <TextField label="Contact email" name="contactEmail" type="email" defaultValue={app?.contactEmail ?? ''} error={f.err('contactEmail')} />
        <SelectField label="Organization" name="orgId" defaultValue={app?.orgId ?? ''} error={f.err('orgId')} hint="Its keys count against this organization's cap.">
          <option value="">None</option>
          {orgs.map((o) => (
            <option key={o.id} value={o.id}>{o.label}</option>
          ))}
        </SelectField>
        <CheckboxField label="Active" name="active" defaultChecked={app?.active ?? true} hint="An inactive app's keys are refused." />
        <CheckboxField label="PII protection" name="piiProtection" defaultChecked={app?.piiProtection ?? false} hint="Mask personal data in this app's requests." />
        <FormFooter error={f.formError} onCancel={close} pending={pending} submitLabel={app ? 'Save changes' : 'Create app'} />
      </form>
    </Dialog>
  );
}
