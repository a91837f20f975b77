import type { ServerResponse } from 'node:http';

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

export interface ClientError {
  status: number;
  code: string;
  message: string;
  headers?: Record<string, string>;
  param?: string;
}

export function errorPayload(format: ClientFormat, err: ClientError): string {
  if (format === 'anthropic') {
    return JSON.stringify({
      type: 'error',
      error: { type: ANTHROPIC_TYPES[err.status] ?? (err.status >= 500 ? 'api_error' : 'invalid_request_error'), message: err.message },
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

/** Answers with the error in the client's format; returns the body sent ('' when the response had already started). */
export function sendClientError(
  res: ServerResponse,
  format: ClientFormat,
  err: ClientError,
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
    ...err.headers,
  });
  res.end(body);
  return body;
}
