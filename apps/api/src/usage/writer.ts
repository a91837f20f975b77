import { Prisma, type PrismaClient } from '@switchyard/prisma';
import type { ProxyUsage } from '../proxy/handler.js';

const HOUR = 3_600_000;

interface HourAgg {
  hour: Date;
  providerId: string;
  modelId: string;
  userId: string;
  orgId: string;
  appId: string;
  gatewayKeyId: string;
  statusClass: string;
  isByok: boolean;
  requests: number;
  errors: number;
  tokensIn: number;
  tokensOut: number;
  tokensCached: number;
  costUsd: number;
  savedUsd: number;
  latencySumMs: number;
  latencyCount: number;
  ttftSumMs: number;
  ttftCount: number;
}

function statusClass(status: number): string {
  return status >= 500 ? '5xx' : status >= 400 ? '4xx' : '2xx';
}

/** Aggregates a batch per hour × dimensions, so each rollup row is upserted once per batch. */
export function aggregateHourly(records: readonly ProxyUsage[]): HourAgg[] {
  const map = new Map<string, HourAgg>();
  for (const r of records) {
    const hour = new Date(Math.floor(r.createdAt.getTime() / HOUR) * HOUR);
    const dims = {
      providerId: r.providerId ?? '',
      modelId: r.modelId ?? '',
      userId: r.userId ?? '',
      orgId: r.orgId ?? '',
      appId: r.appId ?? '',
      gatewayKeyId: r.gatewayKeyId ?? '',
      statusClass: statusClass(r.status),
      isByok: r.isByok,
    };
    const key = `${hour.getTime()}|${Object.values(dims).join('|')}`;
    let a = map.get(key);
    if (!a) {
      a = { hour, ...dims, requests: 0, errors: 0, tokensIn: 0, tokensOut: 0, tokensCached: 0, costUsd: 0, savedUsd: 0, latencySumMs: 0, latencyCount: 0, ttftSumMs: 0, ttftCount: 0 };
      map.set(key, a);
    }
    a.requests++;
    if (r.status >= 400) a.errors++;
    a.tokensIn += r.tokensIn;
    a.tokensOut += r.tokensOut;
    a.tokensCached += r.tokensCached;
    a.costUsd += r.costUsd;
    a.savedUsd += r.savedUsd;
    a.latencySumMs += r.latencyMs;
    a.latencyCount++;
    if (r.ttftMs !== null) {
      a.ttftSumMs += r.ttftMs;
      a.ttftCount++;
    }
  }
  return [...map.values()];
}

/**
 * Writes a batch of usage records and updates the hourly rollup in the same transaction, so the rollup is
 * always complete for every written record (dashboards read the rollup, never scan raw rows for long periods).
 */
export async function writeUsageBatch(prisma: PrismaClient, records: readonly ProxyUsage[]): Promise<void> {
  if (records.length === 0) return;
  const aggs = aggregateHourly(records);
  await prisma.$transaction(async (tx) => {
    await tx.usageRecord.createMany({
      data: records.map((r) => ({
        createdAt: r.createdAt,
        requestId: r.requestId,
        gatewayKeyId: r.gatewayKeyId,
        userId: r.userId,
        orgId: r.orgId,
        appId: r.appId,
        endpoint: r.endpoint,
        requestedModel: r.requestedModel.slice(0, 300),
        providerId: r.providerId,
        providerSlug: r.providerSlug,
        modelId: r.modelId,
        tokensIn: r.tokensIn,
        tokensOut: r.tokensOut,
        tokensCached: r.tokensCached,
        costUsd: new Prisma.Decimal(r.costUsd.toFixed(10)),
        savedUsd: new Prisma.Decimal(r.savedUsd.toFixed(10)),
        latencyMs: r.latencyMs,
        ttftMs: r.ttftMs,
        status: r.status,
        errorCode: r.errorCode,
        isByok: r.isByok,
        stream: r.stream,
        attempts: r.attempts,
        trace: (r.trace ?? Prisma.JsonNull) as Prisma.InputJsonValue,
      })),
    });
    for (const a of aggs) {
      await tx.$executeRaw`
        INSERT INTO "UsageHourly" ("hour","providerId","modelId","userId","orgId","appId","gatewayKeyId","statusClass","isByok",
          "requests","errors","tokensIn","tokensOut","tokensCached","costUsd","savedUsd","latencySumMs","latencyCount","ttftSumMs","ttftCount")
        VALUES (${a.hour}, ${a.providerId}, ${a.modelId}, ${a.userId}, ${a.orgId}, ${a.appId}, ${a.gatewayKeyId}, ${a.statusClass}, ${a.isByok},
          ${a.requests}, ${a.errors}, ${BigInt(a.tokensIn)}, ${BigInt(a.tokensOut)}, ${BigInt(a.tokensCached)},
          ${new Prisma.Decimal(a.costUsd.toFixed(10))}, ${new Prisma.Decimal(a.savedUsd.toFixed(10))},
          ${BigInt(a.latencySumMs)}, ${a.latencyCount}, ${BigInt(a.ttftSumMs)}, ${a.ttftCount})
        ON CONFLICT ("hour","providerId","modelId","userId","orgId","appId","gatewayKeyId","statusClass","isByok") DO UPDATE SET
          "requests" = "UsageHourly"."requests" + EXCLUDED."requests",
          "errors" = "UsageHourly"."errors" + EXCLUDED."errors",
          "tokensIn" = "UsageHourly"."tokensIn" + EXCLUDED."tokensIn",
          "tokensOut" = "UsageHourly"."tokensOut" + EXCLUDED."tokensOut",
          "tokensCached" = "UsageHourly"."tokensCached" + EXCLUDED."tokensCached",
          "costUsd" = "UsageHourly"."costUsd" + EXCLUDED."costUsd",
          "savedUsd" = "UsageHourly"."savedUsd" + EXCLUDED."savedUsd",
          "latencySumMs" = "UsageHourly"."latencySumMs" + EXCLUDED."latencySumMs",
          "latencyCount" = "UsageHourly"."latencyCount" + EXCLUDED."latencyCount",
          "ttftSumMs" = "UsageHourly"."ttftSumMs" + EXCLUDED."ttftSumMs",
          "ttftCount" = "UsageHourly"."ttftCount" + EXCLUDED."ttftCount"`;
    }
  });
}
