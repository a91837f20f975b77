import { expect, test, type Page } from '@playwright/test';
import { apiCall, apiToken, signIn, unique } from './helpers';

/**
 * Wide tables fit: at 1440×900 the lists do not scroll sideways inside their box (less important columns step
 * aside, long text is cut), and on a 390 px phone each row is a card. What can route is visible: a disabled
 * provider's models are not shown as green "Enabled", and disabled providers wait under a "Disabled (n)" disclosure.
 */

/** The list's box on the page: its content is no wider than the box (no sideways scrolling inside it). */
async function fitsItsBox(page: Page, rowTestId: string, what: string) {
  // The list the row belongs to (a page may hold more than one: the Keys tab lists provider and gateway keys).
  const row = page.getByTestId(rowTestId).first();
  await expect(row, what).toBeVisible({ timeout: 15_000 });
  const box = row.locator('xpath=ancestor::*[@data-testid="data-table"][1]');
  const { scrollWidth, clientWidth } = await box.evaluate((el) => ({
    scrollWidth: el.scrollWidth,
    clientWidth: el.clientWidth,
  }));
  expect(
    scrollWidth,
    `${what}: the table is ${scrollWidth}px wide in a ${clientWidth}px box`,
  ).toBeLessThanOrEqual(clientWidth);
}

/** On a phone each row is a card: a block of its own, as wide as the list, with the column headers gone. */
async function rowsAreCards(page: Page, testId: string, what: string) {
  const row = page.getByTestId(testId).first();
  await expect(row, what).toBeVisible({ timeout: 15_000 });
  const shape = await row.evaluate((el) => {
    const table = el.closest('[data-testid="data-table"]')!;
    return {
      display: getComputedStyle(el).display,
      // Column headers give way to the cards' own labels; only a "select all" box may stay above them.
      headersShown: Array.from(table.querySelectorAll('thead th')).filter(
        (th) => getComputedStyle(th).display !== 'none' && !th.querySelector('input[type="checkbox"]'),
      ).length,
      rowWidth: el.getBoundingClientRect().width,
      boxWidth: table.getBoundingClientRect().width,
      overflow: table.scrollWidth - table.clientWidth,
    };
  });
  expect(shape.display, `${what}: a row is a card`).toBe('block');
  expect(shape.headersShown, `${what}: no column headers over the cards`).toBe(0);
  expect(shape.rowWidth, `${what}: a card spans the list`).toBeGreaterThan(shape.boxWidth - 2);
  expect(shape.overflow, `${what}: nothing sticks out sideways`).toBeLessThanOrEqual(0);
}

const PAGES = [
  { path: '/llm/models', row: 'model-row', what: 'Models' },
  { path: '/llm/models?provider=mock', row: 'model-row', what: "A provider's models" },
  { path: '/logs', row: 'log-row', what: 'Logs' },
  { path: '/users', row: 'user-row', what: 'Users' },
  { path: '/llm/keys', row: 'key-row', what: 'Gateway keys' },
];

test('the wide tables fit at 1440×900 and turn into cards on a 390 px phone', async ({
  page,
  request,
}, testInfo) => {
  test.setTimeout(120_000);
  const id = unique(testInfo);
  // Something in every list: a key with long limits and model lists, and a request in the logs.
  const token = await apiToken(request);
  const key = await apiCall<{ key: string }>(request, token, 'POST', '/me/keys', {
    name: `layout ${id} key with a rather long descriptive name for the nightly batch`,
    allowedModels: ['mock/mock-small', 'mock/mock-large', 'chat.default'],
    rpmLimit: 600,
    tpmLimit: 100000,
    budgetUsd: 25,
    budgetPeriod: 'month',
  });
  const res = await request.post('/v1/chat/completions', {
    headers: { authorization: `Bearer ${key.key}` },
    data: { model: 'mock/mock-small', messages: [{ role: 'user', content: 'Hello from the layout test' }] },
  });
  expect(res.status(), await res.text()).toBe(200);

  await page.setViewportSize({ width: 1440, height: 900 });
  await signIn(page);
  for (const p of PAGES) {
    await page.goto(p.path);
    await fitsItsBox(page, p.row, p.what);
  }

  await page.setViewportSize({ width: 390, height: 844 });
  for (const p of PAGES) {
    await page.goto(p.path);
    await rowsAreCards(page, p.row, p.what);
  }
});

test('a disabled provider is folded away and its models are not shown as routable', async ({
  page,
  request,
}, testInfo) => {
  test.setTimeout(90_000);
  const id = unique(testInfo);
  const token = await apiToken(request);
  const slug = `off-${id}`.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  const name = `Off ${id}`;
  const provider = await apiCall<{ id: string }>(request, token, 'POST', '/llm/providers', {
    type: 'custom',
    name,
    slug,
    baseUrl: 'http://127.0.0.1:9/v1',
    config: { keyless: true },
    status: 'disabled',
  });
  await apiCall(request, token, 'POST', '/llm/models', {
    providerId: provider.id,
    modelId: 'parked',
    displayName: `Parked ${id}`,
  });

  await signIn(page);
  // The model's own switch is on, but its provider is off: muted, and it says why.
  await page.goto(`/models?q=${encodeURIComponent(`Parked ${id}`)}`);
  const row = page.getByTestId('model-row').filter({ hasText: `Parked ${id}` });
  await expect(row).toHaveCount(1, { timeout: 15_000 });
  const toggle = row.getByRole('switch', { name: `Enabled: Parked ${id}` });
  await expect(toggle).toHaveAttribute('aria-checked', 'true');
  await expect(toggle).toHaveAttribute('data-provider-disabled', 'true');
  await expect(row).toContainText('provider disabled');
  const green = await page.evaluate(() => {
    const probe = document.createElement('div');
    probe.className = 'bg-ok';
    document.body.append(probe);
    const c = getComputedStyle(probe).backgroundColor;
    probe.remove();
    return c;
  });
  expect(await toggle.evaluate((el) => getComputedStyle(el).backgroundColor)).not.toBe(green);
  // A model of an active provider keeps its green switch.
  await page.goto('/llm/models?q=mock-small');
  const live = page.getByRole('switch', { name: 'Enabled: Mock Small' });
  await expect(live).toHaveAttribute('aria-checked', 'true');
  expect(await live.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe(green);

  // Providers: the active ones first; the disabled ones folded under "Disabled (n)".
  await page.goto('/llm/providers');
  const active = page.getByRole('list', { name: 'Providers', exact: true });
  await expect(active.getByTestId('provider-card').filter({ hasText: 'Mock (built-in)' })).toBeVisible();
  await expect(active.getByTestId('provider-card').filter({ hasText: name })).toHaveCount(0);
  const folded = page.getByTestId('disabled-providers');
  const summary = folded.locator('summary');
  await expect(summary).toHaveText(/Disabled \(\d+\)/);
  const card = folded.getByTestId('provider-card').filter({ hasText: name });
  await expect(card).toBeHidden();
  const n = Number((await summary.textContent())!.match(/Disabled \((\d+)\)/)![1]);
  await summary.click();
  await expect(card).toBeVisible();
  await expect(folded.getByTestId('provider-card')).toHaveCount(n);
  await expect(card).toContainText('disabled');

  await apiCall(request, token, 'DELETE', `/llm/providers/${provider.id}`);
});
