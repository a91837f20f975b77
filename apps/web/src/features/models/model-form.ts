import {
  CAPABILITY_VALUES,
  authPatchField,
  createModelBody,
  type AuthPatch,
  updateModelBody,
  type CreateModelBody,
  type UpdateModelBody,
} from '@switchyard/core';
import { validate, type FormReader, type Parsed } from '../../lib/forms';
import { readerSchema } from '../../lib/zod-form';
import type { RegistryModel } from './api/types';

/** Shown under the config editor and offered as "Insert example". */
export const CONFIG_EXAMPLE = `{
  "temperature": 0.2,
  "max_tokens": 2000,
  "top_p": 1
}`;

export type ConfigCheck = { ok: true; value: Record<string, unknown> } | { ok: false; error: string };

/**
 * The config editor's text as the JSON object the API stores: blank is `{}`; anything that is not a JSON object
 * (an array, a string, a syntax error) is an error that says where it went wrong when the parser knows.
 */
export function parseConfigJson(text: string): ConfigCheck {
  const t = text.trim();
  if (t === '') return { ok: true, value: {} };
  let v: unknown;
  try {
    v = JSON.parse(t);
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    const pos = /position (\d+)/.exec(msg);
    if (pos) {
      const at = Number(pos[1]);
      const before = t.slice(0, at);
      const line = before.split('\n').length;
      const col = at - before.lastIndexOf('\n');
      return { ok: false, error: `Not valid JSON (line ${line}, column ${col})` };
    }
    return { ok: false, error: 'Not valid JSON' };
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v))
    return { ok: false, error: 'Must be a JSON object, like {"temperature": 0}' };
  return { ok: true, value: v as Record<string, unknown> };
}

/** Shown under the auth editor and offered as "Insert example" (Azure: a deployment key, version and name). */
export const AUTH_EXAMPLE = `{
  "apiKey": { "_env": "AZURE_OPENAI_API_KEY" },
  "apiVersion": "2024-10-21",
  "deployment": "gpt-4o-prod"
}`;

export type AuthCheck = { ok: true; value: AuthPatch | undefined } | { ok: false; error: string };

/**
 * The auth editor's text as the write the API takes: blank = leave the stored auth as it is; else a JSON object of
 * variables, each a literal secret, `{"_env": "VAR"}` or null (remove). The schema's own message names the variable.
 */
export function parseAuthJson(text: string): AuthCheck {
  if (text.trim() === '') return { ok: true, value: undefined };
  const json = parseConfigJson(text);
  if (!json.ok) return json;
  const r = authPatchField.safeParse(json.value);
  if (r.success) return { ok: true, value: r.data };
  const issue = r.error.issues[0]!;
  const where = issue.path.length ? `${issue.path.join('.')}: ` : '';
  return { ok: false, error: `${where}${issue.message}` };
}

export type ScopeKind = 'global' | 'org' | 'user';

/** 'global', 'org:<id>' or 'user:<id>' as the scope picker's kind and owner. */
export function scopeParts(scope: string | undefined): { kind: ScopeKind; owner: string } {
  if (scope?.startsWith('org:')) return { kind: 'org', owner: scope.slice(4) };
  if (scope?.startsWith('user:')) return { kind: 'user', owner: scope.slice(5) };
  return { kind: 'global', owner: '' };
}

/** Pretty JSON for the editor ('' for an empty object). */
export function configText(config: Record<string, unknown> | null | undefined): string {
  return config && Object.keys(config).length ? JSON.stringify(config, null, 2) : '';
}

function readCommon(r: FormReader) {
  const config = parseConfigJson(r.text('config'));
  const auth = parseAuthJson(r.text('auth'));
  const kind = (r.text('scopeKind') || 'global') as ScopeKind;
  const owner = r.text('scopeOwner');
  const capabilities = CAPABILITY_VALUES.filter((c) => r.bool(`cap_${c}`));
  const body = {
    modelId: r.text('modelId'),
    displayName: r.text('displayName'),
    description: r.optText('description', null),
    priceInputPer1M: r.number('priceInputPer1M', undefined) ?? 0,
    priceOutputPer1M: r.number('priceOutputPer1M', undefined) ?? 0,
    priceCachedInputPer1M: r.number('priceCachedInputPer1M', null),
    contextWindow: r.integer('contextWindow', null),
    maxOutputTokens: r.integer('maxOutputTokens', null),
    qualityTier: r.text('qualityTier') || 'balanced',
    qualityScore: r.integer('qualityScore', undefined) ?? 50,
    capabilities,
    config: config.ok ? config.value : {},
    enabled: r.bool('enabled'),
    isDefault: r.bool('isDefault'),
    priority: r.integer('priority', undefined) ?? 100,
    scope: kind === 'global' ? 'global' : `${kind}:${owner}`,
    ...(auth.ok && auth.value ? { auth: auth.value } : {}),
  };
  const pre = { ...r.errors };
  if (!config.ok) pre.config = config.error;
  if (!auth.ok) pre.auth = auth.error;
  if (kind !== 'global' && !owner)
    pre.scopeOwner = kind === 'org' ? 'Choose the organization' : 'Choose the user';
  if (capabilities.length === 0) pre.capabilities = 'Choose at least one capability';
  return { body, pre };
}

/** The add form as POST /llm/models's body. */
export function readCreateModelForm(r: FormReader): Parsed<CreateModelBody> {
  const { body, pre } = readCommon(r);
  const providerId = r.text('providerId');
  if (!providerId) pre.providerId = 'Choose a provider';
  return validate(createModelBody, { ...body, providerId }, pre) as Parsed<CreateModelBody>;
}

/** The edit form as PUT /llm/models/:id's body (every field, so a cleared one is cleared). */
export function readUpdateModelForm(r: FormReader): Parsed<UpdateModelBody> {
  const { body, pre } = readCommon(r);
  // Checked on an unpriced model: its prices are now known (a changed price marks them known on the server too).
  return validate(
    updateModelBody,
    { ...body, ...(r.bool('priced') ? { priced: true } : {}) },
    pre,
  ) as Parsed<UpdateModelBody>;
}

type Capability = (typeof CAPABILITY_VALUES)[number];

/** What the model dialog's controls hold: texts as typed, one checkbox per capability (`cap_chat`, ...). */
export type ModelFormValues = {
  providerId: string;
  modelId: string;
  displayName: string;
  description: string;
  priceInputPer1M: string;
  priceOutputPer1M: string;
  priceCachedInputPer1M: string;
  contextWindow: string;
  maxOutputTokens: string;
  qualityTier: string;
  qualityScore: string;
  priority: string;
  config: string;
  enabled: boolean;
  isDefault: boolean;
  /** An unpriced model's "Price known" box (edit only). */
  priced: boolean;
  /** Who may route to it: everyone, one organization or one user (the owner picker says which). */
  scopeKind: ScopeKind;
  scopeOwner: string;
  /** The auth write as JSON text (super admins); blank = unchanged. */
  auth: string;
  /** Not a control: where the API reports a bad scope (the kind and owner pickers together). */
  scope?: never;
  /** Not a control: where "choose at least one capability" (the checkboxes as a group) is reported. */
  capabilities?: never;
} & Record<`cap_${Capability}`, boolean>;

export const createModelForm = readerSchema<ModelFormValues, CreateModelBody>(readCreateModelForm);
export const updateModelForm = readerSchema<ModelFormValues, UpdateModelBody>(readUpdateModelForm);

const numText = (n: number | null | undefined, blank = '') => (n == null ? blank : String(n));

/** A new model's defaults, or the values of the one being edited. */
export function modelFormDefaults(m: RegistryModel | null): ModelFormValues {
  const caps = Object.fromEntries(
    CAPABILITY_VALUES.map((c) => [
      `cap_${c}`,
      m ? (m.capabilities as readonly string[]).includes(c) : c === 'chat',
    ]),
  ) as Record<`cap_${Capability}`, boolean>;
  return {
    providerId: '',
    modelId: m?.modelId ?? '',
    displayName: m?.displayName ?? '',
    description: m?.description ?? '',
    priceInputPer1M: numText(m?.priceInputPer1M, '0'),
    priceOutputPer1M: numText(m?.priceOutputPer1M, '0'),
    priceCachedInputPer1M: numText(m?.priceCachedInputPer1M),
    contextWindow: numText(m?.contextWindow),
    maxOutputTokens: numText(m?.maxOutputTokens),
    qualityTier: m?.qualityTier ?? 'balanced',
    qualityScore: numText(m?.qualityScore ?? 50),
    priority: numText(m?.priority ?? 100),
    config: configText(m?.config),
    enabled: m?.enabled ?? true,
    isDefault: m?.isDefault ?? false,
    priced: false,
    scopeKind: scopeParts(m?.scope).kind,
    scopeOwner: scopeParts(m?.scope).owner,
    auth: '',
    ...caps,
  };
}

/** Shown beside an unpriced model: why power levels do not route to it. */
export const UNPRICED_NOTE = 'not in power-level routing until priced';

/** "$0.15 / $0.60" input/output per 1M. */
export function priceLabel(m: Pick<RegistryModel, 'priceInputPer1M' | 'priceOutputPer1M'>): string {
  const f = (n: number) =>
    n === 0 ? '$0' : `$${n < 0.01 ? n.toPrecision(2) : n.toFixed(2).replace(/\.?0+$/, '')}`;
  return `${f(m.priceInputPer1M)} / ${f(m.priceOutputPer1M)}`;
}
