import type { ZodType } from 'zod';
import { AppError } from '../lib/errors.js';

/**
 * Validate with a zod schema; a failure names the field: `email: must be an email address`. Route parameters,
 * queries and bodies of every admin endpoint go through here (see modules/mount-contract.ts).
 */
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
