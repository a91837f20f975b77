import { updatePreferencesBody, type Preferences, type UpdatePreferencesBody } from '@switchyard/core';
import { validate, type FormReader, type Parsed } from '../../lib/forms';
import { readerSchema } from '../../lib/zod-form';

/**
 * Routing preferences as the forms hold them (my account, and an admin editing a user): the default model as
 * typed (blank = none) and the preferred providers as a comma-separated list of slugs, first = most preferred.
 */
export interface PreferenceValues {
  defaultModel: string;
  preferredProviders: string;
}

/** The two preference fields as the API takes them: a blank default is `null` (cleared), the list in order. */
export function readPreferenceFields(r: FormReader) {
  return {
    defaultModel: r.optText('defaultModel', null),
    preferredProviders: r.list('preferredProviders'),
  };
}

export function readPreferencesForm(r: FormReader): Parsed<UpdatePreferencesBody> {
  return validate(updatePreferencesBody, readPreferenceFields(r), { ...r.errors });
}

export const preferencesForm = readerSchema<PreferenceValues, UpdatePreferencesBody>(readPreferencesForm);

export const preferenceDefaults = (p: Preferences | undefined): PreferenceValues => ({
  defaultModel: p?.defaultModel ?? '',
  preferredProviders: (p?.preferredProviders ?? []).join(', '),
});

/** Tips shown under the two fields (the account page and the user dialog say the same). */
export const PREFERENCE_TIPS = {
  defaultModel:
    'What a request for "default" routes to for you: an alias, a power level (auto, eco, balanced, precision), a provider/model ref or a model id. Blank: none.',
  preferredProviders:
    'Provider slugs, most preferred first, separated by commas: routing tries their models first, then the strategy order.',
} as const;
