import { useState } from 'react';
import { useOutletContext } from 'react-router';
import { Button } from '../../../components/ui/button';
import { Card } from '../../../components/ui/card';
import { FormError } from '../../../components/ui/dialog';
import { TextField } from '../../../components/ui/field';
import { useZodForm } from '../../../lib/zod-form';
import type { MeResponse } from '../../auth/api/me';
import { changePasswordSchema, useChangePassword, type ChangePasswordInput } from '../api/change-password';
import { PreferencesCard } from './preferences-card';

const BLANK: ChangePasswordInput = { currentPassword: '', newPassword: '', confirm: '' };

export function AccountPage() {
  const me = useOutletContext<MeResponse>();
  const change = useChangePassword();
  const [done, setDone] = useState(false);
  const f = useZodForm(changePasswordSchema, BLANK, async (body) => {
    setDone(false);
    await change.mutateAsync(body);
    setDone(true);
    f.reset(BLANK);
  });
  const field = (name: keyof ChangePasswordInput, label: string, autoComplete: string) => (
    <TextField
      id={name}
      label={label}
      type="password"
      autoComplete={autoComplete}
      {...f.register(name)}
      error={f.err(name)}
    />
  );
  return (
    <div className="grid max-w-3xl grid-cols-1 gap-4 md:grid-cols-2">
      <Card>
        <h2 className="font-medium">Profile</h2>
        <dl className="mt-3 space-y-2 text-sm">
          <div>
            <dt className="text-muted">Email</dt>
            <dd>{me.user.email}</dd>
          </div>
          <div>
            <dt className="text-muted">Role</dt>
            <dd>{me.user.role}</dd>
          </div>
          <div>
            <dt className="text-muted">Power level</dt>
            <dd>{me.user.powerLevel ?? '—'}</dd>
          </div>
        </dl>
      </Card>
      <Card>
        <h2 className="font-medium">Change password</h2>
        <form onSubmit={(e) => void f.onSubmit(e)} noValidate className="mt-3 flex flex-col gap-3">
          {field('currentPassword', 'Current password', 'current-password')}
          {field('newPassword', 'New password', 'new-password')}
          {field('confirm', 'Repeat new password', 'new-password')}
          {f.formError ? <FormError error={f.formError} /> : null}
          {done ? (
            <p role="status" className="text-sm text-ok">
              Password changed. Other sessions were signed out.
            </p>
          ) : null}
          <Button type="submit" disabled={change.isPending}>
            {change.isPending ? 'Saving…' : 'Change password'}
          </Button>
        </form>
      </Card>
      <PreferencesCard />
    </div>
  );
}
