import type { ClientFacts, DlpFinding, UsageOutcome } from '@switchyard/core';
import type { DlpScopeName } from '@switchyard/core';
import type { SpendMark } from './spend-ledger.js';

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
  /**
   * The data-protection policy that applied, when one did: the batch statement writes the findings as one activity
   * row (DlpEvent) of that scope, in the same statement as the usage row.
   */
  dlpPolicy?: { scope: DlpScopeName; scopeId: string | null; requestBytes: number } | null;
  /** The A/B experiment that routed the request and the variant assigned; absent or null = none. */
  experiment?: { id: string; variant: string } | null;
  /** Answered from the response cache (cost 0); absent = false. */
  cacheHit?: boolean;
  /** What the cached answer's original call cost (not paid again); absent = 0. */
  cacheSavedUsd?: number;
  /**
   * The gateway estimated (some of) the tokens, and so the cost: the provider reported no usage or not all of it.
   * Absent = false (measured).
   */
  tokensEstimated?: boolean;
  /** A Responses answer's id, when its tokens were reported (a later `previous_response_id` finds them by it). */
  responseId?: string | null;
  /** What the request spent on budgets (not stored): the queue tells the ledger once the record is written. */
  spend?: SpendMark;
}
