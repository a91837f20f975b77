/**
 * A search term for Prisma's `contains` / `startsWith` / `endsWith`, which build a LIKE/ILIKE pattern without escaping
 * it (on PostgreSQL and PGlite alike): `%` and `_` would act as wildcards (`?search=%` listing every row). PostgreSQL's
 * default LIKE escape character is the backslash, so it is escaped first.
 */
export function likeLiteral(term: string): string {
  return term.replace(/[\\%_]/g, (c) => `\\${c}`);
}
