/**
 * The what-if simulator: recorded requests replayed through `plan()` under the current and a candidate
 * configuration, accumulated incrementally (records arrive in batches, in id order).
 *
 * What is replayed: the request's facts (endpoint, requested model, prompt tokens, max tokens, the answers it asked
 * for, needs and parameters) and its caller (keys, allowed models, power level, default model as they are now).
 * What is not: live state — cooldowns, circuits, rate-limit counters, budgets and latencies are neutral (every target
 * healthy, every limit free). Alias rotation (round-robin cursors, smooth weighted shares) is kept per side
 * across the replay, so weighted aliases split traffic as they would; random choices use an rng seeded from the
 * record's id, so a run is reproducible.
 *
 * The projected target is the plan's first attempt; its cost is the real token counts at that model's prices
 * (`costOf`), nothing when the caller's own key (BYOK) would pay.
 */
import { costOf, isBilled } from '../engine/cost.js';
import { plan, type NoRouteCode } from '../engine/plan.js';
import { mulberry32 } from '../engine/rng.js';
import { EMPTY_STATE, type StateEvent, type StateView } from '../engine/state.js';
import type {
  Caller,
  Capability,
  Endpoint,
  ModelConfig,
  RequestParam,
  RoutingConfig,
} from '../engine/types.js';

/** One recorded request, as the simulator reads it. */
export interface RecordFacts {
  /** The record's id (seeds its rng; shown in samples). */
  id: number;
  /** When it was recorded (ms epoch). */
  at: number;
  endpoint: Endpoint;
  /** The model the client asked for. */
  model: string;
  tokensIn: number;
  tokensOut: number;
  tokensCached: number;
  /** max_tokens as sent; null when not recorded. */
  maxTokens: number | null;
  /** Capabilities the request needed; old records: chat only. */
  needs: readonly Capability[];
  params?: readonly RequestParam[] | undefined;
  /** The answers it asked for (`n`) when more than one; absent = one. */
  choices?: number | undefined;
  /** The client asked for a stream (routing rules may look at it); absent = not recorded. */
  stream?: boolean | undefined;
  /** The header and metadata values routing rules looked at when it was made; absent = none kept. */
  headers?: Readonly<Record<string, string>> | undefined;
  metadata?: Readonly<Record<string, string>> | undefined;
  /** The agent the x-switchyard-agent header named (its effort as resolved); absent = none. */
  agent?: { id: string; effort: string | null } | undefined;
  /** What the platform paid (recorded). */
  costUsd: number;
  /** The target that answered: provider id, its slug and the upstream model id. */
  providerId: string | null;
  providerSlug: string | null;
  modelId: string | null;
  orgId: string | null;
  /** The caller as the engine sees it now. */
  caller: Caller;
}

export interface MixRow {
  ref: string;
  providerId: string | null;
  modelId: string | null;
  requests: number;
  costUsd: number;
}
export interface ProviderRow {
  providerId: string | null;
  slug: string | null;
  requests: number;
  costUsd: number;
}
export interface SideResult {
  costUsd: number;
  models: MixRow[];
  providers: ProviderRow[];
}
export interface OrgRow {
  orgId: string | null;
  requests: number;
  actualUsd: number;
  projectedUsd: number;
  changed: number;
  unroutable: number;
}
export interface SampleRow {
  id: string;
  at: string;
  requestedModel: string;
  actual: string;
  projected: string | null;
  actualUsd: number;
  projectedUsd: number;
  reason: string | null;
}
export interface SimulationResult {
  requests: number;
  actual: SideResult;
  current: { costUsd: number; unroutable: number };
  projected: SideResult;
  changed: number;
  unroutable: { count: number; reasons: { code: NoRouteCode; count: number; example: string }[] };
  byOrg: OrgRow[];
  samples: SampleRow[];
}

export interface SimulationOptions {
  /** The configuration in force (replayed as the baseline). */
  current: RoutingConfig;
  /** The configuration with the candidate change applied. */
  candidate: RoutingConfig;
  /** Changed or unroutable requests kept as examples; default 20. */
  maxSamples?: number;
}

/** Routing state of one side: alias cursors and smooth-weighted shares only (no live state). */
class ReplayState {
  readonly cursors = new Map<string, number>();
  readonly weightsByAlias = new Map<string, Record<string, number>>();
  readonly view: StateView = {
    ...EMPTY_STATE,
    cursor: (a) => this.cursors.get(a) ?? 0,
    weights: (a) => this.weightsByAlias.get(a),
  };
  apply(events: readonly StateEvent[]) {
    for (const e of events) {
      if (e.type === 'cursor') this.cursors.set(e.alias, e.value);
      else if (e.type === 'weights') this.weightsByAlias.set(e.alias, e.value);
    }
  }
}

interface Projection {
  ok: boolean;
  providerId: string | null;
  providerSlug: string | null;
  modelId: string | null;
  ref: string | null;
  costUsd: number;
  code: NoRouteCode | null;
  message: string | null;
}

class Mix {
  readonly models = new Map<string, MixRow>();
  readonly providers = new Map<string, ProviderRow>();
  costUsd = 0;
  add(providerId: string | null, slug: string | null, modelId: string | null, ref: string, cost: number) {
    this.costUsd += cost;
    const mk = `${providerId ?? ''}|${modelId ?? ''}`;
    let m = this.models.get(mk);
    if (!m) this.models.set(mk, (m = { ref, providerId, modelId, requests: 0, costUsd: 0 }));
    m.requests++;
    m.costUsd += cost;
    const pk = providerId ?? '';
    let p = this.providers.get(pk);
    if (!p) this.providers.set(pk, (p = { providerId, slug, requests: 0, costUsd: 0 }));
    p.requests++;
    p.costUsd += cost;
  }
  result(): SideResult {
    const byCost = (a: { costUsd: number; requests: number }, b: { costUsd: number; requests: number }) =>
      b.costUsd - a.costUsd || b.requests - a.requests;
    return {
      costUsd: round(this.costUsd),
      models: [...this.models.values()].map((m) => ({ ...m, costUsd: round(m.costUsd) })).sort(byCost),
      providers: [...this.providers.values()].map((p) => ({ ...p, costUsd: round(p.costUsd) })).sort(byCost),
    };
  }
}

function round(n: number): number {
  return Math.round(n * 1e10) / 1e10;
}

/** A 32-bit seed from a record id (ids above 2^32 keep their high bits). */
function seedOf(id: number): number {
  return (id ^ Math.floor(id / 4294967296) ^ 0x9e3779b9) >>> 0;
}

export interface Simulation {
  add(record: RecordFacts): void;
  /** How many records were added. */
  readonly count: number;
  result(): SimulationResult;
}

/** An incremental simulation: `add` each record (in id order), then `result`. */
export function createSimulation(opts: SimulationOptions): Simulation {
  const maxSamples = opts.maxSamples ?? 20;
  const currentState = new ReplayState();
  const candidateState = new ReplayState();
  const pricesCurrent = pricesOf(opts.current);
  const pricesCandidate = opts.candidate === opts.current ? pricesCurrent : pricesOf(opts.candidate);
  const actual = new Mix();
  const projected = new Mix();
  let currentCost = 0;
  let currentUnroutable = 0;
  let changed = 0;
  let count = 0;
  const reasons = new Map<NoRouteCode, { count: number; example: string }>();
  const orgs = new Map<string, OrgRow>();
  const samples: SampleRow[] = [];

  const project = (
    r: RecordFacts,
    config: RoutingConfig,
    state: ReplayState,
    prices: Map<string, ModelConfig>,
  ): Projection => {
    const p = plan({
      request: {
        model: r.model,
        endpoint: r.endpoint,
        promptTokens: r.tokensIn,
        maxTokens: r.maxTokens,
        ...(r.choices !== undefined ? { choices: r.choices } : {}),
        needs: r.needs,
        ...(r.params && r.params.length > 0 ? { params: r.params } : {}),
        ...(r.stream !== undefined ? { stream: r.stream } : {}),
        ...(r.headers ? { headers: r.headers } : {}),
        ...(r.metadata ? { metadata: r.metadata } : {}),
        ...(r.agent ? { agent: r.agent } : {}),
      },
      caller: r.caller,
      config,
      state: state.view,
      // Each request replays at the time it was made (rules' time windows, experiments' start and end).
      now: r.at,
      rng: mulberry32(seedOf(r.id)),
    });
    if (p.events.length > 0) state.apply(p.events);
    if (!p.ok)
      return {
        ok: false,
        providerId: null,
        providerSlug: null,
        modelId: null,
        ref: null,
        costUsd: 0,
        code: p.error.code,
        message: p.error.message,
      };
    const a = p.attempts[0]!;
    const model = prices.get(a.modelRegistryId);
    const cost =
      model && isBilled(r.endpoint) && a.key.source !== 'byok'
        ? costOf(model, { inputTokens: r.tokensIn, outputTokens: r.tokensOut, cachedTokens: r.tokensCached })
        : 0;
    return {
      ok: true,
      providerId: a.providerId,
      providerSlug: a.providerSlug,
      modelId: a.modelId,
      ref: a.ref,
      costUsd: cost,
      code: null,
      message: null,
    };
  };

  return {
    get count() {
      return count;
    },
    add(r) {
      count++;
      const cur = project(r, opts.current, currentState, pricesCurrent);
      const cand =
        opts.candidate === opts.current ? cur : project(r, opts.candidate, candidateState, pricesCandidate);
      const actualRef = r.providerSlug && r.modelId ? `${r.providerSlug}/${r.modelId}` : (r.modelId ?? '—');
      actual.add(r.providerId, r.providerSlug, r.modelId, actualRef, r.costUsd);
      currentCost += cur.costUsd;
      if (!cur.ok) currentUnroutable++;
      const orgKey = r.orgId ?? '';
      let org = orgs.get(orgKey);
      if (!org)
        orgs.set(
          orgKey,
          (org = { orgId: r.orgId, requests: 0, actualUsd: 0, projectedUsd: 0, changed: 0, unroutable: 0 }),
        );
      org.requests++;
      org.actualUsd += r.costUsd;
      let isChanged = false;
      if (cand.ok) {
        projected.add(cand.providerId, cand.providerSlug, cand.modelId, cand.ref!, cand.costUsd);
        org.projectedUsd += cand.costUsd;
        isChanged = cand.providerId !== r.providerId || cand.modelId !== r.modelId;
      } else {
        const code = cand.code!;
        const e = reasons.get(code);
        if (e) e.count++;
        else reasons.set(code, { count: 1, example: cand.message ?? '' });
        org.unroutable++;
      }
      if (isChanged) {
        changed++;
        org.changed++;
      }
      if ((isChanged || !cand.ok) && samples.length < maxSamples)
        samples.push({
          id: String(r.id),
          at: new Date(r.at).toISOString(),
          requestedModel: r.model,
          actual: actualRef,
          projected: cand.ref,
          actualUsd: round(r.costUsd),
          projectedUsd: round(cand.costUsd),
          reason: cand.ok ? null : cand.code,
        });
    },
    result() {
      return {
        requests: count,
        actual: actual.result(),
        current: { costUsd: round(currentCost), unroutable: currentUnroutable },
        projected: projected.result(),
        changed,
        unroutable: {
          count: [...reasons.values()].reduce((s, e) => s + e.count, 0),
          reasons: [...reasons]
            .map(([code, e]) => ({ code, count: e.count, example: e.example }))
            .sort((a, b) => b.count - a.count),
        },
        byOrg: [...orgs.values()]
          .map((o) => ({ ...o, actualUsd: round(o.actualUsd), projectedUsd: round(o.projectedUsd) }))
          .sort((a, b) => b.actualUsd - a.actualUsd || b.requests - a.requests),
        samples,
      };
    },
  };
}

function pricesOf(config: RoutingConfig): Map<string, ModelConfig> {
  return new Map(config.models.map((m) => [m.id, m]));
}

/** Replays every record at once (tests, small sets). */
export function simulate(records: Iterable<RecordFacts>, opts: SimulationOptions): SimulationResult {
  const sim = createSimulation(opts);
  for (const r of records) sim.add(r);
  return sim.result();
}
