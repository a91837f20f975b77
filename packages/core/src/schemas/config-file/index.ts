/**
 * Configuration as code: the file `switchyard config export` writes and `switchyard config apply` (or CONFIG_FILE at
 * start) reads. Every entry is validated by the admin API's own request bodies (no second schema): a provider is a
 * `createProviderBody` without its key, a model a `createModelBody` naming its provider by slug, and so on.
 *
 * Versioned: `apiVersion` + `kind`. New object kinds join as new top-level lists, as agents, rules and experiments
 * did; an unknown top-level key is an error, so an older server refuses a newer file instead of ignoring part of it.
 * A change of what a field means takes a new version: v2 made a model's `isDefault` the gateway-wide default
 * (`routing.defaultModel`); in a v1 file it is the old per-scope marker, which routed nothing, and is not applied.
 */
import { z } from 'zod';
import { createProviderBody } from '../admin/index.js';
import { authNameField, createModelBody } from '../models/index.js';
import { createAgentBody } from '../agents/index.js';
import { createRuleBody } from '../rules/index.js';
import { createExperimentBody } from '../experiments/index.js';
import {
  createAliasBody,
  fallbackChainBody,
  routingRulesBody,
  updatePowerLevelBody,
} from '../routing/index.js';

export const CONFIG_FILE_API_VERSION = 'switchyard.dev/v2';
/**
 * Files of earlier versions apply too. v1 (exports before v2): a global model's `isDefault` was the global scope's
 * own marker, which routed nothing (and the seed put it on the built-in mock); the gateway-wide default is only
 * `routing.defaultModel` there, so the importer leaves the markers alone (see `isLegacyConfigFile`).
 */
export const CONFIG_FILE_OLDER_VERSIONS = ['switchyard.dev/v1'] as const;
export const CONFIG_FILE_KIND = 'GatewayConfig';
/** The most entries of one kind a file may hold. */
export const CONFIG_FILE_MAX_ENTRIES = 2000;

const AUTH_SECRET_MESSAGE =
  'a secret may not be written in the config file: put it in an environment variable and write {"_env": "<VARIABLE>"} here';

/**
 * Auth variables (a Bedrock access key, Azure's api version, a region, ...) as a file writes them: `{"_env": "VAR"}`
 * references only, never a value (a value is a secret, stored encrypted, set in the dashboard). When an entry lists
 * `auth`, its references are the provider's or model's: the ones it names are set, stored references it does not
 * name are removed, and secrets set in the dashboard are kept. Without `auth`, the stored auth is left as it is.
 */
export const configAuthField = z
  .record(
    authNameField,
    z
      .union([
        z.strictObject({
          _env: z
            .string()
            .regex(
              /^[A-Z_][A-Z0-9_]{0,127}$/,
              'must be an environment variable name such as AWS_ACCESS_KEY_ID',
            ),
        }),
        z.string(),
      ])
      .superRefine((v, ctx) => {
        if (typeof v === 'string') ctx.addIssue({ code: 'custom', message: AUTH_SECRET_MESSAGE });
      })
      .transform((v) => v as { _env: string }),
  )
  .refine((v) => Object.keys(v).length <= 16, 'at most 16 variables');

/**
 * A provider: its key only as an `_env` reference (`apiKeyEnv`), never the key itself; its other auth variables as
 * `_env` references (`auth`).
 */
export const configProviderSchema = createProviderBody
  .omit({ apiKey: true })
  .extend({
    auth: configAuthField
      .superRefine((v, ctx) => {
        if ('apiKey' in v)
          ctx.addIssue({
            code: 'custom',
            path: ['apiKey'],
            message: "is the provider's key: write its environment variable as apiKeyEnv",
          });
      })
      .optional(),
  })
  .strict();
/** A global registry model, naming its provider by slug; its own auth as `_env` references (`auth`). */
export const configModelSchema = createModelBody
  .omit({ providerId: true, scope: true })
  .extend({ provider: createProviderBody.shape.slug, auth: configAuthField.optional() })
  .strict();
/** A global alias. */
export const configAliasSchema = createAliasBody.omit({ orgId: true }).strict();
export const configChainSchema = fallbackChainBody.strict();
export const configAgentSchema = createAgentBody.strict();
/** A conditional routing rule, by name; the file's order is the order rules are tried in (`order` is ignored). */
export const configRuleSchema = createRuleBody;
/**
 * An A/B experiment's definition, by name. Its status (draft, running, stopped) is not in the file: the dashboard
 * starts and stops it. Once started, only its description and end may change (as through the API).
 */
export const configExperimentSchema = createExperimentBody;
/** A power level (they exist already: the file changes them). */
export const configPowerLevelSchema = updatePowerLevelBody
  .extend({ slug: z.string().trim().min(1, 'is required').max(60) })
  .strict();
export const configRoutingSchema = routingRulesBody.strict();

const list = <T extends z.ZodType>(item: T) =>
  z
    .array(item)
    .max(CONFIG_FILE_MAX_ENTRIES, `may list at most ${CONFIG_FILE_MAX_ENTRIES} entries`)
    .default([]);

const SECRET_MESSAGE =
  'a secret may not be written in the config file: put it in an environment variable and name that variable in apiKeyEnv';

export const configFileSchema = z
  .object({
    apiVersion: z.enum([CONFIG_FILE_API_VERSION, ...CONFIG_FILE_OLDER_VERSIONS], {
      message: `must be "${CONFIG_FILE_API_VERSION}" (or an earlier ${CONFIG_FILE_OLDER_VERSIONS.map((v) => `"${v}"`).join(', ')})`,
    }),
    kind: z.literal(CONFIG_FILE_KIND, { message: `must be "${CONFIG_FILE_KIND}"` }),
    routing: configRoutingSchema.optional(),
    providers: list(configProviderSchema),
    models: list(configModelSchema),
    aliases: list(configAliasSchema),
    fallbackChains: list(configChainSchema),
    powerLevels: list(configPowerLevelSchema),
    agents: list(configAgentSchema),
    rules: list(configRuleSchema),
    experiments: list(configExperimentSchema),
  })
  .strict()
  .superRefine((f, ctx) => {
    const unique = <T>(items: readonly T[], key: (t: T) => string, field: string, what: string) => {
      const seen = new Set<string>();
      items.forEach((t, i) => {
        const k = key(t);
        if (seen.has(k))
          ctx.addIssue({ code: 'custom', path: [field, i], message: `${what} "${k}" is listed twice` });
        seen.add(k);
      });
    };
    unique(f.providers, (p) => p.slug, 'providers', 'provider');
    unique(f.models, (m) => `${m.provider}/${m.modelId}`, 'models', 'model');
    unique(f.aliases, (a) => a.name, 'aliases', 'alias');
    unique(f.fallbackChains, (c) => c.modelRef, 'fallbackChains', 'fallback chain');
    unique(f.powerLevels, (l) => l.slug, 'powerLevels', 'power level');
    unique(f.agents, (a) => a.agentId, 'agents', 'agent');
    unique(f.rules, (r) => r.name, 'rules', 'rule');
    unique(f.experiments, (e) => e.name, 'experiments', 'experiment');
    // In a v1 file `isDefault` is the old marker, not applied: it agrees with nothing.
    if (isLegacyConfigFile(f)) return;
    const defaults = f.models.filter((m) => m.isDefault);
    if (defaults.length > 1)
      ctx.addIssue({
        code: 'custom',
        path: ['models', f.models.lastIndexOf(defaults[defaults.length - 1]!), 'isDefault'],
        message: 'only one model may be the default',
      });
    // The default model is the gateway-wide default, `routing.defaultModel`: when the file sets both, they agree.
    const wanted = f.routing?.defaultModel;
    if (wanted !== undefined && defaults.length === 1) {
      const ref = `${defaults[0]!.provider}/${defaults[0]!.modelId}`;
      if (wanted !== ref)
        ctx.addIssue({
          code: 'custom',
          path: ['models', f.models.indexOf(defaults[0]!), 'isDefault'],
          message: `makes "${ref}" the gateway-wide default, but routing.defaultModel is ${wanted === null ? 'null' : `"${wanted}"`}: set it to "${ref}" or leave it out`,
        });
    } else if (typeof wanted === 'string' && defaults.length === 0) {
      const named = f.models.findIndex((m) => `${m.provider}/${m.modelId}` === wanted);
      if (named >= 0)
        ctx.addIssue({
          code: 'custom',
          path: ['routing', 'defaultModel'],
          message: `names models[${named}], which must then say isDefault: true (the default model is the gateway-wide default)`,
        });
    }
  });
export type ConfigFile = z.infer<typeof configFileSchema>;

/** A file of an earlier version (v1): its models' `isDefault` is the old per-scope marker and is not applied. */
export function isLegacyConfigFile(f: { apiVersion: string }): boolean {
  return f.apiVersion !== CONFIG_FILE_API_VERSION;
}
/** The file as written (defaults may be left out). */
export type ConfigFileInput = z.input<typeof configFileSchema>;

/** One problem of a file: where (`providers[0].baseUrl`) and what. */
export interface ConfigFileIssue {
  path: string;
  /** The same path as keys and indexes (to find the line in the file). */
  segments: (string | number)[];
  message: string;
}

/** `['providers', 0, 'baseUrl']` as `providers[0].baseUrl`. */
export function configPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out || '(the file)';
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A parsed YAML / JSON document as a config file, or every problem with its path. A provider's key written in
 * clear (`apiKey`) gets its own message: keys come from the environment.
 */
export function parseConfigFile(
  doc: unknown,
): { ok: true; config: ConfigFile } | { ok: false; issues: ConfigFileIssue[] } {
  const issues: ConfigFileIssue[] = [];
  if (!isRecord(doc))
    return {
      ok: false,
      issues: [{ path: '(the file)', segments: [], message: 'must be a mapping (key: value)' }],
    };
  if (Array.isArray(doc.providers))
    doc.providers.forEach((p, i) => {
      if (isRecord(p) && 'apiKey' in p)
        issues.push({
          path: `providers[${i}].apiKey`,
          segments: ['providers', i, 'apiKey'],
          message: SECRET_MESSAGE,
        });
    });
  const r = configFileSchema.safeParse(doc);
  if (!r.success) {
    for (const i of r.error.issues) {
      const segments = i.path.filter((k): k is string | number => typeof k !== 'symbol');
      const path = configPath(segments);
      const keys = i.code === 'unrecognized_keys' ? i.keys : [];
      // The clear key has its message already; another unknown key names itself.
      const rest = keys.filter((k) => !(path.startsWith('providers[') && k === 'apiKey'));
      if (i.code === 'unrecognized_keys') {
        for (const k of rest)
          issues.push({
            path: configPath([...segments, k]),
            segments: [...segments, k],
            message: 'is not a known field',
          });
      } else issues.push({ path, segments, message: i.message });
    }
  }
  if (issues.length) return { ok: false, issues };
  return r.success ? { ok: true, config: r.data } : { ok: false, issues };
}

/** Issues as one message, one per line: `providers[0].baseUrl: must be a URL`. */
export function formatConfigIssues(issues: readonly ConfigFileIssue[]): string {
  return issues.map((i) => `${i.path}: ${i.message}`).join('\n');
}
