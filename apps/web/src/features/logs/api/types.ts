import type {
  attemptLogSchema,
  engineTraceSchema,
  logDetailSchema,
  logRecordSchema,
  logsPageSchema,
} from '@switchyard/core';
import type { z } from 'zod';

/** The shapes are the API's own: inferred from the contracts' response schemas in @switchyard/core. */
export type AttemptLog = z.infer<typeof attemptLogSchema>;
export type LogRecord = z.infer<typeof logRecordSchema>;
export type LogDetail = z.infer<typeof logDetailSchema>;
export type LogsPage = z.infer<typeof logsPageSchema>;
/** The resolver trace of a logged request. */
export type Trace = z.infer<typeof engineTraceSchema>;

/** What the logs API filters on (`from`/`to` ISO instants, both inclusive). */
export interface LogFilters {
  status?: 'ok' | 'error' | '4xx' | '5xx';
  model?: string;
  provider?: string;
  user?: string;
  key?: string;
  endpoint?: string;
  byok?: 'true' | 'false';
  /** Answered from the response cache or not. */
  cache?: 'hit' | 'miss';
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
