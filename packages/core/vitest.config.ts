import { defineConfig } from 'vitest/config';
// Two processes on a 2-core machine (Vitest's default is one fewer than the CPUs); the core is pure, so its test files
// can share a worker's module cache.
export default defineConfig({ test: { include: ['src/**/*.test.ts'], maxWorkers: 2, isolate: false } });
