import type { FeedbackBody, FeedbackResult } from '@switchyard/core';
import type { PrismaClient } from '@switchyard/prisma';
import type { ProxyCaller } from '../../router/types.js';

/**
 * `POST /v1/feedback`: a caller scores one of its own requests that an experiment routed (same gateway key, or
 * the key's user; the master key its own requests). One score per request per key; a later one replaces it. The
 * request's usage record is found through a partial index (experiment rows only); when it is not written yet,
 * this instance's queued records are written first and the lookup runs once more.
 */
export class FeedbackService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly flushUsage: () => Promise<void>,
  ) {}

  #find(caller: ProxyCaller, requestId: string) {
    const owner =
      caller.kind === 'master'
        ? { gatewayKeyId: null, userId: null }
        : {
            OR: [
              ...(caller.keyId ? [{ gatewayKeyId: caller.keyId }] : []),
              ...(caller.userId ? [{ userId: caller.userId }] : []),
            ],
          };
    return this.prisma.usageRecord.findFirst({
      where: { requestId, experimentId: { not: null }, ...owner },
      orderBy: { id: 'desc' },
      select: { experimentId: true, variant: true },
    });
  }

  record = async (caller: ProxyCaller, b: FeedbackBody): Promise<FeedbackResult | null> => {
    if (caller.kind !== 'master' && !caller.keyId && !caller.userId) return null;
    let rec = await this.#find(caller, b.request_id);
    if (!rec) {
      await this.flushUsage();
      rec = await this.#find(caller, b.request_id);
    }
    if (!rec?.experimentId) return null;
    const rater = caller.keyId ? `key:${caller.keyId}` : 'master';
    const where = { requestId_rater: { requestId: b.request_id, rater } };
    const before = await this.prisma.feedback.findUnique({ where, select: { id: true } });
    const data = {
      score: b.score,
      comment: b.comment ?? null,
      experimentId: rec.experimentId,
      variant: rec.variant,
      gatewayKeyId: caller.keyId,
      userId: caller.userId,
    };
    const row = await this.prisma.feedback.upsert({
      where,
      create: { requestId: b.request_id, rater, ...data },
      update: data,
    });
    return {
      object: 'feedback',
      id: row.id,
      request_id: row.requestId,
      score: row.score,
      comment: row.comment,
      experiment: row.experimentId ? { id: row.experimentId, variant: row.variant ?? '' } : null,
      replaced: before !== null,
    };
  };
}
