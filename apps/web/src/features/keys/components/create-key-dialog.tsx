import type { CreateGatewayKeyBody } from '@switchyard/core';
import { Dialog, FormFooter } from '../../../components/ui/dialog';
import { SelectField, TextAreaField, TextField } from '../../../components/ui/field';
import { useZodForm } from '../../../lib/zod-form';
import { keyForm, keyFormDefaults } from '../key-form';

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
  const f = useZodForm(keyForm({ withOwner: !!owners }), keyFormDefaults, submit);
  const { register } = f;
  const ownerType = f.form.watch('ownerType');
  const close = () => {
    f.reset(keyFormDefaults);
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
        onSubmit={(e) => void f.onSubmit(e)}
        noValidate
        className="grid grid-cols-1 gap-3 sm:grid-cols-2"
        aria-label="New key"
      >
        <TextField
          label="Name"
          {...register('name')}
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
              {...register('ownerType', {
                // Another owner type: the owner is chosen again from its list.
                onChange: () => f.form.setValue('ownerId', ''),
              })}
              error={err('ownerType')}
            >
              <option value="user">User</option>
              <option value="org">Organization</option>
              <option value="app">App</option>
            </SelectField>
            <SelectField
              label="Owner"
              {...register('ownerId')}
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
          {...register('expiresAt')}
          type="date"
          error={err('expiresAt')}
          hint="Blank: never expires."
        />
        <TextField
          label="Requests per minute (RPM)"
          {...register('rpmLimit')}
          inputMode="numeric"
          error={err('rpmLimit')}
        />
        <TextField
          label="Tokens per minute (TPM)"
          {...register('tpmLimit')}
          inputMode="numeric"
          error={err('tpmLimit')}
        />
        <TextField
          label="Response cache (seconds)"
          {...register('cacheTtlSeconds')}
          inputMode="numeric"
          error={err('cacheTtlSeconds')}
          hint="Blank: off. Identical requests with this key are answered from the cache for this long."
        />
        <TextField
          label="Routing region"
          {...register('region')}
          placeholder="eu-west"
          error={err('region')}
          hint="A label routing rules can match (the caller's region). Blank: the app's, or none."
        />
        <TextField
          label="Budget (USD)"
          {...register('budgetUsd')}
          inputMode="decimal"
          error={err('budgetUsd')}
        />
        <SelectField label="Budget period" {...register('budgetPeriod')} error={err('budgetPeriod')}>
          <option value="">—</option>
          <option value="day">per day</option>
          <option value="week">per week</option>
          <option value="month">per month</option>
        </SelectField>
        <TextAreaField
          label="Allowed models"
          {...register('allowedModels')}
          placeholder="chat.default, mock/mock-small"
          hint="Comma-separated aliases or provider/model refs. Blank: every model."
          error={err('allowedModels')}
          className="sm:col-span-2"
        />
        <TextAreaField
          label="Allowed IPs"
          {...register('ipAllowlist')}
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
