export { PrismaPGlite } from 'pglite-prisma-adapter';
export { PGlite } from '@electric-sql/pglite';
