import { ipRangeEntry } from '@switchyard/core';
import { z } from 'zod';
import { allowlistEntryProblem, splitAllowlist } from '../lib/outbound-policy.js';

/**
 * The only place that reads process.env. Everything else receives an `Env`.
 * A bad value stops start-up with one line naming the variable (see `EnvError`).
 */
const port = z.coerce
  .number({ message: 'must be a number' })
  .int('must be a whole number')
  .min(1, 'must be between 1 and 65535')
  .max(65535, 'must be between 1 and 65535');

const bool = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off'], { message: 'must be true or false' })
  .transform((v) => ['1', 'true', 'yes', 'on'].includes(v));

const postgresUrl = z.string().refine((v) => /^postgres(ql)?:\/\/[^\s]+$/.test(v) && URL.canParse(v), {
  message: 'must be a postgresql:// URL, e.g. postgresql://postgres@127.0.0.1:5432/switchyard',
});

const redisUrl = z
  .string()
  .refine((v) => /^rediss?:\/\//.test(v) && URL.canParse(v), { message: 'must be a redis:// URL' });

const bytes = (max: number) =>
  z
    .string()
    .regex(/^\d+(\.\d+)?\s*(b|kb|kib|mb|mib)?$/i, 'must be a size such as 1048576, 512kb or 4mb')
    .transform((v) => {
      const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(v.trim())!;
      const unit = (m[2] ?? '').toLowerCase();
      const mult = unit.startsWith('k') ? 1024 : unit.startsWith('m') ? 1024 * 1024 : 1;
      return Math.floor(Number(m[1]) * mult);
    })
    .refine((n) => n >= 1024 && n <= max, `must be between 1 KiB and ${max / 1024 / 1024} MiB`);

const MIB = 1024 * 1024;

const ms = z.coerce.number({ message: 'must be a number of milliseconds' }).int().min(1).max(3_600_000);

/** A comma-separated list; blanks between commas are ignored. */
const commaList = <T>(item: (v: string) => T | null, message: (bad: string) => string) =>
  z.string().transform((v, ctx) => {
    const out: T[] = [];
    for (const raw of v.split(',')) {
      const entry = raw.trim();
      if (!entry) continue;
      const parsed = item(entry);
      if (parsed === null) {
        ctx.addIssue({ code: 'custom', message: message(entry) });
        return z.NEVER;
      }
      out.push(parsed);
    }
    return out;
  });

/** `https://app.example.com` or `http://localhost:5173`: scheme, host and port, nothing else. */
const browserOrigin = (v: string): string | null => {
  if (!URL.canParse(v)) return null;
  const u = new URL(v);
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
  return u.origin === v.toLowerCase().replace(/\/$/, '') ? u.origin : null;
};

/** The sampler names of the OpenTelemetry specification's OTEL_TRACES_SAMPLER (those without an extra package). */
export const OTEL_SAMPLERS = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;

/** The OTLP/HTTP encodings a trace export can use (OTEL_EXPORTER_OTLP_PROTOCOL's values; gRPC is not built in). */
export const OTLP_PROTOCOLS = ['http/protobuf', 'http/json'] as const;
const otlpProtocol = z
  .string()
  .trim()
  .refine((v) => v !== 'grpc', {
    message: 'grpc is not supported: use http/protobuf or http/json with an OTLP/HTTP endpoint (port 4318)',
  })
  .pipe(z.enum(OTLP_PROTOCOLS, { message: `must be one of ${OTLP_PROTOCOLS.join(', ')}` }));

/** An OTLP/HTTP endpoint: an http(s) URL. */
const otlpUrl = z
  .string()
  .trim()
  .refine((v) => {
    try {
      const u = new URL(v);
      return u.protocol === 'http:' || u.protocol === 'https:';
    } catch {
      return false;
    }
  }, 'must be an http(s) URL such as http://127.0.0.1:4318');

export const envSchema = z.object({
  PORT: port.default(8787),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: postgresUrl.optional(),
  REDIS_URL: redisUrl.optional(),
  REDIS_KEY_PREFIX: z.string().min(1).max(100).default('switchyard:'),
  STATE_SYNC_INTERVAL_MS: ms.default(250),
  /** A Redis command slower than this counts as Redis being down (the gateway fails open onto local limits). */
  REDIS_COMMAND_TIMEOUT_MS: ms.default(500),
  CONFIG_RELOAD_INTERVAL_MS: ms.default(30_000),
  /**
   * Change notes from other instances within this span share one routing reload (the first reloads at once, the
   * rest at the span's end); 0: every note reloads.
   */
  CONFIG_RELOAD_COALESCE_MS: z.coerce
    .number({ message: 'must be a number of milliseconds' })
    .int()
    .min(0)
    .max(60_000)
    .default(500),
  /** The live event stream's heartbeat comment (keeps proxies from closing it; the session is checked again then). */
  LIVE_EVENTS_HEARTBEAT_MS: ms.default(15_000),
  /**
   * How often the provider health-check scheduler looks for due checks (jittered ±20 %); 0 turns background
   * checks off ("Check now" still works). Each provider's own interval is in its config (`healthCheck`).
   */
  HEALTH_CHECK_TICK_MS: z.coerce
    .number({ message: 'must be a number of milliseconds' })
    .int()
    .min(0)
    .max(3_600_000)
    .default(5_000),
  /**
   * Where provider and Ollama URLs may point: host names, `*.suffix` wildcards, IPs and CIDRs, comma-separated.
   * Unset: anywhere except cloud metadata and link-local addresses (always refused).
   */
  OUTBOUND_ALLOWLIST: z
    .string()
    .transform(splitAllowlist)
    .superRefine((list, c) => {
      for (const entry of list) {
        const problem = allowlistEntryProblem(entry);
        if (problem) c.addIssue({ code: 'custom', message: problem });
      }
    })
    .optional(),
  /** Loopback and private ranges as outbound destinations (self-hosted Ollama); false closes them. */
  OUTBOUND_ALLOW_PRIVATE: bool.default(true),
  SWITCHYARD_DATA_DIR: z.string().min(1).default('./.data'),
  /**
   * A configuration file (YAML, see README "GitOps") applied on every start, before the server listens: a
   * Kubernetes ConfigMap. An invalid file stops the start with the path of the problem.
   */
  CONFIG_FILE: z.string().min(1).optional(),
  SECRETS_KEY: z
    .string()
    .refine((v) => Buffer.from(v, 'base64').length === 32, { message: 'must be 32 bytes, base64-encoded' })
    .optional(),
  ADMIN_EMAIL: z
    .string()
    .regex(/^[^\s@]+@[^\s@]+$/, 'must be an email address')
    .transform((v) => v.toLowerCase())
    .default('admin@localhost'),
  ADMIN_PASSWORD: z.string().min(8, 'must be at least 8 characters').optional(),
  GATEWAY_MASTER_KEY: z.string().min(16, 'must be at least 16 characters').optional(),
  /** When set, GET /metrics requires `Authorization: Bearer <METRICS_TOKEN>`. */
  METRICS_TOKEN: z
    .string()
    .min(16, 'must be at least 16 characters')
    .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces')
    .optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SESSION_TTL_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 90)
    .default(24 * 7),
  // Anthropic's Messages API takes 32 MB; a long coding-agent session's turns are tens of KB to several MB.
  BODY_LIMIT: bytes(100 * MIB).default(32 * MIB),
  // Request bodies held in memory at once, over all requests: past it a request gets 503 + Retry-After.
  BODY_MEMORY_LIMIT: bytes(16 * 1024 * MIB).default(512 * MIB),
  // From the request's headers to the last byte of its body: a client that stops sending gets a 408 and its
  // bytes go back to BODY_MEMORY_LIMIT (else Node's own 5-minute request timeout held them).
  BODY_READ_TIMEOUT_MS: ms.default(60_000),
  UPSTREAM_CONNECT_TIMEOUT_MS: ms.default(10_000),
  UPSTREAM_FIRST_BYTE_TIMEOUT_MS: ms.default(60_000),
  UPSTREAM_IDLE_TIMEOUT_MS: ms.default(60_000),
  UPSTREAM_TOTAL_TIMEOUT_MS: ms.default(600_000),
  // Until the client's first byte, over every attempt, retry and fallback of one request.
  REQUEST_DEADLINE_MS: ms.default(75_000),
  /**
   * A provider endpoint that failed over (connection failure, 5xx, 429, timeout) is tried after the provider's other
   * endpoints for this long, or for the upstream's Retry-After when longer (up to 10 min); 0 = always the configured
   * order.
   */
  ENDPOINT_COOLDOWN_MS: z.coerce
    .number({ message: 'must be a number of milliseconds' })
    .int()
    .min(0)
    .max(3_600_000)
    .default(30_000),
  USAGE_FLUSH_INTERVAL_MS: ms.default(1000),
  USAGE_BUFFER_MAX: z.coerce.number().int().min(100).max(10_000_000).default(100_000),
  // POST /v1/feedback scores per caller (key, or the master key) and minute; past it 429 + Retry-After. 0: no limit.
  FEEDBACK_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).max(1_000_000).default(600),
  /**
   * Admin API changes (any method but GET/HEAD/OPTIONS; sign-in and sign-out aside) per user and sliding minute, all
   * of their sessions together and counted across instances with Redis; past it 429 with Retry-After. 0: no limit.
   */
  ADMIN_WRITE_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).max(1_000_000).default(300),
  /** Live keys (not revoked, not expired) a user may have when making one themselves (/me/keys); 0 = no limit. */
  USER_KEY_LIMIT: z.coerce.number().int().min(0).max(1_000_000).default(100),
  /** Raw usage records older than this many days are deleted (in batches, hourly); rollups are kept. Unset = forever. */
  USAGE_RETENTION_DAYS: z.coerce
    .number({ message: 'must be a number of days' })
    .int('must be a whole number of days')
    .min(1, 'must be between 1 and 36500 days')
    .max(36_500, 'must be between 1 and 36500 days')
    .optional(),
  /** Response cache (opt-in per alias, key or request): the longest any entry lives, in seconds. */
  CACHE_MAX_TTL_SECONDS: z.coerce
    .number({ message: 'must be a number of seconds' })
    .int('must be a whole number of seconds')
    .min(1, 'must be between 1 and 31536000 seconds')
    .max(31_536_000, 'must be between 1 and 31536000 seconds')
    .default(86_400),
  /** Response cache: the store's total size (each write evicts above it, the largest holder's oldest first). */
  CACHE_MAX_BYTES: bytes(64 * 1024 * MIB).default(256 * MIB),
  /**
   * Response cache: the share of CACHE_MAX_BYTES one organization may hold (org-less keys and the master key count
   * as one holder), 0.01 to 1. Past it, an organization's writes evict its own oldest entries. The default, 1, caps
   * no one: a full store still evicts the largest holder's oldest entries first, so a flood never takes a smaller
   * organization's answers, and a gateway with one organization keeps the whole bound.
   */
  CACHE_ORG_MAX_SHARE: z.coerce
    .number({ message: 'must be a number from 0.01 to 1' })
    .min(0.01, 'must be a number from 0.01 to 1')
    .max(1, 'must be a number from 0.01 to 1')
    .default(1),
  /** Response cache: an answer larger than this is not stored. */
  CACHE_ENTRY_MAX_BYTES: bytes(64 * MIB).default(MIB),
  /** Response cache: how often the database store is swept (expired entries; oldest above CACHE_MAX_BYTES). */
  CACHE_SWEEP_INTERVAL_MS: ms.default(60_000),
  /** Rows per retention DELETE statement. */
  USAGE_RETENTION_BATCH_SIZE: z.coerce
    .number({ message: 'must be a number of rows' })
    .int('must be a whole number of rows')
    .min(100, 'must be between 100 and 1000000')
    .max(1_000_000, 'must be between 100 and 1000000')
    .default(10_000),
  TRUST_PROXY: bool.default(false),
  /** Browser origins allowed to call the proxy routes (CORS); none by default. */
  CORS_ORIGINS: commaList(
    browserOrigin,
    (bad) => `"${bad}" is not an origin such as https://app.example.com`,
  ).optional(),
  /** Client IPs / CIDRs allowed to call the proxy routes at all; unset = any. */
  PROXY_IP_ALLOWLIST: commaList(
    (v) => {
      const r = ipRangeEntry.safeParse(v);
      return r.success ? r.data : null;
    },
    (bad) => `"${bad}" is not an IP address or CIDR range such as 203.0.113.7, 10.0.0.0/8 or 2001:db8::/32`,
  ).optional(),
  /** OTLP/HTTP collector base URL (traces go to <url>/v1/traces); unset = no tracing, no cost. */
  OTEL_EXPORTER_OTLP_ENDPOINT: otlpUrl.optional(),
  /** The traces URL itself, when it is not <OTEL_EXPORTER_OTLP_ENDPOINT>/v1/traces. */
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: otlpUrl.optional(),
  /** How traces are encoded: http/protobuf (OTLP's default) or http/json; the traces-specific setting wins. */
  OTEL_EXPORTER_OTLP_PROTOCOL: otlpProtocol.optional(),
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: otlpProtocol.optional(),
  OTEL_SERVICE_NAME: z.string().trim().min(1).max(200).optional(),
  /** Which requests are traced (OpenTelemetry's sampler names); unset = parentbased_always_on (every request). */
  OTEL_TRACES_SAMPLER: z
    .enum(OTEL_SAMPLERS, { message: `must be one of ${OTEL_SAMPLERS.join(', ')}` })
    .optional(),
  /** The share of new traces the *traceidratio samplers keep, 0 to 1 (unset = 1). */
  OTEL_TRACES_SAMPLER_ARG: z.coerce
    .number({ message: 'must be a number from 0 to 1' })
    .min(0, 'must be a number from 0 to 1')
    .max(1, 'must be a number from 0 to 1')
    .optional(),
  SERVE_WEB: bool.default(true),
  WEB_DIST_DIR: z.string().optional(),
  // Read before this schema by runtime-flags.ts (V8 settings must precede module loading); validated here.
  SWITCHYARD_HEAP_GROWING_PERCENT: z.coerce
    .number({ message: 'must be a number' })
    .int('must be a whole number')
    .min(0)
    .max(400, 'must be between 0 and 400')
    .default(25),
  SWITCHYARD_WASM_TIERUP: bool.default(false),
  SWITCHYARD_NEW_SPACE_MB: z.coerce
    .number({ message: 'must be a number' })
    .int('must be a whole number')
    .min(0)
    .max(1024, 'must be between 0 and 1024')
    .default(16),
});

export type Env = z.infer<typeof envSchema>;

export class EnvError extends Error {
  constructor(
    readonly variable: string,
    readonly reason: string,
  ) {
    super(`Invalid environment variable ${variable}: ${reason}`);
  }
}

/** Parse an environment (process.env by default). Empty strings count as unset. */
export function loadEnv(source: Record<string, string | undefined> = process.env): Env {
  const cleaned: Record<string, string> = {};
  for (const key of Object.keys(envSchema.shape)) {
    const v = source[key];
    if (v !== undefined && v !== '') cleaned[key] = v;
  }
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const variable = String(issue.path[0] ?? 'environment');
    throw new EnvError(variable, issue.message);
  }
  return parsed.data;
}

/** The whole process environment, for resolving `_env` references in provider auth settings at call time. */
export function processEnvironment(): Record<string, string | undefined> {
  return process.env;
}

/** `pnpm demo`'s settings: where the running gateway is and how to sign in as an admin. */
export const demoEnvSchema = z.object({
  SWITCHYARD_URL: z
    .string()
    .url('must be a URL such as http://127.0.0.1:8787')
    .default('http://127.0.0.1:8787'),
  ADMIN_EMAIL: z
    .string()
    .regex(/^[^\s@]+@[^\s@]+$/, 'must be an email address')
    .default('admin@localhost'),
  ADMIN_PASSWORD: z
    .string({ message: 'is required: the first admin password printed at the first start' })
    .min(1, 'is required'),
  DEMO_REQUESTS: z.coerce.number().int().min(1).max(100_000).default(300),
  DEMO_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(8),
});

export function loadDemoEnv(source: Record<string, string | undefined> = process.env) {
  const parsed = demoEnvSchema.safeParse(
    Object.fromEntries(Object.entries(source).filter(([, v]) => v !== '')),
  );
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new EnvError(String(issue.path[0] ?? 'environment'), issue.message);
  }
  return parsed.data;
}
