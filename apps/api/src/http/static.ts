import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Router } from 'express';
import expressStaticGzip from 'express-static-gzip';
import { AppError } from '../lib/errors.js';

/** Where the built SPA lives: WEB_DIST_DIR, else apps/web/dist next to this package. */
export function resolveWebDist(override?: string): string {
  if (override) return resolve(override);
  const here = dirname(fileURLToPath(import.meta.url));
  return resolve(here, '../../../web/dist');
}

/**
 * The dashboard's content-security policy. Scripts: the bundle's own files plus the inline scripts of index.html
 * by hash (the theme bootstrap that runs before first paint). Styles allow 'unsafe-inline': React `style` props are
 * CSSOM writes (allowed anyway), but libraries may add `<style>` elements at run time (framer-motion's popLayout),
 * and injected CSS cannot run script. Everything else comes from this origin only; no framing, no plugins.
 */
export function dashboardCsp(html: string): string {
  const hashes: string[] = [];
  for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi)) {
    if (/\bsrc\s*=/i.test(m[1] ?? '')) continue;
    hashes.push(
      `'sha256-${createHash('sha256')
        .update(m[2] ?? '', 'utf8')
        .digest('base64')}'`,
    );
  }
  return [
    "default-src 'self'",
    ['script-src', "'self'", ...hashes].join(' '),
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Static files with long caching for hashed assets (precompressed), and the history fallback to index.html for client routes. */
export function spaRouter(distDir: string): Router {
  const router = express.Router();
  const index = join(distDir, 'index.html');
  // index.html and its policy, read again only when the file changes (a rebuild while the server runs).
  let cached: { mtimeMs: number; size: number; html: Buffer; csp: string } | null = null;
  const readIndex = () => {
    let st;
    try {
      st = statSync(index);
    } catch {
      return null;
    }
    if (cached?.mtimeMs !== st.mtimeMs || cached.size !== st.size) {
      const html = readFileSync(index);
      cached = { mtimeMs: st.mtimeMs, size: st.size, html, csp: dashboardCsp(html.toString('utf8')) };
    }
    return cached;
  };
  const sendIndex: express.RequestHandler = (_req, res) => {
    const page = readIndex();
    if (!page) {
      res
        .status(503)
        .type('text/plain')
        .send('The dashboard is not built yet: run `pnpm build` (pnpm start does it for you).');
      return;
    }
    res.setHeader('cache-control', 'no-cache');
    res.setHeader('content-security-policy', page.csp);
    res.type('html').send(page.html);
  };
  // A missing asset is a plain 404 (not an error with a stack trace in the log), and never the SPA's index.html.
  // Hashed assets: the brotli or gzip file the build wrote beside each one (apps/web/vite.config.ts), as the
  // client's Accept-Encoding allows (brotli first), cached for a year and never revalidated.
  router.use(
    '/assets',
    // A path that does not decode is no file of ours: the plain 404 below (the library would answer 400 itself).
    (req, _res, next) => {
      try {
        decodeURIComponent(req.path);
      } catch {
        return next(new AppError(404, 'not_found', 'No such asset.'));
      }
      next();
    },
    expressStaticGzip(join(distDir, 'assets'), {
      enableBrotli: true,
      orderPreference: ['br', 'gzip'],
      index: false,
      serveStatic: { immutable: true, maxAge: '1y' },
    }),
    (_req, _res, next) => next(new AppError(404, 'not_found', 'No such asset.')),
  );
  // The page itself only with its policy (not as a plain static file).
  router.get('/index.html', sendIndex);
  router.use(express.static(distDir, { index: false, maxAge: '1h' }));
  router.get(/.*/, (req, res, next) => {
    if (!req.accepts('html')) return next();
    sendIndex(req, res, next);
  });
  return router;
}
