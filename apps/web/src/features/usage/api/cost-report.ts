import { env } from '../../../config/env';
import { parseError } from '../../../lib/api-client';
import { withQuery } from '../../../lib/search-params';
import { filenameFromDisposition } from '../csv-progress';
import { saveBlob } from './export-usage';

export type CostReportScope = 'any' | 'self';

/**
 * GET /llm/usage/cost-report (operators: everyone) or /me/usage/cost-report (own): spend per day, provider, model
 * (and user) over a period, saved as a CSV file. Not a query: a download is an action.
 */
export async function downloadCostReport(scope: CostReportScope, period: string): Promise<string> {
  const path = scope === 'self' ? '/me/usage/cost-report' : '/llm/usage/cost-report';
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
