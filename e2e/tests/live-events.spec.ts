import { expect, test } from '@playwright/test';
import { apiCall, apiToken, createUser, signIn, unique } from './helpers';

/**
 * The live event stream in the browser: the Overview's live panel says it is live, and the Logs page's live tail puts a
 * new request on top of the list as soon as it is recorded, without a reload.
 */
test('Logs live tail shows a new request without a reload', async ({ page, request }, testInfo) => {
  const id = unique(testInfo);
  const user = await createUser(request, {
    email: `live-${id}@example.com`,
    role: 'user',
    name: `Live ${id}`,
  });
  const token = await apiToken(request, user.email, user.password);
  const { key } = await apiCall<{ key: string }>(request, token, 'POST', '/me/keys', { name: `live ${id}` });

  await signIn(page);
  await expect(page.getByTestId('live-status')).toHaveText('live');

  await page.goto(`/logs?user=${user.id}`);
  await expect(page.getByText('No requests match these filters.')).toBeVisible();
  const tail = page.getByRole('button', { name: /Live tail/ });
  await tail.click();
  await expect(tail).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('live-tail-status')).toHaveText('· live');
  // A marker on the window: it survives only if the page is not reloaded.
  await page.evaluate(() => ((window as unknown as { liveMarker: number }).liveMarker = 1));

  const res = await request.post('/v1/chat/completions', {
    headers: { authorization: `Bearer ${key}` },
    data: { model: 'mock/mock-small', messages: [{ role: 'user', content: 'live tail please' }] },
  });
  expect(res.status(), await res.text()).toBe(200);

  const row = page.getByTestId('log-row');
  await expect(row).toHaveCount(1, { timeout: 10_000 });
  await expect(row).toContainText(user.email);
  expect(await page.evaluate(() => (window as unknown as { liveMarker?: number }).liveMarker)).toBe(1);
});
