import { z } from 'zod';
import type { Provider, ProviderType } from '../providers/api/types';

/** The wizard's first steps as a form: which provider (a configured one, or a new one of a type), its key, a URL. */
export interface AddKeyValues {
  target: string;
  apiKey: string;
  baseUrl: string;
}

export const addKeyDefaults = (providerId?: string): AddKeyValues => ({
  target: providerId ? `p:${providerId}` : '',
  apiKey: '',
  baseUrl: '',
});

/** What `target` names: a configured provider, or a new one of a catalogue type. */
export type KeyTarget = { kind: 'provider'; provider: Provider } | { kind: 'new'; type: ProviderType };

export function resolveTarget(
  target: string,
  providers: readonly Provider[],
  types: readonly ProviderType[],
): KeyTarget | null {
  if (target.startsWith('p:')) {
    const provider = providers.find((p) => p.id === target.slice(2));
    return provider ? { kind: 'provider', provider } : null;
  }
  if (target.startsWith('t:')) {
    const type = types.find((t) => t.type === target.slice(2));
    return type ? { kind: 'new', type } : null;
  }
  return null;
}

/** The form's rules: a provider chosen, a key pasted, and a base URL where a new provider's type needs one. */
export function addKeyForm(providers: readonly Provider[], types: readonly ProviderType[]) {
  return z
    .object({
      target: z.string().min(1, 'Choose a provider'),
      apiKey: z.string().trim().min(1, 'Paste the key').max(4096, 'Is too long'),
      baseUrl: z.string().trim(),
    })
    .superRefine((v, ctx) => {
      const t = resolveTarget(v.target, providers, types);
      if (!t) {
        if (v.target) ctx.addIssue({ code: 'custom', path: ['target'], message: 'Choose a provider' });
        return;
      }
      if (t.kind === 'new' && t.type.baseUrlRequired && !v.baseUrl)
        ctx.addIssue({ code: 'custom', path: ['baseUrl'], message: 'Is required for this provider type' });
      if (v.baseUrl && !z.string().url().safeParse(v.baseUrl).success)
        ctx.addIssue({ code: 'custom', path: ['baseUrl'], message: 'Must be a URL' });
    });
}

/** A slug for a new provider of `base` type that no provider has yet (`openai`, then `openai-2`, …). */
export function freeSlug(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}-${i}`)) return `${base}-${i}`;
}
