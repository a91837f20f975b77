import type { RequestHandler } from 'express';
import { AppError } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import { minuteLimiter } from '../../router/minute-limit.js';
import type { StateStore } from '../../router/state-store.js';
import type { AuthSession } from './auth.service.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * At most `perMinute` changes (any admin API call but GET, HEAD and OPTIONS; sign-in and sign-out are not counted)
 * per signed-in user in any 60 s, all of their sessions together. Counted in the state store like the proxy's rate
 * limits (a sliding minute; shared by every instance with Redis). A user who writes without end (switching a key on
 * and off in a loop, each switch reloading routing) is told to wait with 429 `rate_limited` and Retry-After; reading
 * goes on. A store that fails lets the call through (the limit fails open, like the proxy's).
 */
export function adminWriteLimit(
  store: Pick<StateStore, 'consume'>,
  perMinute: number,
  now: () => number,
  logger: Logger,
): RequestHandler {
  const take = minuteLimiter(store, 'admin', 'writes', perMinute, now);
  return (req, res, next) => {
    if (SAFE_METHODS.has(req.method)) return next();
    const auth = res.locals.auth as AuthSession | undefined;
    // Not signed in: the route answers 401 itself.
    if (!auth) return next();
    take(auth.user.id).then(
      (waitMs) => {
        if (waitMs === null) return next();
        const seconds = Math.ceil(waitMs / 1000);
        next(
          new AppError(
            429,
            'rate_limited',
            `Too many changes: at most ${perMinute} a minute per user through the admin API (ADMIN_WRITE_RATE_LIMIT_PER_MINUTE); try again in ${seconds} s.`,
            { retryAfterSeconds: seconds, limit: perMinute, window: 'minute' },
            { 'retry-after': String(seconds) },
          ),
        );
      },
      (err: unknown) => {
        logger.warn({ err: String(err) }, 'admin write limit: the state store failed; call let through');
        next();
      },
    );
  };
}
