import type { CreateGatewayKeyBody } from '@switchyard/core';
import { useState } from 'react';
import { Dialog, FormFooter } from '../../../components/ui/dialog';
import { SelectField, TextAreaField, TextField } from '../../../components/ui/field';
import { useFormSubmit } from '../../../lib/use-form-submit';
import type { KeyOwnerType } from '../api/types';
import { readKeyForm } from '../key-form';

export interface OwnerChoices {
  user: { id: string; label: string }[];
  org: { id: string; label: string }[];
  app: { id: string; label: string }[];
}

/**
 * The create-key form. With `owners` it asks whose key it is (admins); without, the key is the caller's own.
 * `submit` resolves when the key exists; API field errors show next to their fields.
 */
export function CreateKeyDialog({
  open,
  onClose,
  owners,
  submit,
  pending,
}: {
  open: boolean;
  onClose: () => void;
  owners?: OwnerChoices;
  submit: (body: CreateGatewayKeyBody) => Promise<unknown>;
  pending: boolean;
}) {
  const [ownerType, setOwnerType] = useState<KeyOwnerType>('user');
  const f = useFormSubmit((r) => readKeyForm(r, { withOwner: !!owners }), submit);
  const close = () => {
    f.reset();
    onClose();
  };
  const err = f.err;
  const choices = owners?.[ownerType] ?? [];
  return (
    <Dialog
      open={open}
      onClose={close}
      title={owners ? 'Create a gateway key' : 'Create a key'}
      description="Limits left blank mean no limit."
      wide
    >
      <form
        onSubmit={f.onSubmit}
        noValidate
        className="grid grid-cols-1 gap-3 sm:grid-cols-2"
        aria-label="New key"
      >
        <TextField
          label="Name"
          name="name"
          required
          maxLength={100}
          placeholder="e.g. laptop, CI, staging"
          error={err('name')}
          className="sm:col-span-2"
          data-autofocus
        />
        {owners ? (
          <>
            <SelectField
              label="Owner type"
              name="ownerType"
              value={ownerType}
              onChange={(e) => setOwnerType(e.target.value as KeyOwnerType)}
              error={err('ownerType')}
            >
              <option value="user">User</option>
              <option value="org">Organization</option>
              <option value="app">App</option>
            </SelectField>
            <SelectField
              key={ownerType}
              label="Owner"
              name="ownerId"
              defaultValue=""
              error={err('ownerId')}
              hint={
                choices.length === 0
                  ? `No ${ownerType === 'org' ? 'organizations' : `${ownerType}s`} yet.`
                  : undefined
              }
            >
              <option value="" disabled>
                Choose…
              </option>
              {choices.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.label}
                </option>
              ))}
            </SelectField>
          </>
        ) : null}
        <TextField
          label="Expires on"
          name="expiresAt"
          type="date"
          error={err('expiresAt')}
          hint="Blank: never expires."
        />
        <TextField
          label="Requests per minute (RPM)"
          name="rpmLimit"
          inputMode="numeric"
          error={err('rpmLimit')}
        />
        <TextField
          label="Tokens per minute (TPM)"
          name="tpmLimit"
          inputMode="numeric"
          error={err('tpmLimit')}
        />
        <TextField label="Budget (USD)" name="budgetUsd" inputMode="decimal" error={err('budgetUsd')} />
        <SelectField label="Budget period" name="budgetPeriod" defaultValue="" error={err('budgetPeriod')}>
          <option value="">—</option>
          <option value="day">per day</option>
          <option value="week">per week</option>
          <option value="month">per month</option>
        </SelectField>
        <TextAreaField
          label="Allowed models"
          name="allowedModels"
          placeholder="chat.default, mock/mock-small"
          hint="Comma-separated aliases or provider/model refs. Blank: every model."
          error={err('allowedModels')}
          className="sm:col-span-2"
        />
        <TextAreaField
          label="Allowed IPs"
          name="ipAllowlist"
          placeholder="203.0.113.7, 10.0.0.0/8, 2001:db8::/32"
          hint="Comma-separated addresses or CIDR ranges the key may be used from. Blank: anywhere."
          error={err('ipAllowlist')}
          className="sm:col-span-2"
        />
        <FormFooter
          error={f.formError}
          onCancel={close}
          pending={pending}
          submitLabel="Create key"
          pendingLabel="Creating…"
        />
      </form>
    </Dialog>
  );
}
