import type { FeedbackBody, FeedbackResult } from '@switchyard/core';
import type { PrismaClient } from '@switchyard/prisma';
import { requestIdTime } from '../../proxy/request-id.js';
import type { ProxyCaller } from '../../router/types.js';
import { sameParty } from './request-owner.js';

/** A request id made longer ago than this is not waited for: its record is written by now wherever it was. */
const RECENT_MS = 15 * 60_000;
/** The longest wait for another instance's queue (whatever USAGE_FLUSH_INTERVAL_MS says). */
const MAX_WAIT_MS = 5_000;

/**
 * `POST /v1/feedback`: a caller scores one of its own requests (same gateway key, or the key's user; the master key
 * its own requests), whether or not an experiment routed it. One score per request per key, a user's keys counting
 * as one; a later one replaces it. The request's usage record is found by its request-id index; when it is not written yet, this instance's
 * queued records are written first and the lookup runs once more; for a recent gateway-made id (a UUIDv7) it runs
 * once more after every instance has written its queue (behind a load balancer another one may have answered the
 * request). The score keeps the request's experiment and variant (the experiment's results), and the provider,
 * model and organization of the request (the usage views' ratings).
 */
/** The request a score rates, as its usage record has it. */
export interface RatedRequest {
  providerId: string | null;
  providerSlug: string | null;
  modelId: string | null;
}

/**
 * The `model` label of a rated request in /metrics, as the proxy's own metrics name its model: a registry model's
 * label (the model id of a global model, a neutral marker for an org or user one), `none` when no model answered,
 * `unlisted-model` for one the registry no longer holds (never a free-form id: the label set stays bounded).
 */
export function feedbackModelLabel(
  models: readonly { providerId: string; modelId: string; scope: string; metricLabel: string }[],
  rated: RatedRequest,
): string {
  if (!rated.modelId) return 'none';
  const same = models.filter((m) => m.providerId === rated.providerId && m.modelId === rated.modelId);
  return (same.find((m) => m.scope === 'global') ?? same[0])?.metricLabel ?? 'unlisted-model';
}

export class FeedbackService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly o: {
      /** Writes this instance's queued usage records. */
      flushUsage: () => Promise<void>;
      /**
       * How often every instance writes its queue (USAGE_FLUSH_INTERVAL_MS): a record queued on another instance
       * is in the database within it.
       */
      writeIntervalMs: number;
      /** Each stored score, with the request it rates (the metrics). */
      onScore?: (rated: RatedRequest, score: number) => void;
      /**
       * At most this many scores wait at once for another instance's queue (default 64); past it, a score for an id
       * no record holds is answered at once, so made-up fresh ids cannot hold an unbounded number of connections.
       */
      maxWaiting?: number;
    },
  ) {}

  /** Scores waiting for another instance's queue now. */
  #waiting = 0;

  /** How many scores wait for another instance's queue now. */
  get waiting(): number {
    return this.#waiting;
  }

  /**
   * How long to wait before looking for a request once more when neither the database nor this instance's queue
   * has it: the time another instance may still hold its record, when the id is a UUIDv7 (the gateway's own) made
   * in the last 15 minutes; 0 for any other id (a client's own, or an old one), which is looked for no further.
   */
  #waitForOthers(requestId: string): number {
    const made = requestIdTime(requestId);
    if (made === null) return 0;
    const age = Date.now() - made;
    if (age > RECENT_MS || age < -60_000) return 0;
    return Math.min(MAX_WAIT_MS, this.o.writeIntervalMs + 250);
  }

  #find(caller: ProxyCaller, requestId: string) {
    const rater =
      caller.kind === 'master'
        ? { gatewayKeyId: null, userId: null }
        : { gatewayKeyId: caller.keyId, userId: caller.userId };
    return this.prisma.usageRecord.findFirst({
      where: { requestId, ...sameParty(rater) },
      orderBy: { id: 'desc' },
      select: {
        experimentId: true,
        variant: true,
        providerId: true,
        providerSlug: true,
        modelId: true,
        orgId: true,
      },
    });
  }

  record = async (caller: ProxyCaller, b: FeedbackBody): Promise<FeedbackResult | null> => {
    if (caller.kind !== 'master' && !caller.keyId && !caller.userId) return null;
    let rec = await this.#find(caller, b.request_id);
    if (!rec) {
      await this.o.flushUsage();
      rec = await this.#find(caller, b.request_id);
    }
    // Behind a load balancer the request may have been answered by another instance that has not written it yet.
    const wait = rec || this.#waiting >= (this.o.maxWaiting ?? 64) ? 0 : this.#waitForOthers(b.request_id);
    if (wait > 0) {
      this.#waiting++;
      try {
        await new Promise((r) => setTimeout(r, wait).unref());
      } finally {
        this.#waiting--;
      }
      rec = await this.#find(caller, b.request_id);
    }
    if (!rec) return null;
    // One score per request and rater: a user's keys are one rater (minting keys buys no more scores in an
    // experiment's results); an org or app key is one of its own; the master key another.
    const rater = caller.userId ? `user:${caller.userId}` : caller.keyId ? `key:${caller.keyId}` : 'master';
    const where = { requestId_rater: { requestId: b.request_id, rater } };
    const before = await this.prisma.feedback.findUnique({ where, select: { id: true } });
    const data = {
      score: b.score,
      comment: b.comment ?? null,
      experimentId: rec.experimentId,
      variant: rec.variant,
      providerId: rec.providerId,
      modelId: rec.modelId,
      orgId: rec.orgId,
      gatewayKeyId: caller.keyId,
      userId: caller.userId,
    };
    const row = await this.prisma.feedback.upsert({
      where,
      create: { requestId: b.request_id, rater, ...data },
      update: data,
    });
    this.o.onScore?.(rec, row.score);
    return {
      object: 'feedback',
      id: row.id,
      request_id: row.requestId,
      score: row.score,
      comment: row.comment,
      experiment: row.experimentId ? { id: row.experimentId, variant: row.variant ?? '' } : null,
      model: rec.modelId ? `${rec.providerSlug ?? '?'}/${rec.modelId}` : null,
      replaced: before !== null,
    };
  };
}
