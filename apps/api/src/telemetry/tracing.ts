/**
 * OpenTelemetry traces of proxy requests, exported over OTLP/HTTP with the official SDK when
 * OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set; otherwise nothing is created and the
 * proxy does no tracing work at all (one null check per request). Encoded as binary protobuf, OTLP/HTTP's default
 * (every OTLP/HTTP receiver takes it; JSON is optional for a receiver, and protobuf is the cheaper to write and
 * the smaller), or as JSON with OTEL_EXPORTER_OTLP_(TRACES_)PROTOCOL=http/json.
 *
 * One trace per request, following the GenAI semantic conventions: a server span for the gateway's request
 * (`chat gpt-4o`: operation, requested and response model, provider, token usage, finish reasons, the routing
 * decision as `switchyard.route.*`), and a client span per attempt (provider, upstream model, server address,
 * outcome, status, retry number). An incoming W3C `traceparent` is continued, and each attempt's span is passed
 * upstream as the call's `traceparent`.
 */
import type { IncomingHttpHeaders } from 'node:http';
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
  type TextMapGetter,
  type Tracer,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter as OTLPJsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OTLPProtobufTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BasicTracerProvider,
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  type Sampler,
} from '@opentelemetry/sdk-trace-base';

/** What the request span says at its end (from the usage record and the plan). */
export interface RequestOutcome {
  status: number;
  errorCode: string | null;
  requestId: string;
  responseModel: string | null;
  providerType: string | null;
  providerSlug: string | null;
  tokensIn: number;
  tokensOut: number;
  costUsd: number;
  finishReason: string | null;
  stream: boolean;
  route: {
    kind: string;
    alias?: string;
    strategy: string;
    candidates: number;
    order: string[];
  } | null;
}

/** One attempt as it ended (the request's attempt log entry). */
export interface AttemptOutcome {
  status: number;
  outcome: string;
  ms: number;
}

export interface AttemptSpan {
  /** The W3C traceparent to send upstream: this attempt's span as the parent. */
  readonly traceparent: string;
  /** Ends the span `ms` after it started, with the attempt's outcome. */
  end(o: AttemptOutcome): void;
}

export interface RequestSpan {
  attempt(a: {
    providerType: string;
    providerSlug: string;
    baseUrl: string | null;
    model: string;
    attemptNo: number;
    keySource: string;
  }): AttemptSpan;
  end(o: RequestOutcome): void;
}

export interface Tracing {
  /** A request's span, continuing the client's `traceparent` when it sent a valid one. */
  startRequest(
    headers: IncomingHttpHeaders,
    operation: string,
    requestedModel: string,
    startMs: number,
  ): RequestSpan;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

export interface TracingEnv {
  OTEL_EXPORTER_OTLP_ENDPOINT?: string | undefined;
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?: string | undefined;
  OTEL_EXPORTER_OTLP_PROTOCOL?: 'http/protobuf' | 'http/json' | undefined;
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL?: 'http/protobuf' | 'http/json' | undefined;
  OTEL_SERVICE_NAME?: string | undefined;
  OTEL_TRACES_SAMPLER?: string | undefined;
  OTEL_TRACES_SAMPLER_ARG?: number | undefined;
}

/**
 * The sampler OTEL_TRACES_SAMPLER names (validated with the environment; see config/env.ts), with
 * OTEL_TRACES_SAMPLER_ARG as the ratio (default 1). Given to the SDK explicitly, so the validated settings are the
 * ones used (the SDK would otherwise read process.env itself and fall back silently on a bad value). An unsampled
 * request costs no span work, and its attempts still pass a `traceparent` upstream, flagged not sampled.
 */
export function samplerOf(env: Pick<TracingEnv, 'OTEL_TRACES_SAMPLER' | 'OTEL_TRACES_SAMPLER_ARG'>): Sampler {
  const ratio = () => new TraceIdRatioBasedSampler(env.OTEL_TRACES_SAMPLER_ARG ?? 1);
  switch (env.OTEL_TRACES_SAMPLER) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return ratio();
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: ratio() });
    default:
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
  }
}

/** The GenAI operation name of a proxy endpoint. */
export const GENAI_OPERATION: Record<string, string> = {
  chat: 'chat',
  messages: 'chat',
  responses: 'chat',
  embeddings: 'embeddings',
  count_tokens: 'count_tokens',
};

const headerGetter: TextMapGetter<IncomingHttpHeaders> = {
  keys: (h) => Object.keys(h),
  get: (h, key) => h[key],
};

/** Epoch milliseconds with sub-millisecond precision (what the spans' start and end times are). */
const nowMs = (): number => performance.timeOrigin + performance.now();

/** Hosts of providers' base URLs, parsed once each (a URL parse per traced attempt otherwise); a handful of them. */
const hosts = new Map<string, string | null>();

function serverAddress(baseUrl: string | null): string | null {
  if (!baseUrl) return null;
  let host = hosts.get(baseUrl);
  if (host !== undefined) return host;
  try {
    host = new URL(baseUrl).hostname || null;
  } catch {
    host = null;
  }
  if (hosts.size >= 1_000) hosts.clear();
  hosts.set(baseUrl, host);
  return host;
}

class AttemptSpanImpl implements AttemptSpan {
  readonly traceparent: string;
  constructor(
    private readonly span: Span,
    private readonly startMs: number,
  ) {
    const c = span.spanContext();
    this.traceparent = `00-${c.traceId}-${c.spanId}-${c.traceFlags.toString(16).padStart(2, '0')}`;
  }

  end(o: AttemptOutcome): void {
    const s = this.span;
    s.setAttribute('switchyard.attempt.outcome', o.outcome);
    if (o.status > 0) s.setAttribute('http.response.status_code', o.status);
    if (o.outcome !== 'ok') {
      s.setAttribute('error.type', o.outcome);
      s.setStatus({ code: SpanStatusCode.ERROR, message: o.outcome });
    }
    // Its duration as the proxy measured it, but never past now: the request's span (its parent) ends after it, at
    // its own now, and a duration measured from a slightly earlier start could otherwise end the child after it.
    s.end(Math.min(this.startMs + Math.max(0, o.ms), nowMs()));
  }
}

class RequestSpanImpl implements RequestSpan {
  private readonly ctx: Context;
  constructor(
    private readonly tracer: Tracer,
    private readonly span: Span,
    private readonly operation: string,
  ) {
    this.ctx = trace.setSpan(ROOT_CONTEXT, span);
  }

  attempt(a: Parameters<RequestSpan['attempt']>[0]): AttemptSpan {
    const startMs = nowMs();
    const attrs: Attributes = {
      'gen_ai.operation.name': this.operation,
      'gen_ai.system': a.providerType,
      'gen_ai.provider.name': a.providerType,
      'gen_ai.request.model': a.model,
      'switchyard.provider': a.providerSlug,
      'switchyard.attempt.number': a.attemptNo,
      'switchyard.key_source': a.keySource,
    };
    const host = serverAddress(a.baseUrl);
    if (host) attrs['server.address'] = host;
    const span = this.tracer.startSpan(
      `${this.operation} ${a.model}`,
      { kind: SpanKind.CLIENT, startTime: startMs, attributes: attrs },
      this.ctx,
    );
    return new AttemptSpanImpl(span, startMs);
  }

  end(o: RequestOutcome): void {
    const s = this.span;
    const attrs: Attributes = {
      'http.response.status_code': o.status,
      'switchyard.request_id': o.requestId,
      'switchyard.cost_usd': o.costUsd,
      'switchyard.stream': o.stream,
      'gen_ai.usage.input_tokens': o.tokensIn,
      'gen_ai.usage.output_tokens': o.tokensOut,
    };
    if (o.responseModel) attrs['gen_ai.response.model'] = o.responseModel;
    if (o.providerType) {
      attrs['gen_ai.system'] = o.providerType;
      attrs['gen_ai.provider.name'] = o.providerType;
    }
    if (o.providerSlug) attrs['switchyard.provider'] = o.providerSlug;
    if (o.finishReason) attrs['gen_ai.response.finish_reasons'] = [o.finishReason];
    if (o.route) {
      attrs['switchyard.route.kind'] = o.route.kind;
      attrs['switchyard.route.strategy'] = o.route.strategy;
      attrs['switchyard.route.candidates'] = o.route.candidates;
      attrs['switchyard.route.order'] = o.route.order;
      if (o.route.alias) attrs['switchyard.route.alias'] = o.route.alias;
    }
    if (o.errorCode) attrs['error.type'] = o.errorCode;
    s.setAttributes(attrs);
    if (o.status >= 400)
      s.setStatus({ code: SpanStatusCode.ERROR, message: o.errorCode ?? `HTTP ${o.status}` });
    s.end(nowMs());
  }
}

/** The configured tracing, or null when no OTLP endpoint is set (then nothing of the SDK is created). */
export function createTracing(env: TracingEnv): Tracing | null {
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  const explicit = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  if (!base && !explicit) return null;
  const url = explicit || `${base!.replace(/\/+$/, '')}/v1/traces`;
  const protocol =
    env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf';
  const exporter =
    protocol === 'http/json' ? new OTLPJsonTraceExporter({ url }) : new OTLPProtobufTraceExporter({ url });
  const provider = new BasicTracerProvider({
    sampler: samplerOf(env),
    resource: resourceFromAttributes({ 'service.name': env.OTEL_SERVICE_NAME?.trim() || 'switchyard' }),
    spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: 1000 })],
  });
  const tracer = provider.getTracer('switchyard');
  const propagator = new W3CTraceContextPropagator();
  return {
    startRequest(headers, operation, requestedModel, startMs) {
      const parent = headers.traceparent
        ? propagator.extract(ROOT_CONTEXT, headers, headerGetter)
        : ROOT_CONTEXT;
      const span = tracer.startSpan(
        `${operation} ${requestedModel}`,
        {
          kind: SpanKind.SERVER,
          startTime: startMs,
          attributes: { 'gen_ai.operation.name': operation, 'gen_ai.request.model': requestedModel },
        },
        parent,
      );
      return new RequestSpanImpl(tracer, span, operation);
    },
    forceFlush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}
