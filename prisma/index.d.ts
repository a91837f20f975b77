export * from './generated/client/index.js';
export { PrismaPg } from '@prisma/adapter-pg';
export { default as pg } from 'pg';

/** Absolute path of prisma/migrations (one folder per migration, each with migration.sql). */
export declare const migrationsDir: string;
