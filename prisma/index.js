// @switchyard/prisma: the generated Prisma client (run `pnpm --filter @switchyard/prisma build`
// first), the driver adapters apps/api connects with, and where the SQL migrations live.
import { fileURLToPath } from 'node:url';

export * from './generated/client/index.js';
export { PrismaPg } from '@prisma/adapter-pg';
export { PrismaPGlite } from 'pglite-prisma-adapter';
export { PGlite } from '@electric-sql/pglite';
export { default as pg } from 'pg';

/** Absolute path of prisma/migrations (one folder per migration, each with migration.sql). */
export const migrationsDir = fileURLToPath(new URL('./migrations/', import.meta.url));
