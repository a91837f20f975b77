import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { navFor } from '../../../app/nav';
import { me, renderWithApp, stubApi } from '../../../test/render';
import { OrgWhatIfPage } from './whatif-page';

const acme = { id: 'org_acme', name: 'Acme', slug: 'acme', role: 'admin' };
const model = (ref: string, scope = 'global') => ({ id: `m_${ref}`, ref, scope });
const side = (ref: string, requests: number, costUsd: number) => ({
  costUsd,
  models: [{ ref, providerId: 'p', modelId: ref, requests, costUsd }],
  providers: [{ providerId: 'p', slug: ref.split('/')[0], requests, costUsd }],
});
const result = {
  from: '2026-11-30T00:00:00.000Z',
  to: '2026-12-07T00:00:00.000Z',
  orgId: acme.id,
  requests: 4,
  truncated: false,
  elapsedMs: 12,
  actual: side('mock/mock-large', 4, 0.1),
  current: { costUsd: 0.1, unroutable: 0 },
  projected: side('mock/mock-small', 4, 0.008),
  changed: 4,
  unroutable: { count: 0, reasons: [] },
  byOrg: [
    {
      orgId: acme.id,
      name: 'Acme',
      requests: 4,
      actualUsd: 0.1,
      projectedUsd: 0.008,
      changed: 4,
      unroutable: 0,
    },
  ],
  samples: [],
};
const savings = {
  from: '2026-11-06T00:00:00.000Z',
  to: '2026-12-06T00:00:00.000Z',
  suggestions: [
    {
      from: 'mock/mock-large',
      to: 'mock/mock-small',
      fromName: 'mock-large',
      toName: 'mock-small',
      tier: 'balanced',
      requests: 4,
      actualUsd: 0.1,
      projectedUsd: 0.008,
      monthlySavingUsd: 0.092,
      unroutable: 0,
      maxPromptTokens: 1000,
      sampled: 1,
    },
  ],
};

afterEach(() => vi.unstubAllGlobals());

describe("an organization admin's what-if", () => {
  it('is in the sidebar of a user who administers an organization, and only theirs', () => {
    const has = (items: ReturnType<typeof navFor>) => items.some((n) => n.to === '/org-whatif');
    expect(has(navFor('user', { orgAdmin: true }))).toBe(true);
    expect(has(navFor('user'))).toBe(false);
    // Operators have the full what-if in the LLM area.
    expect(navFor('super_admin').some((n) => n.to === '/llm')).toBe(true);
  });

  it("replays the organization's traffic only, with the changes an organization may try, and its savings advice", async () => {
    const calls = stubApi((m, p) => {
      if (p === '/auth/me') return { body: me('user', ['usage:own']) };
      if (p === '/me/orgs') return { body: { data: [acme] } };
      if (p.startsWith('/llm/models'))
        return {
          body: {
            data: [model('mock/mock-large'), model('mock/mock-small'), model('mock/private', 'user:u_me')],
            total: 3,
            limit: 500,
            offset: 0,
          },
        };
      if (m === 'GET' && p === `/llm/savings?orgId=${acme.id}`) return { body: savings };
      if (m === 'POST' && p === '/llm/whatif') return { body: result };
      return undefined;
    });
    renderWithApp(<OrgWhatIfPage />, { path: '/org-whatif' });
    expect(await screen.findByText('(you are its admin)')).toBeInTheDocument();
    const form = screen.getByRole('form', { name: 'What-if' });
    // No operator-only part of the change is offered.
    expect(within(form).queryByText('Disable providers')).toBeNull();
    expect(within(form).getByLabelText('Strategy for its requests')).toBeInTheDocument();
    const from = within(form).getByLabelText('Route this model…');
    await waitFor(() =>
      expect(within(from).getByRole('option', { name: 'mock/mock-large' })).toBeInTheDocument(),
    );
    expect(within(from).queryByRole('option', { name: 'mock/private' })).toBeNull();
    await userEvent.selectOptions(from, 'mock/mock-large');
    await userEvent.selectOptions(within(form).getByLabelText('…to this one'), 'mock/mock-small');
    await userEvent.click(within(form).getByRole('button', { name: 'Run what-if' }));
    expect(await screen.findByTestId('whatif-results')).toBeInTheDocument();
    const run = calls.find((c) => c.method === 'POST' && c.path === '/llm/whatif');
    expect(run?.body).toMatchObject({
      orgId: acme.id,
      change: { replaceModels: [{ from: 'mock/mock-large', to: 'mock/mock-small' }] },
    });
    expect(screen.getByTestId('whatif-changed')).toHaveTextContent('4');
    // Savings advice: the organization's, opening its own page.
    const card = await screen.findByTestId('savings-card');
    expect(within(card).getByRole('link', { name: /Open in what-if/ })).toHaveAttribute(
      'href',
      `/org-whatif?org=${acme.id}&replaceFrom=mock%2Fmock-large&replaceTo=mock%2Fmock-small&days=30`,
    );
    // Nothing the operators' page reads (providers, every alias, rules), nor everyone's savings.
    expect(calls.map((c) => c.path)).not.toContainEqual(
      expect.stringMatching(/providers|routing\/aliases|rules/),
    );
    expect(calls.some((c) => c.path === '/llm/savings')).toBe(false);
  });

  it("offers the organization's own aliases to change (the global ones listed, not offered)", async () => {
    const alias = (name: string, scope: string, orgName: string | null) => ({
      id: `a_${name}`,
      name,
      scope,
      orgId: scope === 'global' ? null : scope.slice(4),
      strategy: 'ordered',
      targets: [{ ref: 'mock/mock-large', weight: 1 }],
      fallbacks: [],
      description: null,
      enabled: true,
      managedByConfig: false,
      cacheTtlSeconds: null,
      createdAt: '2026-12-01T00:00:00.000Z',
      updatedAt: '2026-12-01T00:00:00.000Z',
      orgName,
    });
    const calls = stubApi((m, p) => {
      if (p === '/auth/me') return { body: me('user', ['usage:own']) };
      if (p === '/me/orgs') return { body: { data: [acme] } };
      if (p.startsWith('/llm/models'))
        return {
          body: {
            data: [model('mock/mock-large'), model('mock/mock-small')],
            total: 2,
            limit: 500,
            offset: 0,
          },
        };
      if (m === 'GET' && p === `/llm/whatif/aliases?orgId=${acme.id}`)
        return {
          body: {
            data: [alias('chat.default', 'global', null), alias('team-chat', `org:${acme.id}`, 'Acme')],
          },
        };
      if (m === 'GET' && p === `/llm/savings?orgId=${acme.id}`) return { body: savings };
      if (m === 'POST' && p === '/llm/whatif') return { body: result };
      return undefined;
    });
    renderWithApp(<OrgWhatIfPage />, { path: '/org-whatif' });
    const form = await screen.findByRole('form', { name: 'What-if' });
    const select = await within(form).findByLabelText('Alias');
    const own = await within(select).findByRole('option', { name: 'team-chat (Acme)' });
    expect(own).not.toBeDisabled();
    expect(
      within(select).getByRole('option', { name: 'chat.default (global: operators change it)' }),
    ).toBeDisabled();
    await userEvent.selectOptions(select, own);
    // Its targets come prefilled; a new weight is the change.
    expect(within(form).getByLabelText('Target 1')).toHaveValue('mock/mock-large');
    await userEvent.selectOptions(within(form).getByLabelText('Target 1'), 'mock/mock-small');
    await userEvent.click(within(form).getByRole('button', { name: 'Run what-if' }));
    expect(await screen.findByTestId('whatif-results')).toBeInTheDocument();
    const run = calls.find((c) => c.method === 'POST' && c.path === '/llm/whatif');
    expect(run?.body).toMatchObject({
      orgId: acme.id,
      change: {
        aliases: [{ name: 'team-chat', orgId: acme.id, targets: [{ ref: 'mock/mock-small', weight: 1 }] }],
      },
    });
  });

  it('tells a user who administers no organization so, and asks the API for nothing else', async () => {
    const calls = stubApi((_m, p) => {
      if (p === '/me/orgs') return { body: { data: [] } };
      if (p.startsWith('/llm/models')) return { body: { data: [], total: 0, limit: 500, offset: 0 } };
      return undefined;
    });
    renderWithApp(<OrgWhatIfPage />, { path: '/org-whatif' });
    expect(await screen.findByText('You administer no organization.')).toBeInTheDocument();
    expect(calls.some((c) => c.path.startsWith('/llm/savings') || c.path === '/llm/whatif')).toBe(false);
  });
});
