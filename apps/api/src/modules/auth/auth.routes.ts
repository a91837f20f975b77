import { authContracts, SESSION_COOKIE } from '@switchyard/core';
import { stringifySetCookie } from 'cookie';
import { Router } from 'express';
import { AppError } from '../../lib/errors.js';
import { mountContracts } from '../mount-contract.js';
import { currentAuth, readCredentials } from './auth.middleware.js';
import { csrfMatches, type AuthService } from './auth.service.js';
import { permissionsOf } from './permissions.js';

/**
 * The session cookie is `Secure` when the request came over HTTPS: a TLS socket, or (TRUST_PROXY on) a proxy
 * that says `x-forwarded-proto: https` — Express's `req.secure`.
 */
export function authRoutes(auth: AuthService): Router {
  return mountContracts(Router(), authContracts, {
    login: async ({ body, req, res }) => {
      const result = await auth.login(body.email, body.password, {
        ip: req.ip ?? 'unknown',
        userAgent: req.get('user-agent'),
      });
      res.setHeader(
        'set-cookie',
        stringifySetCookie({
          name: SESSION_COOKIE,
          value: result.token,
          httpOnly: true,
          sameSite: 'lax',
          secure: req.secure,
          path: '/',
          expires: result.expiresAt,
        }),
      );
      return {
        token: result.token,
        csrfToken: result.csrfToken,
        expiresAt: result.expiresAt.toISOString(),
        user: result.user,
        permissions: permissionsOf(result.user.role),
      };
    },

    me: ({ res }) => {
      const s = currentAuth(res);
      return { user: s.user, csrfToken: s.csrfToken, permissions: permissionsOf(s.user.role) };
    },

    logout: async ({ req, res }) => {
      const creds = readCredentials(req);
      // A live cookie session is ended only with its CSRF token (another site must not sign users out). A bearer
      // token cannot be sent by another site; a cookie that is no session any more is just cleared.
      if (
        creds &&
        res.locals.auth &&
        res.locals.authVia === 'cookie' &&
        !csrfMatches(creds.token, req.get('x-csrf-token'))
      ) {
        throw new AppError(403, 'csrf_failed', 'Missing or wrong x-csrf-token header.');
      }
      if (creds) await auth.logout(creds.token);
      res.setHeader(
        'set-cookie',
        stringifySetCookie({
          name: SESSION_COOKIE,
          value: '',
          httpOnly: true,
          sameSite: 'lax',
          secure: req.secure,
          path: '/',
          maxAge: 0,
        }),
      );
    },

    changePassword: async ({ body, res }) => {
      const s = currentAuth(res);
      if (body.newPassword === body.currentPassword) {
        throw AppError.validation('newPassword: must differ from the current password');
      }
      await auth.changePassword(s.user.id, body.currentPassword, body.newPassword, s.sessionId);
    },
  });
}
