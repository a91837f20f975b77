import { CheckboxField } from '../../../components/ui/field';
import { catalogueHint } from '../import-notice';
import type { ModelChoices } from '../model-choices';

/**
 * The models to add to the registry: the provider's own listing, or (when it cannot be read) the catalogue's models
 * of its type. Models already registered are shown checked and locked.
 */
export function ModelChecklist({
  choices,
  existing,
  checked,
  onChange,
  className = '',
}: {
  choices: ModelChoices;
  existing: ReadonlySet<string>;
  checked: ReadonlySet<string>;
  onChange: (next: Set<string>) => void;
  className?: string;
}) {
  const { models, source, prices } = choices;
  if (!models.length) return null;
  const toggle = (m: string) => {
    const next = new Set(checked);
    if (next.has(m)) next.delete(m);
    else next.add(m);
    onChange(next);
  };
  return (
    <fieldset className={`min-w-0 rounded-xl border border-border p-3 ${className}`}>
      <legend className="px-1 text-sm font-medium">Models to add to the registry</legend>
      {source === 'catalogue' ? (
        <p className="mb-2 text-xs text-muted" data-testid="catalogue-models-note">
          The provider&apos;s own model list is not available (test the connection to read it): these are the
          catalogue&apos;s models for this provider type.
        </p>
      ) : null}
      <div className="mb-2 flex flex-wrap gap-2 text-xs">
        <button
          type="button"
          className="underline"
          onClick={() => onChange(new Set(models.filter((m) => !existing.has(m))))}
        >
          Select all
        </button>
        <button type="button" className="underline" onClick={() => onChange(new Set())}>
          Select none
        </button>
        <span className="text-muted">
          {checked.size} selected; added after saving in one step, with the catalogue&apos;s prices where it
          knows the model.
        </span>
      </div>
      <ul
        className="grid max-h-48 grid-cols-1 gap-1 overflow-y-auto sm:grid-cols-2"
        aria-label={source === 'catalogue' ? 'Catalogue models' : 'Discovered models'}
      >
        {models.map((m) => (
          <li key={m} className="min-w-0">
            <CheckboxField
              label={m}
              checked={existing.has(m) || checked.has(m)}
              disabled={existing.has(m)}
              hint={existing.has(m) ? 'already in the registry' : catalogueHint(prices.get(m))}
              onChange={() => toggle(m)}
              className="break-all"
            />
          </li>
        ))}
      </ul>
    </fieldset>
  );
}
