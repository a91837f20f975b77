import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Tests run against the core sources, so a core change needs no build step first.
    alias: {
      '@switchyard/core': fileURLToPath(new URL('../../packages/core/src/index.ts', import.meta.url)),
    },
  },
  test: {
    include: ['src/**/*.test.ts'],
    // One migrated database per run, copied for each test database (src/test/db.ts).
    globalSetup: ['src/test/global-setup.ts'],
    // Integration tests share one database per file; files run in parallel processes — two, explicitly: Vitest's
    // default is one fewer than the CPUs, which on a 2-core machine ran the whole suite in a single process.
    pool: 'forks',
    maxWorkers: 2,
    // Test files share their worker process's module cache (no test mocks modules or changes process.env, and the app
    // keeps its state per instance): re-importing the app for each of ~100 files cost 329 s of the suite's worker time
    // and a fresh import per file is what isolation would buy.
    isolate: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
