import {
  bucketConfigsFrom,
  createProviderBody,
  providerEndpointSchema,
  rateLimitBucketBody,
  updateProviderBody,
  WINDOW_UNIT_VALUES,
  type CreateProviderBody,
  type ProviderEndpoint,
  type UpdateProviderBody,
} from '@switchyard/core';
import { ApiError } from '../../lib/api-client';
import type { FormReader } from '../../lib/forms';
import { issuesToErrors, validate, type FieldErrors, type Parsed } from '../../lib/forms';
import type { Provider, ProviderBucket, ProviderType } from './api/types';
import { parseAuthJson } from '../models/model-form';

export type WindowUnit = (typeof WINDOW_UNIT_VALUES)[number];
export { WINDOW_UNIT_VALUES };

/** One row of the rate-limit editor, as typed: requests and/or tokens per `size` `unit`s, over all or some models. */
export interface BucketRow {
  key: string;
  name: string;
  /** Comma-separated model ids or refs; blank means all models. */
  models: string;
  requests: string;
  tokens: string;
  windowSize: string;
  windowUnit: WindowUnit;
}

let rowSeq = 0;
export function newBucketRow(partial: Partial<BucketRow> = {}): BucketRow {
  rowSeq += 1;
  return {
    key: `b${rowSeq}`,
    name: '',
    models: '',
    requests: '',
    tokens: '',
    windowSize: '1',
    windowUnit: 'minute',
    ...partial,
  };
}

/**
 * The stored buckets as editor rows. The API stores one unit per bucket; a `<name>` requests bucket and its
 * `<name>:tokens` twin (how {@link bucketConfigsFrom} splits a row with both) become one row again.
 */
export function bucketRowsFrom(buckets: readonly ProviderBucket[] | null | undefined): BucketRow[] {
  const rows: BucketRow[] = [];
  const byName = new Map<string, BucketRow>();
  for (const b of buckets ?? []) {
    const models = b.models === 'all' ? '' : b.models.join(', ');
    const window = { windowSize: String(b.window?.size ?? 1), windowUnit: b.window?.unit ?? 'minute' };
    const twin =
      b.unit === 'tokens' && b.name.endsWith(':tokens')
        ? byName.get(b.name.slice(0, -':tokens'.length))
        : undefined;
    if (twin && twin.tokens === '') {
      twin.tokens = String(b.limit);
      continue;
    }
    const row = newBucketRow({
      name: b.name,
      models,
      ...window,
      ...(b.unit === 'tokens' ? { tokens: String(b.limit) } : { requests: String(b.limit) }),
    });
    byName.set(b.name, row);
    rows.push(row);
  }
  return rows;
}

/** Editor rows → the API's buckets, checked with the shared `rateLimitBucketBody`; errors as `rateLimitBuckets.<i>.<field>`. */
export function readBucketRows(rows: readonly BucketRow[]): Parsed<ProviderBucket[]> {
  const errors: FieldErrors = {};
  const out: ProviderBucket[] = [];
  rows.forEach((row, i) => {
    const pre: FieldErrors = {};
    const num = (field: 'requests' | 'tokens' | 'windowSize'): number | undefined => {
      const t = row[field].trim().replace(/[\s,_]/g, '');
      if (t === '') return undefined;
      const n = Number(t);
      if (!Number.isFinite(n)) pre[field] = 'must be a number';
      else if (!Number.isInteger(n)) pre[field] = 'must be a whole number';
      return Number.isFinite(n) ? n : undefined;
    };
    const models = [
      ...new Set(
        row.models
          .split(/[\n,]/)
          .map((s) => s.trim())
          .filter(Boolean),
      ),
    ];
    const body = {
      name: row.name.trim(),
      models: models.length ? models : 'all',
      requests: num('requests'),
      tokens: num('tokens'),
      window: { unit: row.windowUnit, size: num('windowSize') ?? 1 },
    };
    const r = rateLimitBucketBody.safeParse(body);
    const rowErrors = { ...(r.success ? {} : issuesToErrors(r.error.issues)), ...pre };
    // "set requests, tokens or both" is a row-level issue: show it under the requests field.
    if (rowErrors.form) {
      rowErrors.requests ??= rowErrors.form;
      delete rowErrors.form;
    }
    if (rowErrors['window.size']) rowErrors.windowSize ??= rowErrors['window.size'];
    for (const [k, v] of Object.entries(rowErrors))
      errors[`rateLimitBuckets.${i}.${k === 'window' ? 'windowSize' : k}`] = v;
    if (r.success && Object.keys(pre).length === 0)
      out.push(...(bucketConfigsFrom(r.data) as ProviderBucket[]));
  });
  const names = rows.map((r) => r.name.trim());
  names.forEach((n, i) => {
    if (n && names.indexOf(n) !== i) errors[`rateLimitBuckets.${i}.name`] ??= 'is used by another bucket';
  });
  if (Object.keys(errors).length)
    return { ok: false, errors: { ...errors, rateLimitBuckets: 'Check the rate limits' } };
  return { ok: true, data: out };
}

/** One extra endpoint as typed (a region or mirror of the same account). */
export interface EndpointRow {
  key: string;
  baseUrl: string;
  weight: string;
  enabled: boolean;
}

let endpointSeq = 0;
export function newEndpointRow(partial: Partial<EndpointRow> = {}): EndpointRow {
  endpointSeq += 1;
  return { key: `e${endpointSeq}`, baseUrl: '', weight: '1', enabled: true, ...partial };
}

export function endpointRowsFrom(endpoints: Provider['endpoints'] | null | undefined): EndpointRow[] {
  return (endpoints ?? []).map((e) =>
    newEndpointRow({ baseUrl: e.baseUrl, weight: String(e.weight), enabled: e.enabled }),
  );
}

/** Editor rows → the API's endpoints, each checked with the shared schema; errors as `endpoints.<i>.<field>`. */
export function readEndpointRows(rows: readonly EndpointRow[]): Parsed<ProviderEndpoint[]> {
  const errors: FieldErrors = {};
  const out: ProviderEndpoint[] = [];
  rows.forEach((row, i) => {
    const w = row.weight.trim();
    const r = providerEndpointSchema.safeParse({
      baseUrl: row.baseUrl.trim(),
      weight: w === '' ? 1 : /^-?\d+(\.\d+)?$/.test(w) ? Number(w) : w,
      enabled: row.enabled,
    });
    if (!r.success) {
      for (const [k, v] of Object.entries(issuesToErrors(r.error.issues))) errors[`endpoints.${i}.${k}`] = v;
      return;
    }
    if (out.some((e) => e.baseUrl === r.data.baseUrl)) errors[`endpoints.${i}.baseUrl`] = 'is listed twice';
    out.push(r.data);
  });
  if (Object.keys(errors).length)
    return { ok: false, errors: { ...errors, endpoints: 'Check the endpoints' } };
  return { ok: true, data: out };
}

interface ReadContext {
  type: ProviderType | undefined;
  /** Extra endpoints as typed; absent = left as they are. */
  endpoints?: readonly EndpointRow[];
  /** Only a super admin may set a key; for others the key field is ignored. */
  canSetKey: boolean;
  buckets: readonly BucketRow[];
  /** The saved provider's config, kept as it is apart from `keyless`. */
  storedConfig?: Record<string, unknown>;
  /** The saved provider's effective health check (its own or the default); a new provider has none. */
  storedCheck?: HealthCheckSettings;
}

/** A provider's health-check settings as the dialog edits them (`config.healthCheck`). */
export interface HealthCheckSettings {
  enabled: boolean;
  intervalSec: number;
  probe: 'models' | 'chat';
  model: string | null;
}

/**
 * The health-check fields → the settings, or undefined when they say what is already in effect (a new provider
 * with the box unchecked keeps the default: on for free providers, off for paid ones).
 */
export function readHealthCheck(
  r: FormReader,
  stored: HealthCheckSettings | undefined,
): HealthCheckSettings | undefined {
  const enabled = r.bool('healthCheck');
  const intervalSec = r.integer('healthCheckInterval', undefined) ?? stored?.intervalSec ?? 60;
  if (intervalSec < 10 || intervalSec > 86_400)
    r.errors.healthCheckInterval = 'must be between 10 and 86400 seconds';
  const probe = r.text('healthCheckProbe') === 'chat' ? 'chat' : 'models';
  const model = r.optText('healthCheckModel', null) ?? null;
  const typed = { enabled, intervalSec, probe, model } as const;
  if (!stored) return enabled ? typed : undefined;
  const same =
    stored.enabled === enabled &&
    stored.intervalSec === intervalSec &&
    stored.probe === probe &&
    (stored.model ?? null) === model;
  return same ? undefined : typed;
}

/** The dialog's time-limit fields (seconds; blank = the server's default) and the config.timeouts key each fills. */
export const TIMEOUT_FIELDS = [
  { name: 'timeoutFirstByte', key: 'firstByteMs', label: 'First byte' },
  { name: 'timeoutIdle', key: 'idleMs', label: 'Idle between chunks' },
  { name: 'timeoutTotal', key: 'totalMs', label: 'Whole request' },
] as const;

/** Seconds as typed → `config.timeouts` in milliseconds (0.1 s – 1 h each); errors under the field's name. */
function readTimeouts(r: FormReader): Record<string, number> {
  const out: Record<string, number> = {};
  for (const f of TIMEOUT_FIELDS) {
    const s = r.number(f.name, undefined);
    if (s === undefined) continue;
    if (s < 0.1 || s > 3600) r.errors[f.name] = 'must be between 0.1 and 3600 seconds';
    else out[f.key] = Math.round(s * 1000);
  }
  return out;
}

/** A stored config.timeouts as the dialog shows it: seconds per field, blank when unset. */
export function timeoutSeconds(
  config: Record<string, unknown> | undefined,
  key: (typeof TIMEOUT_FIELDS)[number]['key'],
): string {
  const v = (config?.timeouts as Record<string, unknown> | undefined)?.[key];
  return typeof v === 'number' ? String(v / 1000) : '';
}

function sameTimeouts(stored: unknown, typed: Record<string, number>): boolean {
  const a = (stored && typeof stored === 'object' ? stored : {}) as Record<string, unknown>;
  return TIMEOUT_FIELDS.every((f) => (a[f.key] ?? undefined) === typed[f.key]);
}

/**
 * The provider's config from the dialog. `config.keyless`: the router sends no key to this provider (a local or
 * private endpoint); only types whose key is optional offer it. `config.webSearch` (Anthropic): the organization has
 * web search enabled, so Responses clients' web_search runs there. `config.responsesApi` (types with a Responses
 * API of their own): `/v1/responses` goes there instead of being translated to chat; stored only when it differs
 * from the type's default. `config.timeouts`: this provider's own time limits. The rest of a stored config is kept
 * as it is; when nothing the dialog edits changed, no config is sent.
 */
function readConfig(r: FormReader, ctx: ReadContext): Record<string, unknown> | undefined {
  const timeouts = readTimeouts(r);
  const healthCheck = readHealthCheck(r, ctx.storedCheck);
  const stored = ctx.storedConfig ?? {};
  const keylessType = !!ctx.type?.keyOptional && ctx.type.type !== 'mock';
  const webSearchType = ctx.type?.type === 'anthropic';
  const webSearch = webSearchType && r.bool('webSearch');
  const responsesDefault = ctx.type?.nativeResponses ?? null;
  const responsesApi = responsesDefault !== null && r.bool('responsesApi');
  const storedResponses = typeof stored.responsesApi === 'boolean' ? stored.responsesApi : responsesDefault;
  if (
    !keylessType &&
    healthCheck === undefined &&
    sameTimeouts(stored.timeouts, timeouts) &&
    (!webSearchType || webSearch === (stored.webSearch === true)) &&
    (responsesDefault === null || responsesApi === storedResponses)
  )
    return undefined;
  const { keyless: storedKeyless, timeouts: _old, webSearch: storedWebSearch, ...rest } = stored;
  const out: Record<string, unknown> = { ...rest };
  if (responsesDefault !== null) {
    delete out.responsesApi;
    if (responsesApi !== responsesDefault) out.responsesApi = responsesApi;
  }
  if (keylessType ? r.bool('keyless') : storedKeyless !== undefined)
    out.keyless = keylessType ? true : storedKeyless;
  if (webSearchType ? webSearch : storedWebSearch !== undefined)
    out.webSearch = webSearchType ? true : storedWebSearch;
  if (Object.keys(timeouts).length) out.timeouts = timeouts;
  if (healthCheck) {
    const { model, ...rest } = healthCheck;
    out.healthCheck = model ? { ...rest, model } : rest;
  }
  return out;
}

function common(r: FormReader, ctx: ReadContext) {
  const pre: FieldErrors = {};
  const baseUrl = r.optText('baseUrl', null);
  if (ctx.type?.baseUrlRequired && baseUrl === null) pre.baseUrl = 'is required for this provider type';
  const apiKey = ctx.canSetKey ? r.optText('apiKey', undefined) : undefined;
  // Auth variables (super admins): blank leaves them as they are.
  const auth = ctx.canSetKey ? parseAuthJson(r.text('auth')) : { ok: true as const, value: undefined };
  if (!auth.ok) pre.auth = auth.error;
  const buckets = readBucketRows(ctx.buckets);
  if (!buckets.ok) Object.assign(pre, buckets.errors);
  const endpoints = ctx.endpoints ? readEndpointRows(ctx.endpoints) : null;
  if (endpoints && !endpoints.ok) Object.assign(pre, endpoints.errors);
  return {
    pre,
    baseUrl,
    apiKey,
    auth: auth.ok ? auth.value : undefined,
    buckets: buckets.ok ? buckets.data : [],
    endpoints: endpoints?.ok ? endpoints.data : undefined,
    baseUrlWeight: r.integer('baseUrlWeight', undefined),
  };
}

/** Add a provider: type, name, slug, base URL (required for custom types), key (super admin), priority, auto-fallback, buckets. */
export function readCreateProviderForm(r: FormReader, ctx: ReadContext): Parsed<CreateProviderBody> {
  const c = common(r, ctx);
  const body = {
    type: r.text('type'),
    name: r.text('name'),
    slug: r.text('slug'),
    baseUrl: c.baseUrl ?? undefined,
    ...(c.apiKey !== undefined ? { apiKey: c.apiKey } : {}),
    ...(c.auth ? { auth: c.auth } : {}),
    priority: r.integer('priority', undefined),
    autoFallback: r.bool('autoFallback'),
    rateLimitBuckets: c.buckets,
    config: readConfig(r, ctx),
    ...(c.baseUrlWeight !== undefined ? { baseUrlWeight: c.baseUrlWeight } : {}),
    ...(c.endpoints ? { endpoints: c.endpoints } : {}),
  };
  return validate(createProviderBody, body, { ...r.errors, ...c.pre });
}

/** Configure a provider: a blank key keeps the stored one; a cleared base URL is null. */
export function readUpdateProviderForm(r: FormReader, ctx: ReadContext): Parsed<UpdateProviderBody> {
  const c = common(r, ctx);
  const status = r.text('status');
  const body = {
    name: r.text('name'),
    baseUrl: c.baseUrl,
    ...(c.apiKey !== undefined ? { apiKey: c.apiKey } : {}),
    ...(c.auth ? { auth: c.auth } : {}),
    priority: r.integer('priority', undefined),
    autoFallback: r.bool('autoFallback'),
    ...(status ? { status } : {}),
    rateLimitBuckets: c.buckets,
    ...(c.baseUrlWeight !== undefined ? { baseUrlWeight: c.baseUrlWeight } : {}),
    ...(c.endpoints ? { endpoints: c.endpoints } : {}),
    // The region routing rules may prefer: blank clears it (null); a form without the field leaves it.
    ...(r.has('region') ? { region: r.text('region') } : {}),
  };
  const config = readConfig(r, ctx);
  if (config !== undefined) Object.assign(body, { config });
  return validate(updateProviderBody, body, { ...r.errors, ...c.pre });
}

/** Whether Test Connection can run: a key was typed, or the type needs none, or the saved provider has one. */
export function canTestConnection(opts: {
  type: ProviderType | undefined;
  apiKey: string;
  baseUrl: string;
  stored?: Provider | null;
}): boolean {
  if (!opts.type) return false;
  if (opts.type.baseUrlRequired && !opts.baseUrl.trim() && !opts.stored?.baseUrl) return false;
  return (
    opts.apiKey.trim() !== '' || opts.type.keyOptional || !!opts.stored?.hasApiKey || !!opts.stored?.apiKeyEnv
  );
}

/**
 * Errors the API answered, by field: validation issues, a "field: message" validation message, and a 409 on
 * `conflictField` (a slug or a name already taken).
 */
export function serverFieldErrors(err: unknown, conflictField: string, conflictMessage: string): FieldErrors {
  if (!(err instanceof ApiError)) return {};
  if (err.status === 409) return { [conflictField]: conflictMessage };
  const fields = err.fieldErrors();
  if (Object.keys(fields).length) return fields;
  const m = /^([A-Za-z][\w.]*): (.+)$/.exec(err.message);
  if (err.status === 400 && m) return { [m[1]!]: m[2]! };
  return {};
}
