import { defineConfig } from 'vitest/config';

// The CLIs run one at a time against one gateway; each run has its own hard timeout (see the test).
export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 150_000,
    hookTimeout: 150_000,
    fileParallelism: false,
  },
});
