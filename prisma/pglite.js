// @switchyard/prisma/pglite: the embedded database and its Prisma driver adapter, kept out of the main entry
// so a server on PostgreSQL never loads them (apps/api imports this lazily, only in embedded mode).
export { PrismaPGlite } from 'pglite-prisma-adapter';
export { PGlite } from '@electric-sql/pglite';
