import {
  ROLE_VALUES,
  POWER_LEVEL_VALUES,
  type CreateUserBody,
  type RoleValue,
  type UpdateUserBody,
} from '@switchyard/core';
import { AlertTriangle } from 'lucide-react';
import { Button } from '../../../components/ui/button';
import { CopyButton } from '../../../components/ui/copy-button';
import { Dialog, FormFooter } from '../../../components/ui/dialog';
import { SelectField, TextField } from '../../../components/ui/field';
import { useZodForm } from '../../../lib/zod-form';
import type { CreatedUser, User } from '../api/types';
import { createUserDefaults, createUserForm, updateUserDefaults, updateUserForm } from '../user-form';
import { PreferenceFields } from '../../account/components/preference-fields';

export const ROLE_LABEL: Record<RoleValue, string> = {
  super_admin: 'Super admin',
  admin: 'Admin',
  user: 'User',
  viewer: 'Viewer',
};
const POWER_LABEL: Record<(typeof POWER_LEVEL_VALUES)[number], string> = {
  eco: 'Eco',
  balanced: 'Balanced',
  precision: 'Precision',
};

function RoleOptions({ roles }: { roles: readonly RoleValue[] }) {
  return (
    <>
      {roles.map((r) => (
        <option key={r} value={r}>
          {ROLE_LABEL[r]}
        </option>
      ))}
    </>
  );
}

function PowerOptions() {
  return (
    <>
      {POWER_LEVEL_VALUES.map((p) => (
        <option key={p} value={p}>
          {POWER_LABEL[p]}
        </option>
      ))}
    </>
  );
}

/** The roles the signed-in user may hand out: only a super admin makes super admins. */
export function grantableRoles(actor: RoleValue): RoleValue[] {
  return ROLE_VALUES.filter((r) => r !== 'super_admin' || actor === 'super_admin');
}

export function CreateUserDialog({
  open,
  onClose,
  actorRole,
  submit,
  pending,
}: {
  open: boolean;
  onClose: () => void;
  actorRole: RoleValue;
  submit: (b: CreateUserBody) => Promise<unknown>;
  pending: boolean;
}) {
  const f = useZodForm(createUserForm, createUserDefaults, submit);
  const { register } = f;
  const close = () => {
    f.reset(createUserDefaults);
    onClose();
  };
  return (
    <Dialog open={open} onClose={close} title="Add a user" wide>
      <form
        onSubmit={(e) => void f.onSubmit(e)}
        noValidate
        aria-label="New user"
        className="grid grid-cols-1 gap-3 sm:grid-cols-2"
      >
        <TextField
          label="Email"
          type="email"
          autoComplete="off"
          {...register('email')}
          error={f.err('email')}
          data-autofocus
        />
        <TextField label="Name" autoComplete="off" {...register('name')} error={f.err('name')} />
        <SelectField label="Role" {...register('role')} error={f.err('role')}>
          <RoleOptions roles={grantableRoles(actorRole)} />
        </SelectField>
        <SelectField label="Power level" {...register('powerLevel')} error={f.err('powerLevel')}>
          <PowerOptions />
        </SelectField>
        <TextField
          label="Weekly cap (USD)"
          inputMode="decimal"
          {...register('weeklyCapUsd')}
          error={f.err('weeklyCapUsd')}
          hint="Blank: no cap."
        />
        <TextField
          label="Password"
          type="password"
          autoComplete="new-password"
          {...register('password')}
          error={f.err('password')}
          hint="Blank: a strong one is generated and shown once."
        />
        <FormFooter
          error={f.formError}
          onCancel={close}
          pending={pending}
          submitLabel="Add user"
          pendingLabel="Adding…"
        />
      </form>
    </Dialog>
  );
}

export function EditUserDialog({
  user,
  onClose,
  actorRole,
  submit,
  pending,
}: {
  user: User | null;
  onClose: () => void;
  actorRole: RoleValue;
  submit: (b: UpdateUserBody) => Promise<unknown>;
  pending: boolean;
}) {
  return (
    <Dialog open={!!user} onClose={onClose} title={user ? `Edit ${user.email}` : 'Edit user'} wide>
      {user ? (
        <EditUserForm
          key={user.id}
          user={user}
          onClose={onClose}
          actorRole={actorRole}
          submit={submit}
          pending={pending}
        />
      ) : null}
    </Dialog>
  );
}

/** The edit form of one user (keyed by the user, so its values are that user's). */
function EditUserForm({
  user,
  onClose,
  actorRole,
  submit,
  pending,
}: {
  user: User;
  onClose: () => void;
  actorRole: RoleValue;
  submit: (b: UpdateUserBody) => Promise<unknown>;
  pending: boolean;
}) {
  const f = useZodForm(updateUserForm, updateUserDefaults(user), submit);
  const { register } = f;
  // A super admin's role is shown but only a super admin may change it.
  const roles =
    user.role === 'super_admin' && actorRole !== 'super_admin'
      ? (['super_admin'] as RoleValue[])
      : grantableRoles(actorRole);
  return (
    <form
      onSubmit={(e) => void f.onSubmit(e)}
      noValidate
      aria-label="Edit user"
      className="grid grid-cols-1 gap-3 sm:grid-cols-2"
    >
      <TextField label="Name" {...register('name')} error={f.err('name')} data-autofocus />
      <SelectField label="Role" {...register('role')} error={f.err('role')}>
        <RoleOptions roles={roles} />
      </SelectField>
      <SelectField label="Power level" {...register('powerLevel')} error={f.err('powerLevel')}>
        <PowerOptions />
      </SelectField>
      <TextField
        label="Weekly cap (USD)"
        inputMode="decimal"
        {...register('weeklyCapUsd')}
        error={f.err('weeklyCapUsd')}
        hint="Blank: no cap."
      />
      <PreferenceFields register={register} err={f.err} idPrefix={`user-${user.id}`} />
      <FormFooter error={f.formError} onCancel={onClose} pending={pending} submitLabel="Save changes" />
    </form>
  );
}

/** The generated password, shown once. */
export function CreatedUserDialog({
  created,
  onClose,
}: {
  created: CreatedUser | null;
  onClose: () => void;
}) {
  return (
    <Dialog
      open={!!created?.generatedPassword}
      onClose={onClose}
      title="User added"
      description={created ? `${created.email} can sign in with this password.` : undefined}
      footer={<Button onClick={onClose}>Done</Button>}
    >
      {created?.generatedPassword ? (
        <div className="flex flex-col gap-3">
          <p
            role="alert"
            className="flex items-start gap-2 rounded-lg border border-amber-500/40 bg-amber-500/10 px-3 py-2 text-sm"
          >
            <AlertTriangle aria-hidden className="mt-0.5 h-4 w-4 shrink-0 text-amber-500" /> This password is
            shown only once. Pass it on safely; they can change it under Account.
          </p>
          <label htmlFor="generated-password" className="text-sm font-medium">
            Password
          </label>
          <input
            id="generated-password"
            readOnly
            value={created.generatedPassword}
            onFocus={(e) => e.currentTarget.select()}
            className="w-full min-w-0 rounded-lg border border-border bg-surface-2 px-3 py-2 font-mono text-xs"
          />
          <div>
            <CopyButton value={created.generatedPassword} label="Copy password" />
          </div>
        </div>
      ) : null}
    </Dialog>
  );
}
