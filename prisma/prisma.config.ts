// Prisma CLI configuration (prisma generate / validate / migrate diff / migrate status).
// engine "js" + a driver adapter: the CLI never needs a downloaded schema-engine binary.
// With DATABASE_URL set the CLI talks to that PostgreSQL; otherwise to a throw-away
// in-memory PGlite (enough for `generate`, `validate` and `migrate diff`).
import path from 'node:path';
import { defineConfig } from 'prisma/config';

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: path.join(import.meta.dirname, 'schema.prisma'),
  migrations: { path: path.join(import.meta.dirname, 'migrations') },
  async adapter() {
    const url = process.env.DATABASE_URL;
    if (url && /^postgres(ql)?:\/\//.test(url)) {
      const { PrismaPg } = await import('@prisma/adapter-pg');
      return new PrismaPg({ connectionString: url });
    }
    const { PGlite } = await import('@electric-sql/pglite');
    const { PrismaPGlite } = await import('pglite-prisma-adapter');
    return new PrismaPGlite(new PGlite());
  },
});
