import {
  CAPABILITY_VALUES,
  createModelBody,
  updateModelBody,
  type CreateModelBody,
  type UpdateModelBody,
} from '@switchyard/core';
import { validate, type FormReader, type Parsed } from '../../lib/forms';
import type { RegistryModel } from './api/types';

/** Shown under the config editor and offered as "Insert example". */
export const CONFIG_EXAMPLE = `{
  "temperature": 0.2,
  "max_tokens": 2000,
  "top_p": 1,
  "streaming": true
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

/** Pretty JSON for the editor ('' for an empty object). */
export function configText(config: Record<string, unknown> | null | undefined): string {
  return config && Object.keys(config).length ? JSON.stringify(config, null, 2) : '';
}

function readCommon(r: FormReader) {
  const config = parseConfigJson(r.text('config'));
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
  };
  const pre = { ...r.errors };
  if (!config.ok) pre.config = config.error;
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

/** Shown beside an unpriced model: why power levels do not route to it. */
export const UNPRICED_NOTE = 'not in power-level routing until priced';

/** "$0.15 / $0.60" input/output per 1M. */
export function priceLabel(m: Pick<RegistryModel, 'priceInputPer1M' | 'priceOutputPer1M'>): string {
  const f = (n: number) =>
    n === 0 ? '$0' : `$${n < 0.01 ? n.toPrecision(2) : n.toFixed(2).replace(/\.?0+$/, '')}`;
  return `${f(m.priceInputPer1M)} / ${f(m.priceOutputPer1M)}`;
}
