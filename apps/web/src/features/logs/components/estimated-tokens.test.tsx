import { screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderWithApp, stubApi } from '../../../test/render';
import type { LogDetail, LogRecord } from '../api/types';
import { LogDrawer } from './log-drawer';
import { LogsTable } from './logs-table';

afterEach(() => vi.unstubAllGlobals());

const record = (id: string, requestId: string, tokensEstimated: boolean): LogRecord => ({
  id,
  createdAt: '2026-12-07T10:00:00.000Z',
  requestId,
  key: null,
  user: null,
  orgId: null,
  appId: null,
  endpoint: 'chat.completions',
  requestedModel: 'gpt-test',
  provider: 'up-openai',
  actualModel: 'gpt-test',
  client: null,
  tokensIn: 12,
  tokensOut: 5000,
  tokensCached: 0,
  costUsd: 0.04,
  savedUsd: 0,
  latencyMs: 120,
  ttftMs: null,
  status: 200,
  errorCode: null,
  isByok: false,
  stream: false,
  attempts: 1,
  cacheHit: false,
  cacheSavedUsd: 0,
  tokensEstimated,
});

describe('tokens the gateway estimated (the provider reported no usage)', () => {
  it('are marked "estimated" in the request log; measured ones are not', () => {
    renderWithApp(
      <LogsTable
        rows={[record('2', 'req-estimated', true), record('1', 'req-measured', false)]}
        onOpen={() => {}}
        loading={false}
        error={null}
        onRetry={() => {}}
        empty={{ title: 'Nothing' }}
      />,
      { path: '/logs' },
    );
    const marks = screen.getAllByTestId('tokens-estimated');
    expect(marks).toHaveLength(1);
    expect(marks[0]).toHaveTextContent('estimated');
    // The mark is on the estimated request's row, not the measured one's.
    const row = (requestId: string) =>
      screen.getByRole('button', { name: new RegExp(`Open request ${requestId} `) }).closest('tr')!;
    expect(within(row('req-estimated')).getByTestId('tokens-estimated')).toBeVisible();
    expect(within(row('req-measured')).queryByTestId('tokens-estimated')).toBeNull();
  });

  it('are marked "estimated" in the request detail', async () => {
    const detail = (id: string, estimated: boolean): LogDetail => ({
      ...record(id, `req-${id}`, estimated),
      trace: null,
      feedback: [],
    });
    stubApi((_m, p) => {
      if (p === '/llm/logs/2') return { body: detail('2', true) };
      if (p === '/llm/logs/1') return { body: detail('1', false) };
      return undefined;
    });
    const view = renderWithApp(<LogDrawer id="2" scope="any" onClose={() => {}} />, { path: '/logs' });
    expect(await screen.findByTestId('tokens-estimated-note')).toHaveTextContent(
      /the gateway estimated these tokens/,
    );
    expect(screen.getByText('estimated')).toBeVisible();
    view.unmount();
    renderWithApp(<LogDrawer id="1" scope="any" onClose={() => {}} />, { path: '/logs' });
    expect(await screen.findByText('req-1')).toBeVisible();
    expect(screen.queryByTestId('tokens-estimated-note')).toBeNull();
  });
});
