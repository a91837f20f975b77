import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { ZodType } from 'zod';
import { AppError } from '../lib/errors.js';

/** Route parameters are ids (cuid, digits) and slugs: at most 128 letters, digits, '.', '_', ':' and '-'. */
const PARAM = /^[A-Za-z0-9._:-]{1,128}$/;

/** A 400 naming the first route parameter that cannot be an id, before any handler or query sees it. */
export function checkParams(params: Request['params']): void {
  for (const [name, value] of Object.entries(params)) {
    if (typeof value === 'string' && !PARAM.test(value)) {
      const message = 'must be an id (at most 128 letters, digits, ".", "_", ":" and "-")';
      throw AppError.validation(`${name}: ${message}`, { issues: [{ field: name, message }] });
    }
  }
}

/** Express 5 forwards rejected promises already; this keeps handler types tidy and checks route parameters. */
export function route(
  fn: (req: Request, res: Response, next: NextFunction) => Promise<unknown> | unknown,
): RequestHandler {
  return (req, res, next) => {
    try {
      checkParams(req.params);
    } catch (err) {
      next(err);
      return;
    }
    Promise.resolve(fn(req, res, next)).catch(next);
  };
}

/** Validate with a zod schema; a failure names the field: `email: must be an email address`. */
export function parseBody<T>(schema: ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => ({
    field: i.path.join('.') || '(body)',
    message: i.message,
  }));
  const first = issues[0]!;
  throw AppError.validation(`${first.field}: ${first.message}`, { issues });
}
