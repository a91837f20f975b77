import { expect, type APIRequestContext, type Page, type TestInfo } from '@playwright/test';
import { ADMIN } from '../playwright.config';

/** A suffix that keeps names unique across the desktop and phone projects, which may share a server. */
export function unique(testInfo: TestInfo): string {
  return `${testInfo.project.name}-${Date.now().toString(36)}${Math.floor(Math.random() * 1e4).toString(36)}`;
}

/**
 * Signs in (the seeded admin unless told) and waits for the welcome page: patiently, since the first sign-in
 * hashes the password and loads the dashboard while a busy machine runs the rest of the suite.
 */
export async function signIn(page: Page, email = ADMIN.email, password = ADMIN.password) {
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: /Welcome/ })).toBeVisible({ timeout: 15_000 });
}

/**
 * Opens the command palette with Ctrl+K and returns its focused search field. The palette's code is fetched on
 * first use, which a busy machine can make slow: this waits for it, and presses the key again only when the
 * palette is still not there (a key pressed while the chunk loads toggles it, so the next press reopens it).
 */
export async function openPalette(page: Page) {
  const search = page.getByLabel('Search pages and actions');
  await expect(async () => {
    if (!(await search.isVisible())) await page.keyboard.press('Control+k');
    await expect(search).toBeFocused({ timeout: 5_000 });
  }).toPass({ timeout: 25_000 });
  return search;
}

/** The page itself never scrolls sideways (tables scroll inside their own box); names the culprits when it does. */
export async function noHorizontalScroll(page: Page) {
  const found = await page.evaluate(() => {
    const w = document.documentElement.clientWidth;
    const overflow = document.documentElement.scrollWidth - w;
    const culprits =
      overflow <= 0
        ? []
        : Array.from(document.querySelectorAll('body *'))
            .filter((el) => el.getBoundingClientRect().right > w + 1)
            .slice(0, 8)
            .map(
              (el) =>
                `<${el.tagName.toLowerCase()} class="${String(el.getAttribute('class') ?? '').slice(0, 60)}"> right=${Math.round(el.getBoundingClientRect().right)}`,
            );
    return { overflow, culprits };
  });
  expect(
    found.overflow,
    `page scrolls sideways by ${found.overflow}px:\n${found.culprits.join('\n')}`,
  ).toBeLessThanOrEqual(0);
}

/** A bearer token for the admin API. */
export async function apiToken(
  request: APIRequestContext,
  email = ADMIN.email,
  password = ADMIN.password,
): Promise<string> {
  const res = await request.post('/api/v1/auth/login', { data: { email, password } });
  expect(res.status(), await res.text()).toBe(200);
  return ((await res.json()) as { token: string }).token;
}

export async function apiCall<T = unknown>(
  request: APIRequestContext,
  token: string,
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
  path: string,
  data?: unknown,
): Promise<T> {
  const res = await request.fetch(`/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}` },
    data,
  });
  expect(res.ok(), `${method} ${path}: ${res.status()} ${await res.text()}`).toBe(true);
  return (res.status() === 204 ? undefined : await res.json()) as T;
}

/**
 * Runs `fn` with the routing settings' default model (the gateway-wide default, marked on the Models page) set to
 * `ref` (null: none), then puts the previous one back.
 */
export async function withDefaultModel(
  request: APIRequestContext,
  ref: string | null,
  fn: () => Promise<void>,
): Promise<void> {
  const token = await apiToken(request);
  const rules = await apiCall<{ strategy: string; defaultModel: string | null }>(
    request,
    token,
    'GET',
    '/llm/routing/rules',
  );
  const put = (defaultModel: string | null) =>
    apiCall(request, token, 'PUT', '/llm/routing/rules', { strategy: rules.strategy, defaultModel });
  await put(ref);
  try {
    await fn();
  } finally {
    await put(rules.defaultModel);
  }
}

/** A row of `GET /llm/logs`, as the specs pick one. */
export interface LogRow {
  id: string;
  requestId: string;
  requestedModel: string;
}

/**
 * The id of the first of the newest `GET /llm/logs?limit=20&<query>` rows `pick` accepts, waited for (usage records
 * are written in batches).
 */
export async function waitForLog(
  request: APIRequestContext,
  token: string,
  pick: (l: LogRow) => boolean,
  query = '',
): Promise<string> {
  let id = '';
  await expect
    .poll(
      async () => {
        const logs = await apiCall<{ data: LogRow[] }>(request, token, 'GET', `/llm/logs?limit=20${query}`);
        id = logs.data.find(pick)?.id ?? '';
        return id;
      },
      { timeout: 15_000 },
    )
    .not.toBe('');
  return id;
}

/** A user with a known password, created by the seeded admin through the API. */
export async function createUser(
  request: APIRequestContext,
  opts: { email: string; role: 'admin' | 'user' | 'viewer'; name?: string },
) {
  const token = await apiToken(request);
  const password = 'e2e-password-' + Math.random().toString(36).slice(2, 10);
  const user = await apiCall<{ id: string; email: string }>(request, token, 'POST', '/users', {
    email: opts.email,
    name: opts.name ?? opts.email.split('@')[0],
    role: opts.role,
    password,
  });
  return { ...user, password };
}

/** Goes to a page through the sidebar (the drawer on phones). */
export async function navigate(page: Page, isMobile: boolean, label: string) {
  // 'LLM gateway › Models': the sidebar entry, then its tab.
  const [entry, tab] = label.split(' › ') as [string, string | undefined];
  if (isMobile) await page.getByRole('button', { name: 'Open navigation' }).click();
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: entry, exact: true })
    .click();
  if (tab)
    await page
      .getByRole('navigation', { name: 'LLM sections' })
      .getByRole('link', { name: tab, exact: true })
      .click();
}
