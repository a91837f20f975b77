import { Dialog, FormFooter } from '../../../components/ui/dialog';
import { SelectField, TextField } from '../../../components/ui/field';
import { ApiError } from '../../../lib/api-client';
import { useZodForm } from '../../../lib/zod-form';
import type { ByokKey, ProviderOption } from '../api/types';
import { byokForm, maskKey } from '../byok-form';

/** A stored key as the dialog names it: a user's own (ByokKey) or an organization's (same fields). */
type StoredKey = Pick<ByokKey, 'providerId' | 'provider' | 'last4' | 'label'>;

/**
 * Add a key for a provider (`rotating` null) or replace the key of one (`rotating` set). The provider is picked
 * from `providers` (`GET /me/byok/providers`); only if that list could not be loaded does the form ask for the
 * provider's name (its slug, e.g. "openai"), which the server resolves when it names one provider. The key is a
 * password field and never shown again: only its last four characters come back. `org` names the organization
 * whose key this is (an organization's provider keys); without it, the key is the signed-in user's own.
 */
export function ByokKeyDialog({
  open,
  onClose,
  rotating,
  providers,
  submit,
  pending,
  org,
}: {
  open: boolean;
  onClose: () => void;
  rotating: StoredKey | null;
  providers: ProviderOption[] | null;
  submit: (v: { providerId: string; apiKey: string; label: string | null }) => Promise<unknown>;
  pending: boolean;
  org?: string;
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
      // PUT /me/byok/:providerId answers 404 for a typed name that is no provider (any other 404, e.g. of a
      // provider removed since the list loaded, is shown as the API says it).
      if (err instanceof ApiError && err.status === 404 && !rotating && !providers)
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
      title={
        rotating
          ? `Rotate ${org ? `${org}'s` : 'your'} ${rotating.provider.name} key`
          : org
            ? `Add a provider key for ${org}`
            : 'Add a provider key'
      }
      description={
        rotating ? (
          <>The new key replaces {maskKey(rotating.last4)} at once.</>
        ) : org ? (
          `The requests of ${org}'s members to this provider are paid with this key (after a member's own key). It is stored encrypted; only its last four characters are shown again.`
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
          placeholder={org ? 'optional, e.g. team key' : 'optional, e.g. personal'}
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
