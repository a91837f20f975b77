/**
 * Several endpoints of one provider (regions or mirrors of one account): which one a call goes to first, and
 * which failures move the same target to the provider's next endpoint before routing falls back to the next
 * candidate.
 */
import type { AttemptOutcome } from './classify.js';

/**
 * The order in which a provider's endpoints are tried, as indexes into `weights` (the endpoints in their
 * configured order). The first is drawn in proportion to the weights with `r` in [0, 1) (the caller passes its
 * random number: the function is pure); the others follow in configured order. An endpoint of weight 0 is never
 * drawn first, only reached by failover; when every weight is 0 the configured order is kept.
 *
 * `cooling` (same length as `weights`) marks endpoints that failed recently: they go last, in configured order,
 * and the draw is among the others. When every endpoint is cooling, they are ordered as if none were.
 */
export function endpointOrder(weights: readonly number[], r: number, cooling?: readonly boolean[]): number[] {
  const all = weights.map((_, i) => i);
  if (cooling && cooling.some(Boolean)) {
    const ready = all.filter((i) => !cooling[i]);
    if (ready.length > 0) {
      const first = drawn(ready, weights, r);
      return [...first, ...all.filter((i) => cooling[i])];
    }
  }
  return drawn(all, weights, r);
}

/** `idx` with the one drawn by weight first, the rest in their order (every weight 0: as they are). */
function drawn(idx: readonly number[], weights: readonly number[], r: number): number[] {
  const total = idx.reduce((sum, i) => sum + (weights[i]! > 0 ? weights[i]! : 0), 0);
  if (idx.length < 2 || total <= 0) return [...idx];
  const point = Math.min(Math.max(r, 0), 1 - Number.EPSILON) * total;
  let acc = 0;
  let first = idx[idx.length - 1]!;
  for (const i of idx) {
    const w = weights[i]! > 0 ? weights[i]! : 0;
    if (w === 0) continue;
    acc += w;
    if (point < acc) {
      first = i;
      break;
    }
  }
  return [first, ...idx.filter((i) => i !== first)];
}

/**
 * Whether a failed call moves on to the provider's next endpoint (same model, same key) before the router's
 * decision applies: a connection failure, a 5xx, a 429 or our own timeout, before anything reached the client.
 * Everything else (auth, billing, client errors, a model the provider lacks) is the account's answer, the same on
 * every endpoint.
 */
export function failsOverEndpoint(
  o: Pick<AttemptOutcome, 'status' | 'kind' | 'afterFirstByte' | 'streamCut'>,
): boolean {
  if (o.afterFirstByte) return false;
  if (o.streamCut) return true;
  switch (o.kind) {
    case 'network':
    case 'server':
    case 'overloaded':
    case 'rate_limit':
    case 'timeout':
      return true;
    case 'unknown':
      return o.status === 0 || o.status >= 500;
    default:
      return o.status >= 500 && o.kind !== 'policy' && o.kind !== 'billing' && o.kind !== 'auth';
  }
}

/**
 * Whether a failed call marks its endpoint as failing for every caller (tried after the provider's others for a
 * while): the failures that fail over, except a rate limit on a caller's own key (BYOK or organization key), which
 * says something of that key, not of the endpoint, and our timeout at a limit the request's deadline cut short.
 */
export function coolsEndpoint(
  o: Pick<AttemptOutcome, 'status' | 'kind' | 'afterFirstByte' | 'streamCut' | 'deadlineCut'>,
  keySource: 'provider' | 'byok' | 'org',
): boolean {
  if (!failsOverEndpoint(o)) return false;
  if (o.deadlineCut && o.kind === 'timeout' && o.status === 0) return false;
  return !(o.kind === 'rate_limit' && keySource !== 'provider');
}
