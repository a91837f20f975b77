import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { apiCall, apiToken, signIn } from './helpers';

const WEB_DIST = fileURLToPath(new URL('../../apps/web/dist', import.meta.url));
const BUDGET_GZIP_BYTES = 200 * 1024;
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

// Overview "shows live data" when the live figures and the week's cost are on screen (both come from the API).
const READY_SCRIPT = `
  (() => {
    const ready = () => document.querySelector('[data-testid="live-rpm"]') && document.querySelector('[data-testid="week-cost"]');
    const tick = () => { if (ready()) window.__overviewReadyMs = performance.now(); else requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
  })();
`;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async ({ request }) => {
  // Some traffic through the built-in mock provider, so Overview has figures and charts to draw.
  const token = await apiToken(request);
  const key = await apiCall<{ key: string }>(request, token, 'POST', '/me/keys', {
    name: `first-load ${Date.now()}`,
  });
  for (let i = 0; i < 3; i++) {
    const res = await request.post('/v1/chat/completions', {
      headers: { authorization: `Bearer ${key.key}` },
      data: { model: 'mock/mock-small', messages: [{ role: 'user', content: 'first load' }] },
    });
    expect(res.status(), await res.text()).toBe(200);
  }
});

/** A fresh browser context (empty HTTP cache) carrying the signed-in session of `page`. */
async function freshContext(browser: Browser, page: Page): Promise<BrowserContext> {
  return browser.newContext({
    storageState: await page.context().storageState(),
    baseURL: test.info().project.use.baseURL,
  });
}

test('a signed-in first load of Overview fetches at most 200 KB of JavaScript (gzip), sent precompressed', async ({
  page,
  browser,
}) => {
  await signIn(page);
  const ctx = await freshContext(browser, page);
  const p = await ctx.newPage();
  const scripts: { file: string; transferred: number; encoding: string | undefined }[] = [];
  p.on('response', async (res) => {
    const url = new URL(res.url());
    if (!url.pathname.endsWith('.js')) return;
    const sizes = await res.request().sizes();
    scripts.push({
      file: url.pathname.slice(1),
      transferred: sizes.responseBodySize,
      encoding: res.headers()['content-encoding'],
    });
  });
  await p.addInitScript(READY_SCRIPT);
  await p.goto('/');
  await p.waitForFunction(() => (window as { __overviewReadyMs?: number }).__overviewReadyMs !== undefined);
  // The charts (their own chunk) come with the first load too: wait until they are drawn.
  await expect(p.locator('canvas').first()).toBeVisible();
  await p.waitForLoadState('networkidle');
  await ctx.close();

  // The gzip size of each file, as the build wrote it (`<file>.gz`); files under 1 KB have none (count them whole).
  const gzipOf = (file: string) => {
    const gz = join(WEB_DIST, `${file}.gz`);
    return existsSync(gz) ? statSync(gz).size : statSync(join(WEB_DIST, file)).size;
  };
  const gzip = scripts.reduce((s, f) => s + gzipOf(f.file), 0);
  const transferred = scripts.reduce((s, f) => s + f.transferred, 0);
  const lines = scripts.map(
    (f) =>
      `  ${f.file.padEnd(44)} ${kb(gzipOf(f.file))} gzip, ${kb(f.transferred)} sent (${f.encoding ?? 'identity'})`,
  );
  console.log(
    `signed-in first load of Overview: ${scripts.length} JS files, ${kb(gzip)} gzip, ${kb(transferred)} transferred\n${lines.join('\n')}`,
  );
  await test.info().attach('first-load-js.txt', { body: lines.join('\n'), contentType: 'text/plain' });

  expect(scripts.length).toBeGreaterThan(1);
  // Every script of a size worth compressing arrives brotli-compressed from the build's precompressed file.
  for (const f of scripts)
    if (existsSync(join(WEB_DIST, `${f.file}.br`))) expect(f.encoding, f.file).toBe('br');
  expect(gzip, `initial JavaScript ${kb(gzip)} gzip`).toBeLessThanOrEqual(BUDGET_GZIP_BYTES);
  expect(transferred).toBeLessThan(gzip);
});

test('Overview time to live data on a warm server (measured and printed, not asserted)', async ({
  page,
  browser,
}) => {
  test.setTimeout(90_000);
  await signIn(page);
  const runs = 5;

  // 1. A full page load with an empty browser cache (a new tab in a new profile).
  const cold: number[] = [];
  for (let i = 0; i < runs; i++) {
    const ctx = await freshContext(browser, page);
    const p = await ctx.newPage();
    await p.addInitScript(READY_SCRIPT);
    await p.goto('/');
    cold.push(
      await p
        .waitForFunction(() => (window as { __overviewReadyMs?: number }).__overviewReadyMs)
        .then((h) => h.jsonValue() as Promise<number>),
    );
    await ctx.close();
  }

  // 2. A reload with the assets cached (a returning visitor).
  const warm: number[] = [];
  await page.addInitScript(READY_SCRIPT);
  for (let i = 0; i < runs; i++) {
    await page.goto('/');
    warm.push(
      await page
        .waitForFunction(() => (window as { __overviewReadyMs?: number }).__overviewReadyMs)
        .then((h) => h.jsonValue() as Promise<number>),
    );
  }

  // 3. In the app: from Logs, a click on Overview in the sidebar (the data is older than its stale time).
  const nav: number[] = [];
  for (let i = 0; i < runs; i++) {
    await page.goto('/logs');
    await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
    await page.waitForLoadState('networkidle');
    await page.evaluate(() => new Promise((r) => setTimeout(r, 100)));
    const ms = await page.evaluate(async () => {
      const t0 = performance.now();
      (document.querySelector('nav[aria-label="Main"] a[href="/"]') as HTMLAnchorElement).click();
      await new Promise<void>((resolve) => {
        const tick = () =>
          document.querySelector('[data-testid="live-rpm"]') &&
          document.querySelector('[data-testid="week-cost"]')
            ? resolve()
            : requestAnimationFrame(tick);
        tick();
      });
      return performance.now() - t0;
    });
    nav.push(ms);
  }

  const fmt = (xs: number[]) =>
    `median ${Math.round(median(xs))} ms (runs: ${xs.map((x) => Math.round(x)).join(', ')})`;
  const report = [
    `Overview shows live data after (warm server, ${runs} runs each):`,
    `  first load, empty browser cache:  ${fmt(cold)}`,
    `  reload, assets cached:            ${fmt(warm)}`,
    `  in-app navigation from Logs:      ${fmt(nav)}`,
  ].join('\n');
  console.log(report);
  await test.info().attach('overview-timing.txt', { body: report, contentType: 'text/plain' });
  expect(cold.length + warm.length + nav.length).toBe(runs * 3);
});
