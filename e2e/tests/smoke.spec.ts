import { expect, test, type Page } from '@playwright/test';
import { ADMIN } from '../playwright.config';
import { openPalette, signIn as signInAs } from './helpers';

/** The app sends a signed-out visitor to the login page; then the seeded admin signs in. */
async function signIn(page: Page) {
  await page.goto('/');
  await expect(page).toHaveURL(/\/login/);
  await signInAs(page);
}

async function noHorizontalScroll(page: Page) {
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);
}

test('a wrong password shows the API error', async ({ page }) => {
  await page.goto('/login');
  await page.getByLabel('Email').fill(ADMIN.email);
  await page.getByLabel('Password').fill('wrong-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toHaveText('Wrong email or password.');
});

test('the seeded admin signs in and sees the dashboard shell', async ({ page, isMobile }) => {
  await signIn(page);
  await expect(page.getByTestId('db-status')).toHaveText('Reachable');
  await noHorizontalScroll(page);
  if (isMobile) await page.getByRole('button', { name: 'Open navigation' }).click();
  await expect(
    page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Overview' }),
  ).toBeVisible();
  if (isMobile) await page.getByRole('button', { name: 'Close navigation' }).click();
  await page.getByRole('button', { name: 'Account menu' }).click();
  await expect(page.getByTestId('user-email')).toHaveText(ADMIN.email);
  await expect(page.getByTestId('user-role')).toHaveText('Super admin');
});

test('the theme switch persists across a reload', async ({ page }) => {
  await signIn(page);
  const before = await page.evaluate(() => document.documentElement.dataset.theme);
  await page.getByRole('button', { name: /^Theme:/ }).click();
  const after = await page.evaluate(() => document.documentElement.dataset.theme);
  expect(after).not.toBe(before);
  await page.reload();
  await expect(page.getByRole('heading', { name: /Welcome/ })).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe(after);
});

test('Ctrl+K opens the command palette and navigates; sign out returns to login', async ({ page }) => {
  await signIn(page);
  const search = await openPalette(page);
  await search.fill('account');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByRole('heading', { name: 'Change password' })).toBeVisible();
  await noHorizontalScroll(page);
  await page.getByRole('button', { name: 'Account menu' }).click();
  await page.getByRole('menuitem', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login/);
  await page.goto('/account');
  await expect(page).toHaveURL(/\/login\?next=%2Faccount/);
});

test('every page runs under the content-security policy without a violation', async ({ page }) => {
  const violations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
  });
  page.on('pageerror', (e) => violations.push(String(e)));
  await signIn(page);
  expect(await page.evaluate(() => document.documentElement.dataset.theme)).toMatch(/^(dark|light|unicorn)$/);
  for (const path of [
    '/llm/providers',
    '/llm/models',
    '/llm/routing',
    '/llm/spend',
    '/llm/keys',
    '/logs',
    '/users',
    '/settings',
    '/my-usage',
  ]) {
    await page.goto(path);
    await expect(page.getByRole('main')).toBeVisible();
    await page.waitForLoadState('networkidle');
  }
  expect(violations).toEqual([]);
});
