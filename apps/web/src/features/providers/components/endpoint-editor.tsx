import { Plus, Trash2 } from 'lucide-react';
import { Button } from '../../../components/ui/button';
import { CheckboxField, TextField } from '../../../components/ui/field';
import { sentence } from '../../../lib/forms';
import { newEndpointRow, type EndpointRow } from '../provider-form';

/**
 * Extra endpoints of one provider (regions, mirrors of the same account): the first call goes to one drawn by
 * weight (the base URL included), a connection error, 5xx or 429 moves on to the next in this order. Controlled
 * rows; errors come from `readEndpointRows` as `endpoints.<i>.<field>`.
 */
export function EndpointEditor({
  rows,
  onChange,
  errors,
  baseUrlWeight,
  disabled,
}: {
  rows: EndpointRow[];
  onChange: (rows: EndpointRow[]) => void;
  errors: (name: string) => string | undefined;
  /** The stored weight of the base URL (the field is uncontrolled, read on submit). */
  baseUrlWeight: number;
  disabled?: boolean;
}) {
  const set = (i: number, patch: Partial<EndpointRow>) =>
    onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <fieldset className="min-w-0 rounded-xl border border-border p-3">
      <legend className="px-1 text-sm font-medium">Endpoints</legend>
      <p className="mb-2 text-xs text-muted">
        More base URLs of the same account. Each request starts at one drawn by weight (the primary is the
        base URL above; 0 = standby); a connection error, 5xx or 429 tries the next one in this order before
        another provider.
      </p>
      <TextField
        label="Primary weight"
        name="baseUrlWeight"
        inputMode="numeric"
        defaultValue={String(baseUrlWeight)}
        error={sentence(errors('baseUrlWeight'))}
        className="mb-2 max-w-[12rem]"
        disabled={disabled}
      />
      <ul className="flex flex-col gap-2">
        {rows.map((row, i) => {
          const e = (f: string) => sentence(errors(`endpoints.${i}.${f}`));
          return (
            <li
              key={row.key}
              className="grid grid-cols-2 gap-2 rounded-lg bg-surface-2/50 p-2 sm:grid-cols-6"
              data-testid="endpoint-row"
            >
              <TextField
                label={`Endpoint ${i + 1} URL`}
                type="url"
                value={row.baseUrl}
                onChange={(ev) => set(i, { baseUrl: ev.target.value })}
                error={e('baseUrl')}
                placeholder="https://eu.llm.example.com/v1"
                className="col-span-2 sm:col-span-4"
                disabled={disabled}
              />
              <TextField
                label="Weight"
                inputMode="numeric"
                value={row.weight}
                onChange={(ev) => set(i, { weight: ev.target.value })}
                error={e('weight')}
                disabled={disabled}
              />
              <div className="flex items-end justify-between gap-2">
                <CheckboxField
                  label="On"
                  checked={row.enabled}
                  onChange={(ev) => set(i, { enabled: ev.target.checked })}
                  disabled={disabled}
                />
                <Button
                  type="button"
                  variant="ghost"
                  className="px-2 py-1 text-danger"
                  onClick={() => onChange(rows.filter((_, j) => j !== i))}
                  aria-label={`Remove endpoint ${i + 1}`}
                  disabled={disabled}
                >
                  <Trash2 aria-hidden className="h-4 w-4" />
                </Button>
              </div>
            </li>
          );
        })}
      </ul>
      <Button
        type="button"
        variant="subtle"
        className="mt-3"
        onClick={() => onChange([...rows, newEndpointRow()])}
        disabled={disabled || rows.length >= 10}
      >
        <Plus aria-hidden className="h-4 w-4" /> Add endpoint
      </Button>
    </fieldset>
  );
}
