import type { CreateGatewayKeyBody } from '@switchyard/core';
import { useState, type FormEvent } from 'react';
import { Button } from '../../../components/ui/button';
import { Dialog, FormError } from '../../../components/ui/dialog';
import { SelectField, TextAreaField, TextField } from '../../../components/ui/field';
import { ApiError } from '../../../lib/api-client';
import { FormReader, sentence, type FieldErrors } from '../../../lib/forms';
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
export function CreateKeyDialog({ open, onClose, owners, submit, pending }: { open: boolean; onClose: () => void; owners?: OwnerChoices; submit: (body: CreateGatewayKeyBody) => Promise<unknown>; pending: boolean }) {
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<unknown>(null);
  const [ownerType, setOwnerType] = useState<KeyOwnerType>('user');
  const close = () => {
    setErrors({});
    setFormError(null);
    onClose();
  };
  const onSubmit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const parsed = readKeyForm(FormReader.of(e.currentTarget), { withOwner: !!owners });
    setFormError(null);
    if (!parsed.ok) return setErrors(parsed.errors);
    setErrors({});
    try {
      await submit(parsed.data);
      setOwnerType('user');
    } catch (err) {
      const fields = err instanceof ApiError ? err.fieldErrors() : {};
      if (Object.keys(fields).length) setErrors(fields);
      else setFormError(err);
    }
  };
  const err = (name: string) => sentence(errors[name]);
  const choices = owners?.[ownerType] ?? [];
  return (
    <Dialog open={open} onClose={close} title={owners ? 'Create a gateway key' : 'Create a key'} description="Limits left blank mean no limit." wide>
      <form onSubmit={(e) => void onSubmit(e)} noValidate className="grid grid-cols-1 gap-3 sm:grid-cols-2" aria-label="New key">
        <TextField label="Name" name="name" required maxLength={100} placeholder="e.g. laptop, CI, staging" error={err('name')} className="sm:col-span-2" data-autofocus />
        {owners ? (
          <>
            <SelectField label="Owner type" name="ownerType" value={ownerType} onChange={(e) => setOwnerType(e.target.value as KeyOwnerType)} error={err('ownerType')}>
              <option value="user">User</option>
              <option value="org">Organization</option>
              <option value="app">App</option>
            </SelectField>
            <SelectField key={ownerType} label="Owner" name="ownerId" defaultValue="" error={err('ownerId')} hint={choices.length === 0 ? `No ${ownerType === 'org' ? 'organizations' : `${ownerType}s`} yet.` : undefined}>
              <option value="" disabled>Choose…</option>
              {choices.map((c) => (
                <option key={c.id} value={c.id}>{c.label}</option>
              ))}
            </SelectField>
          </>
        ) : null}
        <TextField label="Expires on" name="expiresAt" type="date" error={err('expiresAt')} hint="Blank: never expires." />
        <TextField label="Requests per minute (RPM)" name="rpmLimit" inputMode="numeric" error={err('rpmLimit')} />
        <TextField label="Tokens per minute (TPM)" name="tpmLimit" inputMode="numeric" error={err('tpmLimit')} />
        <TextField label="Budget (USD)" name="budgetUsd" inputMode="decimal" error={err('budgetUsd')} />
        <SelectField label="Budget period" name="budgetPeriod" defaultValue="" error={err('budgetPeriod')}>
          <option value="">—</option>
          <option value="day">per day</option>
          <option value="week">per week</option>
          <option value="month">per month</option>
        </SelectField>
        <TextAreaField label="Allowed models" name="allowedModels" placeholder="chat.default, mock/mock-small" hint="Comma-separated aliases or provider/model refs. Blank: every model." error={err('allowedModels')} className="sm:col-span-2" />
        {formError ? <div className="sm:col-span-2"><FormError error={formError} /></div> : null}
        <div className="flex justify-end gap-2 sm:col-span-2">
          <Button type="button" variant="ghost" onClick={close}>Cancel</Button>
          <Button type="submit" disabled={pending}>{pending ? 'Creating…' : 'Create key'}</Button>
        </div>
      </form>
    </Dialog>
  );
}
