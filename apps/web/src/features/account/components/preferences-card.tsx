import { useState } from 'react';
import { Button } from '../../../components/ui/button';
import { Card } from '../../../components/ui/card';
import { FormError } from '../../../components/ui/dialog';
import { useZodForm } from '../../../lib/zod-form';
import { usePreferences } from '../api/get-preferences';
import { usePutPreferences } from '../api/put-preferences';
import { preferenceDefaults, preferencesForm, type PreferenceValues } from '../preferences-form';
import { PreferenceFields } from './preference-fields';

/** My routing preferences beyond the power level: default model and preferred providers. */
export function PreferencesCard() {
  const prefs = usePreferences();
  return (
    <Card>
      <h2 className="font-medium">Routing preferences</h2>
      {/* Mounted once with what was loaded: a save keeps the typed values and its "saved" note. */}
      {prefs.data ? <PreferencesForm initial={preferenceDefaults(prefs.data)} /> : null}
      {prefs.isError ? <FormError error={prefs.error} /> : null}
    </Card>
  );
}

function PreferencesForm({ initial }: { initial: PreferenceValues }) {
  const put = usePutPreferences();
  const [done, setDone] = useState(false);
  const f = useZodForm(preferencesForm, initial, async (body) => {
    setDone(false);
    await put.mutateAsync(body);
    setDone(true);
  });
  return (
    <form
      onSubmit={(e) => void f.onSubmit(e)}
      noValidate
      className="mt-3 flex flex-col gap-3"
      aria-label="Routing preferences"
    >
      <PreferenceFields register={f.register} err={f.err} idPrefix="my-prefs" />
      {f.formError ? <FormError error={f.formError} /> : null}
      {done ? (
        <p role="status" className="text-sm text-ok">
          Preferences saved.
        </p>
      ) : null}
      <Button type="submit" disabled={put.isPending}>
        {put.isPending ? 'Saving…' : 'Save preferences'}
      </Button>
    </form>
  );
}
