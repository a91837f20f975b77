import type { CallEvent, ClientFacts, DlpFinding } from '@switchyard/core';
import type { PrismaClient } from '@switchyard/prisma';
import type { Database } from '../db/client.js';
import type { ProxyUsage } from './types.js';
import { PartialWriteError } from './batch-queue.js';

const COLUMNS = `"createdAt" timestamptz, "requestId" text, "gatewayKeyId" text, "userId" text, "orgId" text, "appId" text,
  "endpoint" text, "requestedModel" text, "providerId" text, "providerSlug" text, "modelId" text,
  "tokensIn" int, "tokensOut" int, "tokensCached" int, "costUsd" numeric, "savedUsd" numeric,
  "latencyMs" int, "ttftMs" int, "status" int, "errorCode" text, "isByok" boolean, "stream" boolean, "attempts" int, "trace" json,
  "clientTool" text, "clientVersion" text, "userAgent" text, "clientApp" text, "originator" text, "sessionId" text, "dlp" json,
  "dlpScope" text, "dlpScopeId" text, "dlpBytes" int, "experimentId" text, "variant" text, "cacheHit" boolean, "cacheSavedUsd" numeric,
  "tokensEstimated" boolean, "responseId" text`;

const NAMES = `"createdAt","requestId","gatewayKeyId","userId","orgId","appId","endpoint","requestedModel","providerId",
  "providerSlug","modelId","tokensIn","tokensOut","tokensCached","costUsd","savedUsd","latencyMs","ttftMs","status",
  "errorCode","isByok","stream","attempts","trace","clientTool","clientVersion","userAgent","clientApp","originator","sessionId","dlp",
  "experimentId","variant"`;

/**
 * The rollup upsert's sums: every counter of a `UsageDaily` / `UsageHourly` row adds the incoming row's (the usage
 * writer's batches and the rollups of records dropped at the buffer bound, see dropped-spend.ts).
 */
export function rollupSums(table: 'UsageDaily' | 'UsageHourly'): string {
  return ROLLUP_COUNTERS.map((c) => `"${c}" = "${table}"."${c}" + EXCLUDED."${c}"`).join(',\n    ');
}
const ROLLUP_COUNTERS = [
  'requests',
  'errors',
  'tokensIn',
  'tokensOut',
  'tokensCached',
  'costUsd',
  'savedUsd',
  'latencySumMs',
  'latencyCount',
  'ttftSumMs',
  'ttftCount',
  'cacheHits',
  'cacheSavedUsd',
] as const;

/**
 * One statement per batch: the raw rows, an error report per failed request, a data-protection activity row
 * (DlpEvent, its rules' counts as one JSON array) per protected request on which a rule fired, and the hourly and
 * daily rollups together (so the rollup is always complete for every written record), with the whole batch passed
 * as a single JSON parameter. Node does one
 * JSON.stringify; PostgreSQL (or PGlite) does the rest — far cheaper than building the rows through the ORM.
 * It goes to the driver directly (Database.execute), not through Prisma: Prisma would run its query compiler
 * over the whole parameter on every batch and its debug log keeps the last 100 calls' arguments alive.
 */
const SQL = `
WITH batch AS (SELECT * FROM json_to_recordset($1::json) AS b(${COLUMNS})),
ins AS (INSERT INTO "UsageRecord" (${NAMES},"cacheHit","cacheSavedUsd","tokensEstimated","responseId")
  SELECT ${NAMES}, coalesce("cacheHit", false), coalesce("cacheSavedUsd", 0), coalesce("tokensEstimated", false), "responseId" FROM batch),
errs AS (INSERT INTO "ErrorReport" ("id","createdAt","source","type","model","provider","message","userId","appId","requestId","details")
  SELECT gen_random_uuid()::text, "createdAt", 'proxy', coalesce("errorCode", 'http_' || "status"), "requestedModel", "providerSlug",
    coalesce("trace"->'attempts'->-1->>'outcome', "errorCode", 'HTTP ' || "status"), "userId", "appId", "requestId",
    jsonb_build_object('status', "status", 'endpoint', "endpoint", 'attempts', coalesce(("trace"->'attempts')::jsonb, '[]'::jsonb),
      'client', jsonb_build_object('tool', "clientTool", 'version', "clientVersion", 'app', "clientApp", 'sessionId', "sessionId"),
      'agent', "trace"->'plan'->'agent'->>'id')
  FROM batch WHERE "status" >= 400),
dlpev AS (INSERT INTO "DlpEvent" ("createdAt","requestId","scope","scopeId","orgId","appId","userId","gatewayKeyId",
    "findings","sizeBytes")
  SELECT "createdAt", "requestId", "dlpScope", "dlpScopeId", "orgId", "appId", "userId", "gatewayKeyId",
    "dlp"::jsonb, greatest(coalesce("dlpBytes", 0), 0)
  FROM batch WHERE "dlpScope" IS NOT NULL
    AND CASE WHEN json_typeof("dlp") = 'array' THEN json_array_length("dlp") > 0 ELSE false END),
daily AS (INSERT INTO "UsageDaily" ("day","providerId","modelId","userId","statusClass","isByok",
  "requests","errors","tokensIn","tokensOut","tokensCached","costUsd","savedUsd","latencySumMs","latencyCount","ttftSumMs","ttftCount","cacheHits","cacheSavedUsd")
  SELECT date_trunc('day', "createdAt" AT TIME ZONE 'UTC') AT TIME ZONE 'UTC',
    coalesce("providerId", ''), coalesce("modelId", ''), coalesce("userId", ''),
    CASE WHEN "status" >= 500 THEN '5xx' WHEN "status" >= 400 THEN '4xx' ELSE '2xx' END, "isByok",
    count(*), count(*) FILTER (WHERE "status" >= 400), sum("tokensIn"), sum("tokensOut"), sum("tokensCached"),
    sum("costUsd"), sum("savedUsd"), coalesce(sum("latencyMs") FILTER (WHERE "cacheHit" IS NOT TRUE), 0),
    count(*) FILTER (WHERE "cacheHit" IS NOT TRUE), coalesce(sum("ttftMs") FILTER (WHERE "cacheHit" IS NOT TRUE), 0),
    count("ttftMs") FILTER (WHERE "cacheHit" IS NOT TRUE),
    count(*) FILTER (WHERE "cacheHit"), coalesce(sum("cacheSavedUsd"), 0)
  FROM batch GROUP BY 1, 2, 3, 4, 5, 6
  ON CONFLICT ("day","providerId","modelId","userId","statusClass","isByok") DO UPDATE SET
    ${rollupSums('UsageDaily')})
INSERT INTO "UsageHourly" ("hour","providerId","modelId","userId","orgId","appId","gatewayKeyId","statusClass","isByok",
  "requests","errors","tokensIn","tokensOut","tokensCached","costUsd","savedUsd","latencySumMs","latencyCount","ttftSumMs","ttftCount","cacheHits","cacheSavedUsd")
SELECT date_trunc('hour', "createdAt" AT TIME ZONE 'UTC') AT TIME ZONE 'UTC',
  coalesce("providerId", ''), coalesce("modelId", ''), coalesce("userId", ''), coalesce("orgId", ''), coalesce("appId", ''),
  coalesce("gatewayKeyId", ''),
  CASE WHEN "status" >= 500 THEN '5xx' WHEN "status" >= 400 THEN '4xx' ELSE '2xx' END, "isByok",
  count(*), count(*) FILTER (WHERE "status" >= 400), sum("tokensIn"), sum("tokensOut"), sum("tokensCached"),
  sum("costUsd"), sum("savedUsd"), coalesce(sum("latencyMs") FILTER (WHERE "cacheHit" IS NOT TRUE), 0),
    count(*) FILTER (WHERE "cacheHit" IS NOT TRUE), coalesce(sum("ttftMs") FILTER (WHERE "cacheHit" IS NOT TRUE), 0),
    count("ttftMs") FILTER (WHERE "cacheHit" IS NOT TRUE),
  count(*) FILTER (WHERE "cacheHit"), coalesce(sum("cacheSavedUsd"), 0)
FROM batch GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9
ON CONFLICT ("hour","providerId","modelId","userId","orgId","appId","gatewayKeyId","statusClass","isByok") DO UPDATE SET
  ${rollupSums('UsageHourly')}`;

/** Where a batch goes: the database's driver (the server's path) or, equivalently but slower, a Prisma client. */
export type UsageTarget = Pick<Database, 'execute'> | Pick<PrismaClient, '$executeRawUnsafe'>;

const q = (v: string | null): string => (v === null ? 'null' : JSON.stringify(v));
const n = (v: number | null): string => (v === null || !Number.isFinite(v) ? 'null' : String(v));
/**
 * An amount in USD as an exact decimal string; null when it is not a finite number: PostgreSQL takes 'NaN' as a
 * numeric and would sum it into the rollups for good, while the null is refused and the row dead-lettered.
 */
const usd = (v: number): string => (Number.isFinite(v) ? '"' + v.toFixed(10) + '"' : 'null');

/** The largest value of an int column. */
const INT_MAX = 2_147_483_647;

/** The requested model is kept to this many UTF-16 units (cut on a code-point boundary). */
export const REQUESTED_MODEL_MAX = 300;

/** `v` cut to at most `max` UTF-16 units, never between the two halves of a surrogate pair. */
export function cutText(v: string, max: number): string {
  if (v.length <= max) return v;
  const last = v.charCodeAt(max - 1);
  return v.slice(0, last >= 0xd800 && last <= 0xdbff ? max - 1 : max);
}

/**
 * What PostgreSQL refuses in a row: JSON.stringify writes a NUL as `\u0000` (json → text and jsonb refuse it) and a
 * lone surrogate as `\udXXX` (refused by the json parser); every other character passes through as itself. So one
 * test over the finished row finds every bad text of every field (trace keys included), and only then is work done.
 * The test may also match an escaped backslash followed by `u0000` (harmless: the fix below leaves that alone).
 */
const SUSPECT = /\\u(?:0000|d[89a-f])/;
const BAD_ESCAPE = /(\\+)u(?:0000|d[89a-f][0-9a-f]{2})/g;

/** A row with every NUL and lone surrogate (as JSON.stringify escapes them) replaced by U+FFFD. */
function cleanRow(row: string): string {
  // An odd run of backslashes ends in a real escape; an even run is escaped backslashes followed by plain text.
  return row.replace(BAD_ESCAPE, (m: string, bs: string) => (bs.length % 2 === 1 ? `${bs}ufffd` : m));
}

function traceJson(trace: unknown): string {
  if (trace === undefined) return 'null';
  try {
    return JSON.stringify(trace) ?? 'null';
  } catch {
    // A trace that cannot be serialised (a cycle, a BigInt) must not cost the record.
    return 'null';
  }
}

/**
 * One record as its JSON row: what the batch statement reads (ISO time, costs as exact decimal strings), with every
 * text made acceptable to PostgreSQL (see SUSPECT): a client-chosen model name or an upstream's error text can never
 * make the batch fail. Written out field by field — it runs once per proxied request, and this is several times cheaper than copying the
 * record and serialising the copy.
 */
export function usageRow(r: ProxyUsage): string {
  const row = rowText(r);
  return SUSPECT.test(row) ? cleanRow(row) : row;
}

/** A finding's rule name is kept to this many UTF-16 units (custom rule names are validated to 40). */
const RULE_MAX = 100;

function dlpText(findings: readonly DlpFinding[], policy: ProxyUsage['dlpPolicy']): string {
  // Kinds and actions are the engine's own words; a rule name is a validated custom rule name.
  // Written out like the row itself (no copy of each finding to serialise).
  let counts = '[';
  for (let i = 0; i < findings.length; i++) {
    const f = findings[i]!;
    // prettier-ignore
    counts += (i > 0 ? ',{"kind":' : '{"kind":') + q(f.kind) +
      ',"rule":' + q(f.rule.length > RULE_MAX ? cutText(f.rule, RULE_MAX) : f.rule) +
      ',"action":' + q(f.action) +
      ',"count":' + n(Math.min(INT_MAX, f.count)) + '}';
  }
  counts += ']';
  if (!policy) return ',"dlp":' + counts;
  // prettier-ignore
  return (
    ',"dlp":' + counts +
    ',"dlpScope":' + q(policy.scope) +
    ',"dlpScopeId":' + q(policy.scopeId) +
    ',"dlpBytes":' + n(Math.min(INT_MAX, policy.requestBytes))
  );
}

function rowText(r: ProxyUsage): string {
  // Plain `+` rather than one template literal: V8 builds this ~30% faster (measured in a loop of real records).
  // One field per line (prettier would put each operand on its own line).
  // prettier-ignore
  return (
    '{"createdAt":"' + r.createdAt.toISOString() +
    '","requestId":' + q(r.requestId) +
    ',"gatewayKeyId":' + q(r.gatewayKeyId) +
    ',"userId":' + q(r.userId) +
    ',"orgId":' + q(r.orgId) +
    ',"appId":' + q(r.appId) +
    ',"endpoint":' + q(r.endpoint) +
    ',"requestedModel":' + q(cutText(r.requestedModel, REQUESTED_MODEL_MAX)) +
    ',"providerId":' + q(r.providerId) +
    ',"providerSlug":' + q(r.providerSlug) +
    ',"modelId":' + q(r.modelId) +
    ',"tokensIn":' + n(r.tokensIn) +
    ',"tokensOut":' + n(r.tokensOut) +
    ',"tokensCached":' + n(r.tokensCached) +
    ',"costUsd":' + usd(r.costUsd) +
    ',"savedUsd":' + usd(r.savedUsd) +
    ',"latencyMs":' + n(r.latencyMs) +
    ',"ttftMs":' + n(r.ttftMs) +
    ',"status":' + n(r.status) +
    ',"errorCode":' + q(r.errorCode) +
    ',"isByok":' + r.isByok +
    ',"stream":' + r.stream +
    ',"attempts":' + n(r.attempts) +
    ',"trace":' + traceJson(r.trace) +
    (r.client ? clientText(r.client) : '') +
    (r.dlp && r.dlp.length > 0 ? dlpText(r.dlp, r.dlpPolicy) : '') +
    (r.experiment ? ',"experimentId":' + q(r.experiment.id) + ',"variant":' + q(r.experiment.variant) : '') +
    (r.cacheHit ? ',"cacheHit":true,"cacheSavedUsd":' + usd(r.cacheSavedUsd ?? 0) : '') +
    (r.responseId ? ',"responseId":' + q(r.responseId) : '') +
    (r.tokensEstimated ? ',"tokensEstimated":true' : '') +
    '}'
  );
}

/** The fields of a row before its trace (see rowText), as JSON. */
interface RowHead {
  createdAt: string;
  requestId: string;
  gatewayKeyId: string | null;
  userId: string | null;
  orgId: string | null;
  appId: string | null;
  endpoint: string;
  requestedModel: string;
  providerSlug: string | null;
  modelId: string | null;
  tokensIn: number | null;
  tokensOut: number | null;
  costUsd: string | null;
  latencyMs: number | null;
  status: number | null;
  errorCode: string | null;
  isByok: boolean;
}

/**
 * The live `call` event of a row made by `usageRow`: only the fields before the trace are read (the trace may hold
 * bodies when body logging is on; it is never parsed), and whether its tokens were estimated from the row's end. Every string value of a row is JSON-escaped, so the first
 * `,"trace":` is the trace field itself. Null for a row that is not one of ours.
 */
export function callEventOfRow(row: string): CallEvent | null {
  const end = row.indexOf(',"trace":');
  if (end < 0) return null;
  let h: RowHead;
  try {
    h = JSON.parse(row.slice(0, end) + '}') as RowHead;
  } catch {
    return null;
  }
  if (typeof h.requestId !== 'string' || typeof h.createdAt !== 'string') return null;
  return {
    type: 'call',
    requestId: h.requestId,
    at: h.createdAt,
    userId: h.userId ?? null,
    orgId: h.orgId ?? null,
    appId: h.appId ?? null,
    keyId: h.gatewayKeyId ?? null,
    endpoint: String(h.endpoint),
    requestedModel: String(h.requestedModel),
    provider: h.providerSlug ?? null,
    model: h.modelId ?? null,
    status: h.status ?? 0,
    errorCode: h.errorCode ?? null,
    latencyMs: h.latencyMs ?? 0,
    tokensIn: h.tokensIn ?? 0,
    tokensOut: h.tokensOut ?? 0,
    costUsd: Number(h.costUsd) || 0,
    byok: h.isByok === true,
    tokensEstimated: row.endsWith(ESTIMATED_TAIL),
  };
}

/**
 * How a row whose tokens were estimated ends (rowText writes the flag last, only when set). No row without it ends so:
 * before the closing brace a row otherwise ends with the trace's own closing brace or bracket, a string or null, a
 * number or a bracket (the fields rowText writes after the trace).
 */
const ESTIMATED_TAIL = ',"tokensEstimated":true}';

/** The caller's tool (see @switchyard/core clientFacts: every text already cut and cleaned). */
function clientText(c: ClientFacts): string {
  // prettier-ignore
  return (
    ',"clientTool":' + q(c.tool) +
    ',"clientVersion":' + q(c.version) +
    ',"userAgent":' + q(c.userAgent) +
    ',"clientApp":' + q(c.app) +
    ',"originator":' + q(c.originator) +
    ',"sessionId":' + q(c.sessionId)
  );
}

/** Writes rows made by `usageRow` in one statement. */
export async function writeUsageRows(target: UsageTarget, rows: readonly string[]): Promise<void> {
  if (rows.length === 0) return;
  const batch = `[${rows.join(',')}]`;
  if ('$executeRawUnsafe' in target) await target.$executeRawUnsafe(SQL, batch);
  else await target.execute(SQL, [batch]);
}

export function writeUsageBatch(target: UsageTarget, records: readonly ProxyUsage[]): Promise<void> {
  return writeUsageRows(target, records.map(usageRow));
}

/** A row the database refused on its own, as reported to the dead-letter hook (no payload: it may hold prompt text). */
export interface DeadLetter {
  requestId: string | null;
  /** SQLSTATE and message. */
  error: string;
}

/**
 * SQLSTATE classes that blame the data, not the database being away: 22 data exception (bad JSON, NUL, a number out of
 * range, an invalid byte sequence), 23 integrity constraint, 54 program limit (a row or a document too big or too deep).
 * 57014 (see `isCancelled`) may blame the batch. Anything else (no connection, a dropped table, 57P01 admin_shutdown,
 * 57P02 crash_shutdown, 57P03 cannot_connect_now …) is an outage: the batch is kept and retried.
 */
function isDataError(err: unknown): boolean {
  const code = sqlState(err);
  return code !== null && (code.startsWith('22') || code.startsWith('23') || code.startsWith('54'));
}

/**
 * 57014 query_canceled: the statement ran past `statement_timeout` (or was cancelled). The batch may be what takes too
 * long (too many rows at once, one row too heavy), or the database may be slow or locked for everyone: the rest of
 * class 57 is the server going away.
 */
function isCancelled(err: unknown): boolean {
  return sqlState(err) === '57014';
}

export function sqlState(err: unknown): string | null {
  if (typeof err !== 'object' || err === null) return null;
  const e = err as {
    code?: unknown;
    meta?: { code?: unknown };
    cause?: { originalCode?: unknown; code?: unknown };
  };
  for (const c of [e.code, e.meta?.code, e.cause?.originalCode, e.cause?.code]) {
    if (typeof c === 'string' && /^[0-9A-Z]{5}$/.test(c)) return c;
  }
  return null;
}

/** Text that can always be stored: every character outside printable ASCII as a \uXXXX escape (reversible). */
export function storable(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const REQUEST_ID = /"requestId":"((?:[^"\\]|\\.){1,200})"/;

async function execute(target: UsageTarget, sql: string, params: unknown[]): Promise<void> {
  if ('$executeRawUnsafe' in target) await target.$executeRawUnsafe(sql, ...params);
  else await target.execute(sql, params);
}

async function deadLetterRow(target: UsageTarget, row: string, err: unknown): Promise<DeadLetter> {
  const id = REQUEST_ID.exec(row)?.[1];
  const letter: DeadLetter = {
    requestId: id === undefined ? null : storable(id).slice(0, 200),
    error: storable(`${sqlState(err) ?? '?????'} ${err instanceof Error ? err.message : String(err)}`).slice(
      0,
      1000,
    ),
  };
  await execute(
    target,
    'INSERT INTO "UsageDeadLetter" ("requestId", "error", "payload") VALUES ($1, $2, $3)',
    [letter.requestId, letter.error, storable(row)],
  );
  return letter;
}

/**
 * Writes rows like `writeUsageRows`, but a batch the database refuses for its data is split in halves until the
 * refused rows stand alone; each of those goes to "UsageDeadLetter" (and to `onDeadLetter`), every other row is
 * written. An outage (any other error) is thrown: as is when nothing was written yet, else as a PartialWriteError
 * carrying the rows not yet handled, so the queue retries exactly those. Resolves to the number of rows written.
 *
 * A batch cancelled for running too long (57014) is split the same way, since it may be its own size or one heavy row
 * that keeps it from finishing; a row cancelled even alone is set aside only once a later part of the batch went in
 * (the database does write, so that row is what it cannot write in time). Until then it is kept like the rest: a
 * database slow or locked for everyone cancels every part, and after the halvings that would reach a single row
 * (plus two) with nothing written in between, the cancellation is an outage.
 */
export async function writeUsageRowsIsolating(
  target: UsageTarget,
  rows: string[],
  onDeadLetter?: (letter: DeadLetter) => void,
): Promise<number> {
  let written = 0;
  // Rows before `handled` are written or dead-lettered (halves are done left to right).
  let handled = 0;
  // Rows refused alone while a cancelled row waits for that proof (the first of them is at `handled`: nothing after
  // it went in yet). Set aside when a later part goes in; handed back with the rest if none does.
  const waiting: { i: number; err: unknown }[] = [];
  // Statements cancelled since the last part that went in, and how many say the database, not the batch, is slow.
  let cancelled = 0;
  const maxCancelled = Math.ceil(Math.log2(Math.max(1, rows.length))) + 3;
  // Written whether or not anyone listens (`onDeadLetter?.(await …)` would skip the write itself without a listener).
  const setAside = async (i: number, err: unknown) => {
    const letter = await deadLetterRow(target, rows[i]!, err);
    onDeadLetter?.(letter);
  };
  const run = async (lo: number, hi: number): Promise<void> => {
    try {
      await writeUsageRows(target, lo === 0 && hi === rows.length ? rows : rows.slice(lo, hi));
    } catch (err) {
      const timedOut = isCancelled(err);
      if (!timedOut && !isDataError(err)) throw err;
      if (timedOut && ++cancelled > maxCancelled) throw err;
      if (hi - lo > 1) {
        const mid = (lo + hi) >>> 1;
        await run(lo, mid);
        await run(mid, hi);
      } else if (timedOut || waiting.length > 0) {
        waiting.push({ i: lo, err });
      } else {
        await setAside(lo, err);
        handled = hi;
      }
      return;
    }
    written += hi - lo;
    cancelled = 0;
    // This part went in: the rows before it that were refused alone are what the database cannot take.
    while (waiting.length > 0) {
      try {
        await setAside(waiting[0]!.i, waiting[0]!.err);
      } catch (err) {
        // The database went away between the two: this part is in, the rows still waiting are not.
        throw new PartialWriteError(err, [...waiting.map((w) => rows[w.i]!), ...rows.slice(hi)], written);
      }
      waiting.shift();
    }
    handled = hi;
  };
  try {
    await run(0, rows.length);
    // Refused alone, with nothing after them to show the database writes: kept for the next try.
    if (waiting.length > 0) throw waiting[waiting.length - 1]!.err;
  } catch (err) {
    if (err instanceof PartialWriteError) throw err;
    if (handled === 0) throw err;
    throw new PartialWriteError(err, rows.slice(handled), written);
  }
  return written;
}
