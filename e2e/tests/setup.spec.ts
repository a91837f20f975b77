import { expect, test } from '@playwright/test';
import { apiCall, apiToken, noHorizontalScroll, signIn, unique } from './helpers';

/**
 * Setting models up: one registered without a price says on the Models page that it is out of power-level routing
 * until priced, and marking its price known (here: free, $0) brings it into its tier.
 */
test('an unpriced model is flagged on the Models page until its price is marked known', async ({
  page,
  request,
}, testInfo) => {
  const id = unique(testInfo).toLowerCase();
  const admin = await apiToken(request);
  const providers = await apiCall<{ data: { id: string; slug: string }[] }>(
    request,
    admin,
    'GET',
    '/llm/providers',
  );
  const mock = providers.data.find((p) => p.slug === 'mock')!;
  const modelId = `unpriced-${id}`;
  // No price given: unknown. No capabilities given: the mock protocol's usual ones.
  const made = await apiCall<{ id: string; priced: boolean; capabilities: string[] }>(
    request,
    admin,
    'POST',
    '/llm/models',
    { providerId: mock.id, modelId, displayName: `Unpriced ${id}`, qualityTier: 'eco' },
  );
  expect(made.priced).toBe(false);
  expect(made.capabilities).toEqual(expect.arrayContaining(['chat', 'streaming', 'tools']));

  await signIn(page);
  await page.goto(`/models?q=${modelId}`);
  const row = page.getByTestId('model-row').filter({ hasText: `mock/${modelId}` });
  await expect(row.getByTestId('unpriced')).toContainText('not in power-level routing until priced');
  await noHorizontalScroll(page);

  await row.getByRole('button', { name: `Edit Unpriced ${id}` }).click();
  const dialog = page.getByRole('dialog', { name: `Edit Unpriced ${id}` });
  await dialog.getByLabel('Price known').check();
  await dialog.getByRole('button', { name: 'Save changes' }).click();
  await expect(dialog).toBeHidden();
  await expect(row.getByTestId('unpriced')).toHaveCount(0);
  await expect(row).toContainText('$0 / $0');

  const after = await apiCall<{ data: { modelId: string; priced: boolean }[] }>(
    request,
    admin,
    'GET',
    `/llm/models?search=${modelId}`,
  );
  expect(after.data[0]).toMatchObject({ modelId, priced: true });
  await apiCall(request, admin, 'DELETE', `/llm/models/${made.id}`);
});
