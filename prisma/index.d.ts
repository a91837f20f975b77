export * from './generated/client/index.js';
export { PrismaPg } from '@prisma/adapter-pg';
export { PrismaPGlite } from 'pglite-prisma-adapter';
export { PGlite } from '@electric-sql/pglite';
export { default as pg } from 'pg';

/** Absolute path of prisma/migrations (one folder per migration, each with migration.sql). */
export declare const migrationsDir: string;
