import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from '@playwright/test';
import { apiCall, apiToken, navigate, signIn, unique } from './helpers';

/**
 * The LLM area (/llm/:tab): the old pages redirect to their tab with their query, the header's help link and menu
 * lead somewhere real, and the add-LLM-key wizard stores a key tested against a stand-in OpenAI-compatible upstream,
 * imports the models it lists and shows the key on the Keys tab.
 */
let upstream: Server;
let upstreamUrl = '';

test.beforeAll(async () => {
  upstream = createServer((req, res) => {
    res.writeHead(req.url?.startsWith('/v1/models') ? 200 : 404, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify(
        req.url?.startsWith('/v1/models')
          ? {
              object: 'list',
              data: [
                { id: 'wiz-a', object: 'model' },
                { id: 'wiz-b', object: 'model' },
              ],
            }
          : { error: { message: 'not found' } },
      ),
    );
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/v1`;
});

test.afterAll(async () => {
  await new Promise<void>((resolve) => upstream.close(() => resolve()));
});

test('old addresses open their tab with their query; the header links and menu lead somewhere real', async ({
  page,
  isMobile,
}) => {
  await signIn(page);
  // A log's re-trace link of before: the routing tab, drawer open on the model.
  await page.goto('/providers?tab=routing&trace=mock%2Fmock-small');
  await expect(page).toHaveURL(/\/llm\/routing\?trace=mock%2Fmock-small$/);
  await expect(page.getByRole('dialog', { name: 'Trace a request' })).toBeVisible();
  await page.keyboard.press('Escape');
  await page.goto('/usage?period=7d');
  await expect(page).toHaveURL(/\/llm\/spend\?period=7d$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Spend');
  await expect(page.getByTestId('page-eyebrow')).toHaveText('LLM gateway');

  // The help link is the API's own OpenAPI document.
  const help = page.getByRole('link', { name: 'Admin API reference' });
  const doc = await page.request.get((await help.getAttribute('href'))!);
  expect(doc.status()).toBe(200);
  expect(((await doc.json()) as { openapi: string }).openapi).toMatch(/^3\./);

  await page.getByRole('button', { name: 'More LLM actions' }).click();
  const menu = page.getByRole('menu', { name: 'More LLM actions' });
  await expect(menu.getByRole('menuitem')).toHaveText([
    'Add LLM key (wizard)',
    'Monitoring: live traffic',
    'Gateway logs',
    'Help: how a request is routed',
    'Admin API reference (OpenAPI)',
  ]);
  await menu.getByRole('menuitem', { name: 'Help: how a request is routed' }).click();
  await expect(page).toHaveURL(/\/llm\/routing$/);
  await expect(page.getByRole('heading', { name: 'Resolver trace' })).toBeVisible();

  // The sidebar's one entry and the tabs.
  await navigate(page, isMobile, 'LLM gateway › Models');
  await expect(page).toHaveURL(/\/llm\/models$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Models');

  // The active-models card counts what the Models page lists as enabled (read again if another test adds one).
  await expect(async () => {
    await page.goto('/llm/providers');
    const card = page.getByTestId('stat-models');
    const shown = (await card.getByTestId('stat-value').textContent())!.replace(/,/g, '');
    await card.getByRole('link', { name: 'enabled in the registry' }).click();
    await expect(page.getByTestId('models-total')).toHaveText(new RegExp(`^${shown} enabled models?\\.$`), {
      timeout: 3000,
    });
  }).toPass({ timeout: 30_000 });
});

test('a super admin adds an LLM key with the wizard: tested, stored, its models imported, shown on the Keys tab', async ({
  page,
  request,
}, testInfo) => {
  const id = unique(testInfo);
  const key = `sk-wizard-${id}-9z8y`.replace(/[^A-Za-z0-9-]/g, '');
  await signIn(page);
  await page.goto('/llm/keys');
  await page.getByRole('button', { name: 'Add LLM key' }).click();
  const wizard = page.getByRole('dialog', { name: 'Add an LLM key' });
  await wizard.getByLabel('Provider').selectOption('t:custom');
  await wizard.getByLabel('Base URL').fill(upstreamUrl);
  await wizard.getByRole('button', { name: 'Next' }).click();
  await wizard.getByLabel('API key').fill(key);
  await wizard.getByRole('button', { name: 'Test key' }).click();
  const models = wizard.getByRole('list', { name: 'Discovered models' });
  await expect(models.getByLabel('wiz-a')).toBeChecked();
  await models.getByLabel('wiz-b').uncheck();
  await wizard.getByRole('button', { name: 'Save key and import 1 model' }).click();
  const done = wizard.getByTestId('wizard-done');
  await expect(done).toContainText(`ending in ••••${key.slice(-4)}`);
  await expect(done).toContainText('1 model added to the registry');
  const slug = /\(([a-z0-9-]+)\)/.exec((await done.textContent())!)![1]!;
  await wizard.getByRole('button', { name: 'Done' }).click();

  // The Keys tab: stored in the database, tested just now, passed; rotating reopens the wizard on it.
  const row = page.getByTestId('provider-key-row').filter({ hasText: slug });
  await expect(row).toContainText(`••••${key.slice(-4)}`);
  await expect(row).toContainText('database (encrypted)');
  await expect(row.getByTestId('key-last-test')).toContainText('passed');
  const token = await apiToken(request);
  const listed = await apiCall<{ data: { modelId: string; provider: { slug: string } }[] }>(
    request,
    token,
    'GET',
    `/llm/models?provider=${slug}`,
  );
  expect(listed.data.map((m) => m.modelId)).toEqual(['wiz-a']);
  const providers = await apiCall<{ data: { id: string; slug: string }[] }>(
    request,
    token,
    'GET',
    '/llm/providers',
  );
  await apiCall(
    request,
    token,
    'DELETE',
    `/llm/providers/${providers.data.find((p) => p.slug === slug)!.id}`,
  );
});
