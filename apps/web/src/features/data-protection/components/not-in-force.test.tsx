import { DEFAULT_DLP_POLICY } from '@switchyard/core';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderWithApp, stubApi } from '../../../test/render';
import type { DlpPolicyResponse, DlpStatusRow } from '../api/types';
import { PolicyPanel } from './policy-panel';
import { StatusTable } from './status-table';

afterEach(() => vi.unstubAllGlobals());

const REASON =
  'The saved policy is refused by the gateway (custom rule 1 (Corp mail): pattern starts with an unbounded repeat that something follows), so the default policy applies: every built-in detector masking, no custom rule.';

const employee = { name: 'Employee ID', pattern: 'EMP-\\d{6}', action: 'mask' as const, enabled: true };

const refused: DlpPolicyResponse = {
  key: 'org:o1',
  scope: 'org',
  id: 'o1',
  name: 'Legacy',
  enabled: true,
  isDefault: false,
  policy: { ...DEFAULT_DLP_POLICY, customRules: [employee] },
  notInForce: {
    reason: REASON,
    rules: [
      {
        index: 0,
        name: 'Corp mail',
        pattern: '\\w+@corp\\.example',
        flags: '',
        action: 'block',
        problem: 'pattern starts with an unbounded repeat that something follows',
      },
    ],
  },
  updatedAt: '2026-10-01T10:00:00.000Z',
};

const statusRow = (key: string, notInForce: string | null): DlpStatusRow => ({
  key,
  scope: 'org',
  id: key.slice(4),
  name: key,
  orgId: null,
  enabled: true,
  rulesEnabled: 7,
  isDefault: false,
  notInForce,
  lastActivityAt: null,
});

describe('data protection: a saved policy the gateway refuses', () => {
  it('marks the scope "not in force" in the status table, with the reason', () => {
    renderWithApp(
      <StatusTable
        rows={[statusRow('org:o1', REASON), statusRow('org:o2', null)]}
        canEdit
        selected={null}
        pending={false}
        loading={false}
        error={null}
        onRetry={() => {}}
        empty={{ title: 'Nothing' }}
        onToggle={() => {}}
        onEdit={() => {}}
      />,
      { path: '/data-protection' },
    );
    const markers = screen.getAllByTestId('dlp-not-in-force');
    expect(markers).toHaveLength(1);
    expect(markers[0]).toHaveTextContent('not in force: default applies');
    expect(markers[0]).toHaveAttribute('title', REASON);
    const [, first, second] = screen.getAllByRole('row');
    expect(within(first!).queryByTestId('dlp-not-in-force')).not.toBeNull();
    expect(within(second!).queryByTestId('dlp-not-in-force')).toBeNull();
  });

  it('says why in the editor, lists the refused rule, and saving puts the rest back in force', async () => {
    const calls = stubApi((method, path, body) => {
      if (path !== '/llm/data-protection/policies/org:o1') return undefined;
      if (method === 'GET') return { body: refused };
      if (method === 'PUT')
        return {
          body: {
            ...refused,
            policy: body,
            notInForce: null,
            updatedAt: '2026-10-02T10:00:00.000Z',
          },
        };
      return undefined;
    });
    renderWithApp(<PolicyPanel scopeKey="org:o1" canEdit onClose={() => {}} />, { path: '/data-protection' });
    const alert = await screen.findByTestId('dlp-not-in-force-alert');
    expect(alert).toHaveTextContent('Not in force: the default policy applies to this scope.');
    expect(alert).toHaveTextContent(REASON);
    expect(alert).toHaveTextContent(
      'Corp mail (\\w+@corp\\.example, block): pattern starts with an unbounded repeat that something follows',
    );
    // Nothing changed in the editor, yet saving is what puts the policy back in force.
    const save = screen.getByRole('button', { name: 'Save rules' });
    expect(save).toBeEnabled();
    await userEvent.click(save);
    await waitFor(() => expect(calls.some((c) => c.method === 'PUT')).toBe(true));
    const put = calls.find((c) => c.method === 'PUT')!;
    expect((put.body as { customRules: { name: string }[] }).customRules.map((r) => r.name)).toEqual([
      'Employee ID',
    ]);
    await waitFor(() => expect(screen.queryByTestId('dlp-not-in-force-alert')).toBeNull());
  });
});
