import { Router } from 'express';
import type { Database } from '../../db/client.js';
import type { Metrics } from '../../lib/metrics.js';

/** /health (the process is alive), /ready (the database answers), /metrics (Prometheus text). */
export function systemRoutes(deps: { db: Database; metrics: Metrics }): Router {
  const r = Router();
  r.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  r.get('/ready', async (_req, res) => {
    const dbOk = await deps.db.ping().catch(() => false);
    res.status(dbOk ? 200 : 503).json({ status: dbOk ? 'ready' : 'unavailable', database: dbOk ? 'ok' : 'unreachable' });
  });
  r.get('/metrics', async (_req, res) => {
    res.setHeader('content-type', deps.metrics.registry.contentType);
    res.send(await deps.metrics.registry.metrics());
  });
  return r;
}
