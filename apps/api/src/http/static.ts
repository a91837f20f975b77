import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Router } from 'express';
import { AppError } from '../lib/errors.js';

/** Where the built SPA lives: WEB_DIST_DIR, else apps/web/dist next to this package. */
export function resolveWebDist(override?: string): string {
  if (override) return resolve(override);
  const here = dirname(fileURLToPath(import.meta.url));
  return resolve(here, '../../../web/dist');
}

/** Static files with long caching for hashed assets, and the history fallback to index.html for client routes. */
export function spaRouter(distDir: string): Router {
  const router = express.Router();
  const index = join(distDir, 'index.html');
  // A missing asset is a plain 404 (not an error with a stack trace in the log), and never the SPA's index.html.
  router.use(
    '/assets',
    express.static(join(distDir, 'assets'), { immutable: true, maxAge: '1y' }),
    (_req, _res, next) => next(new AppError(404, 'not_found', 'No such asset.')),
  );
  router.use(express.static(distDir, { index: false, maxAge: '1h' }));
  router.get(/.*/, (req, res, next) => {
    if (!req.accepts('html')) return next();
    if (!existsSync(index)) {
      res
        .status(503)
        .type('text/plain')
        .send('The dashboard is not built yet: run `pnpm build` (pnpm start does it for you).');
      return;
    }
    res.setHeader('cache-control', 'no-cache');
    res.sendFile(index);
  });
  return router;
}
