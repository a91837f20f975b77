import fc from 'fast-check';
import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { BufferedCounter, BufferedHistogram, createMetrics, modelMetricLabel } from './metrics.js';

/** A BufferedCounter with placeholder help text, registered in `registry` when one is given. */
const counter = <T extends string>(name: string, labelNames: readonly T[], registry?: Registry) =>
  new BufferedCounter<T>({ name, help: 'h', labelNames, registers: registry ? [registry] : [] });

const series = async (registry: Registry, name: string) =>
  (await registry.metrics()).split('\n').filter((l) => l.startsWith(`${name}{`));

describe('BufferedCounter', () => {
  it('sums what was added per label set and shows it on the next scrape, exactly once', async () => {
    const registry = new Registry();
    const c = counter('t_requests_total', ['provider', 'status'] as const, registry);
    c.add(1, 'openai', '200');
    c.add(1, 'openai', '200');
    c.add(1, 'openai', '429');
    c.add(2.5, 'anthropic', '200');
    expect(await series(registry, 't_requests_total')).toEqual([
      't_requests_total{provider="openai",status="200"} 2',
      't_requests_total{provider="openai",status="429"} 1',
      't_requests_total{provider="anthropic",status="200"} 2.5',
    ]);
    // A second scrape with nothing new adds nothing; new adds land on top.
    expect(await series(registry, 't_requests_total')).toContain(
      't_requests_total{provider="openai",status="200"} 2',
    );
    c.add(3, 'openai', '200');
    expect(await series(registry, 't_requests_total')).toContain(
      't_requests_total{provider="openai",status="200"} 5',
    );
  });

  it('get() sees buffered adds (it collects first)', async () => {
    const c = counter('t_tokens_total', ['direction'] as const);
    c.add(7, 'in');
    c.add(5, 'in');
    expect((await c.counter.get()).values).toEqual([{ labels: { direction: 'in' }, value: 12 }]);
  });

  it('label values that would run together stay separate series', async () => {
    const registry = new Registry();
    const c = counter('t_pairs_total', ['a', 'b'] as const, registry);
    c.add(1, 'x', 'yz');
    c.add(1, 'xy', 'z');
    expect(await series(registry, 't_pairs_total')).toHaveLength(2);
  });

  it('past 10,000 label sets new ones are counted directly, and still counted', async () => {
    const c = counter('t_many_total', ['model'] as const);
    for (let i = 0; i < 10_002; i++) c.add(1, `m${i}`);
    c.add(1, 'm10001');
    const values = (await c.counter.get()).values;
    expect(values).toHaveLength(10_002);
    expect(values.find((v) => v.labels.model === 'm10001')?.value).toBe(2);
    expect(values.reduce((sum, v) => sum + v.value, 0)).toBe(10_003);
  });
});

describe('BufferedHistogram', () => {
  const buckets = [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
  const labelNames = ['endpoint', 'provider'] as const;
  /** Both histograms fed the same observations; each scrape's text, with the names made equal. */
  const scrapes = async (obs: [number, string, string][]) => {
    const ours = new Registry();
    const theirs = new Registry();
    const b = new BufferedHistogram({
      name: 't_latency_seconds',
      help: 'h',
      labelNames,
      buckets,
      registers: [ours],
    });
    const h = new Histogram({
      name: 't_latency_seconds',
      help: 'h',
      labelNames,
      buckets,
      registers: [theirs],
    });
    for (const [v, endpoint, provider] of obs) {
      b.add(v, endpoint, provider);
      h.observe({ endpoint, provider }, v);
    }
    return [await ours.metrics(), await theirs.metrics()] as const;
  };

  it("a scrape reads exactly what prom-client's own histogram shows for the same observations", async () => {
    const [ours, theirs] = await scrapes([
      [0.0004, 'chat.completions', 'openai'],
      [0.001, 'chat.completions', 'openai'], // on a bound: counted in that bucket
      [0.2, 'chat.completions', 'openai'],
      [12, 'chat.completions', 'openai'], // above the highest bound: +Inf only
      [0.03, 'messages', 'anthropic'],
    ]);
    expect(ours).toBe(theirs);
    expect(ours).toContain(
      't_latency_seconds_bucket{le="0.001",endpoint="chat.completions",provider="openai"} 2',
    );
    expect(ours).toContain('t_latency_seconds_count{endpoint="chat.completions",provider="openai"} 4');
  });

  it('agrees with prom-client for any observations', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.tuple(
            fc.oneof(fc.double({ min: 0, max: 20, noNaN: true }), fc.constantFrom(...buckets)),
            fc.constantFrom('chat.completions', 'messages'),
            fc.constantFrom('a', 'b', 'a"b', 'x\\y'),
          ),
          { maxLength: 40 },
        ),
        async (obs) => {
          const [ours, theirs] = await scrapes(obs);
          expect(ours).toBe(theirs);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a value that is not a number is not recorded; reset clears every series', async () => {
    const registry = new Registry();
    const b = new BufferedHistogram({
      name: 't_x_seconds',
      help: 'h',
      labelNames,
      buckets,
      registers: [registry],
    });
    b.add(Number.NaN, 'chat.completions', 'openai');
    b.add(Number.POSITIVE_INFINITY, 'chat.completions', 'openai');
    expect(await registry.metrics()).not.toContain('t_x_seconds_count');
    b.add(0.2, 'chat.completions', 'openai');
    expect(await registry.metrics()).toContain(
      't_x_seconds_count{endpoint="chat.completions",provider="openai"} 1',
    );
    registry.resetMetrics();
    expect(await registry.metrics()).not.toContain('t_x_seconds_count');
  });
});

describe('proxy metrics', () => {
  it('requests, tokens and cost counters are exposed under their names', async () => {
    const m = createMetrics();
    m.proxyRequests.add(1, 'chat.completions', 'bench', 'bench-model', '200');
    m.tokens.add(24, 'bench', 'bench-model', 'in');
    m.cost.add(0.25, 'bench', 'bench-model');
    const text = await m.registry.metrics();
    expect(text).toContain(
      'switchyard_proxy_requests_total{endpoint="chat.completions",provider="bench",model="bench-model",status="200"} 1',
    );
    expect(text).toContain('switchyard_tokens_total{provider="bench",model="bench-model",direction="in"} 24');
    expect(text).toContain('switchyard_cost_usd_total{provider="bench",model="bench-model"} 0.25');
  });
});

describe('usage queue depth gauge', () => {
  it('shows the queue depth at scrape time (0 until a queue is attached)', async () => {
    const m = createMetrics();
    expect(await m.registry.metrics()).toContain('switchyard_usage_queue_depth 0');
    let depth = 42;
    m.usageQueueDepthFrom(() => depth);
    expect(await m.registry.metrics()).toContain('switchyard_usage_queue_depth 42');
    depth = 3;
    expect(await m.registry.metrics()).toContain('switchyard_usage_queue_depth 3');
  });
});

describe('model labels and the circuit gauge', () => {
  it.each([
    ['global', 'gpt-4o', 'gpt-4o'],
    ['org:c123', 'ft:acme-secret', 'org-model'],
    ['user:u9', 'my-private-llama', 'user-model'],
    ['other', 'x', 'scoped-model'],
  ])('a %s model %s is labelled %s', (scope, modelId, label) => {
    expect(modelMetricLabel(scope, modelId)).toBe(label);
  });

  it('counts the open circuits behind a shared label; a global model is 1 or 0', async () => {
    const m = createMetrics();
    const gauge = async () =>
      (await m.registry.metrics()).split('\n').filter((l) => l.startsWith('switchyard_circuit_open{'));
    // The circuits not closed, as the routing runtime reads them off its view of the store at each scrape.
    let open = [
      { provider: 'p', model: 'org-model' },
      { provider: 'p', model: 'org-model' },
      { provider: 'p', model: 'gpt-4o' },
    ];
    m.openCircuitsFrom(() => open);
    expect(await gauge()).toEqual([
      'switchyard_circuit_open{provider="p",model="org-model"} 2',
      'switchyard_circuit_open{provider="p",model="gpt-4o"} 1',
    ]);
    open = [{ provider: 'p', model: 'org-model' }];
    expect(await gauge()).toEqual([
      'switchyard_circuit_open{provider="p",model="org-model"} 1',
      'switchyard_circuit_open{provider="p",model="gpt-4o"} 0',
    ]);
  });
});
