// @switchyard/prisma: the generated Prisma client (run `pnpm --filter @switchyard/prisma build`
// first), the PostgreSQL driver adapter, and where the SQL migrations live. The embedded PGlite and its
// adapter are in '@switchyard/prisma/pglite', imported only when the embedded database is used.
import { fileURLToPath } from 'node:url';

export * from './generated/client/index.js';
export { PrismaPg } from '@prisma/adapter-pg';
export { default as pg } from 'pg';

/** Absolute path of prisma/migrations (one folder per migration, each with migration.sql). */
export const migrationsDir = fileURLToPath(new URL('./migrations/', import.meta.url));
