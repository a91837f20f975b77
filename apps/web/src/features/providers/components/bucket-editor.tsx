import { AddRowButton, RemoveRowButton } from '../../../components/ui/row-list';
import { SelectField, TextField } from '../../../components/ui/field';
import { sentence } from '../../../lib/forms';
import { newBucketRow, WINDOW_UNIT_VALUES, type BucketRow } from '../provider-form';

/**
 * Rate-limit buckets: requests and/or tokens per window, over all models or a list. Controlled rows; the
 * errors come from `readBucketRows` as `rateLimitBuckets.<i>.<field>`.
 */
export function BucketEditor({
  rows,
  onChange,
  errors,
  disabled,
}: {
  rows: BucketRow[];
  onChange: (rows: BucketRow[]) => void;
  errors: (name: string) => string | undefined;
  disabled?: boolean;
}) {
  const set = (i: number, patch: Partial<BucketRow>) =>
    onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <fieldset className="min-w-0 rounded-xl border border-border p-3">
      <legend className="px-1 text-sm font-medium">Rate limits</legend>
      <p className="mb-2 text-xs text-muted">
        Fixed UTC windows. A request is held back from this provider while any bucket it counts towards is
        full.
      </p>
      {rows.length === 0 ? (
        <p className="mb-2 text-sm text-muted">No limits: only the provider's own.</p>
      ) : null}
      <ul className="flex flex-col gap-3">
        {rows.map((row, i) => {
          const e = (f: string) => sentence(errors(`rateLimitBuckets.${i}.${f}`));
          return (
            <li
              key={row.key}
              className="grid grid-cols-2 gap-2 rounded-lg bg-surface-2/50 p-2 sm:grid-cols-6"
              data-testid="bucket-row"
            >
              <TextField
                label="Bucket name"
                value={row.name}
                onChange={(ev) => set(i, { name: ev.target.value })}
                error={e('name')}
                placeholder="per-minute"
                className="col-span-2 sm:col-span-2"
                disabled={disabled}
              />
              <TextField
                label="Models"
                value={row.models}
                onChange={(ev) => set(i, { models: ev.target.value })}
                error={e('models')}
                placeholder="all"
                hint="Comma-separated; blank: all"
                className="col-span-2 sm:col-span-4"
                disabled={disabled}
              />
              <TextField
                label="Requests"
                inputMode="numeric"
                value={row.requests}
                onChange={(ev) => set(i, { requests: ev.target.value })}
                error={e('requests')}
                className="sm:col-span-2"
                disabled={disabled}
              />
              <TextField
                label="Tokens"
                inputMode="numeric"
                value={row.tokens}
                onChange={(ev) => set(i, { tokens: ev.target.value })}
                error={e('tokens')}
                className="sm:col-span-2"
                disabled={disabled}
              />
              <TextField
                label="Per"
                inputMode="numeric"
                value={row.windowSize}
                onChange={(ev) => set(i, { windowSize: ev.target.value })}
                error={e('windowSize')}
                disabled={disabled}
              />
              <SelectField
                label="Window"
                value={row.windowUnit}
                onChange={(ev) => set(i, { windowUnit: ev.target.value as BucketRow['windowUnit'] })}
                disabled={disabled}
              >
                {WINDOW_UNIT_VALUES.map((u) => (
                  <option key={u} value={u}>
                    {u}
                  </option>
                ))}
              </SelectField>
              <div className="col-span-2 flex justify-end sm:col-span-6">
                <RemoveRowButton
                  label={`Remove bucket ${row.name || i + 1}`}
                  text="Remove"
                  onClick={() => onChange(rows.filter((_, j) => j !== i))}
                  disabled={disabled}
                />
              </div>
            </li>
          );
        })}
      </ul>
      <AddRowButton onClick={() => onChange([...rows, newBucketRow()])} disabled={disabled}>
        Add bucket
      </AddRowButton>
    </fieldset>
  );
}
