// One flat config for the whole monorepo.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { apiLayerConfigs } from './apps/api/eslint.layers.js';

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/generated/**',
      '**/.data/**',
      'bench/.peers/**',
      'bench/results/**',
      'e2e/test-results/**',
      'e2e/playwright-report/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  // apps/api/src: imports point down one ordered list of layers (translate/ below providers/, the proxy below the
  // admin modules, ...), and no import cycles. See apps/api/eslint.layers.js.
  ...apiLayerConfigs,
  {
    // The data plane stays readable: no function of the proxy longer than this (split it into named steps).
    files: ['apps/api/src/proxy/**/*.ts'],
    ignores: ['apps/api/src/proxy/**/*.test.ts'],
    rules: { 'max-lines-per-function': ['error', { max: 120 }] },
  },
  {
    files: ['apps/web/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // @switchyard/core is pure: no I/O, no environment, no clock, no randomness of its own.
    files: ['packages/core/src/**/*.ts'],
    ignores: ['packages/core/src/**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                'fs',
                'node:*',
                'http',
                'https',
                'net',
                'child_process',
                'undici',
                '@prisma/*',
                'ioredis',
                'pg',
                'os',
                'path',
                'crypto',
                'dns',
                'tls',
                'worker_threads',
              ],
              message: '@switchyard/core must stay pure: no I/O modules.',
            },
          ],
        },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'Pass `now` in instead.' },
        { object: 'Math', property: 'random', message: 'Pass a seeded rng in instead.' },
        { object: 'process', property: 'env', message: 'Env is read in apps/api/src/config/env.ts only.' },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'fetch', message: '@switchyard/core does no I/O.' },
        { name: 'process', message: '@switchyard/core does not touch the process.' },
      ],
    },
  },
  {
    files: ['packages/core/src/**/*.test.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'error' },
  },
);
