import { BarChart3, FlaskConical, Play, Square, Trash2 } from 'lucide-react';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { Badge } from '../../../components/ui/badge';
import { Button } from '../../../components/ui/button';
import { ConfirmActionDialog } from '../../../components/ui/dialog';
import { DataTable, type ListColumn } from '../../../components/ui/data-table';
import { PageHeader, ReadOnlyNote } from '../../../components/ui/page';
import { RowAction } from '../../../components/ui/table';
import { useCan } from '../../auth/use-can';
import { useAliases } from '../../providers/api/get-aliases';
import { usePowerLevels } from '../../providers/api/get-power-levels';
import { useCreateExperiment } from '../api/create-experiment';
import { useDeleteExperiment } from '../api/delete-experiment';
import { useExperiments } from '../api/get-experiments';
import { useStartExperiment } from '../api/start-experiment';
import { useStopExperiment } from '../api/stop-experiment';
import type { Experiment } from '../api/types';
import { ExperimentDialog } from './experiment-dialog';
import { ExperimentResultsCard } from './experiment-results';

const STATE_TONE = {
  draft: 'muted',
  scheduled: 'accent',
  running: 'ok',
  ended: 'warn',
  stopped: 'muted',
} as const;

/** A/B experiments on aliases: list, create, start / stop, delete, and the results of the one selected. */
export function ExperimentsPage() {
  const can = useCan();
  const canWrite = can('routing:write');
  const experiments = useExperiments();
  const aliases = useAliases();
  const levels = usePowerLevels();
  const create = useCreateExperiment();
  const start = useStartExperiment();
  const stop = useStopExperiment();
  const remove = useDeleteExperiment();
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<Experiment | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [params, setParams] = useSearchParams();
  const selected = params.get('experiment');
  const select = (id: string) => {
    const next = new URLSearchParams(params);
    next.set('experiment', id);
    setParams(next);
  };
  const act = (fn: (id: string) => Promise<unknown>, id: string) => {
    setActionError(null);
    fn(id).catch((e: unknown) => setActionError(e instanceof Error ? e.message : 'The change failed.'));
  };
  const aliasNames = [...new Set((aliases.data ?? []).map((a) => a.name))];
  const columns: ListColumn<Experiment>[] = [
    { id: 'name', header: 'Name', cell: (e) => <span className="font-medium">{e.name}</span> },
    { id: 'alias', header: 'Alias', cell: (e) => <code className="text-xs">{e.alias}</code> },
    {
      id: 'state',
      header: 'State',
      cell: (e) => <Badge tone={STATE_TONE[e.state]}>{e.state}</Badge>,
    },
    {
      id: 'split',
      header: 'Variants',
      priority: 'md',
      cell: (e) => e.variants.map((v) => `${v.name} ${v.percent}% → ${v.target}`).join(' · '),
    },
    { id: 'sticky', header: 'Sticky per', priority: 'md', cell: (e) => e.stickiness },
    {
      id: 'window',
      header: 'Window',
      priority: 'md',
      cell: (e) =>
        `${e.startsAt ? new Date(e.startsAt).toLocaleString() : 'on start'} → ${e.endsAt ? new Date(e.endsAt).toLocaleString() : 'until stopped'}`,
    },
  ];
  return (
    <div>
      <PageHeader
        title="Experiments"
        description="A/B tests on an alias: its traffic split between variants by percent, sticky per user, key or request. Apps report quality with POST /v1/feedback {request_id, score 0–1}."
        actions={
          canWrite ? (
            <Button onClick={() => setCreating(true)}>
              <FlaskConical aria-hidden className="h-4 w-4" /> Create experiment
            </Button>
          ) : null
        }
      />
      {!canWrite ? (
        <ReadOnlyNote>Read-only: your role can see experiments and results but not change them.</ReadOnlyNote>
      ) : null}
      {actionError ? (
        <p role="alert" className="mb-3 text-sm text-danger">
          {actionError}
        </p>
      ) : null}
      <DataTable
        label="Experiments"
        columns={columns}
        rows={experiments.data ?? []}
        rowKey={(e) => e.id}
        rowTestId="experiment-row"
        loading={experiments.isPending}
        error={experiments.isError ? experiments.error : null}
        onRetry={() => void experiments.refetch()}
        empty={{
          title: 'No experiments yet.',
          hint: canWrite ? 'Create one on an alias, then start it.' : undefined,
        }}
        actions={(e) => (
          <>
            <RowAction
              icon={BarChart3}
              text="Results"
              label={`Results of ${e.name}`}
              onClick={() => select(e.id)}
            />
            {canWrite && e.status === 'draft' ? (
              <RowAction
                icon={Play}
                text="Start"
                label={`Start ${e.name}`}
                onClick={() => act(start.mutateAsync, e.id)}
              />
            ) : null}
            {canWrite && e.status === 'running' ? (
              <RowAction
                icon={Square}
                text="Stop"
                label={`Stop ${e.name}`}
                onClick={() => act(stop.mutateAsync, e.id)}
              />
            ) : null}
            {canWrite ? (
              <RowAction
                icon={Trash2}
                text="Delete"
                label={`Delete ${e.name}`}
                onClick={() => setDeleting(e)}
                danger
              />
            ) : null}
          </>
        )}
      />
      {selected ? <ExperimentResultsCard id={selected} /> : null}
      {canWrite ? (
        <>
          {creating ? (
            <ExperimentDialog
              open
              aliases={aliasNames}
              levels={(levels.data ?? []).map((l) => l.slug)}
              onClose={() => setCreating(false)}
              pending={create.isPending}
              submit={async (body) => {
                const made = await create.mutateAsync(body);
                setCreating(false);
                select(made.id);
              }}
            />
          ) : null}
          <ConfirmActionDialog
            target={deleting}
            onClose={() => setDeleting(null)}
            mutation={remove}
            variables={(t) => t.id}
            title="Delete this experiment?"
            body={
              deleting ? (
                <p>
                  <strong>{deleting.name}</strong> stops routing and its feedback is deleted; its requests
                  stay in the logs.
                </p>
              ) : null
            }
            confirmLabel="Delete experiment"
            pendingLabel="Deleting…"
          />
        </>
      ) : null}
    </div>
  );
}
