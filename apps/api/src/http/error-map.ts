import { AppError } from '../lib/errors.js';

/** How long a client should wait before retrying while the database is unreachable. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/**
 * The AppError for anything a handler, Express or a parser threw; null for a genuine server fault (the caller logs
 * it and answers 500). Bad input of any kind is a 4xx here; an unreachable database is a 503 with Retry-After.
 */
export function toAppError(err: unknown): AppError | null {
  if (err instanceof AppError) return err;
  if (isDatabaseUnavailable(err)) {
    return new AppError(
      503,
      'database_unavailable',
      'The database is unreachable right now; try again shortly.',
      { retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS },
      {
        'retry-after': String(DATABASE_RETRY_AFTER_SECONDS),
      },
    );
  }
  const httpErr = clientHttpError(err);
  if (httpErr) return httpErr;
  if (isPrismaKnown(err)) {
    if (err.code === 'P2002')
      return AppError.conflict('A record with the same unique value already exists.', {
        fields: err.meta?.target,
      });
    if (err.code === 'P2003')
      return AppError.conflict('A related record does not exist or is still in use.', {
        fields: err.meta?.field_name ?? err.meta?.target,
      });
    if (err.code === 'P2025') return AppError.notFound('Record');
  }
  return null;
}

/**
 * Errors Express, its router and body-parser raise with a 4xx status (http-errors): malformed percent-encoding in
 * the path, unreadable or oversized bodies, unknown encodings and charsets.
 */
function clientHttpError(err: unknown): AppError | null {
  if (typeof err !== 'object' || err === null) return null;
  const e = err as { status?: unknown; statusCode?: unknown; type?: unknown; message?: unknown };
  const status =
    typeof e.status === 'number' ? e.status : typeof e.statusCode === 'number' ? e.statusCode : 0;
  if (err instanceof URIError) return AppError.badRequest('The URL is not valid percent-encoding.');
  if (status < 400 || status > 499) return null;
  switch (e.type) {
    case 'entity.too.large':
      return new AppError(413, 'payload_too_large', 'The request body is larger than allowed.');
    case 'entity.parse.failed':
      return new AppError(400, 'invalid_json', 'The request body is not valid JSON.');
    case 'encoding.unsupported':
      return new AppError(
        415,
        'unsupported_encoding',
        "The request body's content-encoding is not supported (use identity, gzip, deflate or br).",
      );
    case 'charset.unsupported':
      return new AppError(
        415,
        'unsupported_charset',
        "The request body's charset is not supported (use utf-8).",
      );
    default:
      break;
  }
  if (typeof e.message === 'string' && /^Failed to decode param/.test(e.message))
    return AppError.badRequest('The URL is not valid percent-encoding.');
  if (status === 404) return new AppError(404, 'not_found', 'Not found.');
  if (status === 400)
    return AppError.badRequest(
      'The request could not be read (a malformed or truncated body, or a bad content-encoding).',
    );
  const code =
    { 403: 'forbidden', 405: 'method_not_allowed', 413: 'payload_too_large', 415: 'unsupported_media_type' }[
      status
    ] ?? 'bad_request';
  return new AppError(status, code, 'The request could not be processed as sent.');
}

interface PrismaKnown {
  code: string;
  meta?: { target?: unknown; field_name?: unknown };
}

function isPrismaKnown(err: unknown): err is PrismaKnown {
  return (
    typeof err === 'object' &&
    err !== null &&
    (err as { name?: string }).name === 'PrismaClientKnownRequestError'
  );
}

/** Prisma's codes for "cannot reach / lost the database server" and its connection-pool timeout. */
const PRISMA_UNAVAILABLE = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);
/** Socket-level errors of the pg driver. */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EPIPE',
  'EAI_AGAIN',
]);
/** PostgreSQL SQLSTATEs for a server that is shutting down, starting, or refusing connections. */
const PG_UNAVAILABLE = new Set([
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  '53300',
]);
const CONNECTION_MESSAGES =
  /Connection terminated|connection timeout|Client has encountered a connection error|timeout exceeded when trying to connect|Cannot use a pool after calling end|PGlite is closed|is not currently accepting connections|the database system is (starting up|shutting down)/i;

/**
 * Whether a database error (Prisma's, its driver adapter's, or the embedded database's) says the database cannot be
 * reached, as opposed to a bad query. Only errors from the database layer qualify: an upstream provider's
 * ECONNREFUSED is not a database outage.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const top = err as { name?: unknown; message?: unknown };
  const fromDatabase =
    (typeof top.name === 'string' && /^(Prisma|DriverAdapterError$)/.test(top.name)) ||
    (typeof top.message === 'string' && /^PGlite is closed/.test(top.message));
  if (!fromDatabase) return false;
  let e: unknown = err;
  for (let depth = 0; depth < 5 && typeof e === 'object' && e !== null; depth++) {
    const o = e as {
      name?: unknown;
      code?: unknown;
      errorCode?: unknown;
      message?: unknown;
      cause?: unknown;
      originalCode?: unknown;
      kind?: unknown;
    };
    if (o.name === 'PrismaClientInitializationError') return true;
    for (const c of [o.code, o.errorCode, o.originalCode]) {
      if (
        typeof c === 'string' &&
        (PRISMA_UNAVAILABLE.has(c) || SOCKET_CODES.has(c) || PG_UNAVAILABLE.has(c))
      )
        return true;
    }
    if (
      o.kind === 'DatabaseNotReachable' ||
      o.kind === 'ConnectionClosed' ||
      o.kind === 'SocketTimeout' ||
      o.kind === 'TooManyConnections'
    )
      return true;
    if (typeof o.message === 'string' && CONNECTION_MESSAGES.test(o.message)) return true;
    e = o.cause;
  }
  return false;
}
