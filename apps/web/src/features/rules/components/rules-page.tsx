import { ArrowDown, ArrowUp, ListFilter, Pencil, Trash2 } from 'lucide-react';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { Button } from '../../../components/ui/button';
import { ConfirmActionDialog } from '../../../components/ui/dialog';
import { DataTable, type ListColumn } from '../../../components/ui/data-table';
import { PageHeader, ReadOnlyNote } from '../../../components/ui/page';
import { Switch } from '../../../components/ui/switch';
import { RowAction } from '../../../components/ui/table';
import { useCan } from '../../auth/use-can';
import { useAliases } from '../../providers/api/get-aliases';
import { useModelRefs } from '../../providers/api/get-model-refs';
import { usePowerLevels } from '../../providers/api/get-power-levels';
import { useCreateRule } from '../api/create-rule';
import { useDeleteRule } from '../api/delete-rule';
import { useRules } from '../api/get-rules';
import { useReorderRules } from '../api/reorder-rules';
import type { Rule } from '../api/types';
import { useUpdateRule } from '../api/update-rule';
import { describeAction, describeConditions, moveId } from '../rule-form';
import { RuleDialog } from './rule-dialog';
import { RuleTester } from './rule-tester';

/**
 * Conditional routing rules: the ordered list (the first enabled match decides), an editor, an enable switch, up /
 * down to reorder, and the tester ("test against trace").
 */
export function RulesPage() {
  const can = useCan();
  const canWrite = can('routing:write');
  const rules = useRules();
  const aliases = useAliases();
  const levels = usePowerLevels();
  const refs = useModelRefs();
  const create = useCreateRule();
  const update = useUpdateRule();
  const remove = useDeleteRule();
  const reorder = useReorderRules();
  const [params] = useSearchParams();
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<Rule | null>(null);
  const [deleting, setDeleting] = useState<Rule | null>(null);
  const list = rules.data ?? [];
  const ids = list.map((r) => r.id);
  const modelNames = [
    ...(aliases.data ?? []).map((a) => a.name),
    ...(levels.data ?? []).map((l) => l.slug),
    ...(refs.data ?? []).map((m) => `${m.provider.slug}/${m.modelId}`),
  ];
  const move = (r: Rule, delta: -1 | 1) => reorder.mutate({ ids: moveId(ids, r.id, delta) });
  const columns: ListColumn<Rule>[] = [
    { id: 'order', header: '#', cell: (r) => <span className="text-muted">{ids.indexOf(r.id) + 1}</span> },
    { id: 'name', header: 'Name', cell: (r) => <span className="font-medium">{r.name}</span> },
    {
      id: 'when',
      header: 'When',
      truncate: (r) => describeConditions(r),
      cell: (r) => describeConditions(r),
    },
    { id: 'then', header: 'Then', cell: (r) => <code className="text-xs">{describeAction(r)}</code> },
    {
      id: 'enabled',
      header: 'Enabled',
      cell: (r) => (
        <Switch
          label={`${r.name} enabled`}
          checked={r.enabled}
          disabled={!canWrite || update.isPending}
          onChange={(v) => update.mutate({ id: r.id, body: { enabled: v } })}
        />
      ),
    },
  ];
  return (
    <div>
      <PageHeader
        title="Routing rules"
        description="Ordered rules on the time, the caller, the request, its headers and metadata. The first enabled rule that matches routes the request elsewhere, changes the strategy or prefers a region; the log's trace names it."
        actions={
          canWrite ? (
            <Button onClick={() => setCreating(true)}>
              <ListFilter aria-hidden className="h-4 w-4" /> Create rule
            </Button>
          ) : null
        }
      />
      {!canWrite ? (
        <ReadOnlyNote>Read-only: your role can see rules but not change them.</ReadOnlyNote>
      ) : null}
      {reorder.isError ? (
        <p role="alert" className="mb-3 text-sm text-danger">
          {reorder.error.message}
        </p>
      ) : null}
      <DataTable
        label="Routing rules"
        columns={columns}
        rows={list}
        rowKey={(r) => r.id}
        rowTestId="rule-row"
        loading={rules.isPending}
        error={rules.isError ? rules.error : null}
        onRetry={() => void rules.refetch()}
        empty={{
          title: 'No rules yet: every request goes where it names.',
          hint: canWrite ? 'Create a rule (say, cheaper models at night).' : undefined,
        }}
        actions={
          canWrite
            ? (r) => (
                <>
                  <RowAction
                    icon={ArrowUp}
                    text="Up"
                    label={`Move ${r.name} up`}
                    disabled={ids[0] === r.id || reorder.isPending}
                    onClick={() => move(r, -1)}
                  />
                  <RowAction
                    icon={ArrowDown}
                    text="Down"
                    label={`Move ${r.name} down`}
                    disabled={ids.at(-1) === r.id || reorder.isPending}
                    onClick={() => move(r, 1)}
                  />
                  <RowAction
                    icon={Pencil}
                    text="Edit"
                    label={`Edit ${r.name}`}
                    onClick={() => setEditing(r)}
                  />
                  <RowAction
                    icon={Trash2}
                    text="Delete"
                    label={`Delete ${r.name}`}
                    onClick={() => setDeleting(r)}
                    danger
                  />
                </>
              )
            : undefined
        }
      />
      <RuleTester initialRequestId={params.get('request') ?? ''} />
      {canWrite ? (
        <>
          {creating ? (
            <RuleDialog
              open
              modelNames={modelNames}
              onClose={() => setCreating(false)}
              pending={create.isPending}
              submit={async (body) => {
                await create.mutateAsync(body);
                setCreating(false);
              }}
            />
          ) : null}
          {editing ? (
            <RuleDialog
              open
              rule={editing}
              modelNames={modelNames}
              onClose={() => setEditing(null)}
              pending={update.isPending}
              submit={async (body) => {
                const { name, enabled, when, then } = body;
                await update.mutateAsync({ id: editing.id, body: { name, enabled, when, then } });
                setEditing(null);
              }}
            />
          ) : null}
          <ConfirmActionDialog
            target={deleting}
            onClose={() => setDeleting(null)}
            mutation={remove}
            variables={(t) => t.id}
            title="Delete this rule?"
            body={deleting ? <p>Requests it matched go where they name again.</p> : null}
            confirmLabel="Delete rule"
            pendingLabel="Deleting…"
          />
        </>
      ) : null}
    </div>
  );
}
