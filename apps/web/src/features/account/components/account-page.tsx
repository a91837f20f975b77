import { useState, type FormEvent } from 'react';
import { useOutletContext } from 'react-router';
import { Button } from '../../../components/ui/button';
import { Card } from '../../../components/ui/card';
import { ApiError } from '../../../lib/api-client';
import type { MeResponse } from '../../auth/api/me';
import { changePasswordSchema, useChangePassword } from '../api/change-password';

export function AccountPage() {
  const me = useOutletContext<MeResponse>();
  const change = useChangePassword();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [done, setDone] = useState(false);
  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const parsed = changePasswordSchema.safeParse({ currentPassword: f.get('currentPassword'), newPassword: f.get('newPassword'), confirm: f.get('confirm') });
    setDone(false);
    if (!parsed.success) return setErrors(Object.fromEntries(parsed.error.issues.map((i) => [String(i.path[0]), i.message])));
    setErrors({});
    const form = e.currentTarget;
    change.mutate(parsed.data, {
      onSuccess: () => {
        setDone(true);
        form.reset();
      },
      onError: (err) => err instanceof ApiError && setErrors(err.fieldErrors()),
    });
  };
  const field = (name: string, label: string, autoComplete: string) => (
    <div className="flex flex-col gap-1">
      <label htmlFor={name} className="text-sm font-medium">{label}</label>
      <input id={name} name={name} type="password" autoComplete={autoComplete} aria-invalid={!!errors[name]} className="rounded-lg border border-border bg-surface-2 px-3 py-2 text-sm" />
      {errors[name] ? <p className="text-xs text-danger">{errors[name]}</p> : null}
    </div>
  );
  return (
    <div className="grid max-w-3xl grid-cols-1 gap-4 md:grid-cols-2">
      <Card>
        <h2 className="font-medium">Profile</h2>
        <dl className="mt-3 space-y-2 text-sm">
          <div><dt className="text-muted">Email</dt><dd>{me.user.email}</dd></div>
          <div><dt className="text-muted">Role</dt><dd>{me.user.role}</dd></div>
          <div><dt className="text-muted">Power level</dt><dd>{me.user.powerLevel ?? '—'}</dd></div>
        </dl>
      </Card>
      <Card>
        <h2 className="font-medium">Change password</h2>
        <form onSubmit={onSubmit} noValidate className="mt-3 flex flex-col gap-3">
          {field('currentPassword', 'Current password', 'current-password')}
          {field('newPassword', 'New password', 'new-password')}
          {field('confirm', 'Repeat new password', 'new-password')}
          {change.error && !(change.error instanceof ApiError && Object.keys(change.error.fieldErrors()).length) ? <p role="alert" className="text-sm text-danger">{change.error.message}</p> : null}
          {done ? <p role="status" className="text-sm text-ok">Password changed. Other sessions were signed out.</p> : null}
          <Button type="submit" disabled={change.isPending}>{change.isPending ? 'Saving…' : 'Change password'}</Button>
        </form>
      </Card>
    </div>
  );
}
