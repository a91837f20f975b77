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
    // Integration tests share one database per file; files run in parallel processes — two, explicitly: Vitest's
    // default is one fewer than the CPUs, which on a 2-core machine ran the whole suite in a single process.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
