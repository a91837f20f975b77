import { Brain, Check, Gauge, Leaf, Pencil, Scale } from 'lucide-react';
import { useState } from 'react';
import { Badge } from '../../../components/ui/badge';
import { Button } from '../../../components/ui/button';
import { EmptyState, ErrorState, Skeleton } from '../../../components/ui/states';
import { formatUsd } from '../../../lib/format';
import { usePowerLevels } from '../api/get-power-levels';
import type { PowerLevel } from '../api/types';
import { useUpdatePowerLevel } from '../api/update-power-level';
import { powerLevelFeatures } from '../power-level-features';
import { PowerLevelDialog } from './power-level-dialog';

const LOOK: Record<string, { icon: typeof Leaf; tone: string }> = {
  eco: { icon: Leaf, tone: 'bg-green-500/15 text-green-500' },
  balanced: { icon: Scale, tone: 'bg-blue-500/15 text-blue-500' },
  precision: { icon: Brain, tone: 'bg-purple-500/15 text-purple-500' },
};

function range(r: { min: number; max: number }): string {
  return r.min === r.max ? formatUsd(r.min) : `${formatUsd(r.min)}–${formatUsd(r.max)}`;
}

function LevelCard({ level, onEdit }: { level: PowerLevel; onEdit: (() => void) | null }) {
  const look = LOOK[level.slug] ?? LOOK[level.tier] ?? { icon: Gauge, tone: 'bg-accent/15 text-accent' };
  return (
    <li
      className="flex min-w-0 flex-col gap-3 rounded-2xl border border-border bg-surface p-4"
      data-testid="power-level"
      aria-label={level.name}
    >
      <div className="flex items-start gap-3">
        <div className={`grid h-10 w-10 shrink-0 place-items-center rounded-xl ${look.tone}`}>
          <look.icon aria-hidden className="h-5 w-5" />
        </div>
        <div className="min-w-0 flex-1">
          <h4 className="font-semibold">{level.name}</h4>
          <p className="text-xs text-muted">
            {level.slug} · tier {level.tier}
          </p>
        </div>
        {level.enabled ? null : <Badge>disabled</Badge>}
        {onEdit ? (
          <Button
            variant="ghost"
            className="shrink-0 px-2"
            onClick={onEdit}
            aria-label={`Edit power level ${level.name}`}
          >
            <Pencil aria-hidden className="h-4 w-4" />
          </Button>
        ) : null}
      </div>
      {level.description ? <p className="text-sm text-muted">{level.description}</p> : null}
      <ul className="flex flex-col gap-1 text-sm" aria-label={`${level.name} features`}>
        {powerLevelFeatures(level).map((f) => (
          <li key={f} className="flex items-start gap-2">
            <Check aria-hidden className="mt-0.5 h-4 w-4 shrink-0 text-ok" />
            <span className="min-w-0">{f}</span>
          </li>
        ))}
      </ul>
      {level.price ? (
        <div className="rounded-xl bg-surface-2/60 p-3">
          <p className="text-lg font-semibold tabular-nums">
            {formatUsd(level.price.avgPer1M)}
            <span className="text-sm font-normal text-muted"> / 1M tokens avg</span>
          </p>
          <p className="text-xs text-muted">
            input {range(level.price.inputPer1M)} · output {range(level.price.outputPer1M)} per 1M
          </p>
        </div>
      ) : (
        <p className="rounded-xl bg-surface-2/60 p-3 text-sm text-muted">
          {level.unavailable ?? 'No priced model available.'}
        </p>
      )}
      {level.models.length ? (
        <ul className="flex flex-col gap-1 text-sm" aria-label={`${level.name} models`}>
          {level.models.map((m) => (
            <li key={m.ref} className="flex min-w-0 items-baseline justify-between gap-2">
              <span className="min-w-0 truncate" title={m.ref}>
                {m.ref}
                {m.isFallback ? <span className="text-xs text-muted"> (fallback)</span> : null}
              </span>
              <span className="shrink-0 text-xs text-muted tabular-nums">
                {formatUsd(m.priceInputPer1M)} / {formatUsd(m.priceOutputPer1M)}
              </span>
            </li>
          ))}
        </ul>
      ) : null}
      {level.unavailable && level.price ? (
        <p className="text-xs text-amber-500">{level.unavailable}</p>
      ) : null}
    </li>
  );
}

/** The power levels users pick from, with the models each routes to now and their real prices; editable with routing:write. */
export function PowerLevels({ canEdit = false, refs = [] }: { canEdit?: boolean; refs?: string[] }) {
  const levels = usePowerLevels();
  const update = useUpdatePowerLevel();
  const [editing, setEditing] = useState<PowerLevel | null>(null);
  return (
    <section aria-labelledby="levels-heading" className="min-w-0">
      <h3 id="levels-heading" className="mb-1 font-semibold">
        User power levels
      </h3>
      <p className="mb-3 text-sm text-muted">
        What "eco", "balanced" or "precision" resolves to right now, priced from the registry (input / output
        per 1M tokens).
      </p>
      {levels.isPending ? (
        <div className="grid grid-cols-1 gap-3 md:grid-cols-3">
          {[0, 1, 2].map((i) => (
            <Skeleton key={i} className="h-56" />
          ))}
        </div>
      ) : levels.isError ? (
        <ErrorState error={levels.error} onRetry={() => void levels.refetch()} />
      ) : levels.data.length === 0 ? (
        <EmptyState title="No power levels." />
      ) : (
        <ul className="grid grid-cols-1 gap-3 md:grid-cols-3">
          {[...levels.data]
            .sort((a, b) => a.sortOrder - b.sortOrder)
            .map((l) => (
              <LevelCard key={l.id} level={l} onEdit={canEdit ? () => setEditing(l) : null} />
            ))}
        </ul>
      )}
      {editing ? (
        <PowerLevelDialog
          level={editing}
          refs={refs}
          onClose={() => setEditing(null)}
          pending={update.isPending}
          submit={async (body) => {
            await update.mutateAsync({ slug: editing.slug, body });
            setEditing(null);
          }}
        />
      ) : null}
    </section>
  );
}
