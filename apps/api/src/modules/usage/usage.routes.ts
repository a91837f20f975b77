import {
  myUsageContracts,
  orgUsageContracts,
  usageContracts,
  type ExportQuery,
  type UsagePeriod,
} from '@switchyard/core';
import { Router, type Response } from 'express';
import type { AppContext } from '../../context.js';
import { attachmentDisposition } from '../../http/content-disposition.js';
import { AppError } from '../../lib/errors.js';
import { actorOf, currentAuth } from '../auth/auth.middleware.js';
import { can } from '../auth/permissions.js';
import { mountContracts } from '../mount-contract.js';
import { ErrorReportsService } from './error-reports.service.js';
import { UsageService } from './usage.service.js';

/**
 * The read side: /api/v1/llm/{usage,stats,live,usage/users,logs,feedback,errors,export} for operators and
 * /api/v1/me/{usage,live,logs,feedback,export} for everyone's own traffic, /api/v1/me/orgs[/{id}/usage] for the organizations
 * a user owns or administers. A user never reads another user's usage outside an organization they administer.
 */
export function usageRoutes(ctx: AppContext): Router {
  const svc = new UsageService(ctx);
  const reports = new ErrorReportsService(ctx);
  const self = (res: Response) => ({ userId: currentAuth(res).user.id });

  /** Stream the CSV export; a caller without `export:any` (and `/me/export`) gets only their own rows. */
  const exportCsv = async (q: ExportQuery, res: Response, forceSelf: boolean) => {
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
  };

  /** The cost report of a period as a CSV download (a user's own, an organization's, or everyone's for operators). */
  const costReport = async (period: UsagePeriod, res: Response, own: boolean | { orgId: string }) => {
    const scope =
      own === true ? self(res) : own === false ? {} : await svc.orgScope(currentAuth(res).user, own.orgId);
    const whose = own === true ? 'mine' : own === false ? 'all' : `org-${own.orgId}`;
    res.status(200);
    res.setHeader('content-type', 'text/csv; charset=utf-8');
    res.setHeader(
      'content-disposition',
      attachmentDisposition(`switchyard-cost-report-${whose}-${period}.csv`),
    );
    res.setHeader('cache-control', 'no-store');
    await svc.costReportCsv(period, scope, res);
    res.end();
  };

  const r = Router();
  mountContracts(r, usageContracts, {
    usage: ({ query }) => svc.usage(query.period),
    costReport: ({ query, res }) => costReport(query.period, res, false),
    stats: () => svc.stats(),
    forecast: () => svc.forecast(),
    live: () => svc.live(),
    users: ({ query }) => svc.users(query),
    logs: ({ query }) => svc.logs(query),
    log: ({ params }) => svc.log(params.id),
    feedback: ({ query }) => svc.feedback(query),
    errors: ({ query }) => reports.list(query),
    resolveErrors: ({ body, req, res }) => reports.resolve(actorOf(res, req.ip), body),
    export: ({ query, res }) => exportCsv(query, res, false),
  });
  mountContracts(r, myUsageContracts, {
    usage: ({ query, res }) => svc.usage(query.period, self(res)),
    costReport: ({ query, res }) => costReport(query.period, res, true),
    live: ({ res }) => svc.live(self(res)),
    logs: ({ query, res }) => svc.logs(query, self(res)),
    feedback: ({ query, res }) => svc.feedback(query, self(res)),
    log: ({ params, res }) => svc.log(params.id, self(res)),
    export: ({ query, res }) => exportCsv(query, res, true),
  });
  mountContracts(r, orgUsageContracts, {
    orgs: async ({ res }) => ({ data: await svc.administeredOrgs(currentAuth(res).user.id) }),
    usage: ({ params, query, res }) => svc.orgUsage(currentAuth(res).user, params.id, query.period),
    costReport: ({ params, query, res }) => costReport(query.period, res, { orgId: params.id }),
    feedback: async ({ params, query, res }) =>
      svc.feedback(query, await svc.orgScope(currentAuth(res).user, params.id)),
  });
  return r;
}
