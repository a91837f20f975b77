/** The one error family of the admin API: mapped to `{error:{code,message,details}}` by `errorBody`. */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }

  static badRequest(message: string, details?: unknown) {
    return new AppError(400, 'bad_request', message, details);
  }
  static validation(message: string, details?: unknown) {
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
    return new AppError(429, 'rate_limited', message, { retryAfterSeconds }, {
      'retry-after': String(retryAfterSeconds),
    });
  }
}

export function errorBody(err: AppError) {
  return { error: { code: err.code, message: err.message, ...(err.details === undefined ? {} : { details: err.details }) } };
}
