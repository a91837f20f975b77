import { SESSION_COOKIE } from '@switchyard/core';
import { parseCookie } from 'cookie';
import type { Request, RequestHandler, Response } from 'express';
import { AppError } from '../../lib/errors.js';
import { csrfMatches, type AuthService, type AuthSession } from './auth.service.js';
import { can, type Permission } from './permissions.js';

export { SESSION_COOKIE };
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

interface Credentials {
  token: string;
  via: 'bearer' | 'cookie';
}

export function readCredentials(req: Request): Credentials | null {
  const header = req.headers.authorization;
  if (header?.startsWith('Bearer ')) return { token: header.slice(7).trim(), via: 'bearer' };
  const cookies = req.headers.cookie ? parseCookie(req.headers.cookie) : {};
  const token = cookies[SESSION_COOKIE];
  return token ? { token, via: 'cookie' } : null;
}

/** Resolves the session (if any) into res.locals.auth; never rejects by itself. */
export function sessionMiddleware(auth: AuthService): RequestHandler {
  return async (req, res, next) => {
    try {
      const creds = readCredentials(req);
      if (creds) {
        const session = await auth.authenticate(creds.token);
        if (session) {
          res.locals.auth = session;
          res.locals.authVia = creds.via;
          res.locals.token = creds.token;
        }
      }
      next();
    } catch (err) {
      next(err);
    }
  };
}

export function currentAuth(res: Response): AuthSession {
  const auth = res.locals.auth as AuthSession | undefined;
  if (!auth) throw AppError.unauthorized();
  return auth;
}

/** Who is making an admin change (for the services and the audit log). */
export function actorOf(res: Response, ip?: string) {
  const s = currentAuth(res);
  return { id: s.user.id, email: s.user.email, role: s.user.role, ip: ip ?? null };
}

/**
 * Every /api/v1 route but sign-in goes through this: signed in, allowed by the permission table, and for
 * cookie sessions a matching x-csrf-token on anything but GET/HEAD/OPTIONS.
 */
export function requirePermission(...permissions: Permission[]): RequestHandler {
  return (req, res, next) => {
    const auth = res.locals.auth as AuthSession | undefined;
    if (!auth) return next(AppError.unauthorized());
    if (res.locals.authVia === 'cookie' && !SAFE_METHODS.has(req.method)) {
      if (!csrfMatches(res.locals.token as string, req.get('x-csrf-token'))) {
        return next(new AppError(403, 'csrf_failed', 'Missing or wrong x-csrf-token header.'));
      }
    }
    if (!permissions.every((p) => can(auth.user.role, p))) return next(AppError.forbidden());
    next();
  };
}
