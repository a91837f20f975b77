import {
  closestCenter,
  DndContext,
  KeyboardSensor,
  PointerSensor,
  useSensor,
  useSensors,
  type DragEndEvent,
} from '@dnd-kit/core';
import {
  SortableContext,
  sortableKeyboardCoordinates,
  useSortable,
  verticalListSortingStrategy,
} from '@dnd-kit/sortable';
import { CSS } from '@dnd-kit/utilities';
import { ArrowRight, GripVertical, Plus, Save, Trash2, X } from 'lucide-react';
import { useId, useState } from 'react';
import { Button } from '../../../components/ui/button';
import { ConfirmDialog, FormError } from '../../../components/ui/dialog';
import { TextField } from '../../../components/ui/field';
import { EmptyState, ErrorState, Skeleton } from '../../../components/ui/states';
import { ManagedBadge, ManagedNotice } from '../../../components/ui/managed-badge';
import { sentence, type FieldErrors } from '../../../lib/forms';
import { useCreateChain } from '../api/create-chain';
import { useDeleteChain } from '../api/delete-chain';
import { useChains } from '../api/get-chains';
import type { FallbackChain } from '../api/types';
import { useUpdateChain } from '../api/update-chain';
import { serverFieldErrors } from '../provider-form';
import { moveItem, readChainForm } from '../routing-form';

function SortableTarget({
  id,
  index,
  canWrite,
  onRemove,
}: {
  id: string;
  index: number;
  canWrite: boolean;
  onRemove: () => void;
}) {
  const { attributes, listeners, setNodeRef, setActivatorNodeRef, transform, transition, isDragging } =
    useSortable({ id, disabled: !canWrite });
  return (
    <li
      ref={setNodeRef}
      style={{ transform: CSS.Transform.toString(transform), transition }}
      className={`flex min-w-0 items-center gap-2 rounded-lg border border-border bg-surface-2/60 px-2 py-1.5 text-sm ${isDragging ? 'relative z-10 shadow-lg ring-2 ring-accent' : ''}`}
      data-testid="chain-target"
    >
      {canWrite ? (
        <button
          type="button"
          ref={setActivatorNodeRef}
          {...attributes}
          {...listeners}
          aria-label={`Reorder ${id}`}
          className="cursor-grab touch-none rounded p-1 text-muted hover:text-fg"
        >
          <GripVertical aria-hidden className="h-4 w-4" />
        </button>
      ) : null}
      <span className="w-5 shrink-0 text-xs text-muted tabular-nums">{index + 1}.</span>
      <span className="min-w-0 flex-1 truncate" title={id}>
        {id}
      </span>
      {canWrite ? (
        <button
          type="button"
          onClick={onRemove}
          aria-label={`Remove ${id}`}
          className="rounded p-1 text-muted hover:text-danger"
        >
          <X aria-hidden className="h-4 w-4" />
        </button>
      ) : null}
    </li>
  );
}

/**
 * One fallback chain: the model, then its fallbacks in order, reordered by dragging (pointer or keyboard: focus a
 * handle, Space, arrow keys, Space). Saved with PUT (or POST for a new one).
 */
export function ChainEditor({
  chain,
  refs,
  canWrite,
  onDone,
}: {
  chain: FallbackChain | null;
  refs: string[];
  canWrite: boolean;
  onDone?: () => void;
}) {
  const listId = useId();
  const [modelRef, setModelRef] = useState(chain?.modelRef ?? '');
  const [targets, setTargets] = useState<string[]>(chain?.targets ?? []);
  const [adding, setAdding] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<unknown>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const create = useCreateChain();
  const update = useUpdateChain();
  const remove = useDeleteChain();
  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 4 } }),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }),
  );
  const dirty = !chain || chain.modelRef !== modelRef || chain.targets.join('\n') !== targets.join('\n');
  const err = (n: string) => sentence(errors[n]);
  const pending = create.isPending || update.isPending;

  const onDragEnd = ({ active, over }: DragEndEvent) => {
    if (!over || active.id === over.id) return;
    setTargets((ts) => moveItem(ts, ts.indexOf(String(active.id)), ts.indexOf(String(over.id))));
  };
  const add = () => {
    const ref = adding.trim();
    if (!ref) return;
    if (targets.includes(ref)) return setErrors({ adding: 'is already in the chain' });
    setTargets((ts) => [...ts, ref]);
    setAdding('');
    setErrors({});
  };
  const save = async () => {
    const parsed = readChainForm({ modelRef, targets, description: chain?.description ?? '' });
    setFormError(null);
    if (!parsed.ok) return setErrors(parsed.errors);
    setErrors({});
    try {
      if (chain) await update.mutateAsync({ id: chain.id, body: parsed.data });
      else await create.mutateAsync(parsed.data);
      onDone?.();
    } catch (error) {
      const fields = serverFieldErrors(error, 'modelRef', 'This model already has a chain');
      if (Object.keys(fields).length) setErrors(fields);
      else setFormError(error);
    }
  };

  return (
    <li
      className="flex min-w-0 flex-col gap-3 rounded-2xl border border-border bg-surface p-4"
      data-testid="chain"
      aria-label={chain ? `Fallback chain for ${chain.modelRef}` : 'New fallback chain'}
    >
      <datalist id={listId}>
        {refs.map((r) => (
          <option key={r} value={r} />
        ))}
      </datalist>
      {chain ? (
        <h4 className="flex min-w-0 items-center gap-2 font-medium">
          <span className="truncate" title={chain.modelRef}>
            {chain.modelRef}
          </span>
          <ArrowRight aria-hidden className="h-4 w-4 shrink-0 text-muted" />
          <span className="text-xs font-normal text-muted">when it fails</span>
          <ManagedBadge managed={chain.managedByConfig} />
        </h4>
      ) : (
        <TextField
          label="Model"
          list={listId}
          value={modelRef}
          onChange={(e) => setModelRef(e.target.value)}
          error={err('modelRef')}
          placeholder="provider/model"
          hint="When this model fails, the fallbacks below are tried in order."
          spellCheck={false}
          autoComplete="off"
          data-autofocus
        />
      )}
      {canWrite ? <ManagedNotice managed={chain?.managedByConfig} what="fallback chain" /> : null}
      {targets.length === 0 ? (
        <p className="text-sm text-muted">No fallbacks yet.</p>
      ) : (
        <DndContext sensors={sensors} collisionDetection={closestCenter} onDragEnd={onDragEnd}>
          <SortableContext items={targets} strategy={verticalListSortingStrategy}>
            <ol className="flex flex-col gap-1.5" aria-label="Fallbacks in order">
              {targets.map((t, i) => (
                <SortableTarget
                  key={t}
                  id={t}
                  index={i}
                  canWrite={canWrite}
                  onRemove={() => setTargets((ts) => ts.filter((x) => x !== t))}
                />
              ))}
            </ol>
          </SortableContext>
        </DndContext>
      )}
      {err('targets') ? <p className="text-xs text-danger">{err('targets')}</p> : null}
      {canWrite ? (
        <>
          <div className="flex items-end gap-2">
            <TextField
              label="Add a fallback"
              list={listId}
              value={adding}
              onChange={(e) => setAdding(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'Enter') {
                  e.preventDefault();
                  add();
                }
              }}
              error={err('adding')}
              placeholder="provider/model"
              className="min-w-0 flex-1"
              spellCheck={false}
              autoComplete="off"
            />
            <Button type="button" variant="subtle" onClick={add} className={err('adding') ? 'mb-5' : ''}>
              <Plus aria-hidden className="h-4 w-4" /> Add
            </Button>
          </div>
          {formError ? <FormError error={formError} /> : null}
          <div className="flex flex-wrap justify-end gap-2">
            {chain ? (
              <Button
                type="button"
                variant="ghost"
                className="mr-auto text-danger"
                onClick={() => setConfirmDelete(true)}
                aria-label={`Delete chain for ${chain.modelRef}`}
              >
                <Trash2 aria-hidden className="h-4 w-4" /> Delete
              </Button>
            ) : (
              <Button type="button" variant="ghost" onClick={onDone}>
                Cancel
              </Button>
            )}
            {chain && dirty ? (
              <Button
                type="button"
                variant="ghost"
                onClick={() => {
                  setTargets(chain.targets);
                  setErrors({});
                }}
              >
                Undo changes
              </Button>
            ) : null}
            <Button type="button" onClick={() => void save()} disabled={pending || !dirty}>
              <Save aria-hidden className="h-4 w-4" />{' '}
              {pending ? 'Saving…' : chain ? (dirty ? 'Save order' : 'Saved') : 'Create chain'}
            </Button>
          </div>
        </>
      ) : null}
      {chain ? (
        <ConfirmDialog
          open={confirmDelete}
          onClose={() => {
            setConfirmDelete(false);
            remove.reset();
          }}
          title="Delete this fallback chain?"
          body={
            <p>
              When <strong>{chain.modelRef}</strong> fails, the gateway no longer tries these fallbacks
              (provider auto-fallback still applies).
            </p>
          }
          confirmLabel="Delete chain"
          pendingLabel="Deleting…"
          pending={remove.isPending}
          error={remove.error}
          onConfirm={() => remove.mutate(chain.id, { onSuccess: () => setConfirmDelete(false) })}
        />
      ) : null}
    </li>
  );
}

/** Model fallback chains, each edited by drag and drop. */
export function FallbackChains({ canWrite, refs }: { canWrite: boolean; refs: string[] }) {
  const chains = useChains();
  const [adding, setAdding] = useState(false);
  return (
    <section aria-labelledby="chains-heading" className="min-w-0">
      <div className="mb-3 flex flex-wrap items-end justify-between gap-2">
        <div className="min-w-0">
          <h3 id="chains-heading" className="font-semibold">
            Fallback chains
          </h3>
          <p className="text-sm text-muted">
            When a model fails (error, rate limit, open circuit), the models tried next, in order. Drag a
            handle, or focus it and press Space, the arrow keys, then Space.
          </p>
        </div>
        {canWrite && !adding ? (
          <Button onClick={() => setAdding(true)}>
            <Plus aria-hidden className="h-4 w-4" /> New chain
          </Button>
        ) : null}
      </div>
      {chains.isPending ? (
        <Skeleton className="h-32" />
      ) : chains.isError ? (
        <ErrorState error={chains.error} onRetry={() => void chains.refetch()} />
      ) : (
        <ul className="grid grid-cols-1 gap-3 lg:grid-cols-2">
          {adding ? (
            <ChainEditor chain={null} refs={refs} canWrite={canWrite} onDone={() => setAdding(false)} />
          ) : null}
          {chains.data.map((c) => (
            <ChainEditor key={`${c.id}:${c.targets.join(',')}`} chain={c} refs={refs} canWrite={canWrite} />
          ))}
          {!adding && chains.data.length === 0 ? (
            <li className="lg:col-span-2">
              <EmptyState
                title="No fallback chains yet."
                hint={canWrite ? 'Add one so a failing model hands over to the next.' : undefined}
              />
            </li>
          ) : null}
        </ul>
      )}
    </section>
  );
}
