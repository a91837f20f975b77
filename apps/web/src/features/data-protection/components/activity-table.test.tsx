import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderWithApp, stubApi } from '../../../test/render';
import type { DlpEventDto } from '../api/types';
import { ActivityTable } from './activity-table';

afterEach(() => vi.unstubAllGlobals());

const row = (id: string, requestId: string): DlpEventDto => ({
  id,
  createdAt: '2026-10-01T10:00:00.000Z',
  requestId,
  scope: 'global',
  scopeId: null,
  scopeName: 'Global',
  orgId: null,
  appId: null,
  userId: null,
  action: 'mask',
  kind: 'email',
  rule: 'email',
  matches: 1,
  sizeBytes: 120,
  detail: 'masked 1 email',
});

const PRUNED =
  "This request's log is gone: raw records older than 30 days are deleted (USAGE_RETENTION_DAYS). Its activity entry is kept.";

describe('data protection activity: opening a request’s log', () => {
  it('says a log deleted by retention is gone, and a log not written yet is not there yet', async () => {
    stubApi((_m, p) => {
      if (p === '/llm/data-protection/activity/41-1/log')
        return { status: 404, body: { error: { code: 'log_pruned', message: PRUNED } } };
      if (p === '/llm/data-protection/activity/42-1/log')
        return { status: 404, body: { error: { code: 'not_found', message: 'not yet' } } };
      return undefined;
    });
    renderWithApp(
      <ActivityTable
        rows={[row('41-1', 'req-old-000000'), row('42-1', 'req-new-000000')]}
        canOpenLogs
        loading={false}
        error={null}
        onRetry={() => {}}
        empty={{ title: 'Nothing' }}
      />,
      { path: '/data-protection' },
    );
    await userEvent.click(
      screen.getByRole('button', { name: 'Open the log entry of request req-old-000000' }),
    );
    expect(await screen.findByRole('alert')).toHaveTextContent(PRUNED);
    await userEvent.click(
      screen.getByRole('button', { name: 'Open the log entry of request req-new-000000' }),
    );
    expect(await screen.findByText(/That request has no log entry \(yet\)/)).toBeVisible();
    expect(screen.queryByText(/USAGE_RETENTION_DAYS/)).toBeNull();
  });
});
