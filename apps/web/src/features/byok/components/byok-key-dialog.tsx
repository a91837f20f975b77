import { Dialog, FormFooter } from '../../../components/ui/dialog';
import { SelectField, TextField } from '../../../components/ui/field';
import { ApiError } from '../../../lib/api-client';
import { useZodForm } from '../../../lib/zod-form';
import type { ByokKey, ProviderOption } from '../api/types';
import { byokForm, maskKey } from '../byok-form';

/**
 * Add a key for a provider (`rotating` null) or replace the key of one (`rotating` set). The provider is picked
 * from `providers` (`GET /me/byok/providers`); only if that list could not be loaded does the form ask for the
 * provider's name (its slug, e.g. "openai"), which the server resolves when it names one provider.
 */
export function ByokKeyDialog({
  open,
  onClose,
  rotating,
  providers,
  submit,
  pending,
}: {
  open: boolean;
  onClose: () => void;
  rotating: ByokKey | null;
  providers: ProviderOption[] | null;
  submit: (v: { providerId: string; apiKey: string; label: string | null }) => Promise<unknown>;
  pending: boolean;
}) {
  const defaults = { providerId: '', apiKey: '', label: rotating?.label ?? '' };
  const f = useZodForm(byokForm({ needsProvider: !rotating }), defaults, async (v) => {
    try {
      await submit({
        providerId: rotating?.providerId ?? v.providerId,
        apiKey: v.apiKey,
        label: v.label ?? null,
      });
    } catch (err) {
      // PUT /me/byok/:providerId answers 404 for an id that is no provider.
      if (err instanceof ApiError && err.status === 404 && !rotating)
        f.form.setError('providerId', { message: 'No provider with this name' });
      else throw err;
    }
  });
  const close = () => {
    f.reset(defaults);
    onClose();
  };
  const err = f.err;
  return (
    <Dialog
      open={open}
      onClose={close}
      title={rotating ? `Rotate your ${rotating.provider.name} key` : 'Add a provider key'}
      description={
        rotating ? (
          <>The new key replaces {maskKey(rotating.last4)} at once.</>
        ) : (
          'Your requests to this provider are paid with your own key. It is stored encrypted; only its last four characters are shown again.'
        )
      }
    >
      <form
        onSubmit={(e) => void f.onSubmit(e)}
        noValidate
        className="flex flex-col gap-3"
        aria-label={rotating ? 'Rotate key' : 'New provider key'}
      >
        {rotating ? null : providers ? (
          <SelectField
            label="Provider"
            {...f.register('providerId')}
            error={err('providerId')}
            hint={providers.length === 0 ? 'There is no provider to add a key for.' : undefined}
          >
            <option value="" disabled>
              Choose…
            </option>
            {providers.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name} ({p.slug})
              </option>
            ))}
          </SelectField>
        ) : (
          <TextField
            label="Provider"
            {...f.register('providerId')}
            autoComplete="off"
            spellCheck={false}
            error={err('providerId')}
            hint="The provider list could not be loaded: type the provider's name, e.g. openai."
          />
        )}
        <TextField
          label={rotating ? 'New API key' : 'API key'}
          {...f.register('apiKey')}
          type="password"
          autoComplete="off"
          spellCheck={false}
          error={err('apiKey')}
          data-autofocus={rotating ? true : undefined}
        />
        <TextField
          label="Label"
          {...f.register('label')}
          maxLength={100}
          placeholder="optional, e.g. personal"
          error={err('label')}
        />
        <FormFooter
          error={f.formError}
          onCancel={close}
          pending={pending}
          submitLabel={rotating ? 'Replace key' : 'Save key'}
        />
      </form>
    </Dialog>
  );
}
