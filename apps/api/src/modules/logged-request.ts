import { engineTraceSchema, type Capability, type EngineTrace, type Endpoint } from '@switchyard/core';
import type { PrismaClient } from '@switchyard/prisma';
import { AppError } from '../lib/errors.js';
import {
  readHeaderAgent,
  readReplayFacts,
  readRuleInputs,
  type ReplayAgent,
  type ReplayFacts,
} from '../metering/replay-facts.js';
import { MASTER_CALLER, callerForKey, callerForUser, type ProxyCaller } from '../proxy/caller.js';
import type { LoadedConfig } from '../router/load-config.js';

/**
 * The caller a dry run plans for: a gateway key (as the proxy would see it), a user (as their keys would), or the
 * operator. Used by the trace and the rules tester alike.
 */
export function dryRunCaller(
  cfg: LoadedConfig,
  keyId: string | null | undefined,
  userId: string | null | undefined,
): ProxyCaller {
  if (keyId) {
    const key = [...cfg.keysByHash.values()].find((k) => k.id === keyId);
    if (!key) throw AppError.validation('keyId: no gateway key with that id');
    if (key.revoked) throw AppError.validation('keyId: that key is revoked');
    const r = callerForKey(key, cfg);
    if (!r.ok) throw AppError.validation(`keyId: ${r.message}`, { code: r.code });
    return r.caller;
  }
  if (userId) {
    const caller = callerForUser(cfg, userId);
    if (!caller) throw AppError.validation('userId: no user with that id');
    return caller;
  }
  return MASTER_CALLER;
}

/**
 * What a replayed request needs of a model: the endpoint's own need (chat, or embeddings) and the others it named
 * (a logged request's needs carry its own endpoint's, which a replay on another endpoint drops).
 */
export function needsFor(endpoint: Endpoint, others: readonly Capability[] = []): Set<Capability> {
  const needs = new Set<Capability>([endpoint === 'embeddings' ? 'embeddings' : 'chat']);
  for (const n of others) if (n !== 'chat' && n !== 'embeddings') needs.add(n);
  return needs;
}

/** The usage record's endpoint label (chat.completions, …) as the engine names it. */
export function endpointOfLabel(label: string): Exclude<Endpoint, 'count_tokens'> {
  if (label === 'chat.completions') return 'chat';
  if (label === 'messages' || label === 'responses' || label === 'embeddings') return label;
  return 'chat';
}

/** A logged request as a dry run replays it: what its usage record and the record's trace kept. */
export interface LoggedRequest {
  requestId: string;
  model: string;
  endpoint: Exclude<Endpoint, 'count_tokens'>;
  /** The prompt's tokens as the provider counted them. */
  promptTokens: number;
  stream: boolean;
  /** When it was sent (ms epoch). */
  at: number;
  /** The key that sent it when it still exists, else its user / org / app as recorded. */
  caller: ProxyCaller;
  /** Why the caller is the recorded one and not the key as it is now (revoked, deleted, or refused now). */
  callerNote: string | null;
  /** Its needs, max tokens and parameters. */
  facts: ReplayFacts;
  /** The agent its x-switchyard-agent header named. */
  agent: ReplayAgent | undefined;
  /** The header and metadata values routing rules looked at, or why they were not kept. */
  inputs: ReturnType<typeof readRuleInputs>;
  /** The plan it was routed by, when the record holds one. */
  recorded: EngineTrace | null;
}

/** Reads a logged request back from its usage record (the newest attempt's record); 404 when there is none. */
export async function loadLoggedRequest(
  prisma: PrismaClient,
  cfg: LoadedConfig,
  requestId: string,
): Promise<LoggedRequest> {
  const rec = await prisma.usageRecord.findFirst({ where: { requestId }, orderBy: { id: 'desc' } });
  if (!rec) throw AppError.notFound('Logged request');
  const trace = (rec.trace ?? {}) as { plan?: unknown; facts?: unknown; inputs?: unknown };
  const parsed = engineTraceSchema.safeParse(trace.plan);
  const endpoint = endpointOfLabel(rec.endpoint);
  const recordedCaller: ProxyCaller = {
    ...MASTER_CALLER,
    kind: 'key',
    keyId: rec.gatewayKeyId,
    userId: rec.userId,
    orgId: rec.orgId,
    appId: rec.appId,
    powerLevel: rec.userId ? (cfg.users.get(rec.userId)?.powerLevel ?? null) : null,
  };
  let caller = recordedCaller;
  let callerNote: string | null = null;
  if (rec.gatewayKeyId !== null) {
    // The loaded configuration holds the keys that are not revoked.
    const key = [...cfg.keysByHash.values()].find((k) => k.id === rec.gatewayKeyId && !k.revoked);
    let why: string | null = null;
    if (key && key.expiresAt !== null && key.expiresAt <= Date.now())
      why = 'the key that sent it has expired';
    else if (key) {
      const now = callerForKey(key, cfg);
      if (now.ok) caller = now.caller;
      else why = `the proxy would refuse its key now (${now.message})`;
    } else {
      const row = await prisma.gatewayKey.findUnique({
        where: { id: rec.gatewayKeyId },
        select: { id: true },
      });
      why = row ? 'the key that sent it is revoked' : 'the key that sent it no longer exists';
    }
    if (why) callerNote = `${why}: planned for its user, organization and app as recorded`;
  }
  return {
    requestId,
    model: rec.requestedModel,
    endpoint,
    promptTokens: rec.tokensIn,
    stream: rec.stream,
    at: rec.createdAt.getTime(),
    caller,
    callerNote,
    facts: readReplayFacts(trace.facts, endpoint),
    agent: readHeaderAgent((trace.plan as { agent?: unknown } | undefined)?.agent) ?? undefined,
    inputs: readRuleInputs(trace.inputs),
    recorded: parsed.success ? parsed.data : null,
  };
}
