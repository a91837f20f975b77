import type { ProxyUsage } from '../metering/types.js';

/** A usage record for tests: a plain successful call; each test sets what it is about. */
export function usageRecord(over: Partial<ProxyUsage> = {}): ProxyUsage {
  return {
    createdAt: new Date('2026-12-05T10:00:00.000Z'),
    requestId: 'req-1',
    gatewayKeyId: null,
    userId: null,
    orgId: null,
    appId: null,
    endpoint: 'chat.completions',
    requestedModel: 'chat.default',
    providerId: 'p1',
    providerSlug: 'mock',
    modelId: 'mock-small',
    tokensIn: 10,
    tokensOut: 5,
    tokensCached: 0,
    costUsd: 0.001,
    savedUsd: 0,
    latencyMs: 40,
    ttftMs: null,
    status: 200,
    errorCode: null,
    isByok: false,
    stream: false,
    attempts: 1,
    trace: null,
    ...over,
  };
}

/** A usage record of a proxy test environment's user: a successful call to up-openai/gpt-test. */
export function envUserCall(
  ids: { user: string; openai: string },
  over: Partial<ProxyUsage> = {},
): ProxyUsage {
  return usageRecord({
    userId: ids.user,
    endpoint: 'chat',
    requestedModel: 'gpt-test',
    providerId: ids.openai,
    providerSlug: 'up-openai',
    modelId: 'gpt-test',
    ...over,
  });
}
