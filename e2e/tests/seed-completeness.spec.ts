import { expect, test } from '@playwright/test';
import { apiCall, apiToken, createUser, signIn, unique } from './helpers';

/**
 * Seed completeness (issue #24): the seeds' columns and cards (users' organization, organizations' owner and
 * creation date, per-user input and output tokens, power-level feature bullets), a model's own health check, and a
 * user's default model honoured by routing.
 */

test('users, organizations, spend and power levels show the seeds’ columns and cards', async ({
  page,
  request,
}, testInfo) => {
  const id = unique(testInfo);
  const admin = await apiToken(request);
  const owner = await createUser(request, {
    email: `owner-${id}@example.com`,
    role: 'user',
    name: `Owner ${id}`,
  });
  await apiCall<{ id: string; name: string }>(request, admin, 'POST', '/orgs', {
    name: `Seeds ${id}`,
    slug: `seeds-${id}`.toLowerCase().replace(/[^a-z0-9-]/g, '-'),
    ownerId: owner.id,
  });
  // One call by the owner, for the per-user usage.
  const token = await apiToken(request, owner.email, owner.password);
  const key = await apiCall<{ key: string }>(request, token, 'POST', '/me/keys', { name: `seeds ${id}` });
  const res = await request.post('/v1/chat/completions', {
    headers: { authorization: `Bearer ${key.key}` },
    data: { model: 'mock/mock-small', messages: [{ role: 'user', content: 'Hello from the seeds test' }] },
  });
  expect(res.status(), await res.text()).toBe(200);

  await signIn(page);
  await page.goto('/users');
  const userRow = page.getByTestId('user-row').filter({ hasText: owner.email });
  await expect(userRow.locator('td[data-label="Organization"]')).toContainText(`Seeds ${id}`);

  await page.goto('/orgs');
  const orgRow = page.getByTestId('org-row').filter({ hasText: `Seeds ${id}` });
  await expect(orgRow.locator('td[data-label="Owner"]')).toContainText(`Owner ${id}`);
  await expect(orgRow.locator('td[data-label="Created"]')).not.toHaveText('');

  await page.goto('/llm/spend');
  const usageRow = page.getByTestId('usage-row').filter({ hasText: owner.email });
  await expect
    .poll(async () => Number((await usageRow.locator('td[data-label="Input tokens"]').textContent()) ?? 0), {
      timeout: 15_000,
      intervals: [500, 1000],
    })
    .toBeGreaterThan(0);
  await expect(usageRow.locator('td[data-label="Output tokens"]')).toHaveText(/^\d[\d,]*$/);

  await page.goto('/llm/providers');
  const balanced = page
    .getByTestId('power-level')
    .filter({ has: page.getByRole('heading', { name: 'Balanced' }) });
  await expect(
    balanced
      .getByRole('list', { name: /features$/ })
      .getByRole('listitem')
      .first(),
  ).toBeVisible();
});

test('a model’s own health check, and a user’s default model that routing honours', async ({
  page,
  request,
}, testInfo) => {
  const id = unique(testInfo);
  await signIn(page);
  // Wide enough for the Models list's "Last test" column (it steps aside on narrower screens).
  await page.setViewportSize({ width: 1920, height: 1000 });
  await page.goto('/llm/models?q=mock-small');
  const row = page.getByTestId('model-row').filter({ hasText: 'mock/mock-small' }).first();
  await row.getByRole('button', { name: /^Edit / }).click();
  const health = page.getByTestId('model-health');
  await health.getByRole('button', { name: 'Test model' }).click();
  await expect(health).toContainText(/Last test .*answered in \d+ ms/, { timeout: 15_000 });
  await page.keyboard.press('Escape');
  await expect(row.getByTestId('model-health-cell')).toContainText(/ok · \d+ ms/);

  // A user's own default model: set on My account, used for `default` and for a body that names none.
  const user = await createUser(request, { email: `prefs-${id}@example.com`, role: 'user' });
  await page.context().clearCookies();
  await signIn(page, user.email, user.password);
  await page.goto('/account');
  const prefs = page.getByRole('form', { name: 'Routing preferences' });
  await prefs.getByLabel('Default model').fill('mock/mock-large');
  await prefs.getByRole('button', { name: 'Save preferences' }).click();
  await expect(prefs.getByRole('status')).toHaveText('Preferences saved.');
  const token = await apiToken(request, user.email, user.password);
  const key = await apiCall<{ key: string }>(request, token, 'POST', '/me/keys', { name: `prefs ${id}` });
  const res = await request.post('/v1/chat/completions', {
    headers: { authorization: `Bearer ${key.key}` },
    data: { model: 'default', messages: [{ role: 'user', content: 'Which model?' }] },
  });
  expect(res.status(), await res.text()).toBe(200);
  expect(res.headers()['x-switchyard-model']).toBe('mock-large');
});
