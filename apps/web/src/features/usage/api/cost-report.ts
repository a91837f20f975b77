import { env } from '../../../config/env';
import { parseError } from '../../../lib/api-client';
import { withQuery } from '../../../lib/search-params';
import { filenameFromDisposition } from '../csv-progress';
import { saveBlob } from './export-usage';

/** Everyone's (operators), the caller's own, or an organization's (its owners and admins). */
export type CostReportScope = 'any' | 'self' | { orgId: string };

/** The report's path for a scope. */
export function costReportPath(scope: CostReportScope): string {
  if (scope === 'self') return '/me/usage/cost-report';
  if (scope === 'any') return '/llm/usage/cost-report';
  return `/me/orgs/${encodeURIComponent(scope.orgId)}/usage/cost-report`;
}

/**
 * GET /llm/usage/cost-report (operators: everyone), /me/usage/cost-report (own) or
 * /me/orgs/{id}/usage/cost-report (an organization's): spend per day, provider, model (and user) over a period,
 * saved as a CSV file. Not a query: a download is an action.
 */
export async function downloadCostReport(scope: CostReportScope, period: string): Promise<string> {
  const path = costReportPath(scope);
  const res = await fetch(`${env.VITE_API_BASE}/api/v1${withQuery(path, { period })}`, {
    headers: { accept: 'text/csv' },
    credentials: 'same-origin',
  });
  if (!res.ok) throw await parseError(res);
  const filename = filenameFromDisposition(
    res.headers.get('content-disposition'),
    'switchyard-cost-report.csv',
  );
  saveBlob(await res.blob(), filename);
  return filename;
}
