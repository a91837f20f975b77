import type { AttemptLog, LogDetail, LogRecord, LogsPage, Trace } from '@switchyard/core';

/** The shapes are the API's own, defined once in @switchyard/core. */
export type { AttemptLog, LogDetail, LogRecord, LogsPage, Trace };

/** What the logs API filters on (`from`/`to` ISO instants, both inclusive). */
export interface LogFilters {
  status?: 'ok' | 'error' | '4xx' | '5xx';
  model?: string;
  provider?: string;
  user?: string;
  key?: string;
  endpoint?: string;
  byok?: 'true' | 'false';
  /** The calling tool (`claude-code`, `codex`, …) and a coding agent's session id. */
  tool?: string;
  session?: string;
  from?: string;
  to?: string;
}

export const logsKeys = {
  all: ['logs'] as const,
  list: (scope: 'any' | 'self', f: LogFilters) => ['logs', scope, 'list', f] as const,
  one: (scope: 'any' | 'self', id: string) => ['logs', scope, 'one', id] as const,
};
