import { Activity, Pencil, Plus, Star, Trash2 } from 'lucide-react';
import { useState } from 'react';
import { Badge } from '../../../components/ui/badge';
import { ManagedBadge } from '../../../components/ui/managed-badge';
import { Button } from '../../../components/ui/button';
import { ConfirmActionDialog, ConfirmDialog, FormError } from '../../../components/ui/dialog';
import { SelectField, TextField } from '../../../components/ui/field';
import { FilterBar, PageHeader, ReadOnlyNote, SegmentedTabs } from '../../../components/ui/page';
import { DataTable, sortableHeader, type ListColumn } from '../../../components/ui/data-table';
import { RowAction } from '../../../components/ui/table';
import { formatNumber, formatRelative } from '../../../lib/format';
import { useQueryState } from '../../../lib/search-params';
import { useDebounced } from '../../../lib/use-debounced';
import { useCan } from '../../auth/use-can';
import { useBulkModels } from '../api/bulk-models';
import { useCreateModel } from '../api/create-model';
import { useDeleteModel } from '../api/delete-model';
import { useModels } from '../api/get-models';
import { useProviderChoices } from '../api/get-provider-choices';
import { useSetDefaultModel } from '../api/set-default-model';
import { useTestModel } from '../api/test-model';
import type { RegistryModel } from '../api/types';
import { useUpdateModel } from '../api/update-model';
import { MODEL_SORTS, modelFiltersFromParams, nextSort, type ModelSort } from '../model-filters';
import { priceLabel, UNPRICED_NOTE } from '../model-form';
import { ModelDialog } from './model-dialog';

const STATUS_TABS = [
  { value: 'all', label: 'All' },
  { value: 'enabled', label: 'Enabled' },
  { value: 'disabled', label: 'Disabled' },
] as const;

type BulkAction = 'enable' | 'disable' | 'delete';

/** A model whose provider is disabled cannot route, whatever its own switch says. */
export const providerOff = (m: RegistryModel) => m.provider.status === 'disabled';

/** The model registry: every model the router may use, its price, priority and default; admins change it. */
export function ModelsPage() {
  const can = useCan();
  const canWrite = can('models:write');
  const qs = useQueryState();
  const raw = modelFiltersFromParams((k) => qs.get(k));
  const search = useDebounced(raw.search, 250);
  // The query key compares by value: a new object with the same filters is the same query.
  const filters = { ...raw, search };
  const models = useModels(filters);
  const providers = useProviderChoices(can('providers:read'));
  const create = useCreateModel();
  const update = useUpdateModel();
  const remove = useDeleteModel();
  const setDefault = useSetDefaultModel();
  const bulk = useBulkModels();
  const test = useTestModel();
  const testing = (m: RegistryModel) => test.isPending && test.variables === m.id;
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [editing, setEditing] = useState<RegistryModel | 'new' | null>(null);
  const [deleting, setDeleting] = useState<RegistryModel | null>(null);
  const [bulkConfirm, setBulkConfirm] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const rows = models.data?.data ?? [];
  const visibleIds = rows.map((m) => m.id);
  const chosen = visibleIds.filter((id) => selected.has(id));
  const allChosen = rows.length > 0 && chosen.length === rows.length;
  const filtered = !!(raw.search || raw.provider || raw.enabled);
  const status = raw.enabled === 'true' ? 'enabled' : raw.enabled === 'false' ? 'disabled' : 'all';

  const onSort = (sort: ModelSort) => qs.set(nextSort(raw, sort));
  const sortHeader = (label: string, sort: ModelSort) =>
    sortableHeader(
      label,
      sort,
      raw.sort as ModelSort | undefined,
      raw.order === 'desc' ? 'desc' : 'asc',
      onSort,
    );
  const toggleOne = (id: string) =>
    setSelected((s) => {
      const n = new Set(s);
      if (n.has(id)) n.delete(id);
      else n.add(id);
      return n;
    });
  const columns: ListColumn<RegistryModel>[] = [
    ...(canWrite
      ? [
          {
            id: 'select',
            header: (
              <input
                type="checkbox"
                aria-label="Select all shown models"
                checked={allChosen}
                onChange={() => setSelected(allChosen ? new Set() : new Set(visibleIds))}
                className="h-4 w-4 accent-[var(--sy-accent)]"
              />
            ),
            cardLabel: 'Select',
            headerInCard: 'Select all',
            className: 'w-8',
            cell: (m: RegistryModel) => (
              <input
                type="checkbox"
                aria-label={`Select ${m.displayName}`}
                checked={selected.has(m.id)}
                onChange={() => toggleOne(m.id)}
                className="h-4 w-4 accent-[var(--sy-accent)]"
              />
            ),
          },
        ]
      : []),
    {
      id: 'model',
      ...sortHeader('Model', 'name'),
      // The widest column gives way first: each line is cut, the full text on hover.
      truncate: (m) => `${m.displayName} (${m.ref})`,
      width: 'w-[26%]',
      cell: (m) => (
        <div className="min-w-0">
          <div className="truncate font-medium max-sm:whitespace-normal" title={m.displayName}>
            {m.displayName}
          </div>
          <code
            className="block truncate text-xs text-muted max-sm:whitespace-normal max-sm:break-all"
            title={m.ref}
          >
            {m.ref}
          </code>
          {m.description ? (
            <p className="truncate text-xs text-muted" title={m.description}>
              {m.description}
            </p>
          ) : null}
          {m.scope !== 'global' ? <Badge>{m.scope}</Badge> : null}
          <ManagedBadge managed={m.managedByConfig} />
          {m.configProblem ? (
            <p className="text-xs text-amber-500" data-testid="config-problem">
              Stored config not applied: {m.configProblem}
            </p>
          ) : null}
        </div>
      ),
    },
    {
      id: 'provider',
      header: 'Provider',
      cell: (m) => (
        <div className="max-w-36 max-sm:max-w-none">
          <div className="truncate" title={m.provider.name}>
            {m.provider.name}
          </div>
        </div>
      ),
    },
    {
      id: 'quality',
      header: 'Quality',
      priority: 'lg',
      cell: (m) => (
        <>
          <Badge tone={m.qualityTier === 'precision' ? 'accent' : m.qualityTier === 'eco' ? 'ok' : 'muted'}>
            {m.qualityTier}
          </Badge>
          <span className="ml-1 text-xs text-muted">{m.qualityScore}</span>
          <div className="mt-1 flex max-w-[10rem] flex-wrap gap-x-1 max-sm:max-w-none">
            {m.capabilities.map((c) => (
              <span key={c} className="text-[11px] text-muted">
                {c}
              </span>
            ))}
          </div>
        </>
      ),
    },
    {
      id: 'price',
      ...sortHeader('Price in / out per 1M', 'price'),
      align: 'right',
      className: 'whitespace-nowrap',
      cell: (m) =>
        m.priced ? (
          priceLabel(m)
        ) : (
          <div className="flex flex-col items-end gap-1" data-testid="unpriced">
            <span className="text-muted">price unknown</span>
            <Badge tone="warn">{UNPRICED_NOTE}</Badge>
          </div>
        ),
    },
    {
      id: 'context',
      header: 'Context',
      align: 'right',
      priority: 'xl',
      cell: (m) => (m.contextWindow ? formatNumber(m.contextWindow) : '—'),
    },
    { id: 'priority', ...sortHeader('Priority', 'priority'), align: 'right', cell: (m) => m.priority },
    {
      id: 'health',
      header: 'Last test',
      // Steps aside before the table outgrows a 1440 px screen (the edit form shows the last test too).
      priority: 'xl',
      cell: (m) =>
        m.health ? (
          <div className="flex flex-col items-start gap-0.5" data-testid="model-health-cell">
            <Badge tone={m.health.ok ? 'ok' : 'danger'}>
              {m.health.ok
                ? `ok · ${m.health.latencyMs} ms`
                : `failed${m.health.status ? ` · ${m.health.status}` : ''}`}
            </Badge>
            <span
              className="text-[11px] text-muted"
              title={m.health.error ?? new Date(m.health.checkedAt).toLocaleString()}
            >
              {formatRelative(m.health.checkedAt)}
            </span>
          </div>
        ) : (
          <span className="text-xs text-muted">never</span>
        ),
    },
    {
      id: 'enabled',
      header: 'Enabled',
      cell: (m) => {
        const off = providerOff(m);
        const why = off
          ? `${m.provider.name} is disabled: this model cannot route until the provider is enabled.`
          : undefined;
        return canWrite ? (
          <div className="flex flex-col items-start gap-1">
            <button
              type="button"
              role="switch"
              aria-checked={m.enabled}
              aria-label={`Enabled: ${m.displayName}`}
              aria-description={why}
              title={why}
              data-provider-disabled={off || undefined}
              disabled={update.isPending && update.variables?.id === m.id}
              onClick={() => update.mutate({ id: m.id, body: { enabled: !m.enabled } })}
              className={`relative inline-flex h-6 w-11 shrink-0 items-center rounded-full transition ${m.enabled ? (off ? 'bg-muted/50' : 'bg-ok') : 'border border-border bg-surface-2'}`}
            >
              <span
                aria-hidden
                className={`inline-block h-5 w-5 rounded-full bg-white shadow transition ${m.enabled ? 'translate-x-5' : 'translate-x-0.5'}`}
              />
            </button>
            {off ? <span className="whitespace-nowrap text-[11px] text-muted">provider disabled</span> : null}
          </div>
        ) : off ? (
          <Badge tone="muted">provider disabled</Badge>
        ) : (
          <Badge tone={m.enabled ? 'ok' : 'muted'}>{m.enabled ? 'enabled' : 'disabled'}</Badge>
        );
      },
    },
    {
      id: 'default',
      header: 'Default',
      cell: (m) =>
        m.isDefault ? (
          <Badge tone="warn">
            <Star aria-hidden className="mr-1 h-3 w-3 fill-current" />
            Default
          </Badge>
        ) : canWrite ? (
          <Button
            variant="ghost"
            className="whitespace-nowrap px-2 py-1 text-xs"
            disabled={setDefault.isPending || !m.enabled}
            title={m.enabled ? undefined : 'Enable the model first'}
            onClick={() => setDefault.mutate(m.id)}
            aria-label={`Set ${m.displayName} as default`}
          >
            Set default
          </Button>
        ) : null,
    },
  ];
  const runBulk = (action: BulkAction) =>
    bulk.mutate(
      { action, ids: chosen },
      {
        onSuccess: (r) => {
          setSelected(new Set());
          setBulkConfirm(false);
          setNotice(
            `${r.affected} ${r.affected === 1 ? 'model' : 'models'} ${action === 'enable' ? 'enabled' : action === 'disable' ? 'disabled' : 'deleted'}.${r.missing.length ? ` ${r.missing.length} no longer existed.` : ''}`,
          );
        },
      },
    );

  return (
    <div>
      <PageHeader
        title="Model registry"
        description="Every model the router can use: price per 1M tokens, quality, capabilities and priority (lower is tried first). One default per scope."
        actions={
          canWrite ? (
            <Button onClick={() => setEditing('new')}>
              <Plus aria-hidden className="h-4 w-4" /> Add model
            </Button>
          ) : null
        }
      />
      {!canWrite ? (
        <ReadOnlyNote>Read-only: your role can see the registry but not change it.</ReadOnlyNote>
      ) : null}
      <FilterBar label="Model filters">
        <TextField
          label="Search"
          type="search"
          value={qs.get('q')}
          onChange={(e) => qs.set({ q: e.target.value })}
          placeholder="Name, model ID or description"
          className="w-full sm:w-64"
        />
        <SelectField
          label="Provider"
          value={qs.get('provider')}
          onChange={(e) => qs.set({ provider: e.target.value })}
          className="w-full sm:w-48"
        >
          <option value="">Any</option>
          {raw.provider && !providers.data?.some((p) => p.slug === raw.provider || p.id === raw.provider) ? (
            <option value={raw.provider}>{raw.provider}</option>
          ) : null}
          {(providers.data ?? []).map((p) => (
            <option key={p.id} value={p.slug}>
              {p.name}
            </option>
          ))}
        </SelectField>
        <SegmentedTabs
          label="Status"
          value={status}
          options={STATUS_TABS}
          onChange={(v) => qs.set({ status: v === 'all' ? null : v })}
        />
        <SelectField
          label="Sort by"
          value={raw.sort}
          onChange={(e) => qs.set({ sort: e.target.value === 'priority' ? null : e.target.value })}
          className="w-36"
        >
          {MODEL_SORTS.map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
            </option>
          ))}
        </SelectField>
        <SelectField
          label="Order"
          value={raw.order}
          onChange={(e) => qs.set({ order: e.target.value === 'asc' ? null : e.target.value })}
          className="w-36"
        >
          <option value="asc">Ascending</option>
          <option value="desc">Descending</option>
        </SelectField>
      </FilterBar>
      {notice ? (
        <p role="status" className="mb-3 text-sm text-ok">
          {notice}
        </p>
      ) : null}
      {canWrite && chosen.length > 0 ? (
        <div
          role="toolbar"
          aria-label="Bulk actions"
          className="mb-3 flex flex-wrap items-center gap-2 rounded-xl border border-accent/40 bg-accent/10 px-3 py-2 text-sm"
        >
          <span className="mr-auto font-medium">{chosen.length} selected</span>
          <Button variant="subtle" disabled={bulk.isPending} onClick={() => runBulk('enable')}>
            Enable
          </Button>
          <Button variant="subtle" disabled={bulk.isPending} onClick={() => runBulk('disable')}>
            Disable
          </Button>
          <Button variant="danger" disabled={bulk.isPending} onClick={() => setBulkConfirm(true)}>
            Delete
          </Button>
          <Button variant="ghost" onClick={() => setSelected(new Set())}>
            Clear selection
          </Button>
        </div>
      ) : null}
      {bulk.error && !bulkConfirm ? <FormError error={bulk.error} /> : null}
      {update.error && !editing ? <FormError error={update.error} /> : null}
      {setDefault.error ? <FormError error={setDefault.error} /> : null}
      {test.error ? <FormError error={test.error} /> : null}
      <DataTable
        label="Models"
        columns={columns}
        rows={rows}
        rowKey={(m) => m.id}
        rowTestId="model-row"
        rowClassName={(m) => (m.enabled && !providerOff(m) ? '' : 'opacity-70')}
        loading={models.isPending}
        error={models.isError ? models.error : null}
        onRetry={() => void models.refetch()}
        skeletonRows={6}
        empty={{
          title: filtered ? 'No models match these filters.' : 'The registry is empty.',
          hint: filtered
            ? 'Change or clear the filters.'
            : canWrite
              ? 'Add a model, or connect a provider and sync its models.'
              : undefined,
        }}
        actions={
          canWrite
            ? (m) => (
                <>
                  <RowAction
                    icon={Pencil}
                    text="Edit"
                    label={`Edit ${m.displayName}`}
                    onClick={() => setEditing(m)}
                  />
                  <RowAction
                    icon={Activity}
                    text={testing(m) ? 'Testing…' : 'Test'}
                    label={`Test ${m.displayName}`}
                    onClick={() => test.mutate(m.id)}
                  />
                  <RowAction
                    icon={Trash2}
                    text="Delete"
                    danger
                    label={`Delete ${m.displayName}`}
                    onClick={() => setDeleting(m)}
                  />
                </>
              )
            : undefined
        }
      />
      {models.data ? (
        <p className="mt-2 text-sm text-muted" data-testid="models-total">
          {models.data.total > rows.length
            ? `Showing ${rows.length} of ${models.data.total}; narrow the search to see the rest.`
            : `${models.data.total} ${status === 'all' ? '' : `${status} `}model${models.data.total === 1 ? '' : 's'}.`}
        </p>
      ) : null}
      {canWrite ? (
        <>
          <ModelDialog
            key={editing === 'new' ? 'new' : (editing?.id ?? 'none')}
            open={editing !== null}
            model={editing === 'new' ? null : (rows.find((r) => r.id === editing?.id) ?? editing)}
            providers={providers.data ?? []}
            pending={create.isPending || update.isPending}
            canSetAuth={can('providers:credentials')}
            testing={editing !== 'new' && editing !== null && testing(editing)}
            onTest={editing && editing !== 'new' ? () => test.mutate(editing.id) : undefined}
            onDelete={
              editing && editing !== 'new'
                ? () => {
                    setDeleting(editing);
                    setEditing(null);
                  }
                : undefined
            }
            onClose={() => setEditing(null)}
            onCreate={async (body) => {
              await create.mutateAsync(body);
              setEditing(null);
            }}
            onUpdate={async (id, body) => {
              await update.mutateAsync({ id, body });
              setEditing(null);
            }}
          />
          <ConfirmActionDialog
            target={deleting}
            onClose={() => setDeleting(null)}
            mutation={remove}
            variables={(t) => t.id}
            title="Delete this model?"
            body={
              deleting ? (
                <>
                  Remove <strong>{deleting.displayName}</strong> (<code>{deleting.ref}</code>) from the
                  registry. Aliases and chains that name it will need another target.
                </>
              ) : null
            }
            confirmLabel="Delete model"
            pendingLabel="Deleting…"
          />
          <ConfirmDialog
            open={bulkConfirm}
            onClose={() => {
              setBulkConfirm(false);
              bulk.reset();
            }}
            title={`Delete ${chosen.length} ${chosen.length === 1 ? 'model' : 'models'}?`}
            body={
              <>
                <p>These models leave the registry:</p>
                <ul className="mt-2 list-disc pl-5">
                  {rows
                    .filter((m) => selected.has(m.id))
                    .map((m) => (
                      <li key={m.id}>
                        <code>{m.ref}</code>
                      </li>
                    ))}
                </ul>
              </>
            }
            confirmLabel="Delete models"
            pendingLabel="Deleting…"
            pending={bulk.isPending}
            error={bulk.error}
            onConfirm={() => runBulk('delete')}
          />
        </>
      ) : null}
    </div>
  );
}
