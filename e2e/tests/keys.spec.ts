import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from '@playwright/test';
import { apiCall, apiToken, createUser, navigate, noHorizontalScroll, signIn, unique } from './helpers';

test('a user creates a gateway key, copies it, calls the proxy with it, and revokes it', async ({
  page,
  context,
  request,
  isMobile,
}, testInfo) => {
  const id = unique(testInfo);
  const user = await createUser(request, { email: `keys-${id}@example.com`, role: 'user' });
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await signIn(page, user.email, user.password);

  await navigate(page, isMobile, 'My keys');
  await expect(page).toHaveURL(/\/my-keys$/);
  await expect(page.getByText('You have no keys yet.')).toBeVisible();
  await page.getByRole('button', { name: 'Create key' }).click();
  const form = page.getByRole('dialog', { name: 'Create a key' });
  await form.getByRole('button', { name: 'Create key' }).click();
  await expect(form.getByText('Is required')).toBeVisible();
  await form.getByLabel('Name').fill('e2e script');
  await form.getByLabel('Requests per minute (RPM)').fill('100');
  await form.getByRole('button', { name: 'Create key' }).click();

  const reveal = page.getByRole('dialog', { name: 'Your new gateway key' });
  await expect(reveal.getByRole('alert')).toContainText('shown only once');
  const shown = await reveal.getByLabel('Key', { exact: true }).inputValue();
  expect(shown).toMatch(/^sy-[A-Za-z0-9_-]{43}$/);
  await reveal.getByRole('button', { name: 'Copy key' }).click();
  await expect(reveal.getByRole('button', { name: 'Copied' })).toBeVisible();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied).toBe(shown);
  await noHorizontalScroll(page);
  await reveal.getByRole('button', { name: 'I have saved it' }).click();
  await expect(reveal).toBeHidden();

  const row = page.getByTestId('key-row').filter({ hasText: 'e2e script' });
  await expect(row).toContainText(shown.slice(0, 10));
  await expect(page.locator('body')).not.toContainText(shown);

  const chat = () =>
    request.post('/v1/chat/completions', {
      headers: { authorization: `Bearer ${copied}` },
      data: { model: 'chat.default', messages: [{ role: 'user', content: 'Hello from the e2e test' }] },
    });
  const ok = await chat();
  expect(ok.status(), await ok.text()).toBe(200);
  const body = (await ok.json()) as { choices: { message: { content: string } }[] };
  expect(body.choices[0]!.message.content.length).toBeGreaterThan(0);

  // Revoke with a confirm; the key stops working at once.
  await row.getByRole('button', { name: 'Revoke e2e script' }).click();
  const confirm = page.getByRole('alertdialog', { name: 'Revoke this key?' });
  await expect(confirm).toContainText(shown.slice(0, 10));
  await confirm.getByRole('button', { name: 'Revoke key' }).click();
  await expect(confirm).toBeHidden();
  await expect(page.getByText('No active keys.')).toBeVisible();
  expect((await chat()).status()).toBe(401);
  // The "All" tab is in the query string and survives a reload.
  await page.getByRole('button', { name: 'All', exact: true }).click();
  await expect(page).toHaveURL(/show=all/);
  await page.reload();
  await expect(page.getByTestId('key-row').filter({ hasText: 'e2e script' })).toContainText('revoked');
});

test('an admin creates a key for a user and revokes it on the Gateway keys page', async ({
  page,
  request,
}, testInfo) => {
  const id = unique(testInfo);
  const owner = await createUser(request, { email: `owner-${id}@example.com`, role: 'user' });
  await signIn(page);
  await page.goto('/keys');
  await page.getByRole('button', { name: 'Create key' }).click();
  const form = page.getByRole('dialog', { name: 'Create a gateway key' });
  await form.getByLabel('Name').fill(`svc ${id}`);
  await form.getByLabel('Owner type').selectOption('user');
  await form
    .getByLabel('Owner', { exact: true })
    .selectOption({ label: `${owner.email.split('@')[0]} (${owner.email})` });
  await form.getByLabel('Budget (USD)').fill('12');
  await form.getByRole('button', { name: 'Create key' }).click();
  await expect(form.getByText('Choose the period the budget covers')).toBeVisible();
  await form.getByLabel('Budget period').selectOption('week');
  await form.getByLabel('Allowed models').fill('chat.default');
  await form.getByRole('button', { name: 'Create key' }).click();
  const reveal = page.getByRole('dialog', { name: 'Your new gateway key' });
  const key = await reveal.getByLabel('Key', { exact: true }).inputValue();
  await reveal.getByRole('button', { name: 'I have saved it' }).click();

  const row = page.getByTestId('key-row').filter({ hasText: `svc ${id}` });
  await expect(row).toContainText(owner.email);
  await expect(row).toContainText('$12.00 / week');
  await expect(row).toContainText('chat.default');
  await noHorizontalScroll(page);

  // Filters live in the query string.
  await page.getByLabel('Search').fill(id);
  await page.getByRole('group', { name: 'Status' }).getByRole('button', { name: 'Active' }).click();
  await expect(page).toHaveURL(/status=active/);
  await expect(page).toHaveURL(new RegExp(`q=${id}`));
  await page.reload();
  await expect(page.getByLabel('Search')).toHaveValue(id);
  await expect(page.getByTestId('key-row')).toHaveCount(1);

  await row.getByRole('button', { name: `Revoke svc ${id}` }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Revoke key' }).click();
  await expect(page.getByText('No keys match these filters.')).toBeVisible();
  const token = await apiToken(request);
  const keys = await apiCall<{ data: { prefix: string; status: string }[] }>(
    request,
    token,
    'GET',
    `/keys?ownerId=${owner.id}`,
  );
  expect(keys.data.find((k) => k.prefix === key.slice(0, 10))?.status).toBe('revoked');
});

test.describe('BYOK', () => {
  let server: Server;
  let baseUrl = '';
  const GOOD = 'sk-good-e2e-key-4f7Q';
  const models: string[] = [];

  test.beforeAll(async () => {
    // A stand-in for an OpenAI-compatible provider: its model list answers only the good key.
    server = createServer((req, res) => {
      models.push(req.headers.authorization ?? '');
      res.setHeader('content-type', 'application/json');
      if (req.url?.endsWith('/models') && req.headers.authorization === `Bearer ${GOOD}`) {
        res.end(JSON.stringify({ object: 'list', data: [{ id: 'fake-small' }, { id: 'fake-large' }] }));
      } else {
        res.statusCode = 401;
        res.end(
          JSON.stringify({
            error: {
              message: 'Incorrect API key provided',
              type: 'invalid_request_error',
              code: 'invalid_api_key',
            },
          }),
        );
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  });
  test.afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  test('a user adds a provider key, tests it, rotates it, and deletes it; only the last four characters are shown', async ({
    page,
    request,
    isMobile,
  }, testInfo) => {
    const id = unique(testInfo);
    const admin = await apiToken(request);
    await apiCall<{ id: string }>(request, admin, 'POST', '/llm/providers', {
      type: 'custom',
      name: `Fake ${id}`,
      slug: `fake-${id}`.toLowerCase().slice(0, 60),
      baseUrl,
    });
    const user = await createUser(request, { email: `byok-${id}@example.com`, role: 'user' });
    await signIn(page, user.email, user.password);
    await navigate(page, isMobile, 'My provider keys');
    await expect(page.getByText('You have no provider keys.')).toBeVisible();

    await page.getByRole('button', { name: 'Add key' }).click();
    const add = page.getByRole('dialog', { name: 'Add a provider key' });
    await add.getByRole('button', { name: 'Save key' }).click();
    await expect(add.getByText('Choose a provider')).toBeVisible();
    // A picker, not an internal id: a user role cannot list providers, yet picks from the BYOK options.
    await add
      .getByLabel('Provider', { exact: true })
      .selectOption({ label: `Fake ${id} (${`fake-${id}`.toLowerCase().slice(0, 60)})` });
    await add.getByLabel('API key').fill(GOOD);
    await add.getByLabel('Label').fill('mine');
    await add.getByRole('button', { name: 'Save key' }).click();
    await expect(add).toBeHidden();

    const row = page.getByTestId('byok-row');
    await expect(row).toContainText(`Fake ${id}`);
    await expect(row).toContainText('••••4f7Q');
    await expect(page.locator('body')).not.toContainText(GOOD);
    await row.getByRole('button', { name: `Test Fake ${id} key` }).click();
    await expect(row).toContainText('Works');
    await expect(row).toContainText('2 models');
    await noHorizontalScroll(page);

    await row.getByRole('button', { name: `Rotate Fake ${id} key` }).click();
    const rotate = page.getByRole('dialog', { name: `Rotate your Fake ${id} key` });
    await expect(rotate.getByLabel('Label')).toHaveValue('mine');
    await rotate.getByLabel('New API key').fill('sk-revoked-upstream-9z9Z');
    await rotate.getByRole('button', { name: 'Replace key' }).click();
    await expect(rotate).toBeHidden();
    await expect(row).toContainText('••••9z9Z');
    await row.getByRole('button', { name: `Test Fake ${id} key` }).click();
    await expect(row).toContainText('The provider rejected the key.');
    await expect(row).toContainText('invalid');
    expect(models).toContain('Bearer sk-revoked-upstream-9z9Z');

    await row.getByRole('button', { name: `Delete Fake ${id} key` }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Delete this provider key?' });
    await expect(confirm).toContainText('••••9z9Z');
    await confirm.getByRole('button', { name: 'Delete key' }).click();
    await expect(page.getByText('You have no provider keys.')).toBeVisible();
  });

  test('an admin picks the provider from a list; the built-in mock is not offered', async ({
    page,
    request,
  }, testInfo) => {
    const id = unique(testInfo);
    const admin = await apiToken(request);
    await apiCall(request, admin, 'POST', '/llm/providers', {
      type: 'custom',
      name: `Listed ${id}`,
      slug: `listed-${id}`.toLowerCase().slice(0, 60),
      baseUrl,
    });
    await signIn(page);
    await page.goto('/my-provider-keys');
    await page.getByRole('button', { name: 'Add key' }).click();
    const provider = page.getByRole('dialog', { name: 'Add a provider key' }).getByLabel('Provider');
    await expect(provider.locator('option', { hasText: `Listed ${id}` })).toHaveCount(1);
    await expect(provider.locator('option', { hasText: 'Mock (built-in)' })).toHaveCount(0);
    await page.keyboard.press('Escape');
    await expect(page.getByRole('dialog')).toBeHidden();
  });
});
