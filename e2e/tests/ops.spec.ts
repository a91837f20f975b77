import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import {
  apiCall,
  apiToken,
  createUser,
  navigate,
  noHorizontalScroll,
  signIn,
  unique,
  withDefaultModel,
} from './helpers';

/**
 * Operations pages: model registry, logs with the resolver trace, My usage, BYOK in the logs, per-user CSV export,
 * read-only viewers. Every name carries the project (desktop/phone) so the two projects never see each other's data.
 */

interface LogRow {
  id: string;
  requestId: string;
  requestedModel: string;
  provider: string | null;
  actualModel: string | null;
  isByok: boolean;
  savedUsd: number;
  status: number;
}

/** A user with a gateway key of their own (created through the API as that user). */
async function userWithKey(request: APIRequestContext, id: string, role: 'user' | 'viewer' = 'user') {
  const user = await createUser(request, { email: `ops-${id}@example.com`, role, name: `Ops ${id}` });
  const token = await apiToken(request, user.email, user.password);
  const key = await apiCall<{ key: string }>(request, token, 'POST', '/me/keys', { name: `ops ${id}` });
  return { ...user, token, key: key.key };
}

async function chat(request: APIRequestContext, key: string, model: string, content = 'Hello from ops.spec') {
  const res = await request.post('/v1/chat/completions', {
    headers: { authorization: `Bearer ${key}` },
    data: { model, messages: [{ role: 'user', content }] },
  });
  expect(res.status(), await res.text()).toBe(200);
}

/** The user's own log records once the usage writer has stored `n` of them (it writes in batches). */
async function myLogs(request: APIRequestContext, token: string, n: number): Promise<LogRow[]> {
  let rows: LogRow[] = [];
  await expect
    .poll(
      async () => {
        rows = (await apiCall<{ data: LogRow[] }>(request, token, 'GET', '/me/logs?limit=200')).data;
        return rows.length;
      },
      { timeout: 15_000 },
    )
    .toBeGreaterThanOrEqual(n);
  return rows;
}

async function openDrawer(page: Page, row: ReturnType<Page['getByTestId']>) {
  await row.getByRole('button', { name: /^Open request/ }).click();
  const drawer = page.getByRole('dialog', { name: 'Request details' });
  await expect(drawer).toBeVisible();
  return drawer;
}

test('an admin bulk-disables two models; they stay disabled after a reload', async ({
  page,
  request,
}, testInfo) => {
  const id = unique(testInfo);
  const admin = await apiToken(request);
  const providers = await apiCall<{ data: { id: string; slug: string }[] }>(
    request,
    admin,
    'GET',
    '/llm/providers',
  );
  const mock = providers.data.find((p) => p.slug === 'mock')!;
  const made: { id: string }[] = [];
  for (const suffix of ['a', 'b']) {
    made.push(
      await apiCall<{ id: string }>(request, admin, 'POST', '/llm/models', {
        providerId: mock.id,
        modelId: `bulk-${id}-${suffix}`,
        displayName: `Bulk ${id} ${suffix}`,
        priceInputPer1M: 1,
        priceOutputPer1M: 2,
        priority: 500,
      }),
    );
  }

  await signIn(page);
  await page.goto(`/models?q=${encodeURIComponent(`bulk-${id}`)}`);
  await expect(page.getByRole('heading', { name: 'Model registry' })).toBeVisible();
  const rows = page.getByTestId('model-row');
  await expect(rows).toHaveCount(2);
  await expect(page.getByRole('switch', { name: `Enabled: Bulk ${id} a` })).toHaveAttribute(
    'aria-checked',
    'true',
  );
  await page.getByLabel(`Select Bulk ${id} a`).check();
  await page.getByLabel(`Select Bulk ${id} b`).check();
  const bar = page.getByRole('toolbar', { name: 'Bulk actions' });
  await expect(bar).toContainText('2 selected');
  await bar.getByRole('button', { name: 'Disable' }).click();
  await expect(page.getByRole('status').filter({ hasText: '2 models disabled.' })).toBeVisible();
  await noHorizontalScroll(page);

  await page.reload();
  await expect(page.getByLabel('Search')).toHaveValue(`bulk-${id}`);
  for (const s of ['a', 'b'])
    await expect(page.getByRole('switch', { name: `Enabled: Bulk ${id} ${s}` })).toHaveAttribute(
      'aria-checked',
      'false',
    );
  // The status filter is in the query string too.
  await page
    .getByRole('group', { name: 'Status' })
    .getByRole('button', { name: 'Enabled', exact: true })
    .click();
  await expect(page).toHaveURL(/status=enabled/);
  await expect(page.getByText('No models match these filters.')).toBeVisible();
  for (const m of made)
    expect((await apiCall<{ enabled: boolean }>(request, admin, 'GET', `/llm/models/${m.id}`)).enabled).toBe(
      false,
    );

  // Bulk delete asks first.
  await page.getByRole('group', { name: 'Status' }).getByRole('button', { name: 'All', exact: true }).click();
  await page.getByLabel('Select all shown models').check();
  await page.getByRole('toolbar', { name: 'Bulk actions' }).getByRole('button', { name: 'Delete' }).click();
  const confirm = page.getByRole('alertdialog', { name: 'Delete 2 models?' });
  await expect(confirm).toContainText(`mock/bulk-${id}-a`);
  await confirm.getByRole('button', { name: 'Delete models' }).click();
  await expect(page.getByText('No models match these filters.')).toBeVisible();
});

test('a user calls the proxy with their key and sees the request in My usage; an admin sees it in Logs with its trace', async ({
  page,
  context,
  request,
  isMobile,
}, testInfo) => {
  const id = unique(testInfo);
  const user = await userWithKey(request, id);
  await chat(request, user.key, 'chat.default');
  const [log] = await myLogs(request, user.token, 1);
  expect(log).toMatchObject({ requestedModel: 'chat.default', provider: 'mock', status: 200, isByok: false });

  // A user lands on their own usage.
  await signIn(page, user.email, user.password);
  await expect(page.getByRole('heading', { level: 2, name: 'My usage' })).toBeVisible();
  await expect(page.getByTestId('my-requests')).toHaveText('1');
  const row = page.getByTestId('log-row').filter({ hasText: 'chat.default' });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText(`mock/${log!.actualModel}`);
  await noHorizontalScroll(page);
  let drawer = await openDrawer(page, row);
  await expect(page).toHaveURL(new RegExp(`log=${log!.id}`));
  await expect(drawer.getByTestId('resolver-trace')).toContainText('chat.default');
  await expect(
    drawer
      .getByTestId('trace-candidate')
      .filter({ hasText: `mock/${log!.actualModel}` })
      .first(),
  ).toContainText('kept');
  await expect(drawer.getByTestId('attempt').first()).toContainText('ok');
  await page.keyboard.press('Escape');
  await expect(drawer).toBeHidden();
  await navigate(page, isMobile, 'My usage');
  await expect(page).toHaveURL(/\/my-usage$/);
  await expect(page.getByTestId('log-row')).toHaveCount(1);

  // The admin finds it in the logs, filtered by user (a deep link), with the same trace.
  await context.clearCookies();
  await signIn(page);
  await page.goto(`/logs?user=${user.id}`);
  await expect(page.getByRole('heading', { name: 'Gateway logs' })).toBeVisible();
  await expect(page.getByLabel('User')).toHaveValue(user.id);
  const adminRow = page.getByTestId('log-row');
  await expect(adminRow).toHaveCount(1);
  await expect(adminRow).toContainText(user.email);
  await noHorizontalScroll(page);
  drawer = await openDrawer(page, adminRow);
  await expect(drawer).toContainText(log!.requestId);
  await expect(drawer.getByTestId('trace-candidate').filter({ hasText: 'kept' }).first()).toBeVisible();
  await expect(drawer.getByRole('list', { name: 'Attempts' })).toContainText(`mock/${log!.actualModel}`);
  // The drawer is in the URL: a reload opens it again.
  await page.reload();
  await expect(page.getByRole('dialog', { name: 'Request details' })).toContainText(log!.requestId);
  await page.getByRole('dialog', { name: 'Request details' }).getByRole('button', { name: 'Close' }).click();
  // A status filter that excludes it (on phones the filters fold away behind a button).
  if (isMobile) await page.getByRole('button', { name: /^Filters/ }).click();
  await page.getByLabel('Status').selectOption('error');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(/status=error/);
  await expect(page.getByText('No requests match these filters.')).toBeVisible();
});

test.describe('BYOK', () => {
  let server: Server;
  let baseUrl = '';
  const seen: string[] = [];

  test.beforeAll(async () => {
    // A stand-in OpenAI-compatible provider that answers chat completions for any key, and remembers which it got.
    server = createServer((req, res) => {
      seen.push(req.headers.authorization ?? '');
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.method === 'GET' && req.url?.endsWith('/models'))
        return send(200, { object: 'list', data: [{ id: 'byok-model' }] });
      if (req.method === 'POST' && req.url?.endsWith('/chat/completions')) {
        let raw = '';
        req.on('data', (c: Buffer) => (raw += c.toString()));
        req.on('end', () => {
          const body = JSON.parse(raw || '{}') as { model?: string };
          send(200, {
            id: 'chatcmpl-ops',
            object: 'chat.completion',
            created: Math.floor(Date.now() / 1000),
            model: body.model ?? 'byok-model',
            choices: [{ index: 0, message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop' }],
            usage: { prompt_tokens: 1000, completion_tokens: 500, total_tokens: 1500 },
          });
        });
        return;
      }
      send(404, { error: { message: 'not found' } });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  });
  test.afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  test("a user's own provider key pays for the next request: it shows as BYOK in My usage and in the logs", async ({
    page,
    context,
    request,
  }, testInfo) => {
    const id = unique(testInfo);
    const admin = await apiToken(request);
    // The built-in mock takes no key, so the BYOK provider is a Custom one pointing at the stand-in.
    const slug = `byok-${id}`.toLowerCase().slice(0, 60);
    const provider = await apiCall<{ id: string }>(request, admin, 'POST', '/llm/providers', {
      type: 'custom',
      name: `BYOK ${id}`,
      slug,
      baseUrl,
    });
    await apiCall(request, admin, 'POST', '/llm/models', {
      providerId: provider.id,
      modelId: 'byok-model',
      displayName: `BYOK model ${id}`,
      priceInputPer1M: 3,
      priceOutputPer1M: 6,
    });
    const user = await userWithKey(request, id);
    const secret = `sk-ops-${id}-9Zq`;
    await apiCall(request, user.token, 'PUT', `/me/byok/${provider.id}`, { apiKey: secret, label: 'mine' });
    await expect(async () => chat(request, user.key, `${slug}/byok-model`)).toPass({ timeout: 10_000 });
    expect(seen).toContain(`Bearer ${secret}`);
    const [log] = await myLogs(request, user.token, 1);
    expect(log).toMatchObject({ isByok: true, provider: slug });
    expect(log!.savedUsd).toBeGreaterThan(0);

    await signIn(page, user.email, user.password);
    const row = page.getByTestId('log-row').filter({ hasText: `${slug}/byok-model` });
    await expect(row).toContainText('BYOK');
    await expect(row).toContainText('saved');
    await expect(page.getByTestId('my-byok-calls')).not.toHaveText('$0.00');
    await expect(page.getByText('1 call on your own keys')).toBeVisible();
    const drawer = await openDrawer(page, row);
    await expect(drawer.getByRole('list', { name: 'Attempts' })).toContainText('user key (BYOK)');

    await context.clearCookies();
    await signIn(page);
    await page.goto(`/logs?byok=true&provider=${encodeURIComponent(slug)}`);
    const adminRow = page.getByTestId('log-row');
    await expect(adminRow).toHaveCount(1);
    await expect(adminRow).toContainText('BYOK');
    await expect(adminRow).toContainText(user.email);
  });
});

test('a viewer sees no mutate buttons on models and settings', async ({
  page,
  request,
  isMobile,
}, testInfo) => {
  const id = unique(testInfo);
  const viewer = await createUser(request, { email: `viewer-ops-${id}@example.com`, role: 'viewer' });
  // The gateway-wide default model is marked on its row (an admin sets it; the seed marks none).
  await withDefaultModel(request, 'mock/mock-small', viewerSeesNoMutateButtons);

  async function viewerSeesNoMutateButtons() {
    await signIn(page, viewer.email, viewer.password);
    await navigate(page, isMobile, 'LLM gateway › Models');
    await expect(page.getByRole('heading', { name: 'Model registry' })).toBeVisible();
    await expect(page.getByRole('note').filter({ hasText: 'Read-only' })).toBeVisible();
    await expect(page.getByTestId('model-row').first()).toBeVisible();
    await expect(page.getByRole('button', { name: 'Add model' })).toHaveCount(0);
    await expect(page.getByRole('switch')).toHaveCount(0);
    await expect(page.getByRole('checkbox')).toHaveCount(0);
    await expect(page.getByRole('button', { name: /^(Edit|Delete|Set .* as default)/ })).toHaveCount(0);
    await expect(page.getByTestId('model-row').filter({ hasText: 'mock/mock-small' })).toContainText(
      'Default',
    );
    await noHorizontalScroll(page);

    await page.goto('/settings');
    await expect(page.getByRole('heading', { level: 2, name: 'Settings' })).toBeVisible();
    await expect(page.getByRole('note').filter({ hasText: 'Read-only' })).toBeVisible();
    for (const name of ['Save', 'Test', 'Add discovered models'])
      await expect(page.getByRole('button', { name })).toHaveCount(0);
    const switches = page.getByRole('switch');
    await expect(switches).toHaveCount(2);
    for (const s of await switches.all()) await expect(s).toBeDisabled();
    await expect(page.getByLabel('Base URL')).toHaveAttribute('readonly', '');
    await noHorizontalScroll(page);
  }
});

test("an admin exports a user's activity as CSV; its rows match the logs API", async ({
  page,
  request,
}, testInfo) => {
  const id = unique(testInfo);
  const user = await userWithKey(request, id);
  for (let i = 0; i < 3; i++) await chat(request, user.key, 'chat.default', `export ${i}, "quoted"`);
  await myLogs(request, user.token, 3);
  const admin = await apiToken(request);
  const api = (
    await apiCall<{ data: LogRow[] }>(request, admin, 'GET', `/llm/logs?user=${user.id}&limit=200`)
  ).data;
  expect(api).toHaveLength(3);

  await signIn(page);
  await page.goto('/usage');
  await expect(page.getByRole('heading', { name: 'Usage by user' })).toBeVisible();
  const row = page.getByTestId('usage-row').filter({ hasText: user.email });
  await expect(row).toContainText('3');
  await noHorizontalScroll(page);
  await row.getByRole('button', { name: `Export ${user.email} as CSV` }).click();
  await expect(page).toHaveURL(new RegExp(`export=${user.id}`));
  const dialog = page.getByRole('dialog', { name: `Export ${user.email}` });
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    dialog.getByRole('button', { name: 'Download CSV' }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(new RegExp(`^switchyard-usage-${user.id}-all-all\\.csv$`));
  await expect(dialog.getByTestId('export-progress')).toContainText('3 rows');
  const csv = readFileSync((await download.path())!, 'utf8');
  const lines = csv.trim().split(/\r\n/);
  const header = lines[0]!.split(',');
  expect(header.slice(0, 3)).toEqual(['time', 'request_id', 'user_email']);
  const records = lines.slice(1).map((l) => Object.fromEntries(l.split(',').map((v, i) => [header[i]!, v])));
  expect(records).toHaveLength(api.length);
  expect(records.map((r) => r.request_id).sort()).toEqual(api.map((r) => r.requestId).sort());
  for (const r of records) {
    expect(r.user_email).toBe(user.email);
    expect(r.requested_model).toBe('chat.default');
    expect(r.status).toBe('200');
  }
});

test('every ops page loads for an admin without sideways scrolling; Overview links to filtered logs', async ({
  page,
  request,
  isMobile,
}, testInfo) => {
  const id = unique(testInfo);
  const user = await userWithKey(request, id);
  await chat(request, user.key, 'chat.default');
  await myLogs(request, user.token, 1);
  await signIn(page);
  await expect(page.getByTestId('db-status')).toHaveText('Reachable');
  await expect(page.getByRole('heading', { name: 'Live · last 60 minutes' })).toBeVisible();
  await expect(page.getByTestId('live-rpm')).not.toHaveText('0');
  await expect(page.getByTestId('provider-load').filter({ hasText: /mock/i }).first()).toBeVisible();
  await noHorizontalScroll(page);
  await page.getByTestId('provider-load').filter({ hasText: /mock/i }).first().click();
  await expect(page).toHaveURL(/\/logs\?provider=mock$/);
  await expect(page.getByTestId('log-row').first()).toBeVisible();

  for (const [label, heading] of [
    ['LLM gateway › Spend', 'Usage by user'],
    ['Error reports', 'Error reports'],
    ['Settings', 'Settings'],
    ['Logs', 'Gateway logs'],
    ['LLM gateway › Models', 'Model registry'],
  ] as const) {
    await navigate(page, isMobile, label);
    await expect(page.getByRole('heading', { level: 2, name: heading, exact: true })).toBeVisible();
    await noHorizontalScroll(page);
  }
});
