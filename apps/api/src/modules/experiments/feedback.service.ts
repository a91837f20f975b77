import type { FeedbackBody, FeedbackResult } from '@switchyard/core';
import type { PrismaClient } from '@switchyard/prisma';
import type { ProxyCaller } from '../../router/types.js';

/**
 * `POST /v1/feedback`: a caller scores one of its own requests (same gateway key, or the key's user; the master key
 * its own requests), whether or not an experiment routed it. One score per request per key; a later one replaces
 * it. The request's usage record is found by its request-id index; when it is not written yet, this instance's
 * queued records are written first and the lookup runs once more. The score keeps the request's experiment and
 * variant (the experiment's results) and the provider and model that answered it (the usage view's ratings).
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
      where: { requestId, ...owner },
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
      await this.flushUsage();
      rec = await this.#find(caller, b.request_id);
    }
    if (!rec) return null;
    const rater = caller.keyId ? `key:${caller.keyId}` : 'master';
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
