/**
 * Configuration as code (README "GitOps"): export the routing configuration as YAML, and apply a file through the
 * admin services themselves (the same validation, URL policy, audit entries and live reload as the admin API),
 * by the actor "config file".
 *
 * Apply validates everything first (the file against the API's own schemas, then against the database: provider
 * types, base URLs, the providers and model refs it names) and only then writes, so a bad file changes nothing.
 * The whole apply is one database transaction (the checks, every change with its audit entry, the managed marks):
 * when the database refuses a change after the checks passed, nothing stays; the routing reloads after the commit.
 * Objects in the file are created or updated; objects not in it are left alone unless `prune` deletes them.
 */
import { isDeepStrictEqual } from 'node:util';
import { Document, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import {
  CAPABILITY_VALUES,
  CONFIG_FILE_API_VERSION,
  CONFIG_FILE_KIND,
  configAliasSchema,
  configAgentSchema,
  configRuleSchema,
  configExperimentSchema,
  TIERS,
  configChainSchema,
  configModelSchema,
  configPowerLevelSchema,
  configProviderSchema,
  configPath,
  formatConfigIssues,
  isLegacyConfigFile,
  parseConfigFile,
  type AuthPatch,
  type ConfigFile,
  type ConfigFileIssue,
  type UpdateAliasBody,
  type UpdateExperimentBody,
  type UpdateModelBody,
  type UpdatePowerLevelBody,
  type UpdateProviderBody,
} from '@switchyard/core';
import type {
  Agent as AgentRow,
  Alias,
  Experiment as ExperimentRow,
  FallbackChain,
  Model,
  PowerLevel,
  Provider,
  RoutingRule as RuleRow,
} from '@switchyard/prisma';
import type { AppContext } from '../../context.js';
import { toAppError } from '../../http/error-map.js';
import { DISABLED_MISSING_ENV } from '../../lib/provider-status.js';
import { HealthNotes } from '../../router/health-notes.js';
import type { RoutingRuntime } from '../../router/runtime.js';
import { envRefName } from '../../router/secrets-resolver.js';
import { providerDefaults, isProviderType } from '../../providers/index.js';
import { AgentsService, presentAgent } from '../agents/agents.service.js';
import { RulesService, presentRule } from '../rules/rules.service.js';
import { ExperimentsService, presentExperiment } from '../experiments/experiments.service.js';
import type { Actor } from '../gateway-keys/gateway-keys.service.js';
import { ModelsService } from '../models/models.service.js';
import { ProviderHealthService } from '../providers/provider-health.service.js';
import {
  newProviderProblem,
  presentConfig,
  ProvidersService,
  sameUrl,
  maskSecret,
  secretConfigValues,
} from '../providers/providers.service.js';
import { RoutingService } from '../routing-config/routing.service.js';
import { transactionScope, type TransactionScope } from './apply-transaction.js';

/** Who the audit log names for a change made by a configuration file (the operator's own authority). */
export const CONFIG_FILE_ACTOR: Actor = {
  id: 'config-file',
  email: 'config file',
  role: 'super_admin',
  ip: null,
};

/** The largest file apply reads. */
export const CONFIG_FILE_MAX_BYTES = 5 * 1024 * 1024;

/** A file that cannot be applied: every problem, each with its path in the file (and line, when known). */
export class ConfigFileError extends Error {
  constructor(readonly issues: ConfigFileIssue[]) {
    super(formatConfigIssues(issues));
  }
}

/** A failure's reason on one line: Prisma's messages start with the call (and its code) and end with the reason. */
function reasonOf(cause: unknown): string {
  const text = cause instanceof Error ? cause.message : String(cause);
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  if (lines.length > 1 && lines.some((l) => /invocation/.test(l))) return lines[lines.length - 1]!;
  return lines.join(' ') || text;
}

/**
 * The apply failed after the file was checked (the database or a service refused a change, or the database went
 * away): the transaction was rolled back, so nothing of the file was applied. `failed` is the change that failed
 * (null when the failure was not one change's: reading the configuration, the managed marks, the commit).
 */
export class ConfigApplyError extends Error {
  readonly failed: ConfigChange | null;
  /** As an HTTP answer would say it: the service's own 4xx, 409 for a conflicting row, 503 without a database. */
  readonly status: number;

  constructor(
    /** Every change the apply was making (none of them stays). */
    readonly changes: ConfigChange[],
    index: number | null,
    override readonly cause: unknown,
  ) {
    const failed = index === null ? null : (changes[index] ?? null);
    super(
      `${failed ? `${changeLine(failed)} (change ${index! + 1} of ${changes.length}) failed` : 'the apply failed'}: ${reasonOf(cause)}`,
    );
    this.failed = failed;
    this.status = toAppError(cause)?.status ?? 500;
  }

  /** The report: what failed and why, that nothing was kept, and what to do. */
  report(): string {
    const n = this.changes.length;
    return [
      this.message,
      `The apply is one transaction and was rolled back: none of its ${n} change${n === 1 ? '' : 's'} was kept.`,
      'Fix the cause and apply the file again.',
    ].join('\n');
  }
}

export type ConfigKind =
  | 'routing'
  | 'provider'
  | 'model'
  | 'power level'
  | 'alias'
  | 'fallback chain'
  | 'agent'
  | 'rule'
  | 'experiment';

/** One change an apply makes (or a dry run would make). */
export interface ConfigChange {
  action: 'create' | 'update' | 'delete';
  kind: ConfigKind;
  /** The object's key: a provider's slug, `<provider>/<model-id>`, an alias name, a chain's model ref... */
  name: string;
  /** What an update changes. */
  fields: { field: string; before: unknown; after: unknown }[];
}

export interface ConfigPlan {
  changes: ConfigChange[];
  /** Applied and committed, but something after the commit did not go through (the live routing reload). */
  warning?: string;
}

interface Step {
  change: ConfigChange;
  run: () => Promise<unknown>;
}

/** The admin services an apply goes through, on one database client (the transaction's, when applying). */
interface Services {
  prisma: AppContext['prisma'];
  providers: ProvidersService;
  models: ModelsService;
  routing: RoutingService;
  agents: AgentsService;
  rules: RulesService;
  experiments: ExperimentsService;
}

/** How long one apply's transaction may take (a first apply of a large file makes thousands of writes). */
const APPLY_TIMEOUT_MS = 5 * 60_000;
/** How long an apply waits for the database to start its transaction. */
const APPLY_MAX_WAIT_MS = 30_000;

type ModelRow = Model & { provider: { slug: string } };
type FileProvider = ConfigFile['providers'][number];
type FileModel = ConfigFile['models'][number];

const KIND_ORDER: ConfigKind[] = [
  'provider',
  'model',
  'power level',
  'alias',
  'fallback chain',
  'agent',
  'rule',
  'experiment',
  'routing',
];
const round6 = (n: number) => Math.round(n * 1e6) / 1e6;
const ROUTABLE_CAPABILITIES: ReadonlySet<string> = new Set(CAPABILITY_VALUES);

/**
 * The `_env` references of a stored auth, as the file's `auth` writes them (secrets set in the dashboard are not
 * written; a provider's key is its `apiKeyEnv`, left out here as `except`).
 */
function authEnvRefs(raw: unknown, except?: string): Record<string, { _env: string }> {
  const out: Record<string, { _env: string }> = {};
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return out;
  for (const [name, v] of Object.entries(raw as Record<string, unknown>).sort(([a], [b]) =>
    a.localeCompare(b),
  )) {
    const env = envRefName(v);
    if (env && name !== except) out[name] = { _env: env };
  }
  return out;
}

/** The auth write that makes the stored references the file's: those it names set, the other references removed. */
function authPatchTo(raw: unknown, want: Record<string, { _env: string }>, except?: string): AuthPatch {
  const patch: AuthPatch = { ...want };
  for (const name of Object.keys(authEnvRefs(raw, except)))
    if (!Object.hasOwn(want, name)) patch[name] = null;
  return patch;
}

/** A provider as the file writes it (the key never: only its `_env` reference). */
function providerEntry(p: Provider) {
  const auth = (p.auth ?? {}) as Record<string, unknown>;
  return {
    slug: p.slug,
    type: p.type,
    name: p.name,
    baseUrl: p.baseUrl,
    apiKeyEnv: envRefName(auth.apiKey),
    priority: p.priority,
    autoFallback: p.autoFallback,
    // A provider the seed disabled for a missing env var is active as far as its configuration goes; a failed test
    // ("error") is live state, not configuration.
    status: (p.status === 'disabled' && p.disabledReason !== DISABLED_MISSING_ENV ? 'disabled' : 'active') as
      'active' | 'disabled',
    rateLimitBuckets: p.rateLimitBuckets as FileProvider['rateLimitBuckets'],
    baseUrlWeight: p.baseUrlWeight,
    endpoints: p.endpoints as FileProvider['endpoints'],
    region: p.region,
    config: presentConfig(p.config),
    auth: authEnvRefs(p.auth, 'apiKey'),
  };
}

/** A global model as the file writes it (prices only when known). */
function modelEntry(m: ModelRow) {
  return {
    provider: m.provider.slug,
    modelId: m.modelId,
    displayName: m.displayName,
    description: m.description,
    ...(m.priced
      ? { priceInputPer1M: Number(m.priceInputPer1M), priceOutputPer1M: Number(m.priceOutputPer1M) }
      : {}),
    priceCachedInputPer1M: m.priceCachedInputPer1M === null ? null : Number(m.priceCachedInputPer1M),
    contextWindow: m.contextWindow,
    maxOutputTokens: m.maxOutputTokens,
    qualityTier: m.qualityTier as FileModel['qualityTier'],
    qualityScore: m.qualityScore,
    // `reasoning` is informative (curated on catalogue models): not something a file sets.
    capabilities: (m.capabilities as string[]).filter((c) => ROUTABLE_CAPABILITIES.has(c)) as NonNullable<
      FileModel['capabilities']
    >,
    config: (m.config ?? {}) as Record<string, unknown>,
    enabled: m.enabled,
    isDefault: m.isDefault,
    priority: m.priority,
    auth: authEnvRefs(m.auth),
  };
}

function aliasEntry(a: Alias) {
  return {
    name: a.name,
    strategy: a.strategy as ConfigFile['aliases'][number]['strategy'],
    targets: a.targets as { ref: string; weight: number }[],
    fallbacks: a.fallbacks as string[],
    description: a.description,
    enabled: a.enabled,
    cacheTtlSeconds: a.cacheTtlSeconds,
  };
}

function chainEntry(c: FallbackChain) {
  return { modelRef: c.modelRef, targets: c.targets, description: c.description, enabled: c.enabled };
}

/** An agent as the file writes it: as the API shows it, without its database id and times. */
function agentEntry(a: AgentRow) {
  const { id: _id, createdAt: _c, updatedAt: _u, ...entry } = presentAgent(a);
  return entry;
}

/** A routing rule as the file writes it (its place in the file is its order). */
function ruleEntry(r: RuleRow) {
  const p = presentRule(r);
  return {
    name: p.name,
    ...(p.description ? { description: p.description } : {}),
    enabled: p.enabled,
    when: p.when,
    then: p.then,
  };
}

/** An experiment's definition as the file writes it: not its status (the dashboard starts and stops it). */
function experimentEntry(e: ExperimentRow) {
  const v = presentExperiment(e, Date.now());
  return {
    name: v.name,
    description: v.description,
    alias: v.alias,
    stickiness: v.stickiness,
    variants: v.variants,
    startsAt: v.startsAt,
    endsAt: v.endsAt,
  };
}

/** Two optional instants (ISO texts) that are the same time (`…Z` and `….000Z`, or both unset). */
const sameInstant = (a: unknown, b: unknown): boolean =>
  (a ?? null) === null || (b ?? null) === null
    ? (a ?? null) === (b ?? null)
    : Date.parse(String(a)) === Date.parse(String(b));

/** What a started experiment keeps as it was (as the experiments API refuses to change it). */
const FROZEN_ONCE_STARTED = new Set(['alias', 'variants', 'stickiness', 'startsAt']);

function levelEntry(l: PowerLevel) {
  return {
    slug: l.slug,
    name: l.name,
    description: l.description,
    tier: l.qualityTier as 'eco' | 'balanced' | 'precision',
    modelRefs: l.modelRefs,
    enabled: l.enabled,
  };
}

/**
 * A stored object as the file schema reads it (strings trimmed, slugs lowercased...), so that a value the file
 * cannot write differently (a trailing newline) is not a change forever; as it is when the schema refuses it.
 */
function normalized<T extends Record<string, unknown>>(schema: z.ZodType, entry: T): Record<string, unknown> {
  const r = schema.safeParse(entry);
  return r.success ? (r.data as Record<string, unknown>) : entry;
}

/** The fields of `want` that differ from `have` (only the keys `want` sets), with a comparison per field. */
function diffFields<T extends Record<string, unknown>>(
  have: Record<string, unknown>,
  want: T,
  same: Partial<Record<string, (a: unknown, b: unknown) => boolean>> = {},
): ConfigChange['fields'] {
  const out: ConfigChange['fields'] = [];
  for (const [field, after] of Object.entries(want)) {
    if (after === undefined) continue;
    const before = have[field];
    const eq = same[field] ?? isDeepStrictEqual;
    if (!eq(before, after)) out.push({ field, before, after });
  }
  return out;
}

const bodyOf = (fields: ConfigChange['fields']) =>
  Object.fromEntries(fields.map((f) => [f.field, f.after])) as Record<string, unknown>;

/** Entries without their empty optional fields, so an export reads like a hand-written file. */
function compact<T extends Record<string, unknown>>(o: T, emptyKeys: readonly string[] = []): Partial<T> {
  return Object.fromEntries(
    Object.entries(o).filter(([k, v]) => {
      if (v === null || v === undefined) return false;
      if (!emptyKeys.includes(k)) return true;
      if (Array.isArray(v)) return v.length > 0;
      return typeof v !== 'object' || Object.keys(v).length > 0;
    }),
  ) as Partial<T>;
}

export class ConfigFileService {
  /** The services on the database itself: export, plan and dry run (they only read). */
  readonly #direct: Services;

  constructor(
    private readonly ctx: AppContext,
    private readonly routing: RoutingRuntime,
    health: ProviderHealthService,
  ) {
    this.#direct = ConfigFileService.#services(ctx, routing, health);
  }

  static #services(ctx: AppContext, routing: RoutingRuntime, health: ProviderHealthService): Services {
    return {
      prisma: ctx.prisma,
      providers: new ProvidersService(ctx, health),
      models: new ModelsService(ctx),
      routing: new RoutingService(ctx, routing),
      agents: new AgentsService(ctx),
      rules: new RulesService(ctx, routing),
      experiments: new ExperimentsService(ctx),
    };
  }

  /** The services on a transaction (the providers' live state read through it too, and its notes kept in it). */
  #inTransaction(scope: TransactionScope): Services {
    const { ctx } = scope;
    const health = new ProviderHealthService(ctx, this.routing, new HealthNotes(ctx.prisma, ctx.logger));
    return ConfigFileService.#services(ctx, this.routing, health);
  }

  async #current(s: Services) {
    const p = s.prisma;
    const [providers, models, aliases, chains, levels, rules, agents, routingRules, experiments] =
      await Promise.all([
        p.provider.findMany({ orderBy: [{ priority: 'asc' }, { slug: 'asc' }] }),
        p.model.findMany({
          where: { scope: 'global' },
          include: { provider: { select: { slug: true } } },
          orderBy: [{ provider: { slug: 'asc' } }, { priority: 'asc' }, { modelId: 'asc' }],
        }),
        p.alias.findMany({ where: { scope: 'global' }, orderBy: { name: 'asc' } }),
        p.fallbackChain.findMany({ orderBy: { modelRef: 'asc' } }),
        p.powerLevel.findMany({ orderBy: [{ sortOrder: 'asc' }, { slug: 'asc' }] }),
        s.routing.rules(),
        p.agent.findMany({ orderBy: { agentId: 'asc' } }),
        p.routingRule.findMany({ orderBy: [{ order: 'asc' }, { id: 'asc' }] }),
        p.experiment.findMany({ orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] }),
      ]);
    return { providers, models, aliases, chains, levels, rules, agents, routingRules, experiments };
  }

  // ---- export ---------------------------------------------------------------------------------------------

  /**
   * The configuration as a YAML file, and warnings for what it cannot hold: keys stored in the database (each
   * provider's entry carries a commented `apiKeyEnv` placeholder instead) and secret config values (masked).
   */
  async export(): Promise<{ yaml: string; warnings: string[] }> {
    const cur = await this.#current(this.#direct);
    // Every rule the file can set (routingRulesBody), as stored; not the read-only strategy texts or the time.
    const { strategies: _texts, updatedAt: _at, defaultModel, ...rules } = cur.rules;
    const names = new Map<string, number>();
    for (const e of cur.experiments) names.set(e.name, (names.get(e.name) ?? 0) + 1);
    const sharedNames = new Set([...names].filter(([, n]) => n > 1).map(([name]) => name));
    const doc = new Document({
      apiVersion: CONFIG_FILE_API_VERSION,
      kind: CONFIG_FILE_KIND,
      routing: defaultModel === null ? rules : { ...rules, defaultModel },
      providers: cur.providers.map((p) =>
        compact(providerEntry(p), ['rateLimitBuckets', 'config', 'endpoints', 'auth']),
      ),
      models: cur.models.map((m) => compact(modelEntry(m), ['config', 'auth'])),
      powerLevels: cur.levels.map(levelEntry),
      aliases: cur.aliases.map((a) => compact(aliasEntry(a), ['fallbacks'])),
      fallbackChains: cur.chains.map((c) => compact(chainEntry(c))),
      agents: cur.agents.map(agentEntry),
      rules: cur.routingRules.map((r) => compact(ruleEntry(r), ['when'])),
      // An empty description is left out, as a hand-written file would (it reads back as empty). A name the
      // dashboard gave to several experiments is left out (the file keys them by name; see the warning).
      experiments: cur.experiments
        .filter((e) => !sharedNames.has(e.name))
        .map((e) => compact({ ...experimentEntry(e), description: e.description || undefined })),
    });
    doc.commentBefore = [
      ' Switchyard configuration (README "GitOps").',
      ' Check: pnpm switchyard config apply <file> --dry-run; apply: pnpm switchyard config apply <file>.',
      " Keys are never written here: name an environment variable in a provider's apiKeyEnv.",
    ].join('\n');
    const warnings: string[] = [];
    for (const name of sharedNames)
      warnings.push(
        `experiment "${name}": ${names.get(name)} experiments have this name, so none of them was exported (rename all but one in the dashboard)`,
      );
    cur.providers.forEach((p, i) => {
      const notes: string[] = [];
      if (p.encryptedApiKey) {
        const env =
          (isProviderType(p.type) && providerDefaults(p.type).envKey) ||
          `${p.slug.toUpperCase().replace(/-/g, '_')}_API_KEY`;
        notes.push(
          ' Its key is stored in the database and is not exported. To manage it in this file, put it in an',
          ' environment variable of the server and name it here:',
          ` apiKeyEnv: ${env}`,
        );
        warnings.push(
          `provider "${p.slug}": its key is stored in the database and was not exported (providers[${i}] has an apiKeyEnv placeholder comment)`,
        );
      }
      if (secretConfigValues(p.config).length) {
        notes.push(' Secret config values are masked; applying keeps the stored ones.');
        warnings.push(`provider "${p.slug}": secret config values are masked in the file`);
      }
      if (notes.length) {
        const node = doc.getIn(['providers', i], true) as { commentBefore?: string | null } | undefined;
        if (node) node.commentBefore = notes.join('\n');
      }
    });
    return { yaml: doc.toString({ lineWidth: 0 }), warnings };
  }

  // ---- parse ----------------------------------------------------------------------------------------------

  /** A YAML (or JSON) text as a config file; a ConfigFileError names each problem's path and line. */
  parse(text: string): ConfigFile {
    return this.#parse(text).config;
  }

  #parse(text: string): { config: ConfigFile; located: (issues: ConfigFileIssue[]) => ConfigFileIssue[] } {
    if (Buffer.byteLength(text) > CONFIG_FILE_MAX_BYTES)
      throw new ConfigFileError([
        { path: '(the file)', segments: [], message: `is larger than ${CONFIG_FILE_MAX_BYTES} bytes` },
      ]);
    // `pnpm switchyard config export > file` leaves pnpm's banner ("> switchyard@ switchyard ...") on top: no config
    // file starts with ">", so those lines are blanked (the line numbers stay right).
    text = text.replace(/^\s*(?:> [^\n]*\n)+/, (m) => m.replace(/[^\n]/g, ''));
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
    if (doc.errors.length) {
      throw new ConfigFileError(
        doc.errors.map((e) => ({
          path: `line ${lines.linePos(e.pos[0]).line}`,
          segments: [],
          message: `not valid YAML: ${e.message.split('\n')[0]}`,
        })),
      );
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (err) {
      throw new ConfigFileError([
        { path: '(the file)', segments: [], message: `not valid YAML: ${(err as Error).message}` },
      ]);
    }
    // Each problem with the line of the deepest node its path reaches.
    const located = (issues: ConfigFileIssue[]) =>
      issues.map((i) => {
        for (let n = i.segments.length; n > 0; n--) {
          const node = doc.getIn(i.segments.slice(0, n), true) as
            { range?: [number, number, number] } | undefined;
          if (node?.range) return { ...i, path: `${i.path} (line ${lines.linePos(node.range[0]).line})` };
        }
        return i;
      });
    const r = parseConfigFile(value);
    if (!r.ok) throw new ConfigFileError(located(r.issues));
    return { config: r.config, located };
  }

  // ---- plan and apply -------------------------------------------------------------------------------------

  /** What applying `file` would change, checked against the database; a ConfigFileError when it cannot apply. */
  async plan(file: ConfigFile, o: { prune?: boolean } = {}): Promise<ConfigPlan> {
    const { changes } = await this.#steps(file, o.prune ?? false, this.#direct);
    return { changes };
  }

  /**
   * Apply `file` (nothing when `dryRun`) in one transaction: validated in full first, then each change through
   * the admin services as the actor "config file" (with its audit entry), then the objects the file lists are
   * marked as managed by it; after the commit the routing reloads. A ConfigFileError when the file cannot apply, a
   * ConfigApplyError when a change failed: either way nothing was changed.
   */
  async apply(file: ConfigFile, o: { prune?: boolean; dryRun?: boolean } = {}): Promise<ConfigPlan> {
    const prune = o.prune ?? false;
    if (o.dryRun) return { changes: (await this.#steps(file, prune, this.#direct)).changes };
    let scope: TransactionScope | undefined;
    let planned: ConfigChange[] = [];
    let at: number | null = null;
    let changes: ConfigChange[];
    try {
      changes = await this.ctx.prisma.$transaction(
        async (tx) => {
          scope = transactionScope(this.ctx, tx);
          const s = this.#inTransaction(scope);
          // Checked and planned in the transaction: what it writes is what it checked.
          const { steps, changes } = await this.#steps(file, prune, s);
          planned = changes;
          for (const [i, step] of steps.entries()) {
            at = i;
            await step.run();
          }
          at = null;
          await this.#markManaged(file, s.prisma);
          return changes;
        },
        { timeout: APPLY_TIMEOUT_MS, maxWait: APPLY_MAX_WAIT_MS },
      );
    } catch (err) {
      if (err instanceof ConfigFileError) throw err;
      throw new ConfigApplyError(planned, at, err);
    }
    // Committed: a failed live reload is a warning with the changes, not an error (nothing would be undone).
    const warning = await scope!.committed();
    return warning === null ? { changes } : { changes, warning };
  }

  /** Parse then apply a text: the CLI's and CONFIG_FILE's path. */
  async applyText(text: string, o: { prune?: boolean; dryRun?: boolean } = {}) {
    const { config, located } = this.#parse(text);
    try {
      return await this.apply(config, o);
    } catch (err) {
      // The database checks' problems with their lines too.
      if (err instanceof ConfigFileError) throw new ConfigFileError(located(err.issues));
      throw err;
    }
  }

  async #markManaged(file: ConfigFile, p: AppContext['prisma']) {
    const slugs = file.providers.map((x) => x.slug);
    const models = await p.model.findMany({
      where: { scope: 'global' },
      select: { id: true, modelId: true, provider: { select: { slug: true } } },
    });
    const listed = new Set(file.models.map((m) => `${m.provider}/${m.modelId}`));
    const modelIds = models.filter((m) => listed.has(`${m.provider.slug}/${m.modelId}`)).map((m) => m.id);
    const names = file.aliases.map((a) => a.name);
    const refs = file.fallbackChains.map((c) => c.modelRef);
    const mark = <W>(where: W, data: { managedByConfig: boolean }) => ({ where, data });
    await p.$transaction([
      p.provider.updateMany(mark({ slug: { in: slugs }, managedByConfig: false }, { managedByConfig: true })),
      p.provider.updateMany(
        mark({ slug: { notIn: slugs }, managedByConfig: true }, { managedByConfig: false }),
      ),
      p.model.updateMany(mark({ id: { in: modelIds }, managedByConfig: false }, { managedByConfig: true })),
      p.model.updateMany(
        mark({ id: { notIn: modelIds }, managedByConfig: true }, { managedByConfig: false }),
      ),
      p.alias.updateMany(
        mark({ scope: 'global', name: { in: names }, managedByConfig: false }, { managedByConfig: true }),
      ),
      p.alias.updateMany(mark({ name: { notIn: names }, managedByConfig: true }, { managedByConfig: false })),
      p.fallbackChain.updateMany(
        mark({ modelRef: { in: refs }, managedByConfig: false }, { managedByConfig: true }),
      ),
      p.fallbackChain.updateMany(
        mark({ modelRef: { notIn: refs }, managedByConfig: true }, { managedByConfig: false }),
      ),
    ]);
  }

  /** Every change, in order, with the problems found first (a ConfigFileError when there is any). */
  async #steps(
    file: ConfigFile,
    prune: boolean,
    services: Services,
  ): Promise<{ steps: Step[]; changes: ConfigChange[] }> {
    const cur = await this.#current(services);
    const issues: ConfigFileIssue[] = [];
    const issue = (segments: (string | number)[], message: string) =>
      issues.push({ path: configPath(segments), segments, message });
    const steps: Step[] = [];
    const step = (change: ConfigChange, run: () => Promise<unknown>) => steps.push({ change, run });
    const actor = CONFIG_FILE_ACTOR;

    // ---- providers
    const providerBySlug = new Map(cur.providers.map((p) => [p.slug, p]));
    const fileSlugs = new Set(file.providers.map((p) => p.slug));
    const prunedProviders = prune ? cur.providers.filter((p) => !fileSlugs.has(p.slug)) : [];
    const prunedProviderIds = new Set(prunedProviders.map((p) => p.id));
    for (const [i, f] of file.providers.entries()) {
      const have = providerBySlug.get(f.slug);
      // Secret config values only as the export masks them (applying keeps the stored value), never in clear.
      const stored = new Map(secretConfigValues(have?.config).map((x) => [x.path, x.value]));
      for (const { path, value } of secretConfigValues(f.config)) {
        const was = stored.get(path);
        if (was === undefined || value !== maskSecret(was))
          issue(
            ['providers', i, 'config', ...path.split('.')],
            'a secret may not be written in the config file (a credential header or AWS secret): keep the masked value the export wrote, or set it in the dashboard',
          );
      }
      if (!have) {
        const problem = await newProviderProblem(this.ctx.outbound.policy, f);
        if (problem) issue(['providers', i, problem.field], problem.message);
        for (const [j, e] of f.endpoints.entries()) {
          const bad = await this.ctx.outbound.policy.checkUrl(e.baseUrl);
          if (bad) issue(['providers', i, 'endpoints', j, 'baseUrl'], bad);
        }
        step({ action: 'create', kind: 'provider', name: f.slug, fields: [] }, () =>
          services.providers.create(actor, f),
        );
        continue;
      }
      if (have.type !== f.type) {
        issue(
          ['providers', i, 'type'],
          `is "${have.type}" in the database and cannot change (use another slug for a provider of type "${f.type}")`,
        );
        continue;
      }
      const want: UpdateProviderBody = {
        name: f.name,
        baseUrl: f.baseUrl ?? null,
        apiKeyEnv: f.apiKeyEnv ?? null,
        priority: f.priority,
        autoFallback: f.autoFallback,
        status: f.status,
        rateLimitBuckets: f.rateLimitBuckets,
        config: f.config,
        baseUrlWeight: f.baseUrlWeight,
        endpoints: f.endpoints,
        // Absent in the file: none (as the export writes a provider without one).
        region: f.region ?? null,
        // Only when the file lists auth: its references are then the provider's.
        auth: f.auth,
      };
      const fields = diffFields(normalized(configProviderSchema, providerEntry(have)), want, {
        baseUrl: (a, b) => sameUrl(a as string | null, b as string | null),
      });
      if (!fields.length) continue;
      if (fields.some((x) => x.field === 'baseUrl') && f.baseUrl) {
        const problem = await this.ctx.outbound.policy.checkUrl(f.baseUrl);
        if (problem) issue(['providers', i, 'baseUrl'], problem);
      }
      if (fields.some((x) => x.field === 'endpoints'))
        for (const [j, e] of f.endpoints.entries()) {
          const problem = await this.ctx.outbound.policy.checkUrl(e.baseUrl);
          if (problem) issue(['providers', i, 'endpoints', j, 'baseUrl'], problem);
        }
      const body = bodyOf(fields) as UpdateProviderBody;
      if (f.auth && body.auth) body.auth = authPatchTo(have.auth, f.auth, 'apiKey');
      step({ action: 'update', kind: 'provider', name: f.slug, fields }, () =>
        services.providers.update(actor, have.id, body),
      );
    }

    // ---- models (global). In a v1 file `isDefault` is the old per-scope marker (the seed put it on the mock), which
    // routed nothing: not applied, or it would make the gateway-wide default; that is routing.defaultModel there.
    const markers = !isLegacyConfigFile(file);
    const modelKey = (slug: string, modelId: string) => `${slug}/${modelId}`;
    const modelByKey = new Map(cur.models.map((m) => [modelKey(m.provider.slug, m.modelId), m]));
    const fileModelKeys = new Set(file.models.map((m) => modelKey(m.provider, m.modelId)));
    const prunedModels = prune
      ? cur.models.filter(
          (m) =>
            !fileModelKeys.has(modelKey(m.provider.slug, m.modelId)) && !prunedProviderIds.has(m.providerId),
        )
      : [];
    for (const [i, f] of file.models.entries()) {
      const key = modelKey(f.provider, f.modelId);
      const provider = providerBySlug.get(f.provider);
      const providerKnown = fileSlugs.has(f.provider) || (provider && !prunedProviderIds.has(provider.id));
      if (!providerKnown) {
        issue(['models', i, 'provider'], `no provider "${f.provider}" in the file or the database`);
        continue;
      }
      const { provider: slug, ...fields } = f;
      const have = modelByKey.get(key);
      if (!have) {
        step({ action: 'create', kind: 'model', name: key, fields: [] }, async () => {
          const p = await services.prisma.provider.findUniqueOrThrow({
            where: { slug },
            select: { id: true },
          });
          return services.models.create(actor, {
            ...fields,
            isDefault: markers && fields.isDefault,
            providerId: p.id,
            scope: 'global',
          });
        });
        continue;
      }
      const priced = f.priceInputPer1M !== undefined || f.priceOutputPer1M !== undefined;
      const entry = modelEntry(have);
      const want: Record<string, unknown> = {
        displayName: f.displayName,
        description: f.description ?? null,
        priceCachedInputPer1M:
          f.priceCachedInputPer1M === undefined || f.priceCachedInputPer1M === null
            ? null
            : round6(f.priceCachedInputPer1M),
        contextWindow: f.contextWindow ?? null,
        maxOutputTokens: f.maxOutputTokens ?? null,
        qualityTier: f.qualityTier,
        qualityScore: f.qualityScore,
        capabilities: f.capabilities,
        config: f.config,
        enabled: f.enabled,
        isDefault: markers ? f.isDefault : undefined,
        priority: f.priority,
        auth: f.auth,
      };
      const diff = diffFields(normalized(configModelSchema, entry), want, {
        capabilities: (a, b) => isDeepStrictEqual([...(a as string[])].sort(), [...(b as string[])].sort()),
      });
      const update: UpdateModelBody = bodyOf(diff) as UpdateModelBody;
      if (f.auth && update.auth) update.auth = authPatchTo(have.auth, f.auth);
      const inOut = (m: { priceInputPer1M?: number; priceOutputPer1M?: number }) =>
        `${m.priceInputPer1M ?? 0} / ${m.priceOutputPer1M ?? 0}`;
      if (priced) {
        const input = round6(f.priceInputPer1M ?? 0);
        const output = round6(f.priceOutputPer1M ?? 0);
        if (!have.priced || input !== entry.priceInputPer1M || output !== entry.priceOutputPer1M) {
          Object.assign(update, { priceInputPer1M: input, priceOutputPer1M: output, priced: true });
          diff.push({
            field: 'prices',
            before: have.priced ? inOut(entry) : 'unpriced',
            after: inOut({ priceInputPer1M: input, priceOutputPer1M: output }),
          });
        }
      } else if (have.priced) {
        update.priced = false;
        diff.push({ field: 'prices', before: inOut(entry), after: 'unpriced' });
      }
      if (!diff.length) continue;
      step({ action: 'update', kind: 'model', name: key, fields: diff }, () =>
        services.models.update(actor, have.id, update),
      );
    }

    // ---- model refs (aliases, chains, power levels): the registry as it will be after this apply
    const prunedModelIds = new Set(prunedModels.map((m) => m.id));
    const allModels = await services.prisma.model.findMany({
      select: { id: true, modelId: true, providerId: true, provider: { select: { slug: true } } },
    });
    const known = new Set<string>();
    for (const m of allModels) {
      if (prunedModelIds.has(m.id) || prunedProviderIds.has(m.providerId)) continue;
      known.add(m.modelId);
      known.add(modelKey(m.provider.slug, m.modelId));
    }
    for (const m of file.models) {
      known.add(m.modelId);
      known.add(modelKey(m.provider, m.modelId));
    }
    const checkRef = (segments: (string | number)[], ref: string) => {
      if (!known.has(ref)) issue(segments, `no model "${ref}" in the file or the registry`);
    };

    // ---- power levels (they exist: the file changes them)
    const levelBySlug = new Map(cur.levels.map((l) => [l.slug, l]));
    for (const [i, f] of file.powerLevels.entries()) {
      const have = levelBySlug.get(f.slug);
      if (!have) {
        issue(
          ['powerLevels', i, 'slug'],
          `no power level "${f.slug}" (there are ${[...levelBySlug.keys()].join(', ') || 'none'})`,
        );
        continue;
      }
      f.modelRefs?.forEach((ref, j) => checkRef(['powerLevels', i, 'modelRefs', j], ref));
      const { slug: _slug, ...want } = f;
      const fields = diffFields(normalized(configPowerLevelSchema, levelEntry(have)), want);
      if (!fields.length) continue;
      step({ action: 'update', kind: 'power level', name: f.slug, fields }, () =>
        services.routing.updatePowerLevel(actor, f.slug, bodyOf(fields) as UpdatePowerLevelBody),
      );
    }

    // ---- aliases (global)
    const aliasByName = new Map(cur.aliases.map((a) => [a.name, a]));
    const aliasNames = new Set(file.aliases.map((a) => a.name));
    for (const [i, f] of file.aliases.entries()) {
      f.targets.forEach((t, j) => checkRef(['aliases', i, 'targets', j, 'ref'], t.ref));
      f.fallbacks.forEach((ref, j) => checkRef(['aliases', i, 'fallbacks', j], ref));
      const have = aliasByName.get(f.name);
      if (!have) {
        step({ action: 'create', kind: 'alias', name: f.name, fields: [] }, () =>
          services.routing.createAlias(actor, { ...f, orgId: null }),
        );
        continue;
      }
      const fields = diffFields(normalized(configAliasSchema, aliasEntry(have)), {
        ...f,
        description: f.description ?? null,
      });
      if (!fields.length) continue;
      step({ action: 'update', kind: 'alias', name: f.name, fields }, () =>
        services.routing.updateAlias(actor, have.id, bodyOf(fields) as UpdateAliasBody),
      );
    }

    // ---- fallback chains
    const chainByRef = new Map(cur.chains.map((c) => [c.modelRef, c]));
    const chainRefs = new Set(file.fallbackChains.map((c) => c.modelRef));
    for (const [i, f] of file.fallbackChains.entries()) {
      checkRef(['fallbackChains', i, 'modelRef'], f.modelRef);
      f.targets.forEach((ref, j) => checkRef(['fallbackChains', i, 'targets', j], ref));
      const have = chainByRef.get(f.modelRef);
      const body = { ...f, description: f.description ?? null };
      if (!have) {
        step({ action: 'create', kind: 'fallback chain', name: f.modelRef, fields: [] }, () =>
          services.routing.createChain(actor, body),
        );
        continue;
      }
      const fields = diffFields(normalized(configChainSchema, chainEntry(have)), body);
      if (!fields.length) continue;
      step({ action: 'update', kind: 'fallback chain', name: f.modelRef, fields }, () =>
        services.routing.updateChain(actor, have.id, body),
      );
    }

    // ---- agents (their models are any name routing resolves: aliases, power levels, models; not checked here)
    const agentById = new Map(cur.agents.map((a) => [a.agentId, a]));
    const agentIds = new Set(file.agents.map((a) => a.agentId));
    for (const f of file.agents) {
      const have = agentById.get(f.agentId);
      if (!have) {
        step({ action: 'create', kind: 'agent', name: f.agentId, fields: [] }, () =>
          services.agents.create(actor, f),
        );
        continue;
      }
      const fields = diffFields(normalized(configAgentSchema, agentEntry(have)), f);
      if (!fields.length) continue;
      step({ action: 'update', kind: 'agent', name: f.agentId, fields }, () =>
        services.agents.update(actor, have.id, bodyOf(fields)),
      );
    }

    // ---- conditional routing rules, by name; the file's order is their order
    const ruleByName = new Map(cur.routingRules.map((r) => [r.name, r]));
    const ruleNames = new Set(file.rules.map((r) => r.name));
    file.rules.forEach((f, order) => {
      const { order: _ignored, ...want } = f;
      const have = ruleByName.get(f.name);
      if (!have) {
        step({ action: 'create', kind: 'rule', name: f.name, fields: [] }, () =>
          services.rules.create(actor, { ...want, order }),
        );
        return;
      }
      const fields = diffFields(normalized(configRuleSchema, ruleEntry(have)), want);
      if (have.order !== order) fields.push({ field: 'order', before: have.order, after: order });
      if (!fields.length) return;
      step({ action: 'update', kind: 'rule', name: f.name, fields }, () =>
        services.rules.update(actor, have.id, bodyOf(fields)),
      );
    });

    // ---- experiments, by name: their definitions (the dashboard owns their status). Their alias and variant
    // targets must exist once this apply is done; a started one keeps its alias, variants, stickiness and start.
    // Every alias the database will hold: the file's, and the others unless pruned (only global ones are).
    const storedAliases = await services.prisma.alias.findMany({ select: { name: true, scope: true } });
    const aliasesAfter = new Set([
      ...file.aliases.map((a) => a.name),
      ...storedAliases.filter((a) => !prune || a.scope !== 'global').map((a) => a.name),
    ]);
    // As the experiments API takes them: `auto`, a power level's tier, an alias, a model.
    const tiers = new Set<string>(TIERS);
    const experimentsByName = new Map<string, ExperimentRow[]>();
    for (const e of cur.experiments)
      experimentsByName.set(e.name, [...(experimentsByName.get(e.name) ?? []), e]);
    const experimentNames = new Set(file.experiments.map((e) => e.name));
    for (const [i, f] of file.experiments.entries()) {
      if (!aliasesAfter.has(f.alias))
        issue(['experiments', i, 'alias'], `no alias "${f.alias}" in the file or the database`);
      f.variants.forEach((v, j) => {
        if (v.target === 'auto' || tiers.has(v.target) || aliasesAfter.has(v.target)) return;
        if (!known.has(v.target))
          issue(
            ['experiments', i, 'variants', j, 'target'],
            `"${v.target}" is not an alias, a power level or a model in the file or the registry`,
          );
      });
      const same = experimentsByName.get(f.name) ?? [];
      if (same.length > 1) {
        issue(
          ['experiments', i, 'name'],
          `${same.length} experiments are named "${f.name}" in the database: rename all but one in the dashboard to manage it from the file`,
        );
        continue;
      }
      const have = same[0];
      if (!have) {
        step({ action: 'create', kind: 'experiment', name: f.name, fields: [] }, () =>
          services.experiments.create(actor, f),
        );
        continue;
      }
      const fields = diffFields(normalized(configExperimentSchema, experimentEntry(have)), f, {
        startsAt: sameInstant,
        endsAt: sameInstant,
      });
      if (have.status !== 'draft')
        for (const x of fields.filter((x) => FROZEN_ONCE_STARTED.has(x.field)))
          issue(
            ['experiments', i, x.field],
            `experiment "${f.name}" has been started: its alias, variants, stickiness and start stay as they were (give the changed experiment another name)`,
          );
      if (!fields.length) continue;
      step({ action: 'update', kind: 'experiment', name: f.name, fields }, () =>
        services.experiments.update(actor, have.id, bodyOf(fields) as UpdateExperimentBody),
      );
    }

    // ---- routing rules
    if (file.routing) {
      const rules = file.routing;
      const fields = diffFields(cur.rules, rules);
      if (fields.length)
        step({ action: 'update', kind: 'routing', name: 'rules', fields }, () =>
          services.routing.setRules(actor, rules),
        );
    }

    // ---- prune: what the file does not list (a pruned provider takes its models with it)
    if (prune) {
      // A draft the file does not list is deleted; a started experiment is history (its results and feedback):
      // never pruned, only deleted in the dashboard.
      for (const e of cur.experiments.filter((e) => !experimentNames.has(e.name) && e.status === 'draft'))
        step({ action: 'delete', kind: 'experiment', name: e.name, fields: [] }, () =>
          services.experiments.remove(actor, e.id),
        );
      for (const r of cur.routingRules.filter((r) => !ruleNames.has(r.name)))
        step({ action: 'delete', kind: 'rule', name: r.name, fields: [] }, () =>
          services.rules.remove(actor, r.id),
        );
      for (const a of cur.agents.filter((a) => !agentIds.has(a.agentId)))
        step({ action: 'delete', kind: 'agent', name: a.agentId, fields: [] }, () =>
          services.agents.remove(actor, a.id),
        );
      for (const c of cur.chains.filter((c) => !chainRefs.has(c.modelRef)))
        step({ action: 'delete', kind: 'fallback chain', name: c.modelRef, fields: [] }, () =>
          services.routing.deleteChain(actor, c.id),
        );
      // An alias a running experiment splits is not pruned from under it (as the API refuses to delete it).
      for (const a of cur.aliases.filter((a) => !aliasNames.has(a.name))) {
        const running = cur.experiments.find((e) => e.status === 'running' && e.alias === a.name);
        const kept = storedAliases.some((s) => s.name === a.name && s.scope !== 'global');
        if (running && !kept)
          issue(
            ['aliases'],
            `alias "${a.name}" is not in the file, but the experiment "${running.name}" is running on it: stop the experiment first, or keep the alias in the file`,
          );
      }
      for (const a of cur.aliases.filter((a) => !aliasNames.has(a.name)))
        step({ action: 'delete', kind: 'alias', name: a.name, fields: [] }, () =>
          services.routing.deleteAlias(actor, a.id),
        );
      for (const m of prunedModels)
        step(
          { action: 'delete', kind: 'model', name: modelKey(m.provider.slug, m.modelId), fields: [] },
          () => services.models.remove(actor, m.id),
        );
      for (const p of prunedProviders)
        step({ action: 'delete', kind: 'provider', name: p.slug, fields: [] }, () =>
          services.providers.remove(actor, p.id),
        );
    }

    if (issues.length) throw new ConfigFileError(issues);
    return { steps, changes: steps.map((s) => s.change) };
  }
}

const show = (v: unknown) => {
  const s = v === undefined ? '(unset)' : typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
};

const SIGN = { create: '+', update: '~', delete: '-' } as const;

/** "+ provider x", "~ model p/m", "- alias a": one change's head line. */
function changeLine(c: ConfigChange): string {
  return `${SIGN[c.action]} ${c.kind} ${c.name}`;
}

/** A plan as the CLI prints it: one line per change (`+` create, `~` update, `-` delete), or "no changes". */
export function formatPlan(plan: ConfigPlan, o: { prune?: boolean } = {}): string {
  if (!plan.changes.length) return 'no changes';
  const sorted = [...plan.changes].sort(
    (a, b) =>
      (a.action === 'delete' ? 1 : 0) - (b.action === 'delete' ? 1 : 0) ||
      KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind),
  );
  const lines = sorted.map((c) => {
    const head = changeLine(c);
    if (c.action === 'delete') return `${head} (not in the file${o.prune === false ? '' : '; --prune'})`;
    if (c.action === 'create') return head;
    return `${head}: ${c.fields.map((f) => `${f.field} ${show(f.before)} -> ${show(f.after)}`).join(', ')}`;
  });
  const count = (a: ConfigChange['action']) => plan.changes.filter((c) => c.action === a).length;
  lines.push(
    `${plan.changes.length} change${plan.changes.length === 1 ? '' : 's'}: ${count('create')} to create, ${count('update')} to update, ${count('delete')} to delete`,
  );
  return lines.join('\n');
}

/**
 * CONFIG_FILE at start (a Kubernetes ConfigMap): apply the file before the server listens; the summary line to
 * print, or an Error whose message says what is wrong with the file (the start fails on it).
 */
export async function applyConfigFileAtStart(
  svc: ConfigFileService,
  path: string,
  read: (path: string) => string,
): Promise<string> {
  let text: string;
  try {
    text = read(path);
  } catch (err) {
    throw new Error(`CONFIG_FILE ${path} cannot be read: ${(err as Error).message}`);
  }
  try {
    const plan = await svc.applyText(text);
    return `  config file: ${path} applied (${plan.changes.length ? `${plan.changes.length} change${plan.changes.length === 1 ? '' : 's'}` : 'no changes'})${plan.warning ? `; warning: ${plan.warning}` : ''}`;
  } catch (err) {
    if (err instanceof ConfigFileError)
      throw new Error(
        `CONFIG_FILE ${path} cannot be applied (nothing was changed):\n${err.issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`,
      );
    if (err instanceof ConfigApplyError)
      throw new Error(`CONFIG_FILE ${path} cannot be applied (nothing was changed): ${err.report()}`);
    throw err;
  }
}
