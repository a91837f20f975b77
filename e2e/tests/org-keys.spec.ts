import { expect, test } from '@playwright/test';
import { apiCall, apiToken, navigate, signIn, unique } from './helpers';

/**
 * A super admin adds an organization's own provider key from the Organizations page: the key is typed into a
 * password field, the list shows it by its last four characters only (the key nowhere on the page, nor in what the
 * API answers), and deleting it after a confirmation empties the list.
 */
test("a super admin adds an organization's provider key, sees it listed masked, and deletes it", async ({
  page,
  request,
  isMobile,
}, testInfo) => {
  test.setTimeout(90_000);
  const id = unique(testInfo)
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-');
  const admin = await apiToken(request);
  const org = await apiCall<{ id: string; name: string }>(request, admin, 'POST', '/orgs', {
    name: `Keyed ${id}`,
    slug: `keyed-${id}`,
  });
  // No call reaches it: the key is stored and listed, not tested.
  const provider = await apiCall<{ id: string }>(request, admin, 'POST', '/llm/providers', {
    type: 'custom',
    name: `Team LLM ${id}`,
    slug: `team-llm-${id}`.slice(0, 60),
    baseUrl: 'http://127.0.0.1:9/v1',
  });
  const SECRET = `sk-team-${id}-K3y9`;

  await signIn(page);
  await navigate(page, isMobile, 'Organizations');
  await page.getByLabel('Search').fill(`keyed-${id}`);
  await page.getByRole('button', { name: `Provider keys of Keyed ${id}` }).click();
  const dialog = page.getByRole('dialog', { name: `Provider keys of Keyed ${id}` });
  await expect(dialog.getByText('This organization has no provider keys.')).toBeVisible();

  await dialog.getByRole('button', { name: 'Add key' }).click();
  const add = page.getByRole('dialog', { name: `Add a provider key for Keyed ${id}` });
  await add.getByLabel('Provider', { exact: true }).selectOption(provider.id);
  const keyInput = add.getByLabel('API key', { exact: true });
  await expect(keyInput).toHaveAttribute('type', 'password');
  await keyInput.fill(SECRET);
  await add.getByLabel('Label', { exact: true }).fill('team key');
  const saved = page.waitForResponse(
    (r) => r.request().method() === 'PUT' && r.url().includes(`/orgs/${org.id}/provider-keys/`),
  );
  await add.getByRole('button', { name: 'Save key' }).click();
  const answer = await saved;
  expect(answer.status()).toBe(200);
  expect(await answer.text()).not.toContain(SECRET);
  await expect(add).toBeHidden();

  const row = dialog.getByTestId('org-key-row');
  await expect(row).toHaveCount(1);
  await expect(row).toContainText(`Team LLM ${id}`);
  await expect(row).toContainText('••••K3y9');
  await expect(row).toContainText('team key');
  await expect(row.getByTestId('org-key-status')).toContainText('active');
  await expect(page.locator('body')).not.toContainText(SECRET);
  // Opened again, the dialog holds no key either.
  await page.reload();
  await expect(page.getByRole('dialog', { name: `Provider keys of Keyed ${id}` })).toContainText('••••K3y9');
  expect(await page.content()).not.toContain(SECRET);

  await page
    .getByRole('dialog', { name: `Provider keys of Keyed ${id}` })
    .getByRole('button', { name: `Delete Team LLM ${id} key` })
    .click();
  const confirm = page.getByRole('alertdialog', { name: 'Delete this provider key?' });
  await expect(confirm).toContainText('••••K3y9');
  await confirm.getByRole('button', { name: 'Delete key' }).click();
  await expect(confirm).toBeHidden();
  await expect(
    page
      .getByRole('dialog', { name: `Provider keys of Keyed ${id}` })
      .getByText('This organization has no provider keys.'),
  ).toBeVisible();
  const after = await apiCall<{ providerKeys: unknown[] }>(request, admin, 'GET', `/orgs/${org.id}`);
  expect(after.providerKeys).toEqual([]);
});
