import { expect, test } from '@playwright/test';
import { apiCall, apiToken, signIn, unique } from './helpers';

/**
 * The registry in the browser (issue #24, seeds 001, 003 and 004): the provider dialog over a blurred backdrop with
 * the catalogue's model checklist before any connection test, a second endpoint of a provider, and a model's own
 * auth variable shown resolved or not.
 */
test('provider dialog, extra endpoint and a model’s own auth', async ({ page, request }, testInfo) => {
  const id = unique(testInfo);
  const admin = await apiToken(request);
  const slug = `reg-${id}`.toLowerCase().replace(/[^a-z0-9-]/g, '-');
  const provider = await apiCall<{ id: string; name: string }>(request, admin, 'POST', '/llm/providers', {
    type: 'openai',
    name: `Registry ${id}`,
    slug,
    baseUrl: 'http://127.0.0.1:9/v1',
    apiKey: 'sk-registry-never-used-0000',
  });
  const model = await apiCall<{ id: string; displayName: string }>(request, admin, 'POST', '/llm/models', {
    providerId: provider.id,
    modelId: `reg-model-${slug}`,
    displayName: `Reg model ${id}`,
  });

  await signIn(page);
  await page.goto('/llm/providers');
  // A new provider: the catalogue's models of the type are offered before any test; the backdrop is blurred.
  await page.getByRole('button', { name: 'Add provider' }).click();
  const add = page.getByRole('dialog', { name: 'Add a provider' });
  await expect(add.getByTestId('catalogue-models-note')).toBeVisible();
  const blur = await page
    .locator('.backdrop-blur-sm')
    .first()
    .evaluate((el) => getComputedStyle(el).backdropFilter);
  expect(blur).toContain('blur');
  await page.keyboard.press('Escape');
  await expect(add).toBeHidden();

  // A second endpoint of the provider, weighted, saved through the dialog.
  await page.getByRole('button', { name: `Configure ${provider.name}` }).click();
  const dialog = page.getByRole('dialog', { name: `Configure ${provider.name}` });
  await dialog.getByRole('button', { name: 'Add endpoint' }).click();
  await dialog.getByLabel('Endpoint 1 URL').fill('http://127.0.0.1:10/v1');
  await dialog.getByTestId('endpoint-row').getByLabel('Weight', { exact: true }).fill('2');
  await dialog.getByRole('button', { name: 'Save changes' }).click();
  await expect(dialog).toBeHidden();
  const list = await apiCall<{ data: { id: string; endpoints: { baseUrl: string; weight: number }[] }[] }>(
    request,
    admin,
    'GET',
    '/llm/providers',
  );
  expect(list.data.find((p) => p.id === provider.id)!.endpoints).toMatchObject([
    { baseUrl: 'http://127.0.0.1:10/v1', weight: 2 },
  ]);

  // The model's own auth: an environment reference the server does not have shows as unresolved.
  await page.goto(`/llm/models?q=${encodeURIComponent(`reg-model-${slug}`)}`);
  await page.getByRole('button', { name: `Edit ${model.displayName}` }).click();
  const form = page.getByRole('dialog');
  await form.getByLabel('Change auth (JSON)').fill('{"apiKey": {"_env": "SY_E2E_NOT_SET"}}');
  await form.getByRole('button', { name: 'Save changes' }).click();
  await expect(form).toBeHidden();
  await page.getByRole('button', { name: `Edit ${model.displayName}` }).click();
  const auth = page.getByRole('dialog').getByTestId('model-auth');
  await expect(auth.getByRole('list', { name: 'Auth variables' })).toContainText('SY_E2E_NOT_SET');
  await expect(auth).toContainText('unresolved');
});
