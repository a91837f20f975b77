import { createHash } from 'node:crypto';
import {
  CACHE_HEADER,
  cacheEntryFresh,
  cachePolicy,
  cacheScope,
  canonicalJson,
  type CacheScopeSetting,
  normalisedRequest,
  parseCacheHeader,
  type CacheHeader,
  type Trace,
} from '@switchyard/core';
import type { GatewayError } from '../../lib/errors.js';
import type { StreamTranslator } from '../../providers/types.js';
import { aliasCacheKey, type LoadedModel, type LoadedProvider } from '../../router/load-config.js';
import type { PlannedAttempt, PlanResult } from '../../router/types.js';
import { skippedHeader } from '../answer-headers.js';
import { BodyCapture } from '../body-log.js';
import { sendClientError } from '../client-errors.js';
import { anthropicClientHeaders } from '../client-headers.js';
import type { AttemptResult, ProxyDeps, RequestContext } from '../context.js';
import { answerFormatOf, restoreWhole, restoringTranslator, streamReasoningSigned } from '../protect.js';
import { recordRequest } from '../record.js';
import { DB_CACHE_MAX_WRITES } from './create.js';
import { decodeEntry, encodeEntry, type CacheEntry } from './entry.js';
import type { FrontedCache, ResponseCache } from './store.js';

/** The response cache as the data plane uses it. */
export interface CacheRuntime {
  store: ResponseCache;
  /** The in-process front of `store`, when there is one (hits read from the shared store are kept in it). */
  front: FrontedCache | null;
  maxTtlSeconds: number;
  /** Answers larger than this are not stored. */
  entryMaxBytes: number;
  /** The most the store keeps for one organization (its share of the bound): a larger entry is not stored. */
  storeMaxBytes: number;
  /** Writes still running (they never hold a request; tests and shutdown may wait for them). */
  writes: Set<Promise<void>>;
}

/** What the cache did for one request; `trace` goes into the usage record's trace (`cache: …`). */
export interface CacheState {
  key: string | null;
  ttlSeconds: number;
  collector: CacheCapture | null;
  trace: {
    status: 'hit' | 'miss' | 'store' | 'bypass' | 'error';
    source?: 'header' | 'alias' | 'key';
    ttlSeconds?: number;
    ageMs?: number;
    savedUsd?: number;
    summary: string;
  };
}

/**
 * Collects the bytes sent to the client (the protected form: what the provider said, before data protection
 * restores a value) for the cache, up to a cap; past it, nothing is stored. Also the body log when that is on.
 */
export class CacheCapture extends BodyCapture {
  #parts: Buffer[] = [];
  #size = 0;
  #over = false;
  constructor(
    private readonly log: boolean,
    private readonly max: number,
  ) {
    super();
  }

  override get logging(): boolean {
    return this.log;
  }

  override add(chunk: Buffer | string | null | undefined): void {
    if (this.log) super.add(chunk);
    if (!chunk || chunk.length === 0 || this.#over) return;
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    this.#size += b.length;
    if (this.#size > this.max) {
      this.#over = true;
      this.#parts = [];
      return;
    }
    this.#parts.push(b);
  }

  /** The whole answer, or null when it was larger than the cap or empty. */
  collected(): Buffer | null {
    if (this.#over || this.#size === 0) return null;
    return Buffer.concat(this.#parts, this.#size);
  }
}

/**
 * The request's `x-switchyard-cache` header, read before routing; an invalid value is a 400 in the client's format
 * (recorded), and null is returned. Absent: no work beyond one header lookup.
 */
export function cacheHeaderOf(d: ProxyDeps, x: RequestContext): CacheHeader | null {
  const raw = x.req.headers[CACHE_HEADER];
  if (raw === undefined) return ABSENT;
  const header = parseCacheHeader(raw);

  if (header.kind !== 'invalid') return header;
  const error: GatewayError = {
    kind: 'client',
    status: 400,
    code: 'invalid_request',
    message: header.message,
  };
  // Not `capture?.add(sendClientError(...))`: with no capture that would skip sending the answer.
  const sent = sendClientError(x.res, x.match.format, error);
  x.capture?.add(sent);
  recordRequest(d, x, { status: 400, errorCode: 'invalid_request' });
  return null;
}

const ABSENT: CacheHeader = { kind: 'absent' };

type Before = { kind: 'answered' } | { kind: 'refused'; error: GatewayError } | { kind: 'continue' };

/**
 * Before the first attempt: when caching applies (alias, key or header), the cache key of the first planned target
 * and the normalised (protected) body; a fresh entry is replayed (after the caller's RPM bucket admits it) and
 * recorded as a hit with cost 0. On a miss the answer's bytes are collected for {@link cacheAfter}.
 */
export async function cacheBefore(
  d: ProxyDeps,
  cache: CacheRuntime,
  x: RequestContext,
  plan: Extract<PlanResult, { ok: true }>,
  header: CacheHeader,
): Promise<Before> {
  const config = d.config();
  const lookup = (plan.trace as Trace).lookup;
  const aliasTtl =
    lookup.alias !== undefined && lookup.scope !== undefined && config.aliasCacheTtl.size > 0
      ? (config.aliasCacheTtl.get(aliasCacheKey(lookup.scope, lookup.alias)) ?? null)
      : null;
  const policy = cachePolicy({
    endpoint: x.match.endpoint,
    header,
    aliasTtlSeconds: aliasTtl,
    keyTtlSeconds: x.caller.key?.cacheTtlSeconds ?? null,
    maxTtlSeconds: cache.maxTtlSeconds,
  });
  if (policy.mode === 'off') return CONTINUE;
  if (policy.mode === 'bypass') {
    x.cache = {
      key: null,
      ttlSeconds: 0,
      collector: null,
      trace: { status: 'bypass', summary: `cache: bypass (${policy.reason})` },
    };
    x.res.setHeader(CACHE_HEADER, 'bypass');
    d.metrics.responseCache.inc({ outcome: 'bypass' });
    return CONTINUE;
  }
  const first = plan.attempts[0]!;
  const org = x.caller.orgId !== null ? config.orgs.get(x.caller.orgId) : undefined;
  const key = cacheKey(x, first, org?.cacheScope ?? 'organization');
  const now = d.now();
  const ttl = policy.ttlSeconds;
  const how = `${policy.source}, ttl ${ttl} s${policy.capped ? ' (capped)' : ''}`;
  let entry: CacheEntry | null = null;
  let failed = false;
  try {
    const buf = await cache.store.get(key, now);
    entry = buf === null ? null : decodeEntry(buf);
    if (entry !== null && buf !== null) cache.front?.remember(key, buf, entry.meta.expiresAt);
  } catch (err) {
    failed = true;
    d.metrics.responseCache.inc({ outcome: 'error' });
    d.logger.warn(
      { err: String(err), requestId: x.requestId },
      'response cache read failed: treated as a miss',
    );
  }
  if (
    entry !== null &&
    entry.meta.stream === x.input.facts.stream &&
    entry.meta.expiresAt > now &&
    cacheEntryFresh(entry.meta.createdAt, ttl, now)
  ) {
    const refused = await d.router.admitCacheHit(first, x.input);
    if (refused !== null) return { kind: 'refused', error: refused };
    const ageMs = Math.max(0, now - entry.meta.createdAt);
    x.cache = {
      key,
      ttlSeconds: ttl,
      collector: null,
      trace: {
        status: 'hit',
        source: policy.source,
        ttlSeconds: ttl,
        ageMs,
        savedUsd: entry.meta.costUsd,
        // The record's tokens are the provider's (none on a hit); the answer's own are said here.
        summary: `cache: hit (${how}, stored ${Math.round(ageMs / 1000)} s ago by ${entry.meta.provider}/${entry.meta.model}, an answer of ${entry.meta.tokensIn} tokens in and ${entry.meta.tokensOut} out, saved $${entry.meta.costUsd.toFixed(6)})`,
      },
    };
    d.metrics.responseCache.inc({ outcome: 'hit' });
    replay(d, x, entry);
    return ANSWERED;
  }
  d.metrics.responseCache.inc({ outcome: 'miss' });
  const collector = new CacheCapture(x.capture !== null, cache.entryMaxBytes);
  x.capture = collector;
  x.cache = {
    key,
    ttlSeconds: ttl,
    collector,
    trace: {
      status: failed ? 'error' : 'miss',
      source: policy.source,
      ttlSeconds: ttl,
      summary: failed ? `cache: error (the store could not be read; ${how})` : `cache: miss (${how})`,
    },
  };
  x.res.setHeader(CACHE_HEADER, 'miss');
  return CONTINUE;
}

const CONTINUE: Before = { kind: 'continue' };
const ANSWERED: Before = { kind: 'answered' };

/**
 * The request's cache key: sha256 over who may read it (the caller's organization, or within it its user or key as
 * the organization chose; without one, the key; the master key), the key that pays upstream when it is a caller's
 * own (BYOK: an answer it paid for is served to that key's owner only: a colleague would learn what was asked, and
 * get ids, a stored Responses answer's, that their own key cannot fetch), the endpoint and client format, stream or
 * whole, the first planned target and what the gateway sends it that the client did not write (see
 * {@link targetPrint}), the Anthropic protocol headers an Anthropic client sent (they go upstream: a beta changes the
 * answer) and the normalised body (protected form).
 */
function cacheKey(x: RequestContext, first: PlannedAttempt, scope: CacheScopeSetting): string {
  const forwarded = x.match.format === 'anthropic' ? anthropicClientHeaders(x.req) : undefined;
  const h = createHash('sha256').update(cacheScope(x.caller, scope));
  // Only then: the keys of answers paid with a provider's or an organization's key are those stored before.
  if (first.keySource === 'byok') h.update(`\0byok:${first.keyId}`);
  return h
    .update('\0')
    .update(x.match.endpoint)
    .update('\0')
    .update(x.match.format)
    .update('\0')
    .update(x.input.facts.stream ? 'stream' : 'whole')
    .update('\0')
    .update(`${first.provider.id}/${first.model.id}`)
    .update('\0')
    .update(targetPrint(first.provider, first.model))
    .update('\0')
    .update(forwarded ? `${forwarded.anthropicVersion ?? ''}\0${forwarded.anthropicBeta ?? ''}` : '')
    .update('\0')
    .update(normalisedRequest(x.body, x.match.endpoint))
    .digest('hex');
}

const PRINTS = new WeakMap<LoadedModel, { provider: LoadedProvider; print: string }>();

/**
 * What the target makes of a request beyond its body, as configured: the provider's type, URLs and settings (not its
 * time limits), the model's upstream id, its default parameters and its output cap. An admin who points the model at
 * another upstream model, or changes its defaults, changes the answer: the entries stored before are not served for
 * it. Computed once per target and configuration (the snapshot's objects are new after each reload).
 */
function targetPrint(provider: LoadedProvider, model: LoadedModel): string {
  const known = PRINTS.get(model);
  if (known?.provider === provider) return known.print;
  const settings = (p: LoadedProvider) => {
    const { timeouts: _timeouts, ...rest } = p.config;
    return rest;
  };
  const print = canonicalJson({
    type: provider.type,
    baseUrl: provider.baseUrl,
    endpoints: provider.endpoints.map((e) => e.baseUrl),
    config: settings(provider),
    own: model.ownAuth ? settings(model.ownAuth.provider) : null,
    modelId: model.modelId,
    params: model.params,
    maxOutputTokens: model.maxOutputTokens,
  });
  PRINTS.set(model, { provider, print });
  return print;
}

/**
 * After an answer: a complete 2xx answer from the first planned target (the key's target), whole or a stream that
 * finished, is stored in its protected form (never a restored value). The write runs off the request's path; a
 * failure is logged and counted.
 */
export function cacheAfter(
  d: ProxyDeps,
  cache: CacheRuntime,
  x: RequestContext,
  attempt: PlannedAttempt,
  result: Extract<AttemptResult, { kind: 'done' }>,
): void {
  const state = x.cache;
  if (state === null || state.key === null || state.collector === null) return;
  const plan = x.plan;
  const first = plan?.ok ? plan.attempts[0] : undefined;
  if (
    result.status !== 200 ||
    result.errorCode !== null ||
    first === undefined ||
    first.provider.id !== attempt.provider.id ||
    first.model.id !== attempt.model.id ||
    x.connection.gone ||
    // A stream that ended without saying why (only `[DONE]`, a message stop with no stop reason), or that finished
    // with nothing in it (no text, no tool call) but a refusal or a content filter: nothing to replay.
    (x.input.facts.stream &&
      (!result.finishReason ||
        (result.contentEmitted === false && !STOPPED_BY_PROVIDER.has(result.finishReason)))) ||
    // Shaped by this caller's limits (a cap the client did not ask for): not an answer to the request as sent.
    x.capHeld
  )
    return;
  const body = state.collector.collected();
  if (body === null || (!x.input.facts.stream && !wholeAnswer(x.match.endpoint, body))) return;
  const now = d.now();
  const ttlMs = state.ttlSeconds * 1000;
  const value = encodeEntry(
    {
      v: 1,
      createdAt: now,
      expiresAt: now + ttlMs,
      stream: x.input.facts.stream,
      contentType: x.input.facts.stream
        ? 'text/event-stream'
        : String(x.res.getHeader('content-type') ?? 'application/json'),
      providerId: attempt.provider.id,
      provider: attempt.provider.slug,
      model: attempt.model.modelId,
      metricLabel: attempt.model.metricLabel,
      costUsd: result.costUsd,
      tokensIn: result.usage.inputTokens,
      tokensOut: result.usage.outputTokens,
      finishReason: result.finishReason ?? null,
      ...(x.input.facts.stream
        ? {
            translated: result.translated === true,
            signedReasoning: streamSigned(x, attempt.provider.type),
          }
        : {}),
    },
    body,
  );
  if (value.length > cache.storeMaxBytes) {
    // Larger than the store would keep for the caller's organization: neither stored nor kept in this instance.
    state.trace = {
      ...state.trace,
      summary: `${state.trace.summary}; not stored (${value.length} bytes, above the cache's ${cache.storeMaxBytes} for one organization)`,
    };
    d.metrics.responseCacheSkipped.inc({ reason: 'too_large' });
    return;
  }
  // Past the database store's writes in flight, a write is skipped (a later identical request stores it): said so,
  // and not attempted. Otherwise the write runs after the request is recorded: the trace says it was attempted, as
  // its outcome (stored, refused by the bounds, failed) is not known yet (the metrics count it once known).
  if (cache.store.busy()) {
    state.trace = {
      ...state.trace,
      summary: `${state.trace.summary}; not stored (busy: ${DB_CACHE_MAX_WRITES} database cache writes in flight)`,
    };
    d.metrics.responseCacheSkipped.inc({ reason: 'busy' });
    return;
  }
  state.trace = { ...state.trace, status: 'store', summary: `${state.trace.summary}; storing` };
  const write = cache.store
    .set(state.key, value, ttlMs, now, {
      orgId: x.caller.orgId,
      target: `${attempt.provider.slug}/${attempt.model.modelId}`,
    })
    .then(
      (stored) => {
        if (stored) d.metrics.responseCache.inc({ outcome: 'store' });
        else d.metrics.responseCacheSkipped.inc({ reason: 'refused' });
      },
      (err: unknown) => {
        d.metrics.responseCache.inc({ outcome: 'error' });
        d.logger.warn({ err: String(err), requestId: x.requestId }, 'response cache write failed');
      },
    )
    .finally(() => cache.writes.delete(write));
  cache.writes.add(write);
}

/** Stop reasons that are an answer even with no content: the provider refused, or its content filter stopped it. */
const STOPPED_BY_PROVIDER: ReadonlySet<string> = new Set(['refusal', 'content_filter']);

/**
 * Whether a whole 2xx body is an answer to store. A failure the provider sent with a 2xx (`{"error": …}`) never
 * reaches here: its attempt failed (see `errorInAnswer`). An answer that carries no answer is not stored either:
 * stored, it would be replayed to every identical request for the whole TTL, and a client that asks again after an
 * empty answer would get the same empty answer back. That is a chat completion with no choices, or none with any
 * output (content, tool calls, a refusal, audio) unless the provider's content filter stopped it; a message with no
 * content (or only empty text) unless its stop reason is a refusal (an empty `end_turn`, which Claude may answer
 * after a tool result, is one a client is told to ask again); a Responses answer that did not complete (cancelled,
 * still running in the background) or has no output; embeddings with no vectors. The body is parsed only here, on a
 * miss that asked for the cache.
 */
function wholeAnswer(endpoint: string, body: Buffer): boolean {
  let j: unknown;
  try {
    j = JSON.parse(body.toString('utf8'));
  } catch {
    return false;
  }
  if (j === null || typeof j !== 'object' || Array.isArray(j)) return false;
  const o = j as Record<string, unknown>;
  switch (endpoint) {
    case 'chat':
      return Array.isArray(o.choices) && o.choices.some(choiceAnswers);
    case 'messages':
      return (Array.isArray(o.content) && o.content.some(blockAnswers)) || o.stop_reason === 'refusal';
    case 'responses':
      return (
        (o.status === undefined || o.status === 'completed' || o.status === 'incomplete') &&
        Array.isArray(o.output) &&
        o.output.length > 0
      );
    case 'embeddings':
      return Array.isArray(o.data) && o.data.length > 0;
    default:
      return true;
  }
}

const filled = (v: unknown): boolean =>
  typeof v === 'string'
    ? v.length > 0
    : Array.isArray(v)
      ? v.length > 0
      : v !== null && typeof v === 'object';

/** A chat completion choice with some output, or one the provider's content filter stopped. */
function choiceAnswers(c: unknown): boolean {
  if (c === null || typeof c !== 'object') return false;
  const choice = c as Record<string, unknown>;
  if (choice.finish_reason === 'content_filter') return true;
  const m = choice.message;
  if (m === null || typeof m !== 'object') return false;
  const msg = m as Record<string, unknown>;
  return (
    filled(msg.content) ||
    filled(msg.tool_calls) ||
    filled(msg.function_call) ||
    filled(msg.refusal) ||
    filled(msg.audio)
  );
}

/** A message content block with something in it (text that is not empty, a tool call, thinking, …). */
function blockAnswers(b: unknown): boolean {
  if (b === null || typeof b !== 'object') return false;
  const block = b as Record<string, unknown>;
  return block.type !== 'text' || filled(block.text);
}

/** A stored answer replayed: the whole answer, or the stream's SSE events in the client's format, values restored. */
function replay(d: ProxyDeps, x: RequestContext, entry: CacheEntry): void {
  const { meta } = entry;
  const dlp = x.dlp;
  x.capture?.add(entry.body);
  const headers: Record<string, string | number> = {
    'content-type': meta.contentType,
    [CACHE_HEADER]: 'hit',
    'x-switchyard-provider': meta.provider,
    'x-switchyard-model': meta.model,
    'x-switchyard-attempts': 0,
  };
  if (x.debugSkipped) headers['x-switchyard-skipped'] = skippedHeader(x.debugSkipped);
  let out: Buffer | string = entry.body;
  if (meta.stream) {
    headers['cache-control'] = 'no-cache';
    if (dlp?.answer) {
      // A translated stream's reasoning is restored as the live stream's was (see restoringTranslator), and its
      // signed reasoning left as it came, as the live stream left it (restored, it would no longer be what Claude
      // signed: the client's next turn would lose its thinking, or send the value to the provider).
      const signed =
        meta.signedReasoning ??
        streamSigned(x, d.config().providers.find((p) => p.id === meta.providerId)?.type);
      const t = restoringTranslator(
        new PassThrough(),
        dlp.answer,
        dlp.ctx,
        null,
        meta.translated === true,
        signed,
      );
      out = t.push(entry.body) + t.end();
    }
  } else if (dlp?.answer) out = restoreWhole(dlp.answer, entry.body, dlp.ctx);
  headers['content-length'] = Buffer.byteLength(out);
  x.res.writeHead(200, headers);
  x.res.end(out);
  const ttft = Math.round(performance.now() - x.started);
  recordRequest(
    d,
    x,
    {
      status: 200,
      providerId: meta.providerId,
      providerSlug: meta.provider,
      modelId: meta.model,
      tokensIn: 0,
      tokensOut: 0,
      costUsd: 0,
      savedUsd: 0,
      ttftMs: ttft,
      attempts: 0,
      cacheHit: true,
      cacheSavedUsd: meta.costUsd,
    },
    meta.metricLabel,
    meta.finishReason,
  );
}

/** Whether this request's stream, answered by a provider of this type, has signed reasoning (streamReasoningSigned). */
function streamSigned(x: RequestContext, providerType: string | undefined): boolean {
  const format = answerFormatOf(x.match.endpoint);
  return format !== null && streamReasoningSigned(format, x.body, providerType);
}

/** A stored client-format stream as a translator's output (so data protection's stream restorer can run over it). */
class PassThrough implements StreamTranslator {
  readonly usage = { inputTokens: 0, outputTokens: 0, cachedTokens: 0 };
  readonly usageFinal = false;
  readonly contentEmitted = true;
  readonly finished = true;
  readonly fault = null;
  readonly finishReason = null;
  push(chunk: Buffer): Buffer {
    return chunk;
  }
  end(): string {
    return '';
  }
  errorEvent(): string {
    return '';
  }
}
