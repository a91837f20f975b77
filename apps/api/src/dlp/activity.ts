/**
 * The data-protection activity log: one DlpEvent row per rule that fired on a request (counts, never a matched
 * value), written in batches off the hot path on the usage writer's queue.
 */
import { dlpDetail, type DlpAction, type DlpFinding, type DlpMatchKind } from '@switchyard/core';
import type { Database } from '../db/client.js';
import type { Logger } from '../lib/logger.js';
import type { Metrics } from '../lib/metrics.js';
import type { DlpScope } from '../router/dlp-snapshot.js';
import { BatchQueue } from '../metering/batch-queue.js';

export { dlpDetail };

/** One DlpEvent row as the proxy hands it over. */
export interface DlpActivityRow {
  createdAt: Date;
  requestId: string;
  scope: DlpScope;
  scopeId: string | null;
  orgId: string | null;
  appId: string | null;
  userId: string | null;
  gatewayKeyId: string | null;
  action: DlpAction;
  kind: DlpMatchKind;
  /** The built-in kind or the custom rule's name. */
  rule: string;
  matches: number;
  /** Size of the request body in bytes. */
  sizeBytes: number;
  /** e.g. "2 emails masked" (see dlpDetail). */
  detail: string;
}

export interface DlpActivityWriter {
  /** Queue rows; never blocks, never throws. */
  push(rows: readonly DlpActivityRow[]): void;
  /** Write what is queued now. */
  flush(): Promise<void>;
  /** Stop the timer and write what is left (bounded). */
  close(): Promise<void>;
}

/** What one request's rows share: when, which policy, who called, how large the body was. */
export type DlpRequestFacts = Omit<DlpActivityRow, 'action' | 'kind' | 'rule' | 'matches' | 'detail'>;

/** The activity rows of one request: one per finding. */
export function dlpActivityRows(
  input: DlpRequestFacts & { findings: readonly DlpFinding[] },
): DlpActivityRow[] {
  const { findings, ...common } = input;
  return findings.map((f) => ({
    ...common,
    action: f.action,
    kind: f.kind,
    rule: f.rule,
    matches: f.count,
    detail: dlpDetail(f),
  }));
}

const INT_MAX = 2_147_483_647;
const int = (n: number): number => (Number.isFinite(n) ? Math.min(INT_MAX, Math.max(0, Math.trunc(n))) : 0);

const BAD_TEXT = /\0|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Text PostgreSQL always accepts (no NUL, no lone surrogate), cut to `max` characters. */
function text(s: string, max: number): string {
  const t = s.length > max ? s.slice(0, max) : s;
  return t.replace(BAD_TEXT, '\ufffd');
}
const optText = (s: string | null, max: number): string | null => (s === null ? null : text(s, max));

/** A row as the batch statement reads it. */
export function dlpEventJson(r: DlpActivityRow): string {
  return JSON.stringify({
    createdAt: r.createdAt.toISOString(),
    requestId: text(r.requestId, 200),
    scope: r.scope,
    scopeId: optText(r.scopeId, 200),
    orgId: optText(r.orgId, 200),
    appId: optText(r.appId, 200),
    userId: optText(r.userId, 200),
    gatewayKeyId: optText(r.gatewayKeyId, 200),
    action: r.action,
    kind: r.kind,
    rule: text(r.rule, 100),
    matches: int(r.matches),
    sizeBytes: int(r.sizeBytes),
    detail: text(r.detail, 300),
  });
}

const COLUMNS = `"createdAt" timestamptz, "requestId" text, "scope" text, "scopeId" text, "orgId" text, "appId" text,
  "userId" text, "gatewayKeyId" text, "action" text, "kind" text, "rule" text, "matches" int, "sizeBytes" int, "detail" text`;
const NAMES = `"createdAt","requestId","scope","scopeId","orgId","appId","userId","gatewayKeyId","action","kind","rule",
  "matches","sizeBytes","detail"`;
const SQL = `INSERT INTO "DlpEvent" (${NAMES}) SELECT ${NAMES} FROM json_to_recordset($1::json) AS b(${COLUMNS})`;

export async function writeDlpEvents(db: Pick<Database, 'execute'>, rows: readonly string[]): Promise<void> {
  if (rows.length > 0) await db.execute(SQL, [`[${rows.join(',')}]`]);
}

/** SQLSTATE classes that blame the data (22 data exception, 23 constraint, 54 limit), not an outage. */
function isDataError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { code?: unknown; cause?: { code?: unknown } };
  const code = typeof e.code === 'string' ? e.code : typeof e.cause?.code === 'string' ? e.cause.code : '';
  return /^(22|23|54)[0-9A-Z]{3}$/.test(code);
}

export interface DlpActivityWriterOptions {
  db: Pick<Database, 'execute'>;
  logger: Logger;
  metrics?: Pick<Metrics, 'dlpEvents'>;
  intervalMs?: number;
  maxBuffered?: number;
}

export function createDlpActivityWriter(opts: DlpActivityWriterOptions): DlpActivityWriter {
  const { db, logger, metrics } = opts;
  const queue = new BatchQueue<string>({
    write: async (batch) => {
      try {
        await writeDlpEvents(db, batch);
        return batch.length;
      } catch (err) {
        if (!isDataError(err)) throw err;
      }
      // A row the database refuses (it should not happen: every text is cleaned) costs only itself.
      let written = 0;
      for (const row of batch) {
        try {
          await writeDlpEvents(db, [row]);
          written++;
        } catch (err) {
          if (!isDataError(err)) throw err;
          metrics?.dlpEvents.inc({ outcome: 'refused' });
          logger.error(
            { error: String(err) },
            'data-protection activity row refused by the database: dropped',
          );
        }
      }
      return written;
    },
    intervalMs: opts.intervalMs ?? 1000,
    maxBuffered: opts.maxBuffered ?? 100_000,
    onDrop: (n) => {
      metrics?.dlpEvents.inc({ outcome: 'dropped' }, n);
      logger.error({ dropped: n }, 'data-protection activity buffer full: oldest rows dropped');
    },
    onWritten: (n) => metrics?.dlpEvents.inc({ outcome: 'written' }, n),
    onError: (err, pending) =>
      logger.warn({ err: String(err), pending }, 'writing data-protection activity failed; will retry'),
  });
  return {
    push(rows) {
      for (const r of rows) {
        try {
          queue.push(dlpEventJson(r));
        } catch (err) {
          logger.error({ err: String(err) }, 'data-protection activity row could not be serialised');
        }
      }
    },
    flush: () => queue.flush(),
    async close() {
      const { unwritten } = await queue.close();
      if (unwritten > 0) logger.error({ unwritten }, 'data-protection activity not written before shutdown');
    },
  };
}
