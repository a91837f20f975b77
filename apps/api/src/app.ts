import type { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { type ErrorRequestHandler, type Express } from 'express';
import type { Env } from './config/env.js';
import type { Database } from './db/client.js';
import { compressResponses } from './http/compress.js';
import { toAppError } from './http/error-map.js';
import { spaRouter, resolveWebDist } from './http/static.js';
import { AppError, errorBody } from './lib/errors.js';
import type { Logger } from './lib/logger.js';
import { createMetrics, type Metrics } from './lib/metrics.js';
import type { SecretBox } from './lib/secrets.js';
import { sessionMiddleware } from './modules/auth/auth.middleware.js';
import { authRoutes } from './modules/auth/auth.routes.js';
import { AuthService } from './modules/auth/auth.service.js';
import { DEFAULT_THROTTLE, LoginThrottle } from './modules/auth/login-throttle.js';
import { adminWriteLimit } from './modules/auth/write-limit.js';
import { systemRoutes } from './modules/system/system.routes.js';
import { isProxyPath } from './lib/proxy-paths.js';
import { createProxyHandler } from './proxy/handler.js';
import { createResponseCache, type ResponseCacheParts } from './proxy/cache/create.js';
import { SharedConversations } from './proxy/conversations.js';
import { CorsPolicy } from './proxy/client-access.js';
import { IpAllowList } from './lib/ip-allowlist.js';
import { BodyMemory } from './lib/body-memory.js';
import { createUpstreamAgent } from './proxy/upstream.js';
import { OutboundPolicy, type LookupFn } from './lib/outbound-policy.js';
import { EndpointCooldowns } from './router/endpoint-cooldowns.js';
import { RoutingRuntime } from './router/runtime.js';
import type { StateStore } from './router/state-store.js';
import { createConfigBus, createStateStore } from './router/shared-state.js';
import { LastUsedTracker } from './router/last-used.js';
import { resetProviderState } from './router/provider-reset.js';
import { HealthNotes } from './router/health-notes.js';
import { ProviderHealthService, parseStateReset } from './modules/providers/provider-health.service.js';
import { HealthScheduler } from './modules/providers/health-scheduler.js';
import { BatchQueue } from './metering/batch-queue.js';
import { SpendLedger } from './metering/spend-ledger.js';
import { DroppedSpend } from './metering/dropped-spend.js';
import { CommitTracker } from './metering/commit-tracker.js';
import { bodyGuard } from './http/body-guard.js';
import { feedbackLimit } from './proxy/feedback.js';
import { callEventOfRow, usageRow, writeUsageRowsIsolating } from './metering/writer.js';
import { createEventBus, type LiveEventBus } from './events/bus.js';
import type { CallEvent } from '@switchyard/core';
import { postgresAdvisoryLock, processLock, UsageRetention } from './metering/retention.js';
import type { AppContext } from './context.js';
import { AuditService } from './modules/audit/audit.service.js';
import { mountIdentityModules } from './modules/identity.mount.js';
import { mountLlmModules } from './modules/llm.mount.js';
import { eventsRoutes } from './modules/events/events.routes.js';
import { mountUsageModules } from './modules/usage.mount.js';
import { CHECK_RESPONSES } from './modules/mount-contract.js';
import { openapiRoutes } from './openapi/openapi.routes.js';
import { CORE_VERSION } from '@switchyard/core';
import { createTracing, type Tracing } from './telemetry/tracing.js';
import { FeedbackService, feedbackModelLabel } from './modules/experiments/feedback.service.js';

export interface AppDeps {
  env: Env;
  db: Database;
  logger: Logger;
  secrets: SecretBox;
  now?: () => number;
  /** Environment for `_env` references (defaults to an empty one in tests). */
  processEnv?: Record<string, string | undefined>;
  /** Shared counters; in memory unless given (Redis when REDIS_URL is set). */
  store?: StateStore;
  /** Name resolution for outbound connections and URL checks (tests inject one); default `dns.lookup`. */
  outboundLookup?: LookupFn;
  /** Check every admin API JSON answer against its contract (a mismatch is a 500 `contract_violation`); tests. */
  checkResponses?: boolean;
}

/** The largest admin API JSON body (a config file applied through the API included). */
const ADMIN_BODY_LIMIT = 2 * 1024 * 1024;

export interface App {
  ctx: AppContext;
  /** The node:http request listener: proxy routes first (lean path), everything else through Express. */
  handle: (req: IncomingMessage, res: ServerResponse) => void;
  express: Express;
  metrics: Metrics;
  auth: AuthService;
  routing: RoutingRuntime;
  /** Usage rows waiting to be written, already serialised (see `usageRow`). */
  usage: BatchQueue<string>;
  /** Live events (calls, provider, model and circuit changes) for GET /api/v1/llm/events. */
  events: LiveEventBus;
  /** Deletes raw usage records past USAGE_RETENTION_DAYS in batches (null when unset: kept forever). */
  retention: UsageRetention | null;
  /** OpenTelemetry traces of proxy requests (null when no OTLP endpoint is set). */
  tracing: Tracing | null;
  /** Providers' live state, health checks and reset. */
  health: ProviderHealthService;
  /** Background health checks (HEALTH_CHECK_TICK_MS; 0: off). */
  healthChecks: HealthScheduler;
  /** Provider failures and cooldown reasons recorded off the request path. */
  healthNotes: HealthNotes;
  /** The response cache (its store, and the database store's size sweep when the database holds it). */
  responseCache: ResponseCacheParts;
  /** Stop background work and flush queues; the caller closes the HTTP server and the database. */
  close: () => Promise<void>;
}

export async function createApp(deps: AppDeps): Promise<App> {
  const { env, db, logger } = deps;
  const metrics = createMetrics();
  /** Told of each configuration change: `remote` when another instance made it (a note on the config bus). */
  const configListeners: Array<(what: string, remote: boolean) => Promise<void>> = [];
  const now = deps.now ?? Date.now;
  const instanceId = randomUUID();
  // Request bodies held in memory at once, proxy and admin API alike (BODY_MEMORY_LIMIT).
  const bodyMemory = new BodyMemory(env.BODY_MEMORY_LIMIT);
  metrics.bodyBytesHeldFrom(() => bodyMemory.used);
  const store = deps.store ?? (await createStateStore({ env, now, logger, metrics, instanceId }));
  // Sign-in throttling counts in the state store too, so with Redis the limit holds across instances.
  const auth = new AuthService(db.prisma, {
    sessionTtlMs: env.SESSION_TTL_HOURS * 3_600_000,
    now: deps.now,
    throttle: new LoginThrottle(DEFAULT_THROTTLE, now, store),
  });
  // Live events for the dashboard (GET /api/v1/llm/events), across instances through Redis when it is configured.
  const events = await createEventBus({
    redisUrl: env.REDIS_URL,
    prefix: env.REDIS_KEY_PREFIX,
    instanceId,
    logger,
  });
  // This instance's budget spend the database does not hold yet (the routing runtime's reservations, the queue's
  // unwritten records): what it adds to a budget counter rebuilt from the database.
  const ledger = new SpendLedger(now);
  // Usage statements note their transaction ids: a budget rebuilt from the database tells exactly which of this
  // instance's records it holds (its snapshot), so none is counted twice or missed.
  const commits = new CommitTracker();
  const usageDb = commits.target(db);
  // What records dropped at the queue's bound spent, as rollup rows written before the next batch (a rebuilt budget
  // reads them: their spend survives a restart).
  const dropped = new DroppedSpend(
    ledger,
    (err) =>
      logger.error({ err: String(err) }, 'rollup rows of dropped usage records refused by the database'),
    commits,
  );
  const usage = new BatchQueue<string>({
    // A row the database refuses is isolated and set aside (never retried forever, never holding back the rest).
    // Once a batch is in, its calls go out as live `call` events: a dashboard that refetches on one sees the row.
    write: async (rows) => {
      await dropped.write(usageDb);
      const written = await writeUsageRowsIsolating(usageDb, rows, (letter) => {
        metrics.usageDeadLetter.inc();
        // Its row is kept in "UsageDeadLetter", which a rebuilt budget reads too (metering/spend.ts): once set
        // aside, its spend is in the database like a written record's.
        logger.error(
          { requestId: letter.requestId, error: letter.error },
          'usage record refused by the database: moved to UsageDeadLetter',
        );
      });
      if (events.wanted) publishCalls(events, rows);
      return written;
    },
    intervalMs: env.USAGE_FLUSH_INTERVAL_MS,
    maxBuffered: env.USAGE_BUFFER_MAX,
    onDrop: (n) => {
      metrics.usageDropped.inc(n);
      logger.error(
        { dropped: n },
        'usage buffer full: oldest records dropped (their spend is kept as rollup rows)',
      );
    },
    onWritten: (n) => metrics.usageWritten.inc(n),
    // What those records spent on budgets is in the database now (see SpendLedger).
    onHandled: (seq) => ledger.handled(seq, commits.lastXid),
    onDropped: (from, count, rows) => dropped.fold(rows, ledger.dropped(from, count)),
    onError: (err, pending) => logger.warn({ err: String(err), pending }, 'writing usage failed; will retry'),
  });
  metrics.usageQueueDepthFrom(() => usage.depth);
  metrics.liveStreamsFrom(() => events.listeners);
  // OpenTelemetry traces of proxy requests (OTEL_EXPORTER_OTLP_ENDPOINT); null: off, nothing created.
  const tracing = createTracing(env);
  const retention =
    env.USAGE_RETENTION_DAYS === undefined
      ? null
      : new UsageRetention({
          prisma: db.prisma,
          days: env.USAGE_RETENTION_DAYS,
          batchSize: env.USAGE_RETENTION_BATCH_SIZE,
          // Across instances on one PostgreSQL, one runs it; an embedded PGlite belongs to one process.
          lock:
            db.kind === 'postgres' && env.DATABASE_URL
              ? postgresAdvisoryLock(env.DATABASE_URL)
              : processLock(),
          now,
          logger,
          registry: metrics.registry,
        });
  retention?.start();
  const healthNotes = new HealthNotes(db.prisma, logger);
  const routing = await RoutingRuntime.create(
    {
      prisma: db.prisma,
      secrets: deps.secrets,
      env: deps.processEnv ?? {},
      store,
      logger,
      now,
      onCircuit: (provider, model, open) => {
        events.publish([{ type: 'circuit', provider, model: model.modelId, open }]);
      },
      // Before a budget is rebuilt from the recorded spend: this instance's queued records go in first (twice:
      // a flush already running leaves what arrived during its write for the next one). Bounded: a database
      // that does not answer fails the rebuild's own query instead.
      flushUsage: () =>
        Promise.race([
          usage.flush().then(() => usage.flush()),
          new Promise<void>((r) => setTimeout(r, 2_000).unref()),
        ]),
      notes: healthNotes,
      ledger,
      onReload: () => metrics.routingReloads.inc(),
    },
    { reloadEveryMs: env.CONFIG_RELOAD_INTERVAL_MS, coalesceMs: env.CONFIG_RELOAD_COALESCE_MS },
  );
  // A change made here is loaded before its request answers; other instances' notes coalesce (CONFIG_RELOAD_COALESCE_MS).
  configListeners.push((what, remote) =>
    (remote ? routing.reloadSoon() : routing.reload()).catch((err) =>
      logger.error({ err, what }, 'routing reload failed'),
    ),
  );
  metrics.openCircuitsFrom(() => routing.openCircuits());
  // An admin's reset of a provider's cooldowns, circuits and rate-limit windows (made here or on another instance).
  configListeners.push(async (what) => {
    const reset = parseStateReset(what);
    if (reset)
      await resetProviderState(routing, reset.providerId, reset.modelId).catch((err) =>
        logger.error({ err, what }, 'clearing provider state failed'),
      );
  });
  // Admin changes made on other instances arrive here (Redis pub/sub or PostgreSQL NOTIFY).
  const bus = await createConfigBus({
    env,
    db,
    logger,
    instanceId,
    onChange: (what) => void Promise.all(configListeners.map((l) => l(what, true))),
  });
  const lastUsed = new LastUsedTracker(db.prisma, 15_000, (err) =>
    logger.warn({ err: String(err) }, 'updating key last-used failed'),
  );
  // Provider and Ollama URLs: checked when saved and on every new connection (see lib/outbound-policy.ts).
  const outbound = new OutboundPolicy({
    allowlist: env.OUTBOUND_ALLOWLIST ?? [],
    allowPrivate: env.OUTBOUND_ALLOW_PRIVATE,
    ...(deps.outboundLookup ? { lookup: deps.outboundLookup } : {}),
  });
  const agent = createUpstreamAgent(
    {
      connectMs: env.UPSTREAM_CONNECT_TIMEOUT_MS,
      firstByteMs: env.UPSTREAM_FIRST_BYTE_TIMEOUT_MS,
      idleMs: env.UPSTREAM_IDLE_TIMEOUT_MS,
      totalMs: env.UPSTREAM_TOTAL_TIMEOUT_MS,
    },
    outbound,
  );
  const ctx: AppContext = {
    env,
    db,
    prisma: db.prisma,
    logger,
    secrets: deps.secrets,
    metrics,
    audit: new AuditService(db.prisma),
    now,
    processEnv: deps.processEnv ?? {},
    outbound: { policy: outbound, dispatcher: agent },
    events,
    configChanged: async (what) => {
      await Promise.all(configListeners.map((l) => l(what, false)));
      await bus.publish(what);
    },
  };

  const health = new ProviderHealthService(ctx, routing, healthNotes);
  const healthChecks = new HealthScheduler({
    health,
    routing,
    tickMs: env.HEALTH_CHECK_TICK_MS,
    now,
    logger,
  });
  healthChecks.start();

  const app = express();
  app.disable('x-powered-by');
  // Tests check every JSON answer against its contract's response schema (see modules/mount-contract.ts).
  app.locals[CHECK_RESPONSES] = deps.checkResponses ?? false;
  app.set('trust proxy', env.TRUST_PROXY);
  app.set('etag', false);

  // On every admin API, static and system answer: no MIME sniffing, no framing, no referrer to other origins.
  // JSON and assets get a policy that allows nothing; the dashboard page sets its own (http/static.ts).
  app.use((_req, res, next) => {
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('x-frame-options', 'DENY');
    res.setHeader('referrer-policy', 'same-origin');
    res.setHeader('content-security-policy', "default-src 'none'; frame-ancestors 'none'");
    next();
  });

  app.use((req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const route = req.route?.path
        ? `${req.baseUrl}${String(req.route.path)}`
        : req.path.startsWith('/api/')
          ? 'unmatched'
          : 'static';
      metrics.httpAdmin.observe(
        { method: req.method, route, status: String(res.statusCode) },
        Number(process.hrtime.bigint() - started) / 1e9,
      );
    });
    next();
  });

  // JSON, CSV and the dashboard page compressed on the fly above a threshold (the proxy never comes this way).
  app.use(compressResponses());

  app.use(systemRoutes({ db, metrics, metricsToken: env.METRICS_TOKEN }));

  const api = express.Router();
  // Read before any sign-in check: bound in time and counted against BODY_MEMORY_LIMIT, like the proxy's bodies.
  api.use(bodyGuard(env.BODY_READ_TIMEOUT_MS, bodyMemory, ADMIN_BODY_LIMIT));
  api.use(express.json({ limit: ADMIN_BODY_LIMIT }));
  api.use(sessionMiddleware(auth));
  api.use(authRoutes(auth));
  api.use(openapiRoutes(CORE_VERSION));
  // Changes per user and minute (ADMIN_WRITE_RATE_LIMIT_PER_MINUTE); sign-in has its own throttle above.
  if (env.ADMIN_WRITE_RATE_LIMIT_PER_MINUTE > 0)
    api.use(adminWriteLimit(store, env.ADMIN_WRITE_RATE_LIMIT_PER_MINUTE, now, logger));
  mountIdentityModules(api, ctx);
  mountLlmModules(api, ctx, routing, health);
  // The live event stream (server-sent events): its session is checked again with every heartbeat.
  api.use(eventsRoutes(ctx, auth));
  mountUsageModules(api, ctx);
  api.use((req, _res, next) =>
    next(new AppError(404, 'not_found', `No route ${req.method} ${req.baseUrl}${req.path}.`)),
  );
  app.use('/api/v1', api);

  if (env.SERVE_WEB) app.use(spaRouter(resolveWebDist(env.WEB_DIST_DIR)));
  app.use((req, _res, next) => next(new AppError(404, 'not_found', `No route ${req.method} ${req.path}.`)));

  const onError: ErrorRequestHandler = (err, req, res, _next) => {
    let appErr = toAppError(err);
    if (!appErr) {
      logger.error({ err, method: req.method, path: req.path }, 'unhandled error');
      appErr = new AppError(500, 'internal_error', 'Something went wrong on our side.');
    } else if (appErr.status === 503) {
      logger.warn({ err: String(err), method: req.method, path: req.path }, 'database unavailable');
    }
    // A streamed response (CSV export) that fails midway is cut, so the client cannot mistake it for a whole one.
    if (res.headersSent) return res.destroy();
    for (const [k, v] of Object.entries(appErr.headers ?? {})) res.setHeader(k, v);
    res.status(appErr.status).json(errorBody(appErr));
  };
  app.use(onError);

  const responseCache = createResponseCache({ env, db, store, now, logger });
  const proxy = createProxyHandler({
    config: () => routing.config,
    router: routing,
    dispatcher: agent,
    timeouts: {
      connectMs: env.UPSTREAM_CONNECT_TIMEOUT_MS,
      firstByteMs: env.UPSTREAM_FIRST_BYTE_TIMEOUT_MS,
      idleMs: env.UPSTREAM_IDLE_TIMEOUT_MS,
      totalMs: env.UPSTREAM_TOTAL_TIMEOUT_MS,
    },
    deadlineMs: env.REQUEST_DEADLINE_MS,
    bodyLimit: env.BODY_LIMIT,
    bodyMemory,
    bodyReadTimeoutMs: env.BODY_READ_TIMEOUT_MS,
    masterKey: env.GATEWAY_MASTER_KEY,
    record: (u) => {
      const seq = usage.push(usageRow(u));
      if (u.spend) ledger.queued(u.spend, seq);
      if (u.gatewayKeyId) lastUsed.touch(u.gatewayKeyId, u.createdAt.getTime());
    },
    metrics,
    logger,
    now,
    trustProxy: env.TRUST_PROXY,
    ipAllow: IpAllowList.of(env.PROXY_IP_ALLOWLIST),
    cors: CorsPolicy.of(env.CORS_ORIGINS),
    tracing,
    // A score may arrive before its request's usage record is written: the queue is written first then.
    feedback: new FeedbackService(db.prisma, {
      flushUsage: async () => {
        if (usage.depth > 0) await usage.flush();
      },
      writeIntervalMs: env.USAGE_FLUSH_INTERVAL_MS,
      onScore: (rated, score) =>
        metrics.feedbackScore.observe(
          { provider: rated.providerSlug ?? 'none', model: feedbackModelLabel(routing.config.models, rated) },
          score,
        ),
    }).record,
    ...(env.FEEDBACK_RATE_LIMIT_PER_MINUTE > 0
      ? { feedbackLimit: feedbackLimit(store, env.FEEDBACK_RATE_LIMIT_PER_MINUTE, now) }
      : {}),
    cache: responseCache.runtime,
    // Continuations of answers another instance relayed (or this one before a restart): Redis when set, then the
    // usage records (see proxy/conversations.ts).
    sharedConversations: new SharedConversations({
      db,
      redis: store.kind === 'redis' ? (store as unknown as { redis: Redis }).redis : null,
      prefix: env.REDIS_KEY_PREFIX,
      logger,
    }),
    endpointCooldowns: new EndpointCooldowns({
      store: routing.store,
      cooldownMs: env.ENDPOINT_COOLDOWN_MS,
      now,
      onError: (err) => logger.warn({ err: String(err) }, 'ending an endpoint cooldown failed'),
    }),
  });
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    if (isProxyPath(req.url ?? '/')) {
      proxy(req, res).catch((err: unknown) => {
        logger.error({ err }, 'proxy handler failed');
        if (!res.headersSent)
          res.writeHead(500, { 'content-type': 'application/json' }).end(
            JSON.stringify({
              error: { message: 'Internal gateway error.', type: 'server_error', code: 'internal_error' },
            }),
          );
        else res.destroy();
      });
      return;
    }
    app(req, res);
  };

  return {
    ctx,
    handle,
    express: app,
    metrics,
    auth,
    routing,
    usage,
    events,
    retention,
    tracing,
    health,
    healthChecks,
    healthNotes,
    responseCache,
    close: async () => {
      await tracing?.shutdown().catch(() => undefined);
      await retention?.close();
      responseCache.sweep?.close();
      await Promise.allSettled([...responseCache.runtime.writes]);
      await healthChecks.close();
      await healthNotes.close();
      routing.close();
      await bus.close();
      const { unwritten } = await usage.close();
      if (unwritten > 0) logger.error({ unwritten }, 'usage records could not be written before shutdown');
      await lastUsed.close().catch(() => undefined);
      await store.close();
      await events.close();
      await agent.close().catch(() => undefined);
      // prom-client's default metrics observe GC process-wide and are never stopped: through their registry they held
      // every metric and the gauges' readers (the usage queue, the body bound, the app) after close.
      metrics.registry.clear();
    },
  };
}

/** The written rows' `call` events, in one publish (one Redis message per batch). */
function publishCalls(events: LiveEventBus, rows: readonly string[]): void {
  const calls: CallEvent[] = [];
  for (const row of rows) {
    const e = callEventOfRow(row);
    if (e) calls.push(e);
  }
  events.publish(calls);
}
