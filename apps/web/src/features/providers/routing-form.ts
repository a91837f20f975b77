import {
  ALIAS_STRATEGY_VALUES,
  createAliasBody,
  dryRunBody,
  fallbackChainBody,
  updateAliasBody,
  type CreateAliasBody,
  type DryRunBody,
  type TraceBody,
  type FallbackChainBody,
  type UpdateAliasBody,
} from '@switchyard/core';
import type { FormReader } from '../../lib/forms';
import { validate, type FieldErrors, type Parsed } from '../../lib/forms';
import { llmPath } from '../llm/tabs';

export { ALIAS_STRATEGY_VALUES };

/** What each alias strategy does, for the select's hint. */
export const ALIAS_STRATEGY_LABELS: Record<(typeof ALIAS_STRATEGY_VALUES)[number], string> = {
  ordered: 'Ordered: the first healthy target, then the next',
  'round-robin': 'Round-robin: take turns',
  weighted: 'Weighted: random, in proportion to the weights',
  'quota-aware': 'Auto (quota-aware): the target with the most rate-limit room left',
  'least-busy': 'Least busy: the fewest requests in flight',
  latency: 'Latency: the fastest recently',
};

export interface TargetRow {
  key: string;
  ref: string;
  weight: string;
}

let seq = 0;
export function newTargetRow(ref = '', weight = '1'): TargetRow {
  seq += 1;
  return { key: `t${seq}`, ref, weight };
}

export interface AliasFormValues {
  name: string;
  /** '' for global. */
  orgId: string;
  strategy: string;
  targets: readonly TargetRow[];
  /** Comma or newline separated refs. */
  fallbacks: string;
  description: string;
  enabled: boolean;
  /** Response cache TTL in seconds; '' = off. */
  cacheTtl?: string;
}

/** A cache TTL field: '' = off (null), else whole seconds (range checked by the schema). */
export function readCacheTtl(v: string | undefined, pre: FieldErrors, field: string): number | null {
  const t = (v ?? '').trim();
  if (t === '') return null;
  const n = Number(t);
  if (!/^\d+$/.test(t) || !Number.isSafeInteger(n)) {
    pre[field] = 'must be a whole number of seconds (empty = off)';
    return null;
  }
  return n;
}

function list(s: string): string[] {
  return [
    ...new Set(
      s
        .split(/[\n,]/)
        .map((x) => x.trim())
        .filter(Boolean),
    ),
  ];
}

function aliasBody(v: AliasFormValues) {
  const pre: FieldErrors = {};
  const targets = v.targets
    .filter((t) => t.ref.trim() !== '' || t.weight.trim() !== '1')
    .map((t, i) => {
      const w = t.weight.trim() === '' ? 1 : Number(t.weight.trim());
      if (!Number.isFinite(w)) pre[`targets.${i}.weight`] = 'must be a number';
      return { ref: t.ref.trim(), weight: Number.isFinite(w) ? w : 1 };
    });
  if (Object.keys(pre).length) pre.targets ??= 'Check the targets';
  const cacheTtlSeconds = readCacheTtl(v.cacheTtl, pre, 'cacheTtlSeconds');
  const description = v.description.trim();
  return {
    pre,
    body: {
      name: v.name.trim(),
      strategy: v.strategy,
      targets,
      fallbacks: list(v.fallbacks),
      description: description === '' ? null : description,
      enabled: v.enabled,
      cacheTtlSeconds,
    },
  };
}

/** A new alias: global (no org) or for one organization. */
export function readCreateAliasForm(v: AliasFormValues): Parsed<CreateAliasBody> {
  const { pre, body } = aliasBody(v);
  return validate(createAliasBody, { ...body, orgId: v.orgId.trim() || null }, pre);
}

/** Changing an alias (its scope stays). */
export function readUpdateAliasForm(v: AliasFormValues): Parsed<UpdateAliasBody> {
  const { pre, body } = aliasBody(v);
  return validate(updateAliasBody, body, pre);
}

/** A fallback chain: the model, and the ordered models tried when it fails. */
export function readChainForm(v: {
  modelRef: string;
  targets: readonly string[];
  description?: string;
}): Parsed<FallbackChainBody> {
  const description = v.description?.trim() ?? '';
  return validate(fallbackChainBody, {
    modelRef: v.modelRef.trim(),
    targets: v.targets.map((t) => t.trim()).filter(Boolean),
    description: description === '' ? null : description,
    enabled: true,
  });
}

/** "Trace this request": model, endpoint, prompt size, max tokens, answers asked for (`n`), streaming. */
export function readTraceForm(r: FormReader): Parsed<DryRunBody> {
  const parsed = validate(
    dryRunBody,
    {
      model: r.text('model'),
      endpoint: r.text('endpoint') || 'chat',
      promptTokens: r.integer('promptTokens', undefined),
      maxTokens: r.integer('maxTokens', null),
      n: r.integer('n', undefined),
      stream: r.bool('stream'),
      ...runAsFields(r.text('runAs')),
    },
    r.errors,
  );
  // Only a chat request asks for several answers (the API would plan one for any other endpoint).
  if (parsed.ok && (parsed.data.n ?? 1) > 1 && parsed.data.endpoint !== 'chat')
    return { ok: false, errors: { n: 'only a chat request asks for several answers' } };
  return parsed;
}

/** The trace form's "Run as" choice ('' = me, 'user:<id>', 'key:<id>') as the dry run's userId / keyId. */
export function runAsFields(runAs: string): { userId?: string; keyId?: string } {
  if (runAs.startsWith('user:') && runAs.length > 5) return { userId: runAs.slice(5) };
  if (runAs.startsWith('key:') && runAs.length > 4) return { keyId: runAs.slice(4) };
  return {};
}

/** What a trace opened from elsewhere (a log entry's "Re-trace") starts from. */
export interface TraceStart {
  model: string;
  endpoint?: string;
  stream?: boolean;
  /** 'user:<id>' or 'key:<id>'. */
  runAs?: string;
  /** The logged request replayed: the server rebuilds its size, needs, max tokens and rule inputs. */
  requestId?: string;
}

/** The URL of the routing tab with the trace drawer opened on `t` (and run at once). */
export function retraceHref(t: TraceStart): string {
  const q = new URLSearchParams({ trace: t.model });
  if (t.endpoint) q.set('traceEndpoint', t.endpoint);
  if (t.stream) q.set('traceStream', '1');
  if (t.runAs) q.set('traceAs', t.runAs);
  if (t.requestId) q.set('traceRequest', t.requestId);
  return `${llmPath('routing')}?${q.toString()}`;
}

/**
 * The trace form's body. Opened on a logged request, it keeps replaying that request with the form's fields on top
 * (its needs and rule inputs stay the logged ones; its caller too while "Run as" is left as it opened).
 */
export function traceSubmitBody(data: DryRunBody, start: TraceStart | null, runAs: string): TraceBody {
  if (!start?.requestId) return data;
  const { needs: _logged, userId, keyId, ...fields } = data;
  const as =
    runAs === (start.runAs ?? '') ? {} : userId ? { userId } : keyId ? { keyId } : { asOperator: true };
  return { requestId: start.requestId, ...fields, ...as };
}

/** Moves one item of a list (the keyboard and pointer drag's result). */
export function moveItem<T>(items: readonly T[], from: number, to: number): T[] {
  const next = [...items];
  if (from < 0 || from >= next.length || to < 0 || to >= next.length) return next;
  const [item] = next.splice(from, 1);
  next.splice(to, 0, item as T);
  return next;
}
