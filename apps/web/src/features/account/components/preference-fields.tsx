import type { FieldValues, Path, UseFormRegister } from 'react-hook-form';
import { TextField } from '../../../components/ui/field';
import { useModels } from '../../models/api/get-models';
import { PREFERENCE_TIPS } from '../preferences-form';

const LEVELS = ['auto', 'eco', 'balanced', 'precision'];

/**
 * The default model and preferred providers fields, with suggestions from the registry the signed-in user can see
 * (model refs, power levels, the providers serving them). Used by my account and by an admin editing a user.
 */
export function PreferenceFields<
  V extends FieldValues & { defaultModel: string; preferredProviders: string },
>({
  register,
  err,
  idPrefix,
}: {
  register: UseFormRegister<V>;
  err: (name: Path<V>) => string | undefined;
  idPrefix: string;
}) {
  const models = useModels({});
  const rows = models.data?.data ?? [];
  const providers = [...new Map(rows.map((m) => [m.provider.slug, m.provider.name])).entries()];
  return (
    <>
      <TextField
        label="Default model"
        list={`${idPrefix}-models`}
        placeholder="e.g. balanced or openai/gpt-4o-mini"
        {...register('defaultModel' as Path<V>)}
        hint={PREFERENCE_TIPS.defaultModel}
        error={err('defaultModel' as Path<V>)}
      />
      <datalist id={`${idPrefix}-models`}>
        {LEVELS.map((l) => (
          <option key={l} value={l} />
        ))}
        {rows.map((m) => (
          <option key={m.id} value={m.ref}>
            {m.displayName}
          </option>
        ))}
      </datalist>
      <TextField
        label="Preferred providers"
        placeholder={
          providers.length
            ? providers
                .map(([slug]) => slug)
                .slice(0, 3)
                .join(', ')
            : 'openai, anthropic'
        }
        {...register('preferredProviders' as Path<V>)}
        hint={
          <>
            {PREFERENCE_TIPS.preferredProviders}
            {providers.length ? (
              <> Available: {providers.map(([slug, name]) => `${slug} (${name})`).join(', ')}.</>
            ) : null}
          </>
        }
        error={err('preferredProviders' as Path<V>)}
      />
    </>
  );
}
