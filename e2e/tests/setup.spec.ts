import { expect, test } from '@playwright/test';
import { apiCall, apiToken, createUser, noHorizontalScroll, signIn, unique } from './helpers';

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

test('power levels are edited in the dashboard; aliases are enabled, disabled and deleted in bulk', async ({
  page,
  request,
  isMobile,
}, testInfo) => {
  const id = unique(testInfo).toLowerCase();
  const admin = await apiToken(request);
  const levels = await apiCall<{ data: { slug: string; name: string; modelRefs: string[] }[] }>(
    request,
    admin,
    'GET',
    '/llm/routing/power-levels',
  );
  const precision = levels.data.find((l) => l.slug === 'precision')!;
  const names = [`bulk-a-${id}`, `bulk-b-${id}`];
  for (const name of names)
    await apiCall(request, admin, 'POST', '/llm/routing/aliases', {
      name,
      targets: [{ ref: 'mock/mock-small', weight: 1 }],
    });
  try {
    await signIn(page);
    await page.goto('/llm/providers');
    await page.getByRole('button', { name: `Edit power level ${precision.name}` }).click();
    const dialog = page.getByRole('dialog', { name: `Edit power level ${precision.name}` });
    await dialog.getByLabel('Models tried first').fill('not-a-ref with spaces');
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await expect(dialog.getByText(/modelRefs|must be/i).first()).toBeVisible();
    await dialog.getByLabel('Models tried first').fill('mock/mock-small');
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await expect(dialog).toBeHidden();
    const card = page.getByTestId('power-level').filter({ hasText: precision.name });
    await expect(
      card
        .getByRole('list', { name: `${precision.name} models` })
        .getByRole('listitem')
        .first(),
    ).toContainText('mock/mock-small');

    await page.goto('/llm/routing');
    for (const name of names) await page.getByRole('checkbox', { name: `Select alias ${name}` }).check();
    const toolbar = page.getByRole('toolbar', { name: 'Selected aliases' });
    await expect(toolbar).toContainText('2 selected');
    await toolbar.getByRole('button', { name: 'Disable' }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Disable 2 aliases?' });
    await expect(confirm).toContainText(names.join(', '));
    await confirm.getByRole('button', { name: 'Disable aliases' }).click();
    await expect(confirm).toBeHidden();
    for (const name of names)
      await expect(page.getByTestId('alias-row').filter({ hasText: name })).toContainText('disabled');
    if (!isMobile) await noHorizontalScroll(page);

    for (const name of names) await page.getByRole('checkbox', { name: `Select alias ${name}` }).check();
    await page
      .getByRole('toolbar', { name: 'Selected aliases' })
      .getByRole('button', { name: 'Delete' })
      .click();
    await page
      .getByRole('alertdialog', { name: 'Delete 2 aliases?' })
      .getByRole('button', { name: 'Delete aliases' })
      .click();
    for (const name of names)
      await expect(page.getByTestId('alias-row').filter({ hasText: name })).toHaveCount(0);
  } finally {
    await apiCall(request, admin, 'PUT', '/llm/routing/power-levels/precision', {
      modelRefs: precision.modelRefs,
    });
  }
});

test('a log entry is re-traced as its request was sent (key, size, max tokens); a changed input clears the result; the explainer collapses', async ({
  page,
  request,
}, testInfo) => {
  const id = unique(testInfo).toLowerCase();
  const user = await createUser(request, { email: `retrace-${id}@example.com`, role: 'user' });
  const token = await apiToken(request, user.email, user.password);
  const key = await apiCall<{ key: string }>(request, token, 'POST', '/me/keys', { name: `retrace ${id}` });
  const res = await request.post('/v1/chat/completions', {
    headers: { authorization: `Bearer ${key.key}` },
    data: {
      model: 'mock/mock-small',
      messages: [{ role: 'user', content: 'hi, please summarise the quarterly numbers in three lines' }],
      max_tokens: 77,
    },
  });
  expect(res.status(), await res.text()).toBe(200);

  const admin = await apiToken(request);
  const logs = async () =>
    (await apiCall<{ data: { tokensIn: number }[] }>(request, admin, 'GET', `/llm/logs?user=${user.id}`))
      .data;
  await expect.poll(async () => (await logs()).length, { timeout: 15_000 }).toBe(1);
  const [logged] = await logs();
  await signIn(page);
  await page.goto(`/logs?user=${user.id}`);
  const row = page.getByTestId('log-row').first();
  await expect(row).toBeVisible({ timeout: 10_000 });
  await row.getByRole('button', { name: /^Open request/ }).click();
  await page
    .getByRole('dialog', { name: 'Request details' })
    .getByRole('link', { name: 'Re-trace this request' })
    .click();
  await expect(page).toHaveURL(/\/llm\/routing\?trace=mock%2Fmock-small.*traceRequest=/);
  const drawer = page.getByRole('dialog', { name: 'Trace a request' });
  await expect(drawer.getByTestId('trace-chosen')).toHaveText('mock/mock-small');
  await expect(drawer.getByTestId('trace-caller')).toContainText(`user ${user.id}`);
  await expect(drawer.getByTestId('trace-caller')).toContainText('key ');
  await expect(drawer.getByLabel('Run as')).not.toHaveValue('');
  // The logged request itself is replayed: its prompt size and max tokens, not the form's defaults.
  await expect(drawer.getByTestId('trace-replay')).toContainText(
    `${logged!.tokensIn} prompt tokens · max tokens 77 · needs chat`,
  );
  await expect(drawer.getByLabel('Prompt tokens')).toHaveValue(String(logged!.tokensIn));
  await expect(drawer.getByLabel('Max tokens')).toHaveValue('77');
  // The shown result answered the old inputs: typing clears it until the next trace.
  await drawer.getByLabel('Model').fill('mock/mock-large');
  await expect(drawer.getByTestId('trace-result')).toHaveCount(0);
  await expect(drawer.getByLabel('Max tokens')).toHaveValue('77');
  await drawer.getByRole('button', { name: 'Trace', exact: true }).click();
  await expect(drawer.getByTestId('trace-chosen')).toHaveText('mock/mock-large');
  // Still that request, with the form's model on top.
  await expect(drawer.getByTestId('trace-replay')).toContainText('max tokens 77');
  await page.keyboard.press('Escape');
  await expect(drawer).toBeHidden();
  await expect(page).not.toHaveURL(/trace=/);

  await page.getByRole('button', { name: 'Hide the steps' }).click();
  await expect(page.getByText('Look up alias')).toHaveCount(0);
  await page.reload();
  await expect(page.getByRole('button', { name: 'Show the steps' })).toBeVisible();
  await page.getByRole('button', { name: 'Show the steps' }).click();
  await expect(page.getByText('Look up alias')).toBeVisible();
});
