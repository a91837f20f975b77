import { OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { z } from 'zod';
import { SESSION_COOKIE } from '../modules/auth/auth.middleware.js';
import { changePasswordBody, loginBody } from '../modules/auth/auth.schemas.js';
import { PROXY_ROUTES } from '../proxy/endpoints.js';
import { openapi } from './registry.js';

let registered = false;

/** Routes that live outside the module route files: sign-in, the proxy (node:http, not Express), system and this document. */
function registerShared(): void {
  if (registered) return;
  registered = true;
  openapi.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'A session token from POST /api/v1/auth/login (admin API) or a gateway key (proxy).',
  });
  openapi.registerComponent('securitySchemes', 'session', {
    type: 'apiKey',
    in: 'cookie',
    name: SESSION_COOKIE,
    description: "The dashboard's httpOnly session cookie; mutations also need the x-csrf-token header.",
  });
  const json = <T extends z.ZodType>(schema: T) => ({
    body: { content: { 'application/json': { schema } } },
  });
  openapi.registerPath({
    method: 'post',
    path: '/api/v1/auth/login',
    tags: ['Auth'],
    summary: 'Sign in: a session token (and cookie), CSRF token, user and permissions',
    security: [],
    request: json(loginBody),
    responses: {
      200: { description: 'Session' },
      401: { description: 'Wrong email or password' },
      429: { description: 'Too many attempts' },
    },
  });
  openapi.registerPath({
    method: 'get',
    path: '/api/v1/auth/me',
    tags: ['Auth'],
    summary: 'The signed-in user, CSRF token and permissions',
    responses: { 200: { description: 'Session' } },
  });
  openapi.registerPath({
    method: 'post',
    path: '/api/v1/auth/logout',
    tags: ['Auth'],
    summary: 'End the session (a cookie session needs its x-csrf-token)',
    security: [],
    responses: {
      204: { description: 'Signed out' },
      403: { description: 'Cookie session without its CSRF token' },
    },
  });
  openapi.registerPath({
    method: 'post',
    path: '/api/v1/auth/password',
    tags: ['Auth'],
    summary: 'Change my password (ends my other sessions)',
    request: json(changePasswordBody),
    responses: { 204: { description: 'Changed' } },
  });
  openapi.registerPath({
    method: 'get',
    path: '/api/v1/openapi.json',
    tags: ['System'],
    summary: 'This document',
    security: [],
    responses: { 200: { description: 'OpenAPI 3.1' } },
  });
  for (const p of ['/health', '/ready', '/metrics']) {
    openapi.registerPath({
      method: 'get',
      path: p,
      tags: ['System'],
      summary: {
        '/health': 'Liveness',
        '/ready': 'Readiness (database reachable, migrations applied)',
        '/metrics': 'Prometheus metrics (Authorization: Bearer <METRICS_TOKEN> when that is set)',
      }[p]!,
      security: [],
      responses: {
        200: { description: 'OK' },
        ...(p === '/metrics'
          ? { 401: { description: 'METRICS_TOKEN is set and the bearer token is missing or wrong' } }
          : {}),
      },
    });
  }
  for (const r of PROXY_ROUTES) {
    openapi.registerPath({
      method: r.method === 'GET' ? 'get' : 'post',
      path: r.path,
      tags: [r.format === 'anthropic' ? 'Proxy (Anthropic format)' : 'Proxy (OpenAI format)'],
      summary: `${r.endpoint} in ${r.format === 'anthropic' ? 'Anthropic' : 'OpenAI'} format, routed across providers (gateway key as Bearer or x-api-key)`,
      ...(r.method === 'POST' ? { request: json(z.object({ model: z.string() }).passthrough()) } : {}),
      ...(r.path.endsWith('/{id}')
        ? {
            request: {
              params: z.object({
                id: z.string().describe('A model name this key may use (URL-encoded; it may contain /)'),
              }),
            },
          }
        : {}),
      responses: {
        200: { description: "The provider's answer in the client's format (SSE when stream: true)" },
        401: { description: 'Missing or invalid gateway key' },
        402: { description: 'Budget exhausted' },
        403: {
          description:
            "ip_not_allowed: the client IP is not on PROXY_IP_ALLOWLIST or the key's IP allow-list (also a suspended owner)",
        },
        429: { description: 'Rate limited' },
      },
    });
  }
}

let cached: unknown;

/** The OpenAPI 3.1 document, generated once from every module's registered zod schemas. */
export function openapiDocument(version: string): unknown {
  if (cached) return cached;
  registerShared();
  cached = new OpenApiGeneratorV31(openapi.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Switchyard API',
      version,
      description:
        'Admin API (/api/v1) and the OpenAI/Anthropic-compatible proxy (/v1, /openai/v1, /anthropic/v1). Errors: {error:{code,message,details}}.',
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }, { session: [] }],
  });
  return cached;
}

export function openapiRoutes(version: string): Router {
  const r = Router();
  r.get('/openapi.json', (_req, res) => void res.json(openapiDocument(version)));
  return r;
}
