import type { CreateAppBody, UpdateAppBody } from '@switchyard/core';
import { Dialog, FormFooter } from '../../../components/ui/dialog';
import { CheckboxField, SelectField, TextAreaField, TextField } from '../../../components/ui/field';
import { registerNameWithSlug, useZodForm } from '../../../lib/zod-form';
import type { App } from '../api/types';
import { appFormDefaults, createAppForm, updateAppForm } from '../app-form';

type Props =
  | { app?: undefined; submit: (b: CreateAppBody) => Promise<unknown> }
  | { app: App; submit: (b: UpdateAppBody) => Promise<unknown> };

/** Create or edit a client app: name, slug, description, contact, organization, active, PII protection. */
export function AppDialog({
  open,
  onClose,
  orgs,
  pending,
  app,
  submit,
}: Props & { open: boolean; onClose: () => void; orgs: { id: string; label: string }[]; pending: boolean }) {
  const f = useZodForm(
    app ? updateAppForm : createAppForm,
    appFormDefaults(app),
    submit as (b: CreateAppBody | UpdateAppBody) => Promise<unknown>,
  );
  const { register } = f;
  const close = () => {
    f.reset(appFormDefaults(app));
    onClose();
  };
  // Until the slug is typed in, it follows the name.
  const name = registerNameWithSlug(f, !app);
  return (
    <Dialog open={open} onClose={close} title={app ? `Edit ${app.name}` : 'Create an app'} wide>
      <form
        onSubmit={(e) => void f.onSubmit(e)}
        noValidate
        aria-label={app ? 'Edit app' : 'New app'}
        className="grid grid-cols-1 gap-3 sm:grid-cols-2"
      >
        <TextField label="Name" {...name} error={f.err('name')} data-autofocus />
        <TextField
          label="Slug"
          {...register('slug')}
          error={f.err('slug')}
          hint="Lowercase letters, digits and dashes."
        />
        <TextAreaField
          label="Description"
          {...register('description')}
          maxLength={500}
          error={f.err('description')}
          className="sm:col-span-2"
        />
        <TextField
          label="Contact email"
          type="email"
          {...register('contactEmail')}
          error={f.err('contactEmail')}
        />
        <TextField
          label="Routing region"
          {...register('region')}
          placeholder="eu-west"
          error={f.err('region')}
          hint="A label routing rules can match for this app's keys. Blank: none."
        />
        <SelectField
          label="Organization"
          {...register('orgId')}
          error={f.err('orgId')}
          hint="Its keys count against this organization's cap."
        >
          <option value="">None</option>
          {orgs.map((o) => (
            <option key={o.id} value={o.id}>
              {o.label}
            </option>
          ))}
        </SelectField>
        <CheckboxField label="Active" {...register('active')} hint="An inactive app's keys are refused." />
        <CheckboxField
          label="PII protection"
          {...register('piiProtection')}
          hint="Mask personal data in this app's requests."
        />
        <FormFooter
          error={f.formError}
          onCancel={close}
          pending={pending}
          submitLabel={app ? 'Save changes' : 'Create app'}
        />
      </form>
    </Dialog>
  );
}
