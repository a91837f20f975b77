import { orgMemberBody, type OrgMemberBody } from '@switchyard/core';
import { UserMinus, UserPlus } from 'lucide-react';
import { useState } from 'react';
import { Badge } from '../../../components/ui/badge';
import { Button } from '../../../components/ui/button';
import { Dialog, FormError } from '../../../components/ui/dialog';
import { SelectField } from '../../../components/ui/field';
import { EmptyState, ErrorState, Skeleton } from '../../../components/ui/states';
import { validate } from '../../../lib/forms';
import { readerSchema, useZodForm } from '../../../lib/zod-form';
import { useAddMember } from '../api/add-member';
import { useOrg } from '../api/get-org';
import { useRemoveMember } from '../api/remove-member';
import type { MemberRole } from '../api/types';

const ROLES: MemberRole[] = ['member', 'admin', 'owner'];

interface MemberValues {
  userId: string;
  role: string;
}
const memberForm = readerSchema<MemberValues, OrgMemberBody>((r) =>
  validate(orgMemberBody, { userId: r.text('userId'), role: r.optText('role', undefined) }),
);
const memberDefaults: MemberValues = { userId: '', role: 'member' };

/** An organization's members: add (or change a role), remove after a confirm in the row. */
export function MembersDialog({
  orgId,
  onClose,
  canWrite,
  users,
}: {
  orgId: string | null;
  onClose: () => void;
  canWrite: boolean;
  users: { id: string; label: string }[];
}) {
  const org = useOrg(orgId);
  const add = useAddMember();
  const remove = useRemoveMember();
  const [confirming, setConfirming] = useState<string | null>(null);
  const f = useZodForm(memberForm, memberDefaults, async (body) => {
    await add.mutateAsync({ orgId: orgId!, body });
    // The added user leaves the choices: start the next one from a blank choice.
    f.reset(memberDefaults);
  });
  const members = org.data?.memberList ?? [];
  const memberIds = new Set(members.map((m) => m.userId));
  const candidates = users.filter((u) => !memberIds.has(u.id));
  const close = () => {
    setConfirming(null);
    remove.reset();
    f.reset(memberDefaults);
    onClose();
  };
  return (
    <Dialog open={!!orgId} onClose={close} title={org.data ? `Members of ${org.data.name}` : 'Members'} wide>
      {org.isPending ? (
        <div className="flex flex-col gap-2" aria-busy="true">
          <Skeleton className="h-8" />
          <Skeleton className="h-8" />
        </div>
      ) : org.isError ? (
        <ErrorState error={org.error} onRetry={() => void org.refetch()} />
      ) : (
        <div className="flex flex-col gap-4">
          {members.length === 0 ? (
            <EmptyState title="No members yet." />
          ) : (
            <ul aria-label="Members" className="divide-y divide-border rounded-xl border border-border">
              {members.map((m) => (
                <li key={m.userId} className="flex flex-wrap items-center gap-2 px-3 py-2">
                  <div className="min-w-0 flex-1">
                    <div className="truncate text-sm font-medium">{m.name ?? m.email}</div>
                    <div className="truncate text-xs text-muted">{m.email}</div>
                  </div>
                  <Badge tone={m.role === 'owner' ? 'accent' : 'muted'}>{m.role}</Badge>
                  {canWrite ? (
                    confirming === m.userId ? (
                      <span className="flex items-center gap-1 text-sm">
                        Remove?
                        <Button
                          variant="danger"
                          className="px-2 py-1"
                          disabled={remove.isPending}
                          onClick={() =>
                            remove.mutate(
                              { orgId: orgId!, userId: m.userId },
                              { onSuccess: () => setConfirming(null) },
                            )
                          }
                        >
                          {remove.isPending ? 'Removing…' : 'Yes, remove'}
                        </Button>
                        <Button variant="ghost" className="px-2 py-1" onClick={() => setConfirming(null)}>
                          Keep
                        </Button>
                      </span>
                    ) : (
                      <Button
                        variant="ghost"
                        className="px-2 py-1 text-danger"
                        onClick={() => setConfirming(m.userId)}
                        aria-label={`Remove ${m.email}`}
                      >
                        <UserMinus aria-hidden className="h-4 w-4" /> Remove
                      </Button>
                    )
                  ) : null}
                </li>
              ))}
            </ul>
          )}
          {remove.error ? <FormError error={remove.error} /> : null}
          {canWrite ? (
            <form
              onSubmit={(e) => void f.onSubmit(e)}
              noValidate
              aria-label="Add a member"
              className="grid grid-cols-1 items-end gap-3 sm:grid-cols-[1fr_10rem_auto]"
            >
              <SelectField label="User" {...f.register('userId')} error={f.err('userId')}>
                <option value="" disabled>
                  Choose a user…
                </option>
                {candidates.map((u) => (
                  <option key={u.id} value={u.id}>
                    {u.label}
                  </option>
                ))}
              </SelectField>
              <SelectField label="Member role" {...f.register('role')} error={f.err('role')}>
                {ROLES.map((r) => (
                  <option key={r} value={r}>
                    {r}
                  </option>
                ))}
              </SelectField>
              <Button type="submit" disabled={add.isPending}>
                <UserPlus aria-hidden className="h-4 w-4" /> {add.isPending ? 'Adding…' : 'Add member'}
              </Button>
              {f.formError ? (
                <div className="sm:col-span-3">
                  <FormError error={f.formError} />
                </div>
              ) : null}
            </form>
          ) : null}
        </div>
      )}
    </Dialog>
  );
}
