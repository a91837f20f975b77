import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  plugins: [react()],
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}', 'scripts/**/*.test.ts'],
    setupFiles: ['./src/test-setup.ts'],
    // Two processes on a 2-core machine: Vitest's default (one fewer than the CPUs) ran the suite in a single one.
    maxWorkers: 2,
    // One jsdom and one module cache per worker, not per file (Testing Library cleans the DOM after each test):
    // setting both up again for each of ~50 files was four fifths of the suite's time.
    isolate: false,
  },
});
