import type { App } from '../app.js';

/** Every route the Express app mounts, as `{method, path}` with Express path syntax (`/x/:id`). */
export function mountedRoutes(app: App): { method: string; path: string }[] {
  // Express 5 layers: a mounted router's path is `rawPath`; a route's is `route.path`.
  type Layer = {
    route?: { path: string; methods: Record<string, boolean> };
    handle?: { stack?: Layer[] };
    rawPath?: unknown;
  };
  const routes: { method: string; path: string }[] = [];
  const walk = (stack: Layer[], prefix: string) => {
    for (const l of stack) {
      if (l.route)
        for (const m of Object.keys(l.route.methods))
          routes.push({ method: m, path: (prefix + l.route.path).replace(/(.)\/$/, '$1') });
      else if (l.handle?.stack) {
        const mount = typeof l.rawPath === 'string' && l.rawPath !== '/' ? l.rawPath : '';
        walk(l.handle.stack, prefix + mount);
      }
    }
  };
  walk((app.express as unknown as { router: { stack: Layer[] } }).router.stack, '');
  return routes;
}
