import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { apiCall, apiToken, createUser, navigate, noHorizontalScroll, signIn, unique } from './helpers';

/**
 * The LLM area's Providers and Aliases & routing tabs (/llm/providers, /llm/routing). A stand-in OpenAI-compatible upstream answers the connection tests: its model
 * list for any key but "bad-key", which it refuses with 401.
 */
const BAD_KEY = 'bad-key';
let upstream: Server;
let upstreamUrl = '';

test.beforeAll(async () => {
  upstream = createServer((req, res) => {
    const auth = req.headers.authorization ?? '';
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (auth === `Bearer ${BAD_KEY}`)
      return send(401, {
        error: {
          message: 'Incorrect API key provided',
          type: 'invalid_request_error',
          code: 'invalid_api_key',
        },
      });
    if (req.method === 'GET' && req.url?.startsWith('/v1/models'))
      return send(200, {
        object: 'list',
        data: [
          { id: 'm1', object: 'model' },
          { id: 'm2', object: 'model' },
        ],
      });
    if (req.method === 'POST' && req.url?.startsWith('/v1/chat/completions')) {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString()));
      req.on('end', () => {
        const body = JSON.parse(raw || '{}') as { model?: string };
        send(200, {
          id: 'chatcmpl-1',
          object: 'chat.completion',
          created: Math.floor(Date.now() / 1000),
          model: body.model ?? 'm1',
          choices: [{ index: 0, message: { role: 'assistant', content: 'hello' }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 },
        });
      });
      return;
    }
    send(404, { error: { message: 'not found' } });
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/v1`;
});

test.afterAll(async () => {
  await new Promise<void>((resolve) => upstream.close(() => resolve()));
});

const num = (n: number) => n.toLocaleString('en-US');
const usd = (n: number) =>
  (n !== 0 && Math.abs(n) < 0.01
    ? new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 6 })
    : new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 2 })
  ).format(n);

async function openProviders(page: Page, isMobile: boolean) {
  await navigate(page, isMobile, 'LLM gateway');
  await expect(page).toHaveURL(/\/llm\/providers$/);
  await expect(page.getByRole('heading', { level: 2, name: 'Providers', exact: true })).toBeVisible();
}

/**
 * A custom provider on the stand-in upstream with models m1 and m2 in the registry, made through the API with a
 * bearer token from its own request context (signing in on the page's context would replace the browser's session).
 */
async function providerWithModels(request: APIRequestContext, name: string) {
  const token = await apiToken(request);
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  const p = await apiCall<{ id: string; slug: string }>(request, token, 'POST', '/llm/providers', {
    type: 'custom',
    name,
    slug,
    baseUrl: upstreamUrl,
    config: { keyless: true },
  });
  for (const modelId of ['m1', 'm2'])
    await apiCall(request, token, 'POST', '/llm/models', { providerId: p.id, modelId, displayName: modelId });
  return { ...p, token };
}

test('the stat cards show what the API counts; traffic shows in the usage charts', async ({
  page,
  request,
  isMobile,
}, testInfo) => {
  // A little traffic through the gateway (the built-in mock provider), so the charts have something to draw.
  const token = await apiToken(request);
  const key = await apiCall<{ key: string }>(request, token, 'POST', '/me/keys', {
    name: `charts ${unique(testInfo)}`,
  });
  for (let i = 0; i < 2; i++) {
    const res = await request.post('/v1/chat/completions', {
      headers: { authorization: `Bearer ${key.key}` },
      data: {
        model: 'mock/mock-small',
        messages: [{ role: 'user', content: 'Hello from the providers test' }],
      },
    });
    expect(res.status(), await res.text()).toBe(200);
  }
  await signIn(page);
  await openProviders(page, isMobile);
  await expect(page.getByTestId('stat-providers').getByTestId('stat-value')).not.toBeEmpty();
  // The same session asks the API; the page polls every 30 s, so compare until both agree (other tests may add
  // providers or traffic in between).
  test.setTimeout(75_000);
  await expect(async () => {
    const stats = (await (await page.request.get('/api/v1/llm/stats')).json()) as {
      totalProviders: number;
      activeModels: number;
      apiCalls30d: { value: number; changePct: number | null };
      cost30d: { valueUsd: number; changePct: number | null };
    };
    await expect(page.getByTestId('stat-providers').getByTestId('stat-value')).toHaveText(
      num(stats.totalProviders),
      { timeout: 1000 },
    );
    await expect(page.getByTestId('stat-models').getByTestId('stat-value')).toHaveText(
      num(stats.activeModels),
      { timeout: 1000 },
    );
    await expect(page.getByTestId('stat-calls').getByTestId('stat-value')).toHaveText(
      num(stats.apiCalls30d.value),
      { timeout: 1000 },
    );
    await expect(page.getByTestId('stat-cost').getByTestId('stat-value')).toHaveText(
      usd(stats.cost30d.valueUsd),
      { timeout: 1000 },
    );
    if (stats.apiCalls30d.changePct === null)
      await expect(page.getByTestId('stat-calls').getByTestId('stat-trend')).toContainText('new', {
        timeout: 1000,
      });
  }).toPass({ timeout: 45_000 });
  // Power levels and the usage charts render with the API's data.
  await expect(page.getByTestId('power-level').first()).toBeVisible();
  await page.getByRole('group', { name: 'Time range' }).getByRole('button', { name: 'Last 7d' }).click();
  await expect(page).toHaveURL(/period=7d/);
  await expect(page.getByTestId('usage-totals')).toBeVisible();
  // The charts (chart.js, loaded on demand) draw the traffic: calls over time, cost, latency, success, models.
  await expect(page.getByRole('img', { name: /^API calls per hour/ })).toBeVisible();
  await expect(page.getByRole('img', { name: /^Cost by provider: .*Mock \(built-in\)/ })).toBeVisible();
  await expect(
    page.getByRole('img', { name: /^Success rate by provider: .*Mock \(built-in\) \d+/ }),
  ).toBeVisible();
  await expect(page.getByRole('img', { name: /^Most requested models: .*mock\/mock-small/ })).toBeVisible();
  await noHorizontalScroll(page);
});

test('add a custom provider: connection test, a refused key, discovered models, then test and delete it', async ({
  page,
  isMobile,
}, testInfo) => {
  const id = unique(testInfo);
  const name = `Upstream ${id}`;
  await signIn(page);
  await openProviders(page, isMobile);
  await page.getByRole('button', { name: 'Add provider' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add a provider' });
  await dialog.getByLabel('Provider type').selectOption('custom');
  await dialog.getByLabel('Name').fill(name);
  await expect(dialog.getByLabel('Slug')).toHaveValue(`upstream-${id}`.toLowerCase());
  // A custom type needs its URL before anything can be tested or saved.
  await expect(dialog.getByRole('button', { name: 'Test connection' })).toBeDisabled();
  await dialog.getByRole('button', { name: 'Add provider' }).click();
  await expect(dialog.getByText('Is required for this provider type')).toBeVisible();
  await dialog.getByLabel('Base URL').fill(upstreamUrl);
  await dialog.getByLabel('Keyless endpoint').check();
  // A custom endpoint may serve the Responses API itself (vLLM, LM Studio): off by default, checked here.
  await expect(dialog.getByLabel('Serves the Responses API itself')).not.toBeChecked();
  await dialog.getByLabel('Serves the Responses API itself').check();

  // A key the upstream refuses: the error is shown.
  await dialog.getByLabel('API key', { exact: true }).fill(BAD_KEY);
  await dialog.getByRole('button', { name: 'Show API key' }).click();
  await expect(dialog.getByLabel('API key', { exact: true })).toHaveAttribute('type', 'text');
  await dialog.getByRole('button', { name: 'Test connection' }).click();
  await expect(dialog.getByTestId('test-result')).toHaveAttribute('data-ok', 'false');
  await expect(dialog.getByTestId('test-result')).toContainText('rejected the key');

  // Keyless (the type allows it): success with latency and the two models, offered for the registry.
  await dialog.getByLabel('API key', { exact: true }).fill('');
  await dialog.getByRole('button', { name: 'Test connection' }).click();
  await expect(dialog.getByTestId('test-result')).toHaveAttribute('data-ok', 'true');
  await expect(dialog.getByTestId('test-result')).toContainText(/Connected in \d+ ms · 2 models available/);
  const discovered = dialog.getByRole('list', { name: 'Discovered models' });
  await expect(discovered.getByLabel('m1')).toBeChecked();
  await expect(discovered.getByLabel('m2')).toBeChecked();
  // The catalogue does not price a custom endpoint's models: the checklist says what that means.
  await expect(discovered).toContainText('no known price: out of power-level routing until priced');

  await dialog.getByLabel('Priority').fill('150');
  await dialog.getByRole('button', { name: 'Add bucket' }).click();
  await dialog.getByLabel('Bucket name').fill('per-minute');
  await dialog.getByRole('button', { name: 'Add provider' }).click();
  await expect(dialog.getByText('Must be between 1 and 100')).toBeVisible();
  await expect(dialog.getByText('Set requests, tokens or both')).toBeVisible();
  await dialog.getByLabel('Priority').fill('20');
  await dialog.getByLabel('Requests').fill('60');
  await dialog.getByRole('button', { name: 'Add provider' }).click();
  await expect(dialog).toBeHidden();

  const card = page.getByTestId('provider-card').filter({ hasText: name });
  await expect(card).toContainText('active');
  await expect(card.getByTestId('provider-models')).toHaveText('2 enabled of 2');
  // Both were imported in one step, and the page says they stay out of power levels until priced.
  await expect(page.getByRole('alert')).toContainText(
    '2 models added to the registry. No known price for m1, m2',
  );
  await noHorizontalScroll(page);

  // The same slug again is refused next to the field.
  await page.getByRole('button', { name: 'Add provider' }).click();
  const again = page.getByRole('dialog', { name: 'Add a provider' });
  await again.getByLabel('Provider type').selectOption('custom');
  await again.getByLabel('Name').fill(name);
  await again.getByLabel('Base URL').fill(upstreamUrl);
  await again.getByRole('button', { name: 'Add provider' }).click();
  await expect(again.getByText('This slug is already taken')).toBeVisible();
  await again.getByRole('button', { name: 'Cancel' }).click();

  // Test from the card: success with latency inline.
  await card.getByRole('button', { name: `Test ${name}` }).click();
  await expect(card.getByTestId('test-result')).toContainText(/Connected in \d+ ms/);

  // Configure: the bucket and priority came back; a bad key is refused by the test.
  await card.getByRole('button', { name: `Configure ${name}` }).click();
  const config = page.getByRole('dialog', { name: `Configure ${name}` });
  await expect(config.getByLabel('Priority')).toHaveValue('20');
  await expect(config.getByLabel('Bucket name')).toHaveValue('per-minute');
  await expect(config.getByLabel('Requests')).toHaveValue('60');
  await expect(config.getByLabel('Keyless endpoint')).toBeChecked();
  await expect(config.getByLabel('Serves the Responses API itself')).toBeChecked();
  await config.getByLabel('API key', { exact: true }).fill(BAD_KEY);
  await config.getByRole('button', { name: 'Test connection' }).click();
  await expect(config.getByTestId('test-result')).toContainText('rejected the key');
  await config.getByRole('button', { name: 'Cancel' }).click();
  await expect(config).toBeHidden();

  // Delete through the confirm dialog.
  await card.getByRole('button', { name: `Delete ${name}` }).click();
  const confirm = page.getByRole('alertdialog', { name: 'Delete this provider?' });
  await expect(confirm).toContainText(name);
  await confirm.getByRole('button', { name: 'Delete provider' }).click();
  await expect(confirm).toBeHidden();
  await expect(card).toHaveCount(0);
});

test('the routing strategy is saved at once and survives a reload', async ({ page, isMobile }) => {
  await signIn(page);
  await openProviders(page, isMobile);
  const before = (
    (await (await page.request.get('/api/v1/llm/routing/rules')).json()) as { strategy: string }
  ).strategy;
  const next = before === 'cost' ? 'quality' : 'cost';
  const label = next === 'cost' ? /Cost optimized/ : /Quality optimized/;
  const radio = page.getByRole('radio', { name: label });
  await radio.check();
  await expect(page.getByText('Saved: takes effect now')).toBeVisible();
  await page.reload();
  await expect(page.getByRole('radio', { name: label })).toBeChecked();
  const after = ((await (await page.request.get('/api/v1/llm/routing/rules')).json()) as { strategy: string })
    .strategy;
  expect(after).toBe(next);
  await noHorizontalScroll(page);
});

test('routing tab: an alias, a fallback chain ordered by drag and drop, and a traced request', async ({
  page,
  request,
  isMobile,
}, testInfo) => {
  const id = unique(testInfo);
  await signIn(page);
  const p = await providerWithModels(request, `Route ${id}`);
  const m1 = `${p.slug}/m1`;
  const m2 = `${p.slug}/m2`;
  await openProviders(page, isMobile);
  await page
    .getByRole('navigation', { name: 'LLM sections' })
    .getByRole('link', { name: 'Aliases & routing' })
    .click();
  await expect(page).toHaveURL(/\/llm\/routing$/);
  await expect(page.getByRole('heading', { name: 'Resolver trace' })).toBeVisible();

  // An alias with a bad name first, then a good one.
  const aliasName = `chat-${id}`;
  await page.getByRole('button', { name: 'Create alias' }).click();
  const dialog = page.getByRole('dialog', { name: 'Create an alias' });
  await dialog.getByLabel('Alias name').fill('eco');
  await dialog.getByLabel('Target 1 model').fill(m1);
  await dialog.getByRole('button', { name: 'Create alias' }).click();
  await expect(dialog.getByText('Is reserved for a power level')).toBeVisible();
  await dialog.getByLabel('Alias name').fill(aliasName);
  await dialog.getByLabel('Strategy').selectOption('weighted');
  await dialog.getByRole('button', { name: 'Add target' }).click();
  await dialog.getByLabel('Target 2 model').fill(m2);
  await dialog.getByLabel('Weight').nth(1).fill('0');
  await dialog.getByRole('button', { name: 'Create alias' }).click();
  await expect(dialog).toBeHidden();
  const row = page.getByTestId('alias-row').filter({ hasText: aliasName });
  await expect(row).toContainText(`${m1} × 1`);
  await expect(row).toContainText('weighted');
  await expect(row).toContainText('global');

  // A fallback chain for m1: three fallbacks, the first dragged down one place with the keyboard.
  await page.getByRole('button', { name: 'New chain' }).click();
  const editor = page.getByRole('listitem', { name: 'New fallback chain' });
  await editor.getByLabel('Model', { exact: true }).fill(m1);
  for (const ref of ['mock/mock-small', 'mock/mock-large', m2]) {
    await editor.getByLabel('Add a fallback').fill(ref);
    await editor.getByRole('button', { name: 'Add', exact: true }).click();
  }
  await expect(editor.getByTestId('chain-target')).toHaveText([
    /mock\/mock-small/,
    /mock\/mock-large/,
    new RegExp(m2),
  ]);
  const handle = editor.getByRole('button', { name: 'Reorder mock/mock-small' });
  await handle.focus();
  await page.keyboard.press('Space');
  await page.waitForTimeout(150);
  await page.keyboard.press('ArrowDown');
  await page.waitForTimeout(300);
  await page.keyboard.press('Space');
  await expect(editor.getByTestId('chain-target')).toHaveText([
    /mock\/mock-large/,
    /mock\/mock-small/,
    new RegExp(m2),
  ]);
  await editor.getByRole('button', { name: 'Create chain' }).click();
  const chain = page.getByRole('listitem', { name: `Fallback chain for ${m1}` });
  await expect(chain.getByTestId('chain-target')).toHaveText([
    /mock\/mock-large/,
    /mock\/mock-small/,
    new RegExp(m2),
  ]);

  // Reorder the saved chain (m2 up to the top) and save: PUT keeps the order.
  const h2 = chain.getByRole('button', { name: `Reorder ${m2}` });
  await h2.focus();
  await page.keyboard.press('Space');
  await page.waitForTimeout(150);
  await page.keyboard.press('ArrowUp');
  await page.waitForTimeout(300);
  await page.keyboard.press('ArrowUp');
  await page.waitForTimeout(300);
  await page.keyboard.press('Space');
  await expect(chain.getByTestId('chain-target')).toHaveText([
    new RegExp(m2),
    /mock\/mock-large/,
    /mock\/mock-small/,
  ]);
  await chain.getByRole('button', { name: 'Save order' }).click();
  await expect(chain.getByRole('button', { name: 'Saved' })).toBeVisible();
  const chains = await apiCall<{ data: { modelRef: string; targets: string[] }[] }>(
    request,
    p.token,
    'GET',
    '/llm/routing/chains',
  );
  expect(chains.data.find((c) => c.modelRef === m1)?.targets).toEqual([
    m2,
    'mock/mock-large',
    'mock/mock-small',
  ]);
  await page.reload();
  await expect(
    page.getByRole('listitem', { name: `Fallback chain for ${m1}` }).getByTestId('chain-target'),
  ).toHaveText([new RegExp(m2), /mock\/mock-large/, /mock\/mock-small/]);
  await noHorizontalScroll(page);

  // Trace the alias: m1 is chosen (m2 has weight 0), every candidate is listed with why.
  await page.getByRole('button', { name: 'Trace this request' }).click();
  const drawer = page.getByRole('dialog', { name: 'Trace a request' });
  await drawer.getByLabel('Model', { exact: true }).fill(aliasName);
  await drawer.getByLabel('Prompt tokens').fill('500');
  await drawer.getByRole('button', { name: 'Trace', exact: true }).click();
  await expect(drawer.getByTestId('trace-chosen')).toHaveText(m1);
  await expect(drawer.getByTestId('trace-candidate').first()).toBeVisible();
  await expect(drawer.getByTestId('trace-cost')).toHaveText(/\$/);
  await noHorizontalScroll(page);
  await page.keyboard.press('Escape');
  await expect(drawer).toBeHidden();

  // Clean up this test's provider, alias and chain through the API.
  const aliases = await apiCall<{ data: { id: string; name: string }[] }>(
    request,
    p.token,
    'GET',
    '/llm/routing/aliases',
  );
  await apiCall(
    request,
    p.token,
    'DELETE',
    `/llm/routing/aliases/${aliases.data.find((a) => a.name === aliasName)!.id}`,
  );
  await apiCall(request, p.token, 'DELETE', `/llm/providers/${p.id}`);
});

test('theme switch: the page and its charts redraw in every theme without sideways scrolling', async ({
  page,
  isMobile,
}) => {
  await signIn(page);
  await openProviders(page, isMobile);
  await expect(page.getByTestId('provider-card').first()).toBeVisible();
  const seen = new Set<string>();
  for (let i = 0; i < 3; i++) {
    await page.getByRole('button', { name: /^Theme:/ }).click();
    const theme = await page.evaluate(() => document.documentElement.dataset.theme ?? '');
    seen.add(theme);
    await expect(page.getByRole('heading', { name: 'Usage analytics' })).toBeVisible();
    await noHorizontalScroll(page);
  }
  expect(seen.size).toBe(3);
  await page
    .getByRole('navigation', { name: 'LLM sections' })
    .getByRole('link', { name: 'Aliases & routing' })
    .click();
  await noHorizontalScroll(page);
});

test('a viewer sees providers and routing without any button that changes them', async ({
  page,
  request,
  isMobile,
}, testInfo) => {
  const id = unique(testInfo);
  const viewer = await createUser(request, { email: `viewer-prov-${id}@example.com`, role: 'viewer' });
  await signIn(page, viewer.email, viewer.password);
  await openProviders(page, isMobile);
  await expect(page.getByRole('note').filter({ hasText: 'Read-only' })).toBeVisible();
  await expect(page.getByTestId('provider-card').first()).toBeVisible();
  await expect(page.getByRole('button', { name: 'Add provider' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: /^(Configure|Test|Delete) / })).toHaveCount(0);
  await expect(page.getByText('Only a super admin can change the routing strategy.')).toBeVisible();
  await expect(page.getByRole('radio', { name: /Balanced/ })).toBeDisabled();
  await page
    .getByRole('navigation', { name: 'LLM sections' })
    .getByRole('link', { name: 'Aliases & routing' })
    .click();
  await expect(page.getByRole('button', { name: 'Create alias' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'New chain' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Trace this request' })).toBeVisible();
  await noHorizontalScroll(page);
});
