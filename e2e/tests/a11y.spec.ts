import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { apiCall, apiToken, signIn } from './helpers';

// axe-core on the main operator pages and the config-file notice of an edit dialog, in both themes: no serious or
// critical violation (contrast included).
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
  test(`no serious or critical axe violations on Overview, Providers, Routing, Routing summary, Logs and the config-file notice (${theme} theme)`, async ({
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
    // An edit dialog of an object the configuration file manages (the e2e server's CONFIG_FILE lists the mock
    // provider): its amber "managed by the configuration file" notice. axe leaves a translucent tint inside a
    // dialog as "incomplete", so the ratio is computed here: the notice's text over its tint over every
    // background behind it, composited by a canvas (any CSS colour syntax), against WCAG AA's 4.5:1.
    await page.goto('/providers');
    await page.getByRole('button', { name: 'Configure Mock (built-in)' }).click();
    const notice = page.getByRole('dialog').getByTestId('managed-notice');
    await expect(notice).toBeVisible();
    await page
      .getByRole('dialog')
      .evaluate((el) =>
        Promise.all(el.getAnimations({ subtree: true }).map((a) => a.finished.catch(() => undefined))),
      );
    const ratio = await notice.evaluate((el) => {
      const canvas = document.createElement('canvas');
      canvas.width = canvas.height = 1;
      const g = canvas.getContext('2d', { willReadFrequently: true })!;
      const layers: string[] = [];
      for (let n: Element | null = el; n; n = n.parentElement)
        layers.unshift(getComputedStyle(n).backgroundColor);
      g.fillStyle = '#fff';
      g.fillRect(0, 0, 1, 1);
      for (const c of layers) {
        g.fillStyle = c;
        g.fillRect(0, 0, 1, 1);
      }
      const bg = g.getImageData(0, 0, 1, 1).data;
      g.fillStyle = getComputedStyle(el).color;
      g.fillRect(0, 0, 1, 1);
      const fg = g.getImageData(0, 0, 1, 1).data;
      const lum = (d: Uint8ClampedArray) => {
        const [r, gr, b] = [d[0]!, d[1]!, d[2]!].map((v) => {
          const c = v / 255;
          return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
        });
        return 0.2126 * r! + 0.7152 * gr! + 0.0722 * b!;
      };
      const [hi, lo] = [lum(fg), lum(bg)].sort((a, b) => b - a);
      return (hi! + 0.05) / (lo! + 0.05);
    });
    if (ratio < 4.5)
      report.push(`Managed notice (${theme}): text contrast ${ratio.toFixed(2)}:1 (AA needs 4.5:1)`);
    expect(report, report.join('\n')).toEqual([]);
  });
}
