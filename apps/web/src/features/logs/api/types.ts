import type { Trace } from '@switchyard/core';

export type { Trace };

/** One gateway request as GET /llm/logs lists it. */
export interface LogRecord {
  id: string;
  createdAt: string;
  requestId: string;
  key: { id: string; name: string | null; prefix: string | null } | null;
  user: { id: string; email: string | null; name: string | null } | null;
  orgId: string | null;
  appId: string | null;
  endpoint: string;
  requestedModel: string;
  provider: string | null;
  actualModel: string | null;
  tokensIn: number;
  tokensOut: number;
  tokensCached: number;
  costUsd: number;
  savedUsd: number;
  latencyMs: number;
  ttftMs: number | null;
  status: number;
  errorCode: string | null;
  isByok: boolean;
  stream: boolean;
  attempts: number;
}

export interface AttemptLog {
  provider: string;
  model: string;
  key: string;
  status: number | null;
  outcome: string;
  ms: number;
}

/** GET /llm/logs/:id: the record with its resolver trace, attempts timeline and (when body logging was on) bodies. */
export interface LogDetail extends LogRecord {
  trace: {
    plan?: Trace | null;
    attempts?: AttemptLog[];
    bodies?: { request: string; response: string; truncated: boolean; requestBytes?: number; responseBytes?: number };
  } | null;
}

export interface LogsPage {
  data: LogRecord[];
  nextCursor: string | null;
}

/** What the logs API filters on (`from`/`to` ISO instants, both inclusive). */
export interface LogFilters {
  status?: 'ok' | 'error' | '4xx' | '5xx';
  model?: string;
  provider?: string;
  user?: string;
  key?: string;
  endpoint?: string;
  byok?: 'true' | 'false';
  from?: string;
  to?: string;
}

export const logsKeys = {
  all: ['logs'] as const,
  list: (scope: 'any' | 'self', f: LogFilters) => ['logs', scope, 'list', f] as const,
  one: (scope: 'any' | 'self', id: string) => ['logs', scope, 'one', id] as const,
};
