import { expect, test } from '@playwright/test';
import { apiCall, apiToken, createUser, navigate, signIn, unique, waitForLog } from './helpers';

/**
 * The response cache: an admin turns caching on for an alias in its dialog, a client sends the same request twice,
 * the second answer comes from the cache (no upstream call, cost 0) and the logs show the hit badge and the saving.
 */
test('cache an alias in the UI: the second identical request is a hit, shown with its saving in the logs', async ({
  page,
  request,
  isMobile,
}, testInfo) => {
  const id = unique(testInfo)
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-');
  const aliasName = `cached-${id}`;
  await signIn(page);
  await navigate(page, isMobile, 'LLM gateway › Aliases & routing');
  await page.getByRole('button', { name: 'Create alias' }).click();
  const dialog = page.getByRole('dialog', { name: 'Create an alias' });
  await dialog.getByLabel('Alias name').fill(aliasName);
  await dialog.getByLabel('Target 1 model').fill('mock/mock-small');
  await dialog.getByLabel('Response cache (seconds)').fill('soon');
  await dialog.getByRole('button', { name: 'Create alias' }).click();
  await expect(dialog.getByText('Must be a whole number of seconds')).toBeVisible();
  await dialog.getByLabel('Response cache (seconds)').fill('300');
  await dialog.getByRole('button', { name: 'Create alias' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('alias-row').filter({ hasText: aliasName })).toContainText('cache 300 s');

  const user = await createUser(request, { email: `cache-${id}@example.com`, role: 'user' });
  const userToken = await apiToken(request, user.email, user.password);
  const key = await apiCall<{ key: string }>(request, userToken, 'POST', '/me/keys', { name: `cache ${id}` });
  const ask = () =>
    request.post('/v1/chat/completions', {
      headers: { authorization: `Bearer ${key.key}` },
      data: { model: aliasName, messages: [{ role: 'user', content: `What is cached? ${id}` }] },
    });
  const first = await ask();
  expect(first.status(), await first.text()).toBe(200);
  expect(first.headers()['x-switchyard-cache']).toBe('miss');
  const second = await ask();
  expect(second.status()).toBe(200);
  expect(second.headers()['x-switchyard-cache']).toBe('hit');
  expect(await second.json()).toEqual(await first.json());

  const admin = await apiToken(request);
  const logId = await waitForLog(request, admin, (l) => l.requestedModel === aliasName, '&cache=hit');
  await page.goto(`/logs?cache=hit&model=${aliasName}`);
  await expect(page.getByLabel('Cache')).toHaveValue('hit');
  const row = page.getByRole('row').filter({ hasText: aliasName });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('cache hit');
  await expect(row).toContainText('cache saved $');
  await page.goto(`/logs?log=${logId}`);
  const drawer = page.getByRole('dialog', { name: 'Request details' });
  await expect(drawer.getByTestId('log-cache')).toContainText('cache: hit (alias, ttl 300 s');
  await expect(drawer).toContainText('from the cache: saved $');
});
