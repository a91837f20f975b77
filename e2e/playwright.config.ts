import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, devices } from '@playwright/test';

export const ADMIN = { email: 'admin@localhost', password: 'e2e-admin-password-123' };
const port = Number(process.env.E2E_PORT ?? 18787);
const dataDir = process.env.E2E_DATA_DIR ?? mkdtempSync(join(tmpdir(), 'switchyard-e2e-'));
// The same data dir for the config's re-evaluation in workers.
process.env.E2E_DATA_DIR = dataDir;

// E2E_WORKERS workers, each with a gateway of its own (own port, own embedded database): a spec file runs whole in one
// worker, against that worker's server. The config is evaluated again in each worker process, where Playwright sets
// TEST_PARALLEL_INDEX (kept when a worker is replaced after a failure). One by default: on a 2-core machine two
// workers (two gateways, two browsers) took 9.7 min where one takes about 6, and timed out in two specs.
const WORKERS = Math.max(1, Number(process.env.E2E_WORKERS ?? 1));
const serverIndex = Number(process.env.TEST_PARALLEL_INDEX ?? 0);

const chromium = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-dev-shm-usage',
    '--disable-background-networking',
    '--disable-component-update',
    '--no-first-run',
    '--disable-sync',
    '--disable-quic',
  ],
};

// Measured or audited once, on the desktop project (first-load timings, axe), or where the phone layout adds nothing
// (the config file's badge): the phone project leaves them out.
const DESKTOP_ONLY = [
  '**/first-load.spec.ts',
  '**/a11y.spec.ts',
  '**/gitops.spec.ts',
  '**/agents.spec.ts',
  '**/byok-users.spec.ts',
  '**/seed-completeness.spec.ts',
  '**/registry-ui.spec.ts',
  '**/experiments.spec.ts',
  // Flows whose screens the phone project already covers in layout, shell, smoke and keys: they run once, on
  // desktop (CI time).
  '**/setup.spec.ts',
  '**/llm-area.spec.ts',
  '**/connect.spec.ts',
  '**/data-protection.spec.ts',
  '**/identity.spec.ts',
  '**/live-events.spec.ts',
  '**/ops.spec.ts',
  '**/provider-health.spec.ts',
  '**/providers.spec.ts',
  '**/reports.spec.ts',
  '**/routing-summary.spec.ts',
  '**/whatif.spec.ts',
  '**/cache.spec.ts',
  '**/rules.spec.ts',
  '**/org-keys.spec.ts',
];

export default defineConfig({
  testDir: './tests',
  fullyParallel: false,
  workers: WORKERS,
  retries: 0,
  reporter: process.env.CI ? 'line' : 'list',
  timeout: 30_000,
  use: {
    baseURL: `http://127.0.0.1:${port + serverIndex}`,
    launchOptions: chromium,
    trace: 'off',
  },
  projects: [
    { name: 'desktop', use: { browserName: 'chromium', viewport: { width: 1280, height: 800 } } },
    {
      name: 'phone',
      testIgnore: DESKTOP_ONLY,
      use: {
        browserName: 'chromium',
        viewport: { width: 390, height: 844 },
        isMobile: true,
        hasTouch: true,
        userAgent: devices['Pixel 7'].userAgent,
      },
    },
  ],
  webServer: Array.from({ length: WORKERS }, (_, i) => ({
    command: 'node ../apps/api/dist/main.js',
    url: `http://127.0.0.1:${port + i}/ready`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: 'ignore' as const,
    stderr: 'pipe' as const,
    env: {
      PORT: String(port + i),
      HOST: '127.0.0.1',
      SWITCHYARD_DATA_DIR: join(dataDir, String(i)),
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      LOG_LEVEL: 'warn',
      DATABASE_URL: '',
      // A configuration file applied at start (README "GitOps"); gitops.spec.ts checks what it manages.
      CONFIG_FILE: fileURLToPath(new URL('./config/switchyard.yaml', import.meta.url)),
    },
  })),
});
