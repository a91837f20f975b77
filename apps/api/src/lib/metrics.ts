import {
  Counter,
  Gauge,
  Histogram,
  Registry,
  collectDefaultMetrics,
  type CounterConfiguration,
  type Metric,
} from 'prom-client';

/** Past this many distinct label sets a BufferedCounter stops buffering new ones and increments directly. */
const MAX_BUFFERED_SERIES = 10_000;

/**
 * A prom-client Counter fed from the proxy's hot path. `add(n, ...labelValues)` costs one Map lookup; prom-client's
 * own `inc(labels)` validates and hashes the label object on every call. The sums move into the counter whenever
 * it is collected (a scrape, or `get()`), so what Prometheus reads is exact.
 */
export class BufferedCounter<T extends string> {
  readonly counter: Counter<T>;
  readonly #names: readonly T[];
  readonly #pending = new Map<string, { labels: Record<T, string>; value: number }>();

  constructor(config: CounterConfiguration<T> & { labelNames: readonly T[] }) {
    this.#names = config.labelNames;
    this.counter = new Counter<T>({ ...config, collect: () => this.flush() });
  }

  /** Adds `n` to the series with these label values (in `labelNames` order). */
  add(n: number, ...values: string[]): void {
    const key = values.join('\u0000');
    const entry = this.#pending.get(key);
    if (entry) {
      entry.value += n;
      return;
    }
    const labels = {} as Record<T, string>;
    this.#names.forEach((name, i) => (labels[name] = values[i] ?? ''));
    if (this.#pending.size >= MAX_BUFFERED_SERIES) this.counter.inc(labels, n);
    else this.#pending.set(key, { labels, value: n });
  }

  /** Moves the buffered sums into the counter (label objects are kept for the next adds). */
  flush(): void {
    for (const e of this.#pending.values()) {
      if (e.value === 0) continue;
      this.counter.inc(e.labels, e.value);
      e.value = 0;
    }
  }
}

/** One line of a scrape, as prom-client's registry reads it from a metric's `get()`. */
interface SeriesValue {
  labels: Record<string, string | number>;
  value: number;
  metricName: string;
}

interface HistogramSeries {
  labels: Record<string, string>;
  /** Observations per bucket (not cumulative); the last slot is above the highest bound (+Inf). */
  counts: number[];
  sum: number;
  count: number;
}

/**
 * A Prometheus histogram fed from the proxy's hot path. `add(value, ...labelValues)` costs one Map lookup and a
 * short bucket scan; prom-client's `observe(labels, value)` validates and hashes the label object on every call
 * (2–3 % of the proxy's CPU in a profile). Registered as a metric of its own: a scrape (or `get()`) reads the
 * series as prom-client's own histogram would write them (`_bucket` with `le`, cumulative, `_sum`, `_count`).
 */
export class BufferedHistogram<T extends string> {
  readonly name: string;
  readonly help: string;
  readonly type = 'histogram' as const;
  readonly aggregator = 'sum' as const;
  readonly #names: readonly T[];
  readonly #bounds: readonly number[];
  readonly #series = new Map<string, HistogramSeries>();

  constructor(config: {
    name: string;
    help: string;
    labelNames: readonly T[];
    buckets: readonly number[];
    registers: Registry[];
  }) {
    this.name = config.name;
    this.help = config.help;
    this.#names = config.labelNames;
    this.#bounds = [...config.buckets].sort((a, b) => a - b);
    for (const r of config.registers) r.registerMetric(this as unknown as Metric<T>);
  }

  /** Records one observation for the series with these label values (in `labelNames` order). */
  add(value: number, ...values: string[]): void {
    if (!Number.isFinite(value)) return;
    const key = values.join('\u0000');
    let s = this.#series.get(key);
    if (s === undefined) {
      const labels: Record<string, string> = {};
      this.#names.forEach((name, i) => (labels[name] = values[i] ?? ''));
      s = { labels, counts: new Array<number>(this.#bounds.length + 1).fill(0), sum: 0, count: 0 };
      this.#series.set(key, s);
    }
    const b = this.#bounds;
    let i = 0;
    while (i < b.length && value > b[i]!) i++;
    s.counts[i]!++;
    s.sum += value;
    s.count++;
  }

  /** The series as prom-client's registry reads a histogram. */
  async get(): Promise<{
    name: string;
    help: string;
    type: 'histogram';
    aggregator: 'sum';
    values: SeriesValue[];
  }> {
    const values: SeriesValue[] = [];
    const bucket = `${this.name}_bucket`;
    for (const s of this.#series.values()) {
      let acc = 0;
      this.#bounds.forEach((le, i) => {
        acc += s.counts[i]!;
        values.push({ labels: { le, ...s.labels }, value: acc, metricName: bucket });
      });
      values.push({ labels: { le: '+Inf', ...s.labels }, value: s.count, metricName: bucket });
      values.push({ labels: { ...s.labels }, value: s.sum, metricName: `${this.name}_sum` });
      values.push({ labels: { ...s.labels }, value: s.count, metricName: `${this.name}_count` });
    }
    return {
      name: this.name,
      help: this.help,
      type: this.type,
      aggregator: this.aggregator,
      values,
    };
  }

  reset(): void {
    this.#series.clear();
  }
}

/**
 * The `model` label value for a registry model. Names of org- and user-scoped models (a fine-tune, a private
 * deployment) are that tenant's business and /metrics is an operator surface: they show as `org-model` or
 * `user-model`. Computed once per model when the routing config loads.
 */
export function modelMetricLabel(scope: string, modelId: string): string {
  if (scope === 'global') return modelId;
  if (scope.startsWith('org:')) return 'org-model';
  if (scope.startsWith('user:')) return 'user-model';
  return 'scoped-model';
}

/** One Prometheus registry per app instance (tests create several apps in one process). */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'switchyard_' });
  const httpAdmin = new Histogram({
    name: 'switchyard_admin_request_duration_seconds',
    help: 'Admin API and static request duration',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const proxyRequests = new BufferedCounter({
    name: 'switchyard_proxy_requests_total',
    help: 'Proxy requests by endpoint, provider, model and status',
    labelNames: ['endpoint', 'provider', 'model', 'status'] as const,
    registers: [registry],
  });
  const proxyLatency = new BufferedHistogram({
    name: 'switchyard_proxy_latency_seconds',
    help: 'Total proxy request latency',
    labelNames: ['endpoint', 'provider'] as const,
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });
  const proxyTtft = new BufferedHistogram({
    name: 'switchyard_proxy_ttft_seconds',
    help: 'Time to first token (first byte of the upstream body) for proxy requests',
    labelNames: ['endpoint', 'provider'] as const,
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const tokens = new BufferedCounter({
    name: 'switchyard_tokens_total',
    help: 'Tokens by direction',
    labelNames: ['provider', 'model', 'direction'] as const,
    registers: [registry],
  });
  // Its own counter, not a label on switchyard_tokens_total: the series of that metric stay as they are, and only the
  // models whose providers report no usage get series here.
  const tokensEstimated = new BufferedCounter({
    name: 'switchyard_tokens_estimated_total',
    help: 'Of switchyard_tokens_total, the tokens of requests whose usage the gateway estimated (the provider reported none, or not all of it), by direction',
    labelNames: ['provider', 'model', 'direction'] as const,
    registers: [registry],
  });
  const cost = new BufferedCounter({
    name: 'switchyard_cost_usd_total',
    help: 'Cost in USD',
    labelNames: ['provider', 'model'] as const,
    registers: [registry],
  });
  const retries = new Counter({
    name: 'switchyard_retries_total',
    help: 'Same-target retries',
    labelNames: ['provider'] as const,
    registers: [registry],
  });
  const fallbacks = new Counter({
    name: 'switchyard_fallbacks_total',
    help: 'Fallbacks to the next attempt',
    labelNames: ['from_provider', 'reason'] as const,
    registers: [registry],
  });
  const skips = new Counter({
    name: 'switchyard_route_skips_total',
    help: 'Candidates skipped by reason',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  /**
   * Read when scraped from the circuits as this instance's view of the state store has them (with Redis, the shared
   * circuits, synced): every instance shows a circuit another one opened or closed. Several scoped models share one
   * neutral label, so a series is their count; a series seen once stays, at 0 when its circuits closed.
   */
  let readCircuits: () => Iterable<{ provider: string; model: string }> = () => [];
  const circuitSeries = new Map<string, { provider: string; model: string }>();
  const circuitOpen = new Gauge({
    name: 'switchyard_circuit_open',
    help: 'Open provider x model circuits (1 or 0 per global model; a count under org-model / user-model)',
    labelNames: ['provider', 'model'] as const,
    registers: [registry],
    collect() {
      const counts = new Map<string, number>();
      for (const c of readCircuits()) {
        const series = `${c.provider}\u0000${c.model}`;
        if (!circuitSeries.has(series)) circuitSeries.set(series, c);
        counts.set(series, (counts.get(series) ?? 0) + 1);
      }
      for (const [series, labels] of circuitSeries) this.set(labels, counts.get(series) ?? 0);
    },
  });
  /** Where the open circuits are read from at a scrape (the routing runtime's view). */
  const openCircuitsFrom = (from: () => Iterable<{ provider: string; model: string }>) =>
    void (readCircuits = from);
  /** A gauge read when scraped (nothing per request) from a source the app sets: the gauge, and that setter. */
  const scrapedGauge = (name: string, help: string) => {
    let read: () => number = () => 0;
    const gauge = new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read());
      },
    });
    return [gauge, (from: () => number) => void (read = from)] as const;
  };
  const [usageQueueDepth, usageQueueDepthFrom] = scrapedGauge(
    'switchyard_usage_queue_depth',
    'Usage records waiting to be written',
  );
  const [, liveStreamsFrom] = scrapedGauge(
    'switchyard_live_event_streams',
    'Live event streams (GET /api/v1/llm/events) open on this instance',
  );
  const [, bodyBytesHeldFrom] = scrapedGauge(
    'switchyard_request_body_bytes_held',
    'Bytes of proxy request bodies held in memory now (bounded by BODY_MEMORY_LIMIT)',
  );
  const usageDropped = new Counter({
    name: 'switchyard_usage_dropped_total',
    help: 'Usage records dropped because the buffer bound was hit',
    registers: [registry],
  });
  const usageWritten = new Counter({
    name: 'switchyard_usage_written_total',
    help: 'Usage records written to the database',
    registers: [registry],
  });
  const usageDeadLetter = new Counter({
    name: 'switchyard_usage_dead_letter_total',
    help: 'Usage records the database refused, moved to UsageDeadLetter',
    registers: [registry],
  });
  const stateStoreFailOpen = new Counter({
    name: 'switchyard_state_store_fail_open_total',
    help: 'Shared state store unavailable: decisions taken on local state',
    labelNames: ['op'] as const,
    registers: [registry],
  });
  const responseCache = new Counter({
    name: 'switchyard_response_cache_total',
    help: 'Response cache lookups and writes by outcome: hit, miss, store, bypass, error',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const responseCacheSkipped = new Counter({
    name: 'switchyard_response_cache_skipped_writes_total',
    help: "Response cache writes of a miss's answer not stored, by reason: busy (the database store's writes in flight at their bound: not attempted), too_large (above what one organization may hold: not attempted), refused (attempted, refused by the store's bounds)",
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  const feedbackScore = new Histogram({
    name: 'switchyard_feedback_score',
    help: 'Scores given to requests (POST /v1/feedback), 0 (bad) to 1 (good), by the provider and model that answered (a replaced score is observed again)',
    labelNames: ['provider', 'model'] as const,
    buckets: [0, 0.25, 0.5, 0.75, 1],
    registers: [registry],
  });
  const routingReloads = new Counter({
    name: 'switchyard_routing_reloads_total',
    help: "Loads of the routing configuration from the database on this instance (its own changes, other instances' changes coalesced, the periodic reload)",
    registers: [registry],
  });
  const stateStoreUp = new Gauge({
    name: 'switchyard_state_store_shared',
    help: '1 while limits are counted in the shared store (Redis), 0 while failing open onto local limits',
    registers: [registry],
  });
  return {
    registry,
    httpAdmin,
    proxyRequests,
    proxyLatency,
    proxyTtft,
    tokens,
    tokensEstimated,
    cost,
    retries,
    fallbacks,
    skips,
    circuitOpen,
    openCircuitsFrom,
    usageQueueDepth,
    usageQueueDepthFrom,
    liveStreamsFrom,
    bodyBytesHeldFrom,
    usageDropped,
    usageWritten,
    usageDeadLetter,
    stateStoreFailOpen,
    stateStoreUp,
    routingReloads,
    responseCache,
    responseCacheSkipped,
    feedbackScore,
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
