import { errorsQuery, exportQuery, logsQuery, usagePeriodQuery, userUsageQuery } from '@switchyard/core';
import { Router, type Response } from 'express';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { parseBody, route } from '../../http/async.js';
import { attachmentDisposition } from '../../http/content-disposition.js';
import { AppError } from '../../lib/errors.js';
import { openapi } from '../../openapi/registry.js';
import { currentAuth, requirePermission } from '../auth/auth.middleware.js';
import { can } from '../auth/permissions.js';
import { UsageService } from './usage.service.js';

/**
 * The read side: /api/v1/llm/{usage,stats,live,usage/users,logs,errors,export} for operators and
 * /api/v1/me/{usage,live,logs,export} for everyone's own traffic. A user never reads another user's usage.
 */
export function usageRoutes(ctx: AppContext): Router {
  const svc = new UsageService(ctx);
  const r = Router();
  const self = (res: Response) => ({ userId: currentAuth(res).user.id });

  r.get(
    '/llm/usage',
    requirePermission('usage:read-any'),
    route(async (req, res) => void res.json(await svc.usage(parseBody(usagePeriodQuery, req.query).period))),
  );
  r.get(
    '/llm/stats',
    requirePermission('usage:read-any'),
    route(async (_req, res) => void res.json(await svc.stats())),
  );
  r.get(
    '/llm/live',
    requirePermission('usage:read-any'),
    route(async (_req, res) => void res.json(await svc.live())),
  );
  r.get(
    '/llm/usage/users',
    requirePermission('usage:read-any'),
    route(async (req, res) => void res.json(await svc.users(parseBody(userUsageQuery, req.query)))),
  );
  r.get(
    '/llm/logs',
    requirePermission('logs:read'),
    route(async (req, res) => void res.json(await svc.logs(parseBody(logsQuery, req.query)))),
  );
  r.get(
    '/llm/logs/:id',
    requirePermission('logs:read'),
    route(async (req, res) => void res.json(await svc.log(String(req.params.id)))),
  );
  r.get(
    '/llm/errors',
    requirePermission('errors:read'),
    route(async (req, res) => void res.json(await svc.errors(parseBody(errorsQuery, req.query)))),
  );

  const exportCsv = (forceSelf: boolean) =>
    route(async (req, res) => {
      const q = parseBody(exportQuery, req.query);
      const me = currentAuth(res).user;
      if (forceSelf || !can(me.role, 'export:any')) {
        if (q.user && q.user !== me.id) throw AppError.forbidden('You may export only your own usage.');
        q.user = me.id;
      }
      const day = (d: Date | undefined) => (d ? d.toISOString().slice(0, 10) : 'all');
      res.status(200);
      res.setHeader('content-type', 'text/csv; charset=utf-8');
      res.setHeader(
        'content-disposition',
        attachmentDisposition(`switchyard-usage-${q.user ?? 'all'}-${day(q.from)}-${day(q.to)}.csv`),
      );
      res.setHeader('cache-control', 'no-store');
      const abort = new AbortController();
      res.on('close', () => abort.abort());
      await svc.exportCsv(q, res, abort.signal);
      res.end();
    });
  r.get('/llm/export', requirePermission('usage:own'), exportCsv(false));

  r.get(
    '/me/usage',
    requirePermission('usage:own'),
    route(
      async (req, res) =>
        void res.json(await svc.usage(parseBody(usagePeriodQuery, req.query).period, self(res))),
    ),
  );
  r.get(
    '/me/live',
    requirePermission('usage:own'),
    route(async (_req, res) => void res.json(await svc.live(self(res)))),
  );
  r.get(
    '/me/logs',
    requirePermission('usage:own'),
    route(async (req, res) => void res.json(await svc.logs(parseBody(logsQuery, req.query), self(res)))),
  );
  r.get(
    '/me/logs/:id',
    requirePermission('usage:own'),
    route(async (req, res) => void res.json(await svc.log(String(req.params.id), self(res)))),
  );
  r.get('/me/export', requirePermission('usage:own'), exportCsv(true));

  const id = z.object({ id: z.string() });
  const reg = (
    path: string,
    tag: string,
    summary: string,
    request?: Record<string, unknown>,
    extra: Record<number, { description: string }> = {},
  ) =>
    openapi.registerPath({
      method: 'get',
      path: `/api/v1${path}`,
      tags: [tag],
      summary,
      ...(request ? { request } : {}),
      responses: { 200: { description: 'OK' }, ...extra },
    });
  reg(
    '/llm/usage',
    'Usage',
    'Calls and cost over time (bucket fits the period), by provider (cost, latency, success rate), popular models, top users',
    { query: usagePeriodQuery },
  );
  reg(
    '/llm/stats',
    'Usage',
    'Stat cards: providers, active models, API calls and cost over 30 days with the change versus the 30 before, BYOK',
  );
  reg('/llm/live', 'Usage', 'The last 60 minutes, per minute: requests, errors, average and p95 latency');
  reg('/llm/usage/users', 'Usage', 'Per-user usage over a period, sortable', { query: userUsageQuery });
  reg('/llm/logs', 'Logs', 'Gateway logs, newest first, with filters and a cursor', { query: logsQuery });
  reg(
    '/llm/logs/{id}',
    'Logs',
    'One log record with its resolver trace and attempts',
    { params: id },
    { 404: { description: 'Not found' } },
  );
  reg('/llm/errors', 'Logs', 'Error reports with filters and a cursor', { query: errorsQuery });
  reg('/llm/export', 'Logs', 'Stream usage rows as CSV (operators: any user; others: their own)', {
    query: exportQuery,
  });
  reg('/me/usage', 'My usage', 'My own usage over a period, with what BYOK saved', {
    query: usagePeriodQuery,
  });
  reg('/me/live', 'My usage', 'My last 60 minutes');
  reg('/me/logs', 'My usage', 'My own requests', { query: logsQuery });
  reg(
    '/me/logs/{id}',
    'My usage',
    'One of my requests with its trace',
    { params: id },
    { 404: { description: 'Not found' } },
  );
  reg('/me/export', 'My usage', 'My usage as CSV', { query: exportQuery });
  return r;
}
