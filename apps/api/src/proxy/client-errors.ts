import type { ServerResponse } from 'node:http';
import type { GatewayError } from '../lib/errors.js';
import { scrubAccountIds } from '../providers/index.js';
import type { UpstreamError } from '../providers/types.js';
import type { PlannedAttempt } from '../router/types.js';

/** The client's wire format decides the error body shape. */
export type ClientFormat = 'openai' | 'anthropic';

const OPENAI_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'insufficient_quota',
  403: 'permission_error',
  404: 'not_found_error',
  408: 'timeout_error',
  413: 'invalid_request_error',
  429: 'rate_limit_error',
  500: 'server_error',
  501: 'server_error',
  502: 'upstream_error',
  503: 'server_error',
  504: 'timeout_error',
};

const ANTHROPIC_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  408: 'timeout_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  502: 'api_error',
  503: 'overloaded_error',
  504: 'timeout_error',
};

export function errorPayload(
  format: ClientFormat,
  err: Pick<GatewayError, 'status' | 'code' | 'message' | 'param'>,
): string {
  if (format === 'anthropic') {
    return JSON.stringify({
      type: 'error',
      error: {
        type: ANTHROPIC_TYPES[err.status] ?? (err.status >= 500 ? 'api_error' : 'invalid_request_error'),
        message: err.message,
      },
    });
  }
  return JSON.stringify({
    error: {
      message: err.message,
      type: OPENAI_TYPES[err.status] ?? (err.status >= 500 ? 'server_error' : 'invalid_request_error'),
      code: err.code,
      param: err.param ?? null,
    },
  });
}

/**
 * Answers with the error in the client's format (its `retryAfterMs` as Retry-After); returns the body sent ('' when
 * the response had already started).
 */
export function sendClientError(
  res: ServerResponse,
  format: ClientFormat,
  err: GatewayError,
  extraHeaders: Record<string, string> = {},
): string {
  if (res.headersSent) {
    res.destroy();
    return '';
  }
  const body = errorPayload(format, err);
  res.writeHead(err.status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    ...extraHeaders,
    ...(err.retryAfterMs !== undefined ? { 'retry-after': retryAfterSeconds(err.retryAfterMs) } : {}),
    ...err.headers,
  });
  res.end(body);
  return body;
}

/** Retry-After in whole seconds, at least 1. */
function retryAfterSeconds(ms: number): string {
  return String(Math.max(1, Math.ceil(ms / 1000)));
}

/** What a client sees when the gateway itself failed: no exception text, the request id to quote. */
export function internalError(requestId: string): GatewayError {
  return {
    kind: 'gateway',
    status: 500,
    code: 'internal_error',
    message: `The gateway failed to handle this request (request id ${requestId}).`,
  };
}

/** No provider answered before the request's deadline ran out. */
export function deadlineError(deadlineMs: number, attempts: number): GatewayError {
  return {
    kind: 'upstream',
    status: 504,
    code: 'deadline_exceeded',
    message: `No provider answered within the request deadline (${Math.round(deadlineMs / 1000)} s, REQUEST_DEADLINE_MS) over ${attempts} attempt${attempts === 1 ? '' : 's'}.`,
  };
}

/**
 * A failed attempt as the client sees it, in terms of the gateway's own codes. An error the upstream answered with
 * keeps the upstream's message as it is (clients match on it; it is scrubbed of keys, and of the ids of the provider
 * accounts behind the gateway, which are the operator's) and the field it names (`param`); which target failed goes
 * in the answer's x-switchyard-provider / x-switchyard-model headers, as on an answer. Messages the gateway writes
 * itself (credentials, billing, an unknown model, a network failure) name the target.
 */
export function upstreamFailure(failed: UpstreamError, attempt: PlannedAttempt): GatewayError {
  const e = forClient(failed);
  const where = `${attempt.provider.slug}/${attempt.model.modelId}`;
  const upstream = (status: number, code: string, message: string): GatewayError => ({
    kind: 'upstream',
    status,
    code,
    message,
    ...(e.param ? { param: e.param } : {}),
  });
  switch (e.kind) {
    case 'timeout':
      return upstream(504, 'upstream_timeout', `${where}: ${e.message}`);
    case 'network':
      if (e.code === 'outbound_refused')
        return { ...upstream(502, 'provider_misconfigured', `${where}: ${e.message}`), kind: 'gateway' };
      return upstream(502, 'upstream_unreachable', `${where}: ${e.message}`);
    case 'rate_limit':
      return {
        ...upstream(429, 'upstream_rate_limited', e.message),
        ...(e.retryAfterMs !== null ? { retryAfterMs: e.retryAfterMs } : {}),
      };
    case 'context_window':
      return upstream(400, 'context_length_exceeded', e.message);
    case 'request_too_large':
      return upstream(413, 'request_too_large', e.message);
    case 'policy':
      return upstream(400, 'content_policy', e.message);
    case 'bad_request':
      return upstream(
        e.status >= 400 && e.status < 500 ? e.status : 400,
        e.code ?? 'invalid_request',
        e.message,
      );
    case 'auth':
      return upstream(502, 'upstream_auth_failed', `${where} rejected the provider credentials.`);
    case 'invalid_header':
      return {
        ...upstream(
          502,
          'provider_key_invalid',
          `${where}: ${attempt.keySource === 'byok' ? 'your own (BYOK) key' : `the ${attempt.keySource} key`} for this provider cannot be sent (it is not a valid HTTP header value); replace it.`,
        ),
        kind: attempt.keySource === 'byok' ? 'client' : 'gateway',
      };
    case 'billing':
      return upstream(502, 'upstream_billing', `${where}: the provider account is out of credit or quota.`);
    case 'model_not_found':
      return upstream(502, 'upstream_model_not_found', `${where}: the provider does not know this model.`);
    case 'overloaded':
      // Anthropic-format clients get overloaded_error (their SDKs and agents treat an overloaded API apart), OpenAI's
      // a server_error; a 503 either way, which the SDKs retry.
      return {
        ...upstream(503, 'upstream_overloaded', e.message),
        ...(e.retryAfterMs !== null ? { retryAfterMs: e.retryAfterMs } : {}),
      };
    default:
      return upstream(502, 'upstream_error', e.message);
  }
}

/** An upstream's error with what it says (message, code, param) rid of the operator's provider account ids. */
/** What a caller is told of a network failure, by its code (the log keeps the failure's own text). */
function networkMessage(code: string | null): string {
  switch (code) {
    case 'outbound_refused':
      return "The gateway's outbound policy does not allow this provider's address.";
    case 'ECONNREFUSED':
      return 'The upstream refused the connection.';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return "The upstream's host name could not be resolved.";
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
    case 'UND_ERR_CLOSED':
      return 'The upstream closed the connection.';
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return 'Could not connect to the upstream in time.';
    default:
      return code !== null && /CERT|TLS|SSL|SELF_SIGNED/i.test(code)
        ? "The upstream's TLS certificate was not accepted."
        : 'The upstream could not be reached.';
  }
}

function forClient(e: UpstreamError): UpstreamError {
  // A network failure's own text names the address dialled (host, IP, port): callers get what happened only.
  if (e.status === 0 && e.kind === 'network') return { ...e, message: networkMessage(e.code) };
  const message = scrubAccountIds(e.message);
  const code = e.code === null ? null : scrubAccountIds(e.code);
  const param = e.param === undefined ? undefined : scrubAccountIds(e.param);
  if (message === e.message && code === e.code && param === e.param) return e;
  return { ...e, message, code, ...(param !== undefined ? { param } : {}) };
}
