import { availableParallelism } from 'node:os';
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
    // Integration tests share one database per file; files run in parallel processes: one more than the CPUs (at
    // least 3). Vitest's default is one fewer than the CPUs, which on a 2-core machine ran the whole suite in a single
    // process; with two, the files' waits (timers, sockets, the database) left the CPUs idle about a third of the
    // time. Three on 2 cores (2026-12-08): PGlite 341 s (CPU 1.87 cores busy), PostgreSQL 218 s, no test failing;
    // two in that day's CI: 430 and 254 s. PostgreSQL saw at most 31 connections at once for three: at most six
    // processes keep a larger machine under PostgreSQL's default 100.
    pool: 'forks',
    maxWorkers: Math.min(6, Math.max(3, availableParallelism() + 1)),
    // Test files share their worker process's module cache (no test mocks modules or changes process.env, and the app
    // keeps its state per instance): re-importing the app for each of ~100 files cost 329 s of the suite's worker time
    // and a fresh import per file is what isolation would buy.
    isolate: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
