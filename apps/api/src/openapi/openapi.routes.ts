import { OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import {
  ALL_CONTRACTS,
  feedbackBody,
  feedbackResultSchema,
  SESSION_COOKIE,
  paramsSchema,
  pathParamNames,
  systemContracts,
  type Contract,
} from '@switchyard/core';
import { Router } from 'express';
import { z } from 'zod';
import { mountContract } from '../modules/mount-contract.js';
import { PROXY_ROUTES } from '../proxy/endpoints.js';
import { FEEDBACK_PATHS } from '../proxy/feedback.js';

/** One operation of the document from a contract: its schemas, its permission, its answers. */
function operationOf(c: Contract): RouteConfig {
  const json = (schema: z.ZodType) => ({ content: { 'application/json': { schema } } });
  const r = c.response;
  const ok =
    'schema' in r
      ? { description: r.description, ...json(r.schema) }
      : 'contentType' in r
        ? { description: r.description, content: { [r.contentType]: { schema: z.string() } } }
        : { description: r.description };
  return {
    method: c.method,
    path: c.path,
    tags: [c.tag],
    summary: c.summary,
    ...(c.permission === null
      ? { security: [] }
      : { description: `Needs the \`${c.permission}\` permission.` }),
    request: {
      ...(pathParamNames(c.path).length ? { params: paramsSchema(c) } : {}),
      ...(c.query ? { query: c.query as z.ZodObject } : {}),
      ...(c.body ? { body: json(c.body) } : {}),
    },
    responses: {
      [r.status]: ok,
      ...(c.permission === null
        ? {}
        : { 401: { description: 'Not signed in' }, 403: { description: 'Role not allowed' } }),
      ...(c.query || c.body || pathParamNames(c.path).length ? { 400: { description: 'Bad input' } } : {}),
      ...(limitedWrite(c)
        ? {
            429: {
              description:
                'Too many changes by this user (ADMIN_WRITE_RATE_LIMIT_PER_MINUTE, any 60 s, all sessions together); Retry-After says when to try again',
            },
          }
        : {}),
      ...Object.fromEntries(Object.entries(c.errors ?? {}).map(([s, d]) => [s, { description: d }])),
    },
  };
}

/** A change a signed-in user makes through the admin API: counted by the per-user write limit (not sign-in/out). */
function limitedWrite(c: Contract): boolean {
  return c.permission !== null && c.method !== 'get' && !c.path.startsWith('/api/v1/auth/');
}

/** The proxy's routes (served by the lean node:http handler, not Express), from the proxy's own route table. */
function proxyOperations(): RouteConfig[] {
  return PROXY_ROUTES.map((r) => ({
    method: r.method === 'GET' ? 'get' : 'post',
    path: r.path,
    tags: [
      r.unified
        ? 'Proxy (either format)'
        : r.format === 'anthropic'
          ? 'Proxy (Anthropic format)'
          : 'Proxy (OpenAI format)',
    ],
    summary: r.unified
      ? 'An OpenAI chat body or an Anthropic messages body (told apart by shape; the x-switchyard-format header overrides), answered in the same format, streamed too'
      : `${r.endpoint} in ${r.format === 'anthropic' ? 'Anthropic' : 'OpenAI'} format, routed across providers (gateway key as Bearer or x-api-key)`,
    ...(r.method === 'POST'
      ? {
          request: {
            body: {
              content: { 'application/json': { schema: z.object({ model: z.string() }).passthrough() } },
            },
          },
        }
      : {}),
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
  }));
}

/** POST /v1/feedback (and under /openai, /anthropic): an app scores one of its own requests. */
function feedbackOperations(): RouteConfig[] {
  return FEEDBACK_PATHS.map((path) => ({
    method: 'post',
    path,
    tags: ['Experiments'],
    summary:
      "Score one of your own requests (request_id = its x-request-id), 0 (bad) to 1 (good); shown per model in the usage view, in the request's log and per experiment variant. One per request per key, a user's keys counting as one: a later score replaces it",
    request: { body: { content: { 'application/json': { schema: feedbackBody } } } },
    responses: {
      200: { description: 'Stored', content: { 'application/json': { schema: feedbackResultSchema } } },
      400: { description: 'Not JSON, or a field out of range (the message names it)' },
      401: { description: 'Missing or invalid gateway key' },
      404: {
        description: 'No request with this id was made with this key (or by its user)',
      },
    },
  }));
}

let cached: unknown;

/** The OpenAPI 3.1 document, generated once from the contracts (admin API, system) and the proxy's route table. */
export function openapiDocument(version: string): unknown {
  if (cached) return cached;
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'A session token from POST /api/v1/auth/login (admin API) or a gateway key (proxy).',
  });
  registry.registerComponent('securitySchemes', 'session', {
    type: 'apiKey',
    in: 'cookie',
    name: SESSION_COOKIE,
    description: "The dashboard's httpOnly session cookie; mutations also need the x-csrf-token header.",
  });
  for (const c of ALL_CONTRACTS) registry.registerPath(operationOf(c));
  for (const op of proxyOperations()) registry.registerPath(op);
  for (const op of feedbackOperations()) registry.registerPath(op);
  cached = new OpenApiGeneratorV31(registry.definitions).generateDocument({
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
  mountContract(r, systemContracts.openapi, () => openapiDocument(version) as Record<string, unknown>);
  return r;
}
