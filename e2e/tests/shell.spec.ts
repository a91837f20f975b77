import { expect, test } from '@playwright/test';
import { ADMIN } from '../playwright.config';
import { createUser, openPalette, signIn, unique } from './helpers';

// Several pages and sign-ins per test.
test.describe.configure({ timeout: 90_000 });

test('a user who opens an operator URL gets one "not allowed" page, and the API is not even asked', async ({
  page,
  request,
}, testInfo) => {
  const user = await createUser(request, { email: `plain-${unique(testInfo)}@example.com`, role: 'user' });
  await signIn(page, user.email, user.password);
  const forbidden: string[] = [];
  page.on('response', (res) => {
    if (res.status() === 403) forbidden.push(new URL(res.url()).pathname);
  });
  for (const path of ['/providers', '/providers?tab=routing', '/logs', '/users', '/audit', '/settings']) {
    await page.goto(path);
    await expect(page.getByRole('heading', { name: "You don't have access to this page" })).toBeVisible();
    await expect(page.getByRole('main')).toContainText('Your role (User)');
    await expect(page.getByRole('button', { name: 'Retry' })).toHaveCount(0);
    await expect(page.getByRole('alert')).toHaveCount(0);
    await expect(page).toHaveTitle('Not allowed · Switchyard');
  }
  expect(forbidden).toEqual([]);
  // Their home link works, and their own pages open as usual.
  await page.getByRole('link', { name: 'Go to your home page' }).click();
  await expect(page.getByRole('heading', { name: /Welcome/ })).toBeVisible();
  await page.goto('/my-keys');
  await expect(page).toHaveTitle('My keys · Switchyard');
  await expect(page.getByRole('heading', { name: "You don't have access to this page" })).toHaveCount(0);
});

test('a viewer may open the operator pages (read-only): no "not allowed" page there', async ({
  page,
  request,
}, testInfo) => {
  const viewer = await createUser(request, {
    email: `viewer-${unique(testInfo)}@example.com`,
    role: 'viewer',
  });
  await signIn(page, viewer.email, viewer.password);
  await page.goto('/providers');
  await expect(page.getByRole('heading', { name: 'Providers', exact: true, level: 1 })).toBeVisible();
  await expect(page.getByRole('heading', { name: "You don't have access to this page" })).toHaveCount(0);
});

test('when the API does not answer: "Can\'t reach Switchyard", never "Failed to fetch"; it recovers on retry', async ({
  page,
}) => {
  await signIn(page);
  // In the app: the next page's requests fail to connect.
  await page.route('**/api/v1/**', (route) => route.abort('connectionrefused'));
  await page.route('**/ready', (route) => route.abort('connectionrefused'));
  await page.getByRole('button', { name: 'Open command palette' }).click();
  await page.getByLabel('Search pages and actions').fill('Go to LLM gateway › Keys');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('alert').first()).toContainText("Can't reach Switchyard", { timeout: 15_000 });
  await expect(page.locator('body')).not.toContainText('Failed to fetch');

  // A fresh load while the API is down: one full-page message instead of the dashboard.
  await page.reload();
  await expect(page.getByRole('heading', { name: "Can't reach Switchyard" })).toBeVisible({
    timeout: 15_000,
  });
  await expect(page.locator('body')).not.toContainText('Failed to fetch');
  await expect(page).toHaveTitle("Can't reach Switchyard · Switchyard");

  // The API is back: "Try again" brings the dashboard.
  await page.unrouteAll();
  await page.getByRole('button', { name: 'Try again' }).click();
  await expect(page.getByRole('heading', { name: 'Keys', level: 1 })).toBeVisible();
});

test('every page has its own title; a skip link jumps past the navigation to the page', async ({
  page,
  isMobile,
}) => {
  await page.goto('/login');
  await expect(page).toHaveTitle('Sign in · Switchyard');
  await signIn(page);
  await expect(page).toHaveTitle('Overview · Switchyard');
  for (const [path, title] of [
    ['/llm/providers', 'Providers'],
    ['/llm/routing', 'Aliases & routing'],
    ['/logs', 'Logs'],
    ['/models', 'Models'],
    ['/account', 'Account'],
    ['/no-such-page', 'Page not found'],
  ] as const) {
    await page.goto(path);
    await expect(page).toHaveTitle(`${title} · Switchyard`);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
  }

  await page.goto('/logs');
  await expect(page.getByRole('heading', { name: 'Logs', level: 1 })).toBeVisible();
  const skip = page.getByRole('link', { name: 'Skip to main content' });
  await expect(skip).not.toBeInViewport();
  await page.keyboard.press('Tab');
  await expect(skip).toBeFocused();
  await expect(skip).toBeInViewport();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('main')).toBeFocused();
  // The next Tab lands inside the page, not on the sidebar.
  await page.keyboard.press('Tab');
  const inMain = await page.evaluate(() => !!document.activeElement?.closest('main'));
  expect(inMain, isMobile ? 'phone' : 'desktop').toBe(true);
});

test('the command palette finds models, users and providers from the API for an admin', async ({ page }) => {
  await signIn(page);
  const search = await openPalette(page);
  await search.fill('mock-small');
  const model = page.getByRole('option').filter({ hasText: 'mock/mock-small' });
  await expect(model).toBeVisible();
  await expect(model).toContainText('model');
  await model.click();
  await expect(page).toHaveURL(/\/models\?q=mock-small$/);
  await expect(page.getByTestId('model-row').filter({ hasText: 'mock/mock-small' })).toBeVisible();

  await page.keyboard.press('Control+k');
  await search.fill(ADMIN.email);
  const user = page.getByRole('option').filter({ hasText: ADMIN.email });
  await expect(user).toContainText('user');
  await search.press('Enter');
  await expect(page).toHaveURL(/\/users\?q=admin%40localhost$/);

  await page.keyboard.press('Control+k');
  await search.fill('mock');
  const provider = page
    .getByRole('option')
    .filter({ hasText: /provider$/ })
    .first();
  await expect(provider).toContainText('(mock)');
  await provider.click();
  await expect(page).toHaveURL(/\/models\?provider=mock$/);
});

test("a user's palette searches pages and their actions only: no models, users or providers requested", async ({
  page,
  request,
}, testInfo) => {
  const user = await createUser(request, { email: `palette-${unique(testInfo)}@example.com`, role: 'user' });
  await signIn(page, user.email, user.password);
  const asked: string[] = [];
  page.on('request', (req) => {
    const path = new URL(req.url()).pathname;
    if (/^\/api\/v1\/(users|llm\/models|llm\/providers)/.test(path)) asked.push(path);
  });
  await (await openPalette(page)).fill('mock');
  await page.waitForTimeout(600);
  await expect(page.getByRole('option').filter({ hasText: /model$|provider$|user$/ })).toHaveCount(0);
  await page.getByLabel('Search pages and actions').fill('keys');
  await expect(page.getByRole('option').filter({ hasText: 'Go to My keys' })).toBeVisible();
  expect(asked).toEqual([]);
});
