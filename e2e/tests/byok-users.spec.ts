import { expect, test } from '@playwright/test';
import { apiCall, apiToken, createUser, navigate, signIn, unique } from './helpers';

test('an admin opens a user, sees the providers they brought keys for, and sets a monthly BYOK limit', async ({
  page,
  request,
  isMobile,
}, testInfo) => {
  const id = unique(testInfo);
  const admin = await apiToken(request);
  const slug = `own-${id}`.toLowerCase().slice(0, 60);
  // No call reaches it: the view lists the user's keys, its usage figures come from the usage rows.
  const provider = await apiCall<{ id: string }>(request, admin, 'POST', '/llm/providers', {
    type: 'custom',
    name: `Own ${id}`,
    slug,
    baseUrl: 'http://127.0.0.1:9/v1',
  });
  const user = await createUser(request, { email: `byok-admin-${id}@example.com`, role: 'user' });
  const token = await apiToken(request, user.email, user.password);
  await apiCall(request, token, 'PUT', `/me/byok/${provider.id}`, {
    apiKey: `sk-own-${id}-Q7w2`,
    label: 'mine',
  });

  await signIn(page);
  await navigate(page, isMobile, 'Users');
  await page.getByLabel('Search').fill(user.email);
  await page.getByRole('button', { name: `BYOK of ${user.email}` }).click();
  const dialog = page.getByRole('dialog', { name: `BYOK: ${user.email}` });
  const row = dialog.getByTestId('byok-provider-row');
  await expect(row).toContainText(`Own ${id}`);
  await expect(row).toContainText('••••Q7w2');
  await expect(row).toContainText('never');
  await expect(dialog.getByTestId('byok-month')).toContainText('0 calls');
  await expect(dialog).not.toContainText(`sk-own-${id}`);

  await dialog.getByLabel('BYOK calls per month').fill('50');
  await dialog.getByLabel('BYOK spend per month (USD)').fill('12.5');
  await dialog.getByRole('button', { name: 'Save limits' }).click();
  await expect(dialog.getByText('Limits saved.')).toBeVisible();
  await expect(dialog.getByTestId('byok-month')).toContainText('0 calls of 50');
  await expect(dialog.getByTestId('byok-month')).toContainText('of $12.50');
  const saved = await apiCall<{ limits: { monthlyRequests: number; monthlySpendUsd: number } }>(
    request,
    admin,
    'GET',
    `/users/${user.id}/byok`,
  );
  expect(saved.limits).toEqual({ monthlyRequests: 50, monthlySpendUsd: 12.5 });
});
