import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { apiCall, apiToken, signIn } from './helpers';

// axe-core on the main operator pages, in both themes: no serious or critical violation (contrast included).
const PAGES = [
  { name: 'Overview', path: '/', ready: (p: Page) => p.getByTestId('week-cost') },
  {
    name: 'Providers',
    path: '/llm/providers',
    ready: (p: Page) => p.getByTestId('stat-providers').getByTestId('stat-value'),
  },
  {
    name: 'Routing',
    path: '/llm/routing',
    ready: (p: Page) => p.getByRole('heading', { name: /Aliases/i }).first(),
  },
  {
    name: 'Routing summary',
    path: '/routing',
    ready: (p: Page) => p.getByTestId('summary-rules'),
  },
  { name: 'Logs', path: '/logs', ready: (p: Page) => p.getByTestId('log-row').first() },
] as const;

test.beforeAll(async ({ request }) => {
  // Traffic, so the pages show their charts, tables and status badges.
  const token = await apiToken(request);
  const key = await apiCall<{ key: string }>(request, token, 'POST', '/me/keys', {
    name: `a11y ${Date.now()}`,
  });
  for (const model of ['mock/mock-small', 'no-such-model']) {
    await request.post('/v1/chat/completions', {
      headers: { authorization: `Bearer ${key.key}` },
      data: { model, messages: [{ role: 'user', content: 'a11y' }] },
    });
  }
});

for (const theme of ['light', 'dark'] as const) {
  test(`no serious or critical axe violations on Overview, Providers, Routing, Routing summary and Logs (${theme} theme)`, async ({
    page,
  }) => {
    test.setTimeout(180_000);
    await page.addInitScript((t) => localStorage.setItem('switchyard.theme', t), theme);
    await signIn(page);
    const report: string[] = [];
    for (const p of PAGES) {
      await page.goto(p.path);
      await expect(p.ready(page)).toBeVisible({ timeout: 15_000 });
      expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe(theme);
      await page.waitForLoadState('networkidle');
      // Let the page's fade-in finish: axe reads colours as they are on screen.
      await page.waitForTimeout(400);
      const results = await new AxeBuilder({ page })
        .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
        .analyze();
      const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      for (const v of bad)
        report.push(
          `${p.name} (${theme}): ${v.id} [${v.impact}] ×${v.nodes.length}: ${v.help}\n    ${v.nodes
            .slice(0, 4)
            .map((n) => `${n.target.join(' ')} ${n.failureSummary?.split('\n').slice(1, 2).join('') ?? ''}`)
            .join('\n    ')}`,
        );
    }
    expect(report, report.join('\n')).toEqual([]);
  });
}
