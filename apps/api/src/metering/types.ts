import type { ClientFacts, DlpFinding, UsageOutcome } from '@switchyard/core';

/** One usage record per proxy request (the batch writer stores it off the hot path). */
export interface ProxyUsage extends UsageOutcome {
  createdAt: Date;
  requestId: string;
  gatewayKeyId: string | null;
  userId: string | null;
  orgId: string | null;
  appId: string | null;
  endpoint: string;
  requestedModel: string;
  providerId: string | null;
  providerSlug: string | null;
  modelId: string | null;
  trace: unknown;
  /** Which tool made the call (user-agent, app, originator, session); absent on rows not made by the proxy. */
  client?: ClientFacts | null;
  /** What data protection found on the request (counts per rule, never a value); absent or empty = nothing. */
  dlp?: readonly DlpFinding[] | null;
}
