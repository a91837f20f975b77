import type { CreateOrgBody, UpdateOrgBody } from '@switchyard/core';
import { Dialog, FormFooter } from '../../../components/ui/dialog';
import { CheckboxField, SelectField, TextField } from '../../../components/ui/field';
import { registerNameWithSlug, useZodForm } from '../../../lib/zod-form';
import type { Org } from '../api/types';
import { createOrgForm, orgFormDefaults, updateOrgForm } from '../org-form';

type Props =
  | { mode: 'create'; org?: undefined; submit: (b: CreateOrgBody) => Promise<unknown> }
  | { mode: 'edit'; org: Org; submit: (b: UpdateOrgBody) => Promise<unknown> };

/**
 * Create or edit an organization: name, slug, owner, monthly spend cap, rollover, PII protection, and who shares its
 * cached answers.
 */
export function OrgDialog({
  open,
  onClose,
  users,
  pending,
  ...p
}: Props & { open: boolean; onClose: () => void; users: { id: string; label: string }[]; pending: boolean }) {
  const org = p.org;
  const f = useZodForm(
    p.mode === 'create' ? createOrgForm : updateOrgForm,
    orgFormDefaults(org),
    p.submit as (b: CreateOrgBody | UpdateOrgBody) => Promise<unknown>,
  );
  const { register } = f;
  const close = () => {
    f.reset(orgFormDefaults(org));
    onClose();
  };
  // Until the slug is typed in, it follows the name.
  const name = registerNameWithSlug(f, !org);
  return (
    <Dialog open={open} onClose={close} title={org ? `Edit ${org.name}` : 'Create an organization'} wide>
      <form
        onSubmit={(e) => void f.onSubmit(e)}
        noValidate
        aria-label={org ? 'Edit organization' : 'New organization'}
        className="grid grid-cols-1 gap-3 sm:grid-cols-2"
      >
        <TextField label="Name" {...name} error={f.err('name')} data-autofocus />
        <TextField
          label="Slug"
          {...register('slug')}
          error={f.err('slug')}
          hint="Lowercase letters, digits and dashes."
        />
        <SelectField
          label="Owner"
          {...register('ownerId')}
          error={f.err('ownerId')}
          hint={org ? undefined : 'Becomes a member with the owner role.'}
        >
          <option value="">No owner</option>
          {users.map((u) => (
            <option key={u.id} value={u.id}>
              {u.label}
            </option>
          ))}
        </SelectField>
        <TextField
          label="Monthly spend cap (USD)"
          inputMode="decimal"
          {...register('spendCapUsd')}
          error={f.err('spendCapUsd')}
          hint="Blank: no cap."
        />
        <CheckboxField
          label="Roll over unspent cap"
          {...register('rollover')}
          error={f.err('rollover')}
          hint="What is left of this month's cap is added to next month's."
          className="sm:col-span-2"
        />
        <CheckboxField
          label="PII protection"
          {...register('piiProtection')}
          error={f.err('piiProtection')}
          hint="Personal data in its members' requests is masked before it reaches a provider or the logs."
          className="sm:col-span-2"
        />
        <SelectField
          label="Cached answers shared by"
          {...register('cacheScope')}
          error={f.err('cacheScope')}
          hint="Who is served an answer the response cache holds. Answers paid with a user's own provider key are that user's alone."
          className="sm:col-span-2"
        >
          <option value="organization">The whole organization</option>
          <option value="user">Each user (their own keys)</option>
          <option value="key">Each gateway key</option>
        </SelectField>
        <FormFooter
          error={f.formError}
          onCancel={close}
          pending={pending}
          submitLabel={org ? 'Save changes' : 'Create organization'}
        />
      </form>
    </Dialog>
  );
}
