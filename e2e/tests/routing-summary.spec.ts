import { expect, test } from '@playwright/test';
import { apiCall, apiToken, navigate, signIn, unique, withDefaultModel } from './helpers';

/**
 * The routing summary (/routing): one read-only view of the strategy, rules, default model, aliases, chains, power
 * levels and provider health. Retries and the default model are set in the routing settings form it links to.
 */
test('the summary shows a created alias and the default model; retries set in the form persist', async ({
  page,
  request,
  isMobile,
}, testInfo) => {
  const token = await apiToken(request);
  const aliasName = `sum-${unique(testInfo)}`;
  const alias = await apiCall<{ id: string }>(request, token, 'POST', '/llm/routing/aliases', {
    name: aliasName,
    strategy: 'ordered',
    targets: [{ ref: 'mock/mock-small', weight: 1 }],
  });
  const before = await apiCall<{ strategy: string; maxRetries: number }>(
    request,
    token,
    'GET',
    '/llm/routing/rules',
  );
  const retries = before.maxRetries === 1 ? 3 : 1;
  try {
    await signIn(page);
    await navigate(page, isMobile, 'Routing summary');
    await expect(page.getByRole('heading', { name: 'Routing summary' }).first()).toBeVisible();
    await expect(page.getByTestId('summary-alias').filter({ hasText: aliasName })).toBeVisible();

    // Edit from the summary's link: retries and the default model, saved in the routing settings form.
    await page.getByRole('link', { name: 'Edit retries, cooldowns and default model' }).click();
    const form = page.getByRole('form', { name: 'Routing settings' });
    await form.getByLabel('Retries').fill('9');
    await form.getByRole('button', { name: 'Save routing settings' }).click();
    await expect(form.getByText(/between 0 and 5/)).toBeVisible();
    await form.getByLabel('Retries').fill(String(retries));
    await form.getByLabel('Default model').fill(aliasName);
    await form.getByRole('button', { name: 'Save routing settings' }).click();
    await expect(page.getByText('Saved: takes effect now').first()).toBeVisible();

    // Persisted: a fresh load shows the stored values, and the summary (opened from the palette) agrees.
    await page.reload();
    await expect(page.getByRole('form', { name: 'Routing settings' }).getByLabel('Retries')).toHaveValue(
      String(retries),
    );
    await page.getByRole('button', { name: 'Open command palette' }).click();
    await page.getByLabel('Search pages and actions').fill('Routing summary');
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('summary-default-model')).toHaveText(aliasName);
    await expect(page.getByTestId('summary-retries')).toHaveText(
      retries === 1 ? '1 retry' : `${retries} retries`,
    );
  } finally {
    await apiCall(request, token, 'PUT', '/llm/routing/rules', {
      strategy: before.strategy,
      maxRetries: before.maxRetries,
      defaultModel: null,
    });
    await apiCall(request, token, 'DELETE', `/llm/routing/aliases/${alias.id}`);
  }
});

test("a global model marked default on the Models page is the routing settings' default model", async ({
  page,
  request,
  isMobile,
}) => {
  await withDefaultModel(request, null, async () => {
    await signIn(page);
    await navigate(page, isMobile, 'LLM gateway › Models');
    await page.getByLabel('Search', { exact: true }).fill('Mock Small');
    await page.getByRole('button', { name: 'Set Mock Small as default' }).click();
    await expect(page.getByRole('button', { name: 'Set Mock Small as default' })).toHaveCount(0);
    // The routing settings form and the summary say the same.
    await navigate(page, isMobile, 'Routing summary');
    await expect(page.getByTestId('summary-default-model')).toHaveText('mock/mock-small');
    await page.getByRole('link', { name: 'Edit retries, cooldowns and default model' }).click();
    const form = page.getByRole('form', { name: 'Routing settings' });
    await expect(form.getByLabel('Default model')).toHaveValue('mock/mock-small');
    // Cleared there: the Models page offers the marker again.
    await form.getByLabel('Default model').fill('');
    await form.getByRole('button', { name: 'Save routing settings' }).click();
    await expect(page.getByText('Saved: takes effect now').first()).toBeVisible();
    await navigate(page, isMobile, 'LLM gateway › Models');
    await page.getByLabel('Search', { exact: true }).fill('Mock Small');
    await expect(page.getByRole('button', { name: 'Set Mock Small as default' })).toBeVisible();
  });
});
