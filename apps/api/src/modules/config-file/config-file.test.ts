/** Configuration as code: export, dry run, apply (idempotent, audited, managed marks), prune, CONFIG_FILE, the CLI. */
import { readFileSync } from 'node:fs';
import { CONFIG_FILE_API_VERSION } from '@switchyard/core';
import fc from 'fast-check';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runConfigCommand, type CliIo } from '../../cli/switchyard.js';
import type { LookupFn } from '../../lib/outbound-policy.js';
import { createTestApp, type TestApp } from '../../test/app.js';
import {
  applyConfigFileAtStart,
  ConfigApplyError,
  ConfigFileError,
  ConfigFileService,
  formatPlan,
} from './config-file.service.js';

/** Every name resolves to a public address (no DNS in tests); `meta.test` to the cloud metadata address. */
const lookup: LookupFn = async (hostname) =>
  hostname === 'meta.test'
    ? [{ address: '169.254.169.254', family: 4 }]
    : [{ address: '93.184.216.34', family: 4 }];

let t: TestApp;
let svc: ConfigFileService;
let superAdmin: string;
const as = (token: string) => ({ authorization: `Bearer ${token}` });

beforeAll(async () => {
  t = await createTestApp({ outboundLookup: lookup });
  svc = new ConfigFileService(t.app.ctx, t.app.routing, t.app.health);
  superAdmin = await t.tokenFor('super_admin');
});
afterAll(async () => {
  await t?.close();
});

/** A CLI run with captured output. */
async function cli(args: string[], files: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: (s) => out.push(s),
    stderr: (s) => err.push(s),
    readFile: (p) => {
      if (!(p in files)) throw new Error('no such file');
      return files[p]!;
    },
    writeFile: (p, text) => {
      files[p] = text;
    },
  };
  const code = await runConfigCommand(svc, args, io);
  return { code, stdout: out.join(''), stderr: err.join(''), files };
}

const auditCount = () => t.app.ctx.prisma.auditLog.count();

type Doc = Record<string, unknown> & {
  providers: Record<string, unknown>[];
  models: Record<string, unknown>[];
  aliases: Record<string, unknown>[];
  fallbackChains: Record<string, unknown>[];
  powerLevels: Record<string, unknown>[];
  agents?: Record<string, unknown>[];
  rules?: Record<string, unknown>[];
  experiments?: Record<string, unknown>[];
  routing: Record<string, unknown>;
};

async function exported(): Promise<Doc> {
  return parse((await svc.export()).yaml) as Doc;
}

describe('config export and apply', () => {
  it("the e2e server's CONFIG_FILE (e2e/config/switchyard.yaml) is in the current format and applies to the seed as no change", async () => {
    // First: the other tests change the seed's mock provider.
    const text = readFileSync(new URL('../../../../../e2e/config/switchyard.yaml', import.meta.url), 'utf8');
    expect((parse(text) as { apiVersion: string }).apiVersion).toBe(CONFIG_FILE_API_VERSION);
    const plan = await svc.applyText(text, { dryRun: true });
    expect(plan.changes).toEqual([]);
  });

  it('an export applies to no changes (dry run and apply), and says where to set keys', async () => {
    const { yaml } = await svc.export();
    expect(yaml).toContain('apiVersion: switchyard.dev/v2');
    expect(yaml).toContain('kind: GatewayConfig');
    const before = await auditCount();
    const dry = await cli(['config', 'apply', 'f.yaml', '--dry-run'], { 'f.yaml': yaml });
    expect(dry).toMatchObject({ code: 0, stdout: 'no changes\n' });
    const applied = await cli(['config', 'apply', 'f.yaml'], { 'f.yaml': yaml });
    expect(applied).toMatchObject({ code: 0, stdout: 'no changes\n' });
    expect(await auditCount()).toBe(before);
  });

  it('the CLI export goes to stdout (warnings to stderr) or to -o; pnpm banner lines on top are ignored', async () => {
    const r = await cli(['config', 'export', '-o', 'out.yaml']);
    expect(r.code).toBe(0);
    expect(r.files['out.yaml']).toContain('kind: GatewayConfig');
    const s = await cli(['config', 'export']);
    expect(s.stdout).toBe(r.files['out.yaml']);
    const banner = `\n> switchyard@ switchyard /work\n> node apps/api/dist/cli/switchyard.js config export\n\n${s.stdout}`;
    expect((await cli(['config', 'apply', 'b.yaml', '--dry-run'], { 'b.yaml': banner })).stdout).toBe(
      'no changes\n',
    );
    expect((await cli(['config', 'frobnicate'])).code).toBe(2);
    expect((await cli(['config', 'apply', 'x.yaml', '--force'], { 'x.yaml': '' })).code).toBe(2);
    expect((await cli(['config', 'apply', 'missing.yaml'])).code).toBe(1);
  });

  it('a dry run prints the diff and changes nothing; apply makes it, audited by "config file"; twice = no changes', async () => {
    const doc = await exported();
    doc.providers.push({
      slug: 'gitops-openai',
      type: 'openai',
      name: 'GitOps OpenAI',
      baseUrl: 'https://api.gitops.example/v1',
      apiKeyEnv: 'GITOPS_OPENAI_KEY',
      priority: 20,
    });
    doc.models.push({
      provider: 'gitops-openai',
      modelId: 'gpt-gitops',
      displayName: 'GPT GitOps',
      priceInputPer1M: 1.25,
      priceOutputPer1M: 5,
    });
    doc.aliases.push({ name: 'gitops.chat', targets: [{ ref: 'gitops-openai/gpt-gitops' }] });
    doc.fallbackChains.push({ modelRef: 'gitops-openai/gpt-gitops', targets: ['mock/mock-small'] });
    const mock = doc.providers.find((p) => p.slug === 'mock')!;
    const was = mock.priority;
    mock.priority = 7;
    doc.routing.strategy = 'quality';
    const text = stringify(doc);

    const before = await auditCount();
    const dry = await cli(['config', 'apply', 'f.yaml', '--dry-run'], { 'f.yaml': text });
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('+ provider gitops-openai');
    expect(dry.stdout).toContain('+ model gitops-openai/gpt-gitops');
    expect(dry.stdout).toContain('+ alias gitops.chat');
    expect(dry.stdout).toContain('+ fallback chain gitops-openai/gpt-gitops');
    expect(dry.stdout).toContain(`~ provider mock: priority ${String(was)} -> 7`);
    expect(dry.stdout).toContain('~ routing rules: strategy balanced -> quality');
    expect(dry.stdout).toContain('6 changes: 4 to create, 2 to update, 0 to delete');
    expect(await auditCount()).toBe(before);
    expect(await t.app.ctx.prisma.provider.count({ where: { slug: 'gitops-openai' } })).toBe(0);

    const applied = await cli(['config', 'apply', 'f.yaml'], { 'f.yaml': text });
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toContain('applied');
    const p = await t.app.ctx.prisma.provider.findUniqueOrThrow({ where: { slug: 'gitops-openai' } });
    expect(p.auth).toEqual({ apiKey: { _env: 'GITOPS_OPENAI_KEY' } });
    expect(p.encryptedApiKey).toBeNull();
    const entries = await t.app.ctx.prisma.auditLog.findMany({
      where: { createdAt: { gte: new Date(Date.now() - 60_000) }, actorEmail: 'config file' },
    });
    expect(entries.map((e) => e.action).sort()).toEqual(
      [
        'alias.create',
        'chain.create',
        'model.create',
        'provider.create',
        'provider.update',
        'routing.rules',
      ].sort(),
    );
    // Live: the new alias routes (the snapshot reloaded) and the trace shows the chosen model.
    expect(t.app.routing.config.models.some((m) => m.modelId === 'gpt-gitops')).toBe(true);

    expect((await cli(['config', 'apply', 'f.yaml'], { 'f.yaml': text })).stdout).toBe('no changes\n');
    expect((await cli(['config', 'apply', 'f.yaml', '--dry-run'], { 'f.yaml': text })).stdout).toBe(
      'no changes\n',
    );

    // The API marks what the file manages (the dashboard's badge); an object not in the file is not marked.
    const providers = await t.http.get('/api/v1/llm/providers').set(as(superAdmin));
    const byslug = new Map(
      (providers.body.data as { slug: string; managedByConfig: boolean }[]).map((x) => [x.slug, x]),
    );
    expect(byslug.get('gitops-openai')?.managedByConfig).toBe(true);
    const aliases = await t.http.get('/api/v1/llm/routing/aliases').set(as(superAdmin));
    expect(aliases.body.data.find((a: { name: string }) => a.name === 'gitops.chat').managedByConfig).toBe(
      true,
    );
    const chains = await t.http.get('/api/v1/llm/routing/chains').set(as(superAdmin));
    expect(chains.body.data[0].managedByConfig).toBe(true);
  });

  it('objects not in the file are left alone; --prune deletes them (the dry run lists them first)', async () => {
    const extra = await t.http
      .post('/api/v1/llm/routing/aliases')
      .set(as(superAdmin))
      .send({ name: 'ui.only', targets: [{ ref: 'mock/mock-small', weight: 1 }] });
    expect(extra.status, extra.text).toBe(201);
    const doc = await exported();
    doc.aliases = doc.aliases.filter((a) => a.name !== 'ui.only');
    doc.fallbackChains = [];
    const text = stringify(doc);
    expect((await cli(['config', 'apply', 'f.yaml'], { 'f.yaml': text })).stdout).toBe('no changes\n');
    expect(await t.app.ctx.prisma.alias.count({ where: { name: 'ui.only' } })).toBe(1);

    const dry = await cli(['config', 'apply', 'f.yaml', '--dry-run', '--prune'], { 'f.yaml': text });
    expect(dry.stdout).toContain('- alias ui.only (not in the file; --prune)');
    expect(dry.stdout).toContain('- fallback chain gitops-openai/gpt-gitops');
    expect(await t.app.ctx.prisma.alias.count({ where: { name: 'ui.only' } })).toBe(1);
    const pruned = await cli(['config', 'apply', 'f.yaml', '--prune'], { 'f.yaml': text });
    expect(pruned.code).toBe(0);
    expect(await t.app.ctx.prisma.alias.count({ where: { name: 'ui.only' } })).toBe(0);
    expect(await t.app.ctx.prisma.fallbackChain.count()).toBe(0);
    expect((await cli(['config', 'apply', 'f.yaml', '--prune'], { 'f.yaml': text })).stdout).toBe(
      'no changes\n',
    );
  });

  it('provider endpoints and every routing setting (cooldowns, default model) round-trip through the file', async () => {
    const doc = await exported();
    const p = doc.providers.find((x) => x.type === 'openai' || x.type === 'custom') ?? doc.providers[0]!;
    p.endpoints = [{ baseUrl: 'https://mirror.example.com/v1', weight: 2, enabled: true }];
    p.baseUrlWeight = 3;
    doc.routing = { ...doc.routing, rateLimitCooldownMs: 45_000, defaultModel: 'balanced' };
    const applied = await cli(['config', 'apply', 'f.yaml'], { 'f.yaml': stringify(doc) });
    expect(applied.code, applied.stderr).toBe(0);
    const back = await exported();
    const q = back.providers.find((x) => x.slug === p.slug)!;
    expect(q).toMatchObject({
      baseUrlWeight: 3,
      endpoints: [{ baseUrl: 'https://mirror.example.com/v1', weight: 2 }],
    });
    expect(back.routing).toMatchObject({ rateLimitCooldownMs: 45_000, defaultModel: 'balanced' });
    expect((await cli(['config', 'apply', 'f.yaml'], { 'f.yaml': stringify(back) })).stdout).toBe(
      'no changes\n',
    );
    const meta = stringify({
      ...back,
      providers: back.providers.map((x) =>
        x.slug === p.slug
          ? { ...x, endpoints: [{ baseUrl: 'http://meta.test/v1', weight: 1, enabled: true }] }
          : x,
      ),
    });
    const refused = await cli(['config', 'apply', 'f.yaml'], { 'f.yaml': meta });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/providers\[\d+\]\.endpoints\[0\]\.baseUrl/);
  });

  it("a provider's region round-trips through the file: exported, applied (created and changed), validated", async () => {
    const doc = await exported();
    const p = doc.providers[0]!;
    // Set in the dashboard: the export writes it.
    const have = await t.app.ctx.prisma.provider.findUniqueOrThrow({ where: { slug: p.slug as string } });
    const put = await t.http
      .put(`/api/v1/llm/providers/${have.id}`)
      .set(as(superAdmin))
      .send({ region: 'eu-west' });
    expect(put.status).toBe(200);
    const back = await exported();
    expect(back.providers.find((x) => x.slug === p.slug)).toMatchObject({ region: 'eu-west' });
    expect((await cli(['config', 'apply', 'f.yaml'], { 'f.yaml': stringify(back) })).stdout).toBe(
      'no changes\n',
    );

    // Changed in the file (and written in any case: it is stored as the API stores it), and a new provider with one.
    back.providers = back.providers.map((x) => (x.slug === p.slug ? { ...x, region: 'US-East' } : x));
    back.providers.push({ slug: 'regional-mock', type: 'mock', name: 'Regional mock', region: 'ap-south' });
    const applied = await cli(['config', 'apply', 'f.yaml'], { 'f.yaml': stringify(back) });
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toMatch(/region/);
    const rows = await t.app.ctx.prisma.provider.findMany({
      where: { slug: { in: [p.slug as string, 'regional-mock'] } },
      select: { slug: true, region: true },
    });
    expect(Object.fromEntries(rows.map((r) => [r.slug, r.region]))).toEqual({
      [p.slug as string]: 'us-east',
      'regional-mock': 'ap-south',
    });
    const again = await exported();
    expect(again.providers.find((x) => x.slug === 'regional-mock')).toMatchObject({ region: 'ap-south' });
    expect((await cli(['config', 'apply', 'f.yaml'], { 'f.yaml': stringify(again) })).stdout).toBe(
      'no changes\n',
    );

    // A region the API refuses is refused with its path; left out, the provider has none.
    const i = again.providers.findIndex((x) => x.slug === p.slug);
    const bad = structuredClone(again);
    bad.providers[i]!.region = 'eu west!';
    const refused = await cli(['config', 'apply', 'f.yaml'], { 'f.yaml': stringify(bad) });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`providers[${i}].region`);
    const none = structuredClone(again);
    delete none.providers[i]!.region;
    expect((await cli(['config', 'apply', 'f.yaml'], { 'f.yaml': stringify(none) })).code).toBe(0);
    expect(
      (await t.app.ctx.prisma.provider.findUniqueOrThrow({ where: { slug: p.slug as string } })).region,
    ).toBeNull();
    await cli(['config', 'apply', '--prune', 'f.yaml'], {
      'f.yaml': stringify({ ...none, providers: none.providers.filter((x) => x.slug !== 'regional-mock') }),
    });
  });

  it('a model marked default in the file is the gateway-wide default: applied as routing.defaultModel, exported as both', async () => {
    const doc = await exported();
    const m = doc.models[0]!;
    const ref = `${String(m.provider)}/${String(m.modelId)}`;
    doc.models = doc.models.map((x) => ({ ...x, isDefault: x === m }));
    const { defaultModel: _old, ...routing } = doc.routing;
    doc.routing = routing;
    const applied = await cli(['config', 'apply', 'f.yaml'], { 'f.yaml': stringify(doc) });
    expect(applied.code, applied.stderr).toBe(0);
    const back = await exported();
    expect(back.routing.defaultModel).toBe(ref);
    expect(
      back.models.filter((x) => x.isDefault).map((x) => `${String(x.provider)}/${String(x.modelId)}`),
    ).toEqual([ref]);
    expect((await cli(['config', 'apply', 'f.yaml'], { 'f.yaml': stringify(back) })).stdout).toBe(
      'no changes\n',
    );
    // Both set and disagreeing: refused, naming the model's line.
    const refused = await cli(['config', 'apply', 'f.yaml'], {
      'f.yaml': stringify({ ...back, routing: { ...back.routing, defaultModel: 'eco' } }),
    });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/models\[\d+\]\.isDefault.*gateway-wide default/);
    doc.routing = { ...back.routing, defaultModel: null };
    doc.models = back.models.map((x) => ({ ...x, isDefault: false }));
    expect((await cli(['config', 'apply', 'f.yaml'], { 'f.yaml': stringify(doc) })).code).toBe(0);
    expect((await exported()).routing.defaultModel).toBeUndefined();
  });

  it('a file exported by an earlier version (switchyard.dev/v1) does not make the mock the default: its isDefault was the old per-scope marker, which routed nothing', async () => {
    const { prisma } = t.app.ctx;
    // Before the marker became the gateway-wide default, the seed marked the built-in mock's mock-small and every
    // export wrote it (routing.defaultModel only when set).
    const old = async (routing: Record<string, unknown>) => {
      const doc = await exported();
      doc.apiVersion = 'switchyard.dev/v1';
      doc.models = doc.models.map((x) => ({
        ...x,
        isDefault: x.provider === 'mock' && x.modelId === 'mock-small',
      }));
      const { defaultModel: _d, ...rest } = doc.routing;
      doc.routing = { ...rest, ...routing };
      return stringify(doc);
    };
    const defaults = () =>
      prisma.model.findMany({ where: { scope: 'global', isDefault: true }, select: { modelId: true } });
    const settings = async () =>
      (await prisma.routingSettings.findUnique({ where: { id: 1 } }))?.defaultModel ?? null;
    const was = await settings();
    const marked = await defaults();

    const text = await old({});
    const dry = await cli(['config', 'apply', 'f.yaml', '--dry-run'], { 'f.yaml': text });
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).not.toContain('isDefault');
    const applied = await cli(['config', 'apply', 'f.yaml'], { 'f.yaml': text });
    expect(applied.code, applied.stderr).toBe(0);
    expect(await settings()).toBe(was);
    expect(await defaults()).toEqual(marked);
    expect(t.app.routing.routingConfig.defaultModel ?? null).toBe(was);

    // An old file with a default model of its own (here a power level) applies it, and the old marker with it
    // is not a conflict.
    const withDefault = await old({ defaultModel: 'eco' });
    const r = await cli(['config', 'apply', 'f.yaml'], { 'f.yaml': withDefault });
    expect(r.code, r.stderr).toBe(0);
    expect(await settings()).toBe('eco');
    expect(await defaults()).toEqual([]);
    // ... and re-exported, it is the current version, and applies to no changes.
    const back = await svc.export();
    expect(back.yaml).toContain('apiVersion: switchyard.dev/v2');
    expect((await cli(['config', 'apply', 'f.yaml'], { 'f.yaml': back.yaml })).stdout).toBe('no changes\n');
    const reset = await cli(['config', 'apply', 'f.yaml'], {
      'f.yaml': stringify({
        ...parse(back.yaml),
        routing: { ...parse(back.yaml).routing, defaultModel: was },
      }),
    });
    expect(reset.code, reset.stderr).toBe(0);
  });

  it("an alias's response cache TTL is applied from the file and exported back", async () => {
    const doc = await exported();
    doc.aliases.push({ name: 'gitops.cached', targets: [{ ref: 'mock/mock-small' }], cacheTtlSeconds: 300 });
    const applied = await cli(['config', 'apply', 'c.yaml'], { 'c.yaml': stringify(doc) });
    expect(applied.code, applied.stderr).toBe(0);
    const a = await t.app.ctx.prisma.alias.findFirstOrThrow({ where: { name: 'gitops.cached' } });
    expect(a.cacheTtlSeconds).toBe(300);
    const again = await exported();
    const entry = again.aliases.find((x) => x.name === 'gitops.cached')!;
    expect(entry.cacheTtlSeconds).toBe(300);
    entry.cacheTtlSeconds = 60;
    const dry = await cli(['config', 'apply', 'c.yaml', '--dry-run'], { 'c.yaml': stringify(again) });
    expect(dry.stdout).toContain('~ alias gitops.cached: cacheTtlSeconds 300 -> 60');
    delete entry.cacheTtlSeconds;
    await cli(['config', 'apply', 'c.yaml'], { 'c.yaml': stringify(again) });
    expect(
      (await t.app.ctx.prisma.alias.findFirstOrThrow({ where: { name: 'gitops.cached' } })).cacheTtlSeconds,
    ).toBe(null);
  });

  it('agents: created, changed and pruned by the file, exported back', async () => {
    const doc = await exported();
    const agent = {
      agentId: 'gitops-coder',
      name: 'Coder',
      role: 'Writes code',
      normalModel: 'mock/mock-small',
      heavyModel: 'balanced',
      maxModel: 'precision',
    };
    doc.agents = [agent];
    const dry = await cli(['config', 'apply', 'f.yaml', '--dry-run'], { 'f.yaml': stringify(doc) });
    expect(dry.stdout).toContain('+ agent gitops-coder');
    expect(await t.app.ctx.prisma.agent.count()).toBe(0);
    expect((await cli(['config', 'apply', 'f.yaml'], { 'f.yaml': stringify(doc) })).code).toBe(0);
    expect(await t.app.ctx.prisma.agent.findUnique({ where: { agentId: 'gitops-coder' } })).toMatchObject(
      agent,
    );
    expect((await exported()).agents).toEqual([agent]);
    doc.agents = [{ ...agent, maxModel: 'mock/mock-small' }];
    const change = await cli(['config', 'apply', 'f.yaml'], { 'f.yaml': stringify(doc) });
    expect(change.stdout).toContain('~ agent gitops-coder: maxModel precision -> mock/mock-small');
    const bad = await cli(['config', 'apply', 'f.yaml'], {
      'f.yaml': stringify({ ...doc, agents: [{ ...agent, agentId: 'Not An Id' }] }),
    });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('agents[0].agentId');
    doc.agents = [];
    await cli(['config', 'apply', 'f.yaml', '--prune'], { 'f.yaml': stringify(doc) });
    expect(await t.app.ctx.prisma.agent.count()).toBe(0);
  });

  it("routing rules: created in the file's order, changed, reordered and pruned by the file, exported back", async () => {
    const doc = await exported();
    const night = {
      name: 'Night',
      enabled: true,
      when: { time: { tz: 'Europe/Paris', days: [1, 2], from: '22:00', to: '06:00' } },
      then: { route: 'eco' },
    };
    const eu = { name: 'EU', enabled: true, when: { caller: { regions: ['eu'] } }, then: { region: 'eu' } };
    doc.rules = [night, eu];
    const dry = await cli(['config', 'apply', 'f.yaml', '--dry-run'], { 'f.yaml': stringify(doc) });
    expect(dry.stdout).toContain('+ rule Night');
    expect(await t.app.ctx.prisma.routingRule.count()).toBe(0);
    expect((await cli(['config', 'apply', 'f.yaml'], { 'f.yaml': stringify(doc) })).code).toBe(0);
    const rows = await t.app.ctx.prisma.routingRule.findMany({ orderBy: { order: 'asc' } });
    expect(rows.map((r) => [r.name, r.order])).toEqual([
      ['Night', 0],
      ['EU', 1],
    ]);
    expect((await exported()).rules).toEqual([night, eu]);
    const again = await cli(['config', 'apply', 'f.yaml', '--dry-run'], { 'f.yaml': stringify(doc) });
    expect(again.stdout).not.toContain('rule');
    doc.rules = [eu, { ...night, then: { route: 'precision' } }];
    const change = await cli(['config', 'apply', 'f.yaml'], { 'f.yaml': stringify(doc) });
    expect(change.stdout).toContain('~ rule Night');
    expect(
      (await t.app.ctx.prisma.routingRule.findMany({ orderBy: { order: 'asc' } })).map((r) => r.name),
    ).toEqual(['EU', 'Night']);
    const bad = await cli(['config', 'apply', 'f.yaml'], {
      'f.yaml': stringify({ ...doc, rules: [{ ...night, when: { time: { tz: 'Nowhere/City' } } }] }),
    });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('rules[0].when.time.tz');
    doc.rules = [];
    await cli(['config', 'apply', 'f.yaml', '--prune'], { 'f.yaml': stringify(doc) });
    expect(await t.app.ctx.prisma.routingRule.count()).toBe(0);
  });

  it('experiments: the file owns their definitions and the dashboard their status; a started one stays as it began', async () => {
    const { prisma } = t.app.ctx;
    const api = (method: 'post' | 'delete', path: string) =>
      t.http[method](`/api/v1/llm/experiments${path}`).set(as(superAdmin));
    const doc = await exported();
    doc.aliases = [...doc.aliases, { name: 'gitops.ab', targets: [{ ref: 'mock/mock-small', weight: 1 }] }];
    const ab = {
      name: 'Small vs large',
      description: 'Which answers better',
      alias: 'gitops.ab',
      stickiness: 'user',
      variants: [
        { name: 'small', percent: 50, target: 'mock/mock-small' },
        { name: 'large', percent: 50, target: 'mock/mock-large' },
      ],
      endsAt: '2030-01-01T00:00:00Z',
    };
    const draft = { ...ab, name: 'Draft only', description: '', variants: ab.variants.slice().reverse() };
    doc.experiments = [ab, draft];
    const apply = (d: Doc, ...flags: string[]) =>
      cli(['config', 'apply', 'f.yaml', ...flags], { 'f.yaml': stringify(d) });

    const dry = await apply(doc, '--dry-run');
    expect(dry.stdout).toContain('+ experiment Small vs large');
    expect(await prisma.experiment.count()).toBe(0);
    expect((await apply(doc)).code).toBe(0);
    const row = await prisma.experiment.findFirstOrThrow({ where: { name: 'Small vs large' } });
    expect(row).toMatchObject({ status: 'draft', alias: 'gitops.ab', stickiness: 'user' });
    expect(row.variants).toEqual(ab.variants);
    // Exported back as written (the end as the same instant); applying the export changes nothing.
    const back = await exported();
    expect(back.experiments).toEqual([
      { ...ab, endsAt: '2030-01-01T00:00:00.000Z' },
      {
        name: 'Draft only',
        alias: 'gitops.ab',
        stickiness: 'user',
        variants: draft.variants,
        endsAt: '2030-01-01T00:00:00.000Z',
      },
    ]);
    expect((await apply(back, '--dry-run')).stdout).toBe('no changes\n');
    expect((await apply(doc, '--dry-run')).stdout).toBe('no changes\n');

    // A draft's split changes with the file.
    const split = [
      { name: 'small', percent: 70, target: 'mock/mock-small' },
      { name: 'large', percent: 30, target: 'mock/mock-large' },
    ];
    doc.experiments = [{ ...ab, variants: split }, draft];
    const changed = await apply(doc);
    expect(changed.stdout).toContain('~ experiment Small vs large: variants');
    expect((await prisma.experiment.findUniqueOrThrow({ where: { id: row.id } })).variants).toEqual(split);

    // Started in the dashboard: the file does not stop it, and cannot change how it splits.
    await api('post', `/${row.id}/start`).expect(200);
    const before = await auditCount();
    const frozen = await apply({ ...doc, experiments: [{ ...ab, variants: ab.variants }, draft] });
    expect(frozen.code).toBe(1);
    expect(frozen.stderr).toContain('experiments[0].variants');
    expect(frozen.stderr).toContain('has been started');
    expect(await auditCount()).toBe(before);
    expect((await prisma.experiment.findUniqueOrThrow({ where: { id: row.id } })).variants).toEqual(split);
    // Its description and end may change; it keeps running.
    doc.experiments = [{ ...ab, variants: split, description: 'Now with a note', endsAt: null }, draft];
    const noted = await apply(doc);
    expect(noted.code).toBe(0);
    expect(noted.stdout).toContain('~ experiment Small vs large: description');
    expect(await prisma.experiment.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({
      status: 'running',
      description: 'Now with a note',
      endsAt: null,
    });

    // The alias it runs on is not pruned from under it (nothing is applied).
    const withoutAlias = {
      ...doc,
      aliases: doc.aliases.filter((x) => x.name !== 'gitops.ab'),
      experiments: [],
    };
    const kept = await apply(withoutAlias, '--prune');
    expect(kept.code).toBe(1);
    expect(kept.stderr).toContain(
      'alias "gitops.ab" is not in the file, but the experiment "Small vs large" is running on it',
    );
    expect(await prisma.alias.count({ where: { name: 'gitops.ab' } })).toBe(1);
    expect(await prisma.experiment.count({ where: { name: 'Draft only' } })).toBe(1);

    // What it names must exist once the file is applied.
    const ghost = await apply({ ...doc, experiments: [{ ...draft, alias: 'ghost.alias' }] });
    expect(ghost.code).toBe(1);
    expect(ghost.stderr).toMatch(/experiments\[0\]\.alias \(line \d+\): no alias "ghost\.alias"/);
    const badTarget = await apply({
      ...doc,
      experiments: [
        { ...draft, variants: [draft.variants[0], { name: 'x', percent: 50, target: 'ghost/x' }] },
      ],
    });
    expect(badTarget.code).toBe(1);
    expect(badTarget.stderr).toContain('experiments[0].variants[1].target');

    // Pruned: the draft the file no longer lists goes; the started one is history and stays.
    doc.experiments = [];
    const pruned = await apply(doc, '--prune');
    expect(pruned.code).toBe(0);
    expect(pruned.stdout).toContain('- experiment Draft only');
    expect(pruned.stdout).not.toContain('- experiment Small vs large');
    expect((await prisma.experiment.findMany()).map((e) => e.name)).toEqual(['Small vs large']);

    // Two experiments of one name (the dashboard allows it): neither is exported, and the export still applies.
    const twin = { name: 'Twin', alias: 'gitops.ab', variants: split };
    const t1 = await api('post', '').send(twin).expect(201);
    const t2 = await api('post', '').send(twin).expect(201);
    const { yaml, warnings } = await svc.export();
    expect(warnings).toContain(
      'experiment "Twin": 2 experiments have this name, so none of them was exported (rename all but one in the dashboard)',
    );
    expect((parse(yaml) as Doc).experiments?.map((e) => e.name)).toEqual(['Small vs large']);
    expect((await cli(['config', 'apply', 'f.yaml', '--dry-run'], { 'f.yaml': yaml })).stdout).toBe(
      'no changes\n',
    );
    const listed = await apply({ ...doc, experiments: [twin] });
    expect(listed.code).toBe(1);
    expect(listed.stderr).toContain('2 experiments are named "Twin" in the database');
    for (const id of [t1.body.id, t2.body.id, row.id]) {
      if (id === row.id) await api('post', `/${id}/stop`).expect(200);
      await api('delete', `/${id}`).expect(204);
    }
  });

  it('secrets are never exported: a stored key becomes a commented apiKeyEnv placeholder, config secrets are masked', async () => {
    const created = await t.http
      .post('/api/v1/llm/providers')
      .set(as(superAdmin))
      .send({
        type: 'openai',
        name: 'Keyed',
        slug: 'keyed',
        baseUrl: 'https://api.keyed.example/v1',
        apiKey: 'sk-live-very-secret-key-0000',
        config: { headers: { 'x-api-key': 'header-secret-value-1111', 'x-team': 'blue' } },
      });
    expect(created.status, created.text).toBe(201);
    const r = await cli(['config', 'export']);
    expect(r.stdout).not.toContain('very-secret');
    expect(r.stdout).not.toContain('header-secret-value');
    expect(r.stdout).toContain('# apiKeyEnv: OPENAI_API_KEY');
    expect(r.stderr).toContain('provider "keyed": its key is stored in the database and was not exported');
    // Applying the export keeps the stored key and header secret.
    expect((await cli(['config', 'apply', 'f.yaml'], { 'f.yaml': r.stdout })).stdout).toBe('no changes\n');
    const doc = parse(r.stdout) as Doc;
    doc.providers.find((p) => p.slug === 'keyed')!.priority = 9;
    expect((await cli(['config', 'apply', 'f.yaml'], { 'f.yaml': stringify(doc) })).code).toBe(0);
    const p = await t.app.ctx.prisma.provider.findUniqueOrThrow({ where: { slug: 'keyed' } });
    expect(t.app.ctx.secrets.decrypt(p.encryptedApiKey!)).toBe('sk-live-very-secret-key-0000');
    expect((p.config as { headers: Record<string, string> }).headers['x-api-key']).toBe(
      'header-secret-value-1111',
    );
    expect(p.priority).toBe(9);
  });

  it.each([
    [
      'a key in clear',
      (d: Doc) => d.providers.push({ slug: 'clear', type: 'openai', name: 'Clear', apiKey: 'sk-123' }),
      /providers\[\d+\]\.apiKey \(line \d+\): a secret may not be written in the config file/,
    ],
    [
      'a credential header in clear',
      (d: Doc) =>
        d.providers.push({
          slug: 'hdr',
          type: 'custom',
          name: 'Hdr',
          baseUrl: 'https://hdr.example/v1',
          config: { headers: { authorization: 'Bearer sk-clear' } },
        }),
      /providers\[\d+\]\.config\.headers\.authorization \(line \d+\): a secret may not be written/,
    ],
    [
      'a base URL the outbound policy refuses',
      (d: Doc) =>
        d.providers.push({ slug: 'meta', type: 'custom', name: 'Meta', baseUrl: 'http://meta.test/v1' }),
      /providers\[\d+\]\.baseUrl \(line \d+\): .*metadata/i,
    ],
    [
      'a model of an unknown provider',
      (d: Doc) => d.models.push({ provider: 'nobody', modelId: 'm', displayName: 'M' }),
      /models\[\d+\]\.provider \(line \d+\): no provider "nobody"/,
    ],
    [
      'an alias to an unknown model',
      (d: Doc) => d.aliases.push({ name: 'bad.alias', targets: [{ ref: 'mock/nope' }] }),
      /aliases\[\d+\]\.targets\[0\]\.ref \(line \d+\): no model "mock\/nope"/,
    ],
    [
      'an unknown field',
      (d: Doc) => Object.assign(d.routing, { strategyy: 'cost' }),
      /routing\.strategyy \(line \d+\): is not a known field/,
    ],
    [
      'a wrong version',
      (d: Doc) => Object.assign(d, { apiVersion: 'v0' }),
      /apiVersion \(line \d+\): must be "switchyard.dev\/v2" \(or an earlier "switchyard.dev\/v1"\)/,
    ],
    [
      'a type change',
      (d: Doc) =>
        Object.assign(
          d.providers.find((p) => p.slug === 'mock')!,
          { type: 'openai' },
        ),
      /providers\[\d+\]\.type \(line \d+\): is "mock" in the database and cannot change/,
    ],
    [
      'an unknown power level',
      (d: Doc) => d.powerLevels.push({ slug: 'turbo', enabled: true }),
      /powerLevels\[\d+\]\.slug \(line \d+\): no power level "turbo"/,
    ],
  ])(
    'refuses %s with the path (exit 1, nothing changed, even the valid parts)',
    async (_n, edit, message) => {
      const doc = await exported();
      doc.providers.find((p) => p.slug === 'mock')!.priority = 3; // a valid change that must not be applied
      edit(doc);
      const before = await auditCount();
      const r = await cli(['config', 'apply', 'bad.yaml'], { 'bad.yaml': stringify(doc) });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('bad.yaml cannot be applied (nothing was changed)');
      expect(r.stderr).toMatch(message);
      expect(await auditCount()).toBe(before);
      expect(
        (await t.app.ctx.prisma.provider.findUniqueOrThrow({ where: { slug: 'mock' } })).priority,
      ).not.toBe(3);
    },
  );

  it('refuses a file that is not YAML with its line', async () => {
    const r = await cli(['config', 'apply', 'bad.yaml'], { 'bad.yaml': 'apiVersion: a\nkind: [\n' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/line \d+: not valid YAML/);
  });

  it('CONFIG_FILE at start applies the file, or fails with the path of the problem', async () => {
    const doc = await exported();
    doc.aliases.push({ name: 'from.configmap', targets: [{ ref: 'mock/mock-small' }] });
    const files: Record<string, string> = { 'cm.yaml': stringify(doc), 'bad.yaml': 'apiVersion: 1\n' };
    const read = (p: string) => {
      if (!(p in files)) throw new Error('ENOENT');
      return files[p]!;
    };
    expect(await applyConfigFileAtStart(svc, 'cm.yaml', read)).toBe(
      '  config file: cm.yaml applied (1 change)',
    );
    expect(await applyConfigFileAtStart(svc, 'cm.yaml', read)).toBe(
      '  config file: cm.yaml applied (no changes)',
    );
    await expect(applyConfigFileAtStart(svc, 'bad.yaml', read)).rejects.toThrow(
      /CONFIG_FILE bad.yaml cannot be applied \(nothing was changed\):\n {2}apiVersion \(line 1\): must be/,
    );
    await expect(applyConfigFileAtStart(svc, 'gone.yaml', read)).rejects.toThrow(
      /CONFIG_FILE gone.yaml cannot be read/,
    );
  });

  it('a live reload that fails after the commit: the apply succeeded (exit 0, the start goes on) with a warning that the routing catches up at its periodic reload', async () => {
    const { prisma } = t.app.ctx;
    const doc = await exported();
    doc.aliases.push({ name: 'after.commit', targets: [{ ref: 'mock/mock-small' }] });
    doc.models.push({ provider: 'mock', modelId: 'after-commit-1', displayName: 'After commit 1' });
    const events: string[] = [];
    const unsubscribe = t.app.ctx.events.subscribe((e) => events.push(e.type));
    const reload = vi
      .spyOn(t.app.ctx, 'configChanged')
      .mockRejectedValue(new Error('connect ECONNREFUSED 127.0.0.1:6379'));
    try {
      const r = await cli(['config', 'apply', 'f.yaml'], { 'f.yaml': stringify(doc) });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('+ alias after.commit');
      expect(r.stdout).toContain('applied\n');
      expect(r.stderr).toMatch(
        /^warning: applied, but the live routing reload failed \(connect ECONNREFUSED 127\.0\.0\.1:6379\): .*periodic reload/m,
      );
      expect(r.stderr).not.toMatch(/nothing was changed/);
      // Committed: the rows are there, and the model's live event was still sent.
      expect(await prisma.alias.count({ where: { name: 'after.commit' } })).toBe(1);
      expect(events).toContain('model');

      // CONFIG_FILE at start: the server starts, the line says the reload is pending.
      doc.aliases.push({ name: 'after.commit.two', targets: [{ ref: 'mock/mock-small' }] });
      const line = await applyConfigFileAtStart(svc, 'cm.yaml', () => stringify(doc));
      expect(line).toMatch(
        /^ {2}config file: cm\.yaml applied \(1 change\); warning: .*live routing reload failed/,
      );
      expect(await prisma.alias.count({ where: { name: 'after.commit.two' } })).toBe(1);
    } finally {
      reload.mockRestore();
      unsubscribe();
    }
    // The periodic reload picks it up.
    expect(t.app.routing.routingConfig.aliases.some((a) => a.name === 'after.commit')).toBe(false);
    await t.app.routing.reload();
    expect(t.app.routing.routingConfig.aliases.some((a) => a.name === 'after.commit')).toBe(true);
  });

  it('apply is all or nothing: when the database refuses a later change, nothing of the earlier ones stays (rows, audit entries, managed marks, the live routing), and the error says which change failed', async () => {
    const { prisma } = t.app.ctx;
    const doc = await exported();
    doc.providers.push({
      slug: 'half-way',
      type: 'openai',
      name: 'Half way',
      baseUrl: 'https://api.half.example/v1',
    });
    doc.models.push({ provider: 'half-way', modelId: 'hw-1', displayName: 'HW 1' });
    const mock = doc.providers.find((p) => p.slug === 'mock')!;
    const mockPriority = mock.priority;
    mock.priority = 3;
    const strategy = doc.routing.strategy;
    doc.routing.strategy = strategy === 'cost' ? 'quality' : 'cost';
    doc.aliases.push({ name: 'half.chat', targets: [{ ref: 'half-way/hw-1' }] });
    doc.aliases.push({ name: 'half.code', targets: [{ ref: 'mock/mock-small' }] });
    const text = stringify(doc);
    const plan = await cli(['config', 'apply', 'f.yaml', '--dry-run'], { 'f.yaml': text });
    expect(plan.stdout).toContain('6 changes: 4 to create, 2 to update, 0 to delete');

    const before = {
      audit: await auditCount(),
      providers: await prisma.provider.findMany({ orderBy: { slug: 'asc' } }),
      models: await prisma.model.count(),
      aliases: await prisma.alias.findMany({ orderBy: { name: 'asc' } }),
      settings: await prisma.routingSettings.findUnique({ where: { id: 1 } }),
    };
    // The database refuses one row of a later part (as a full disk, a lost connection or a conflicting write
    // meanwhile would), after the checks passed and the provider, model, update and first alias were written.
    await prisma.$executeRawUnsafe(
      `CREATE FUNCTION refuse_half_code() RETURNS trigger AS $$ BEGIN IF NEW.name = 'half.code' THEN RAISE EXCEPTION 'disk full'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql`,
    );
    await prisma.$executeRawUnsafe(
      `CREATE TRIGGER refuse_half_code BEFORE INSERT ON "Alias" FOR EACH ROW EXECUTE FUNCTION refuse_half_code()`,
    );
    try {
      const r = await cli(['config', 'apply', 'f.yaml'], { 'f.yaml': text });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('f.yaml cannot be applied (nothing was changed)');
      expect(r.stderr).toContain('+ alias half.code (change 5 of 6) failed');
      expect(r.stderr).toContain('disk full');
      expect(r.stderr).not.toContain('applied (kept)');
      // Nothing of the parts before it stays.
      expect(await prisma.provider.findMany({ orderBy: { slug: 'asc' } })).toEqual(before.providers);
      expect(await prisma.model.count()).toBe(before.models);
      expect(await prisma.alias.findMany({ orderBy: { name: 'asc' } })).toEqual(before.aliases);
      expect(await prisma.routingSettings.findUnique({ where: { id: 1 } })).toEqual(before.settings);
      expect(await auditCount()).toBe(before.audit);
      // The live routing never saw the half-applied configuration.
      expect(t.app.routing.config.providers.some((p) => p.slug === 'half-way')).toBe(false);
      expect(t.app.routing.config.providers.find((p) => p.slug === 'mock')?.priority).toBe(mockPriority);
      // At start (CONFIG_FILE) the same failure fails the start, and changes nothing either.
      await expect(applyConfigFileAtStart(svc, 'f.yaml', () => text)).rejects.toThrow(
        /CONFIG_FILE f\.yaml cannot be applied \(nothing was changed\): \+ alias half\.code \(change 5 of 6\) failed: .*disk full/,
      );
      expect(await auditCount()).toBe(before.audit);
      expect(await prisma.provider.count({ where: { slug: 'half-way' } })).toBe(0);
    } finally {
      await prisma.$executeRawUnsafe(`DROP TRIGGER refuse_half_code ON "Alias"`);
      await prisma.$executeRawUnsafe(`DROP FUNCTION refuse_half_code()`);
    }
    const again = await cli(['config', 'apply', 'f.yaml'], { 'f.yaml': text });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('6 changes: 4 to create, 2 to update, 0 to delete');
    expect(await prisma.alias.count({ where: { name: { startsWith: 'half.' } } })).toBe(2);
    expect(await auditCount()).toBe(before.audit + 6);
    // Committed, then live and marked as the file's.
    expect(t.app.routing.config.providers.some((p) => p.slug === 'half-way')).toBe(true);
    expect((await prisma.provider.findUniqueOrThrow({ where: { slug: 'half-way' } })).managedByConfig).toBe(
      true,
    );
  });

  it('a unique conflict with a row written meanwhile rolls back the earlier changes too (a 409 naming the change)', async () => {
    const { prisma } = t.app.ctx;
    const doc = await exported();
    doc.aliases.push({ name: 'refused.first', targets: [{ ref: 'mock/mock-small' }] });
    // Valid when checked, refused when written: a concurrent writer makes a chain for the same model meanwhile
    // (here a trigger does, as the first alias is inserted), so the chain's create hits the unique modelRef.
    doc.fallbackChains.push({ modelRef: 'mock/mock-large', targets: ['mock/mock-small'] });
    const text = stringify(doc);
    const audit = await auditCount();
    await prisma.$executeRawUnsafe(
      `CREATE FUNCTION sneak_chain() RETURNS trigger AS $$ BEGIN INSERT INTO "FallbackChain" ("id", "modelRef", "targets", "updatedAt") VALUES ('sneaked', 'mock/mock-large', ARRAY['mock/mock-medium'], now()); RETURN NEW; END $$ LANGUAGE plpgsql`,
    );
    await prisma.$executeRawUnsafe(
      `CREATE TRIGGER sneak_chain AFTER INSERT ON "Alias" FOR EACH ROW EXECUTE FUNCTION sneak_chain()`,
    );
    try {
      const r = await cli(['config', 'apply', 'f.yaml'], { 'f.yaml': text });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('cannot be applied (nothing was changed)');
      expect(r.stderr).toContain(
        '+ fallback chain mock/mock-large (change 2 of 2) failed: Unique constraint failed on the fields',
      );
      expect(r.stderr).not.toContain('invocation');
      expect(await prisma.alias.count({ where: { name: 'refused.first' } })).toBe(0);
      expect(await prisma.fallbackChain.count({ where: { modelRef: 'mock/mock-large' } })).toBe(0);
      expect(await auditCount()).toBe(audit);
      const err = await svc.applyText(text).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConfigApplyError);
      expect((err as ConfigApplyError).status).toBe(409);
      expect(await prisma.alias.count({ where: { name: 'refused.first' } })).toBe(0);
    } finally {
      await prisma.$executeRawUnsafe(`DROP TRIGGER sneak_chain ON "Alias"`);
      await prisma.$executeRawUnsafe(`DROP FUNCTION sneak_chain()`);
    }
  });

  it('formats a plan with a count per action', () => {
    expect(formatPlan({ changes: [] })).toBe('no changes');
    expect(
      formatPlan({
        changes: [
          {
            action: 'update',
            kind: 'model',
            name: 'mock/m',
            fields: [{ field: 'enabled', before: true, after: false }],
          },
        ],
      }),
    ).toBe('~ model mock/m: enabled true -> false\n1 change: 0 to create, 1 to update, 0 to delete');
  });
});

describe('config apply fuzz', () => {
  it('random files never crash apply: a clean ConfigFileError naming a path, and nothing partly applied', async () => {
    const junk = fc.oneof(
      fc.string({ maxLength: 8 }),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.anything({ maxDepth: 2 }),
    );
    // Mostly the right shape, so that runs reach the database checks and some apply; now and then junk.
    const maybe = <T>(a: fc.Arbitrary<T>) =>
      fc.oneof({ weight: 12, arbitrary: a }, { weight: 1, arbitrary: junk });
    const provider = fc.record(
      {
        slug: maybe(fc.constantFrom('fz-a', 'fz-b', 'mock', 'Bad Slug')),
        type: maybe(fc.constantFrom('mock', 'openai', 'custom', 'nope')),
        name: maybe(fc.constantFrom('Fuzz', 'Fuzz 2')),
        baseUrl: maybe(fc.constantFrom('https://fz.example/v1', 'http://meta.test/', 'not a url')),
        apiKeyEnv: maybe(fc.constantFrom('FZ_KEY', 'lower')),
        priority: maybe(fc.integer({ min: -5, max: 120 })),
      },
      { requiredKeys: ['slug', 'type', 'name'] },
    );
    // Now and then a key in clear.
    const providerOrKey = fc
      .tuple(provider, fc.integer({ min: 0, max: 9 }))
      .map(([p, n]) => (n === 0 ? { ...p, apiKey: 'sk-nope' } : p));
    const model = fc.record(
      {
        provider: maybe(fc.constantFrom('fz-a', 'mock', 'ghost')),
        modelId: maybe(fc.constantFrom('fz-m', 'mock-small', 'bad id')),
        displayName: maybe(fc.constant('FZ')),
        priceInputPer1M: maybe(fc.double({ min: -1, max: 10, noNaN: true })),
        isDefault: maybe(fc.boolean()),
      },
      { requiredKeys: ['provider', 'modelId', 'displayName'] },
    );
    const alias = fc.record(
      {
        name: maybe(fc.constantFrom('fz.alias', 'auto', 'x y')),
        targets: maybe(
          fc.array(fc.record({ ref: maybe(fc.constantFrom('mock/mock-small', 'fz-a/fz-m', 'ghost/x')) }), {
            maxLength: 2,
          }),
        ),
      },
      { requiredKeys: ['name', 'targets'] },
    );
    const file = fc.record(
      {
        apiVersion: maybe(fc.constantFrom('switchyard.dev/v2', 'switchyard.dev/v1')),
        kind: maybe(fc.constant('GatewayConfig')),
        providers: maybe(fc.array(providerOrKey, { maxLength: 2 })),
        models: maybe(fc.array(model, { maxLength: 2 })),
        aliases: maybe(fc.array(alias, { maxLength: 2 })),
        fallbackChains: maybe(
          fc.array(
            fc.record({
              modelRef: maybe(fc.constantFrom('mock/mock-small', 'fz-a/fz-m')),
              targets: maybe(fc.constantFrom(['mock/mock-large'], ['ghost/x'], [])),
            }),
            { maxLength: 1 },
          ),
        ),
        powerLevels: maybe(
          fc.array(
            fc.record({
              slug: maybe(fc.constantFrom('eco', 'ghost')),
              tier: maybe(fc.constantFrom('eco', 'balanced')),
            }),
            { maxLength: 1 },
          ),
        ),
        routing: maybe(fc.record({ strategy: maybe(fc.constantFrom('cost', 'balanced')) })),
        experiments: maybe(
          fc.array(
            fc.record(
              {
                name: maybe(fc.constantFrom('fz-exp', 'Fz exp 2')),
                alias: maybe(fc.constantFrom('fz.alias', 'ghost.alias', 'auto')),
                variants: maybe(
                  fc.constantFrom(
                    [
                      { name: 'a', percent: 50, target: 'mock/mock-small' },
                      { name: 'b', percent: 50, target: 'eco' },
                    ],
                    [
                      { name: 'a', percent: 60, target: 'ghost/x' },
                      { name: 'b', percent: 40, target: 'fz.alias' },
                    ],
                    [{ name: 'a', percent: 100, target: 'mock/mock-small' }],
                  ),
                ),
                stickiness: maybe(fc.constantFrom('user', 'request', 'nope')),
                startsAt: maybe(fc.constantFrom(null, '2031-01-01T00:00:00Z')),
                endsAt: maybe(fc.constantFrom(null, '2030-01-01T00:00:00Z', 'soon')),
              },
              { requiredKeys: ['name', 'alias', 'variants'] },
            ),
            { maxLength: 1 },
          ),
        ),
      },
      { requiredKeys: ['apiVersion', 'kind'] },
    );
    const text = fc.oneof(
      { weight: 4, arbitrary: file.map((f) => stringify(f)) },
      { weight: 1, arbitrary: fc.string({ maxLength: 60 }) },
      { weight: 1, arbitrary: fc.anything().map((v) => stringify(v ?? null)) },
    );
    await fc.assert(
      fc.asyncProperty(text, async (src) => {
        const before = await auditCount();
        try {
          await svc.applyText(src);
        } catch (err) {
          expect(err).toBeInstanceOf(ConfigFileError);
          const issues = (err as ConfigFileError).issues;
          expect(issues.length).toBeGreaterThan(0);
          for (const i of issues) expect(i.path.length).toBeGreaterThan(0);
          expect(await auditCount()).toBe(before);
        }
      }),
      { numRuns: 100 },
    );
  });
});
