/** Sign-in, sign-out, who am I, change my password. */
import { z } from 'zod';
import { changePasswordBody, loginBody } from '../schemas/identity/index.js';
import { loginResponse, meResponse } from '../schemas/identity/responses.js';
import { defineContract } from './contract.js';

/** The dashboard's httpOnly session cookie. */
export const SESSION_COOKIE = 'sy_session';

const tag = 'Auth';

export const authContracts = {
  login: defineContract({
    method: 'post',
    path: '/api/v1/auth/login',
    permission: null,
    tag,
    summary: 'Sign in: a session token (and cookie), CSRF token, user and permissions',
    body: loginBody,
    response: { status: 200, description: 'Session', schema: loginResponse },
    errors: { 401: 'Wrong email or password', 429: 'Too many attempts' },
  }),
  me: defineContract({
    method: 'get',
    path: '/api/v1/auth/me',
    permission: 'self:read',
    tag,
    summary: 'The signed-in user, CSRF token and permissions',
    response: { status: 200, description: 'Session', schema: meResponse },
  }),
  logout: defineContract({
    method: 'post',
    path: '/api/v1/auth/logout',
    permission: null,
    tag,
    summary: 'End the session (a cookie session needs its x-csrf-token)',
    response: { status: 204, description: 'Signed out' },
    errors: { 403: 'Cookie session without its CSRF token' },
  }),
  changePassword: defineContract({
    method: 'post',
    path: '/api/v1/auth/password',
    permission: 'self:write',
    tag,
    summary: 'Change my password (ends my other sessions)',
    body: changePasswordBody,
    response: { status: 204, description: 'Changed' },
  }),
} as const;

/** `GET /health`, `/ready`, `/metrics` and this API's OpenAPI document. */
export const systemContracts = {
  openapi: defineContract({
    method: 'get',
    path: '/api/v1/openapi.json',
    permission: null,
    tag: 'System',
    summary: 'This document',
    response: { status: 200, description: 'OpenAPI 3.1', schema: z.record(z.string(), z.unknown()) },
  }),
  health: defineContract({
    method: 'get',
    path: '/health',
    permission: null,
    tag: 'System',
    summary: 'Liveness',
    response: { status: 200, description: 'OK', schema: z.strictObject({ status: z.literal('ok') }) },
  }),
  ready: defineContract({
    method: 'get',
    path: '/ready',
    permission: null,
    tag: 'System',
    summary: 'Readiness (database reachable, migrations applied)',
    response: {
      status: 200,
      description: 'OK',
      schema: z.strictObject({
        status: z.enum(['ready', 'unavailable']),
        database: z.enum(['ok', 'unreachable']),
      }),
    },
    errors: { 503: 'The database does not answer (same body, status "unavailable")' },
  }),
  metrics: defineContract({
    method: 'get',
    path: '/metrics',
    permission: null,
    tag: 'System',
    summary: 'Prometheus metrics (Authorization: Bearer <METRICS_TOKEN> when that is set)',
    response: { status: 200, description: 'OK', contentType: 'text/plain' },
    errors: { 401: 'METRICS_TOKEN is set and the bearer token is missing or wrong' },
  }),
} as const;
