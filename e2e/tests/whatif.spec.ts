import { expect, test } from '@playwright/test';
import { apiCall, apiToken, createUser, navigate, signIn, unique } from './helpers';

/**
 * The what-if simulator (issue 21 part 4): recorded traffic replayed under a candidate change. Demo-like requests go
 * to mock/mock-large; routing that model to mock-small shows them changing target and the projected cost beside the
 * actual one. Savings advice sits under it.
 */
test('run a what-if on recorded traffic and see the projected cost and the changed count', async ({
  page,
  request,
  isMobile,
}, testInfo) => {
  const id = unique(testInfo);
  const admin = await apiToken(request);
  const key = await apiCall<{ key: string }>(request, admin, 'POST', '/me/keys', { name: `whatif ${id}` });
  for (let i = 0; i < 3; i++) {
    const res = await request.post('/v1/chat/completions', {
      headers: { authorization: `Bearer ${key.key}` },
      data: { model: 'mock/mock-large', messages: [{ role: 'user', content: `What-if demo question ${i}` }] },
    });
    expect(res.status(), await res.text()).toBe(200);
  }
  // The usage records are written off the hot path: wait until the replay sees them.
  const today = new Date().toISOString().slice(0, 10);
  await expect
    .poll(
      async () =>
        (
          await apiCall<{ changed: number }>(request, admin, 'POST', '/llm/whatif', {
            from: `${today}T00:00:00Z`,
            to: new Date(Date.now() + 86_400_000).toISOString(),
            change: { replaceModels: [{ from: 'mock/mock-large', to: 'mock/mock-small' }] },
          })
        ).changed,
      { timeout: 15_000 },
    )
    .toBeGreaterThanOrEqual(3);

  await signIn(page);
  await navigate(page, isMobile, 'LLM gateway › What-if');
  await expect(page).toHaveURL(/\/llm\/whatif$/);
  const form = page.getByRole('form', { name: 'What-if' });
  await expect(
    form.getByText('live state (cooldowns, circuits, rate limits, budgets) is not replayed'),
  ).toBeVisible();
  await form.getByLabel('Route this model…').selectOption('mock/mock-large');
  await form.getByLabel('…to this one').selectOption('mock/mock-small');
  await form.getByRole('button', { name: 'Run what-if' }).click();

  const results = page.getByRole('region', { name: 'What-if results' });
  await expect(results).toBeVisible();
  expect(
    Number((await page.getByTestId('whatif-changed').innerText()).replace(/,/g, '')),
  ).toBeGreaterThanOrEqual(3);
  await expect(page.getByTestId('whatif-projected')).toHaveText(/^\$/);
  await expect(page.getByTestId('whatif-actual')).toHaveText(/^\$/);
  // mock-small is cheaper than mock-large: the projection costs less, and mock-small leads the projected mix.
  await expect(results.getByRole('table', { name: 'Model (projected)' })).toContainText('mock/mock-small');
  await expect(results.getByRole('table', { name: 'Examples' })).toContainText('mock/mock-large');
  await expect(results.getByRole('table', { name: 'Per organization' })).toBeVisible();
  await expect(page.getByTestId('savings-card')).toBeVisible();

  // Savings advice opens the page prefilled.
  await page.goto('/llm/whatif?replaceFrom=mock%2Fmock-large&replaceTo=mock%2Fmock-small&days=30');
  await expect(form.getByLabel('Route this model…')).toHaveValue('mock/mock-large');
  await expect(form.getByLabel('…to this one')).toHaveValue('mock/mock-small');
});

/**
 * An organization's admin (a user, not an operator) opens "Organization what-if" from the sidebar: the replay reads
 * their organization's requests only (another organization's, sent the same day to the same model, are not in its
 * figures or its breakdown), and the savings advice is worked out from them.
 */
test("an organization's admin replays their organization's traffic only", async ({
  page,
  request,
  isMobile,
}, testInfo) => {
  test.setTimeout(90_000);
  const id = unique(testInfo)
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-');
  const admin = await apiToken(request);
  const team = async (name: string, calls: number) => {
    const org = await apiCall<{ id: string; name: string }>(request, admin, 'POST', '/orgs', {
      name: `${name} ${id}`,
      slug: `${name.toLowerCase()}-${id}`,
    });
    const dev = await createUser(request, {
      email: `dev-${name.toLowerCase()}-${id}@example.com`,
      role: 'user',
    });
    await apiCall(request, admin, 'POST', `/orgs/${org.id}/members`, { userId: dev.id, role: 'member' });
    const token = await apiToken(request, dev.email, dev.password);
    const key = await apiCall<{ key: string }>(request, token, 'POST', '/me/keys', { name: `dev ${id}` });
    for (let i = 0; i < calls; i++) {
      const res = await request.post('/v1/chat/completions', {
        headers: { authorization: `Bearer ${key.key}` },
        data: { model: 'mock/mock-large', messages: [{ role: 'user', content: `Org what-if ${name} ${i}` }] },
      });
      expect(res.status(), await res.text()).toBe(200);
    }
    return org;
  };
  const ours = await team('Ours', 2);
  const theirs = await team('Theirs', 3);
  const lead = await createUser(request, {
    email: `lead-${id}@example.com`,
    role: 'user',
    name: `Lead ${id}`,
  });
  await apiCall(request, admin, 'POST', `/orgs/${ours.id}/members`, { userId: lead.id, role: 'admin' });
  const leadToken = await apiToken(request, lead.email, lead.password);
  // Each organization has an alias of its own: the lead's form offers theirs, never the other's.
  for (const org of [ours, theirs])
    await apiCall(request, admin, 'POST', '/llm/routing/aliases', {
      name: `team-${org === ours ? 'ours' : 'theirs'}-${id}`,
      orgId: org.id,
      targets: [{ ref: 'mock/mock-large', weight: 1 }],
    });

  // The usage records are written off the hot path: wait until both organizations' requests are there.
  const today = new Date().toISOString().slice(0, 10);
  const range = { from: `${today}T00:00:00Z`, to: new Date(Date.now() + 86_400_000).toISOString() };
  for (const org of [ours, theirs])
    await expect
      .poll(
        async () =>
          (
            await apiCall<{ requests: number }>(request, admin, 'POST', '/llm/whatif', {
              ...range,
              orgId: org.id,
            })
          ).requests,
        { timeout: 15_000 },
      )
      .toBe(org === ours ? 2 : 3);
  // Through the API: another organization is refused, and so is a change only operators make.
  const refused = await request.post('/api/v1/llm/whatif', {
    headers: { authorization: `Bearer ${leadToken}` },
    data: { ...range, orgId: theirs.id },
  });
  expect(refused.status()).toBe(403);
  const provider = await request.post('/api/v1/llm/whatif', {
    headers: { authorization: `Bearer ${leadToken}` },
    data: { ...range, orgId: ours.id, change: { disableProviders: ['mock'] } },
  });
  expect(provider.status()).toBe(403);

  await signIn(page, lead.email, lead.password);
  await navigate(page, isMobile, 'Organization what-if');
  await expect(page).toHaveURL(/\/org-whatif$/);
  await expect(page.getByText('(you are its admin)')).toBeVisible();
  const form = page.getByRole('form', { name: 'What-if' });
  await expect(form.getByText('Disable providers')).toHaveCount(0);
  const alias = form.getByLabel('Alias');
  await expect(alias.locator('option', { hasText: `team-ours-${id} (${ours.name})` })).toBeEnabled();
  await expect(alias.locator('option', { hasText: `team-theirs-${id}` })).toHaveCount(0);
  await form.getByLabel('Route this model…').selectOption('mock/mock-large');
  await form.getByLabel('…to this one').selectOption('mock/mock-small');
  await form.getByRole('button', { name: 'Run what-if' }).click();

  const results = page.getByRole('region', { name: 'What-if results' });
  await expect(results).toBeVisible();
  await expect(page.getByTestId('whatif-requests')).toHaveText(/^2\b/);
  await expect(page.getByTestId('whatif-changed')).toHaveText(/^2\b/);
  const perOrg = results.getByRole('table', { name: 'Per organization' });
  await expect(perOrg).toContainText(ours.name);
  await expect(perOrg).not.toContainText(theirs.name);
  await expect(page.getByTestId('savings-card')).toBeVisible();
});
