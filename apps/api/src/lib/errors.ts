/**
 * Who is at fault for an error: the caller (its key, its request, its limits), the gateway (its configuration, its
 * capacity, a bug of ours) or the upstream provider (it refused or failed; its message is quoted).
 */
export type Fault = 'client' | 'gateway' | 'upstream';

/**
 * The one error shape of the gateway: what the proxy answers a client with (in the client's wire format) and what
 * the admin API throws (`AppError`, mapped to `{error:{code,message,details}}`). A provider's failure arrives as
 * an `UpstreamError` (the routing engine's classification input) and becomes one of these with kind 'upstream'.
 */
export interface GatewayError {
  kind: Fault;
  status: number;
  code: string;
  message: string;
  /** Sent as Retry-After (whole seconds, at least 1). */
  retryAfterMs?: number;
  /** The request field the error is about (OpenAI-format errors carry it as `param`). */
  param?: string;
  headers?: Record<string, string>;
}

/** The fault a status implies when nothing more is known: 4xx the caller's, anything else the gateway's. */
export function faultOf(status: number): Fault {
  return status >= 400 && status < 500 ? 'client' : 'gateway';
}

/** The one error family of the admin API: mapped to `{error:{code,message,details}}` by `errorBody`. */
export class AppError extends Error implements GatewayError {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }

  get kind(): Fault {
    return faultOf(this.status);
  }

  static badRequest(message: string, details?: unknown) {
    return new AppError(400, 'bad_request', message, details);
  }
  /**
   * A 400 for bad input. Details naming one field (`{field}`, as a provider key's shape check gives) carry it as an
   * issue too (`issues: [{field, message}]`, the message without its "field: " start), the shape of every other
   * validation error, from which the dashboard's forms show the message next to the field.
   */
  static validation(message: string, details?: unknown) {
    if (
      details !== null &&
      typeof details === 'object' &&
      !('issues' in details) &&
      'field' in details &&
      typeof details.field === 'string'
    ) {
      const field = details.field;
      const own = message.startsWith(`${field}: `) ? message.slice(field.length + 2) : message;
      details = { ...details, issues: [{ field, message: own }] };
    }
    return new AppError(400, 'validation_error', message, details);
  }
  static unauthorized(message = 'Sign in first.') {
    return new AppError(401, 'unauthorized', message);
  }
  static forbidden(message = 'Your role does not allow this.') {
    return new AppError(403, 'forbidden', message);
  }
  static notFound(what: string) {
    return new AppError(404, 'not_found', `${what} not found.`);
  }
  static conflict(message: string, details?: unknown) {
    return new AppError(409, 'conflict', message, details);
  }
  static tooMany(message: string, retryAfterSeconds: number) {
    return new AppError(
      429,
      'rate_limited',
      message,
      { retryAfterSeconds },
      {
        'retry-after': String(retryAfterSeconds),
      },
    );
  }
}

export function errorBody(err: AppError) {
  return {
    error: {
      code: err.code,
      message: err.message,
      ...(err.details === undefined ? {} : { details: err.details }),
    },
  };
}
