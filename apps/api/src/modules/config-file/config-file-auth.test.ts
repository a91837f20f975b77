/**
 * A provider's or model's `auth` in a configuration file: environment references only, exported, applied to what
 * exists as to what is new, and never a secret in clear.
 */
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LookupFn } from '../../lib/outbound-policy.js';
import { createTestApp, type TestApp } from '../../test/app.js';
import { ConfigFileError, ConfigFileService } from './config-file.service.js';

const lookup: LookupFn = async () => [{ address: '93.184.216.34', family: 4 }];

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

type Entry = Record<string, unknown> & { auth?: Record<string, unknown> };
type Doc = Record<string, unknown> & { providers: Entry[]; models: Entry[] };
const exported = async () => parse((await svc.export()).yaml) as Doc;

/** The auth as the admin API shows it, name → env name (or `secret …last4`). */
async function authOf(kind: 'providers' | 'models', id: string) {
  type Shown = {
    id: string;
    auth: { name: string; kind: string; env: string | null; last4: string | null }[];
  };
  const res = await t.http
    .get(kind === 'providers' ? '/api/v1/llm/providers' : `/api/v1/llm/models/${id}`)
    .set(as(superAdmin));
  expect(res.status).toBe(200);
  const body =
    kind === 'providers'
      ? (res.body as { data: Shown[] }).data.find((p) => p.id === id)!
      : (res.body as Shown);
  return Object.fromEntries(body.auth.map((a) => [a.name, a.kind === 'env' ? a.env : `secret …${a.last4}`]));
}

describe('auth in the config file', () => {
  it("changes an existing provider's auth references, keeps its key and dashboard secrets, and removes references the file drops", async () => {
    const p = await t.app.ctx.prisma.provider.findUniqueOrThrow({ where: { slug: 'openai' } });
    // A variable set in the dashboard as a secret: the file cannot hold it, so it stays.
    const set = await t.http
      .put(`/api/v1/llm/providers/${p.id}`)
      .set(as(superAdmin))
      .send({ auth: { organization: 'org-dashboard-1234' } });
    expect(set.status).toBe(200);

    const doc = await exported();
    const entry = doc.providers.find((e) => e.slug === 'openai')!;
    entry.auth = { project: { _env: 'OPENAI_PROJECT' }, region: { _env: 'OPENAI_REGION' } };
    const plan = await svc.applyText(stringify(doc), { dryRun: true });
    expect(plan.changes).toEqual([
      expect.objectContaining({
        action: 'update',
        kind: 'provider',
        name: 'openai',
        fields: [expect.objectContaining({ field: 'auth' })],
      }),
    ]);
    await svc.applyText(stringify(doc));
    expect(await authOf('providers', p.id)).toEqual({
      apiKey: 'OPENAI_API_KEY',
      organization: 'secret …1234',
      project: 'OPENAI_PROJECT',
      region: 'OPENAI_REGION',
    });
    // The export writes the references back (not the key, which is apiKeyEnv, nor the secret): a second apply
    // of it is no change.
    const again = await exported();
    expect(again.providers.find((e) => e.slug === 'openai')!.auth).toEqual({
      project: { _env: 'OPENAI_PROJECT' },
      region: { _env: 'OPENAI_REGION' },
    });
    expect((await svc.applyText(stringify(again), { dryRun: true })).changes).toEqual([]);

    // A reference the file no longer lists goes; one it changes follows.
    entry.auth = { project: { _env: 'OPENAI_PROJECT_2' } };
    await svc.applyText(stringify(doc));
    expect(await authOf('providers', p.id)).toEqual({
      apiKey: 'OPENAI_API_KEY',
      organization: 'secret …1234',
      project: 'OPENAI_PROJECT_2',
    });
    // A file without `auth` leaves it as it is.
    delete entry.auth;
    expect((await svc.applyText(stringify(doc), { dryRun: true })).changes).toEqual([]);
  });

  it("changes an existing model's auth references", async () => {
    const doc = await exported();
    const entry = doc.models[0]!;
    entry.auth = { apiKey: { _env: 'MODEL_OWN_KEY' } };
    await svc.applyText(stringify(doc));
    const m = await t.app.ctx.prisma.model.findFirstOrThrow({
      where: {
        modelId: entry.modelId as string,
        provider: { slug: entry.provider as string },
        scope: 'global',
      },
    });
    expect(await authOf('models', m.id)).toEqual({ apiKey: 'MODEL_OWN_KEY' });
    const again = await exported();
    expect(again.models[0]!.auth).toEqual({ apiKey: { _env: 'MODEL_OWN_KEY' } });
    expect((await svc.applyText(stringify(again), { dryRun: true })).changes).toEqual([]);
  });

  it('refuses a secret written in clear in auth, and a provider key there (apiKeyEnv is its place); nothing is created', async () => {
    const doc = await exported();
    doc.providers.push({
      slug: 'clear-secret',
      type: 'openai',
      name: 'Clear secret',
      baseUrl: 'https://api.example.com/v1',
      auth: { organization: 'org-in-clear-9876' },
    });
    doc.providers.push({
      slug: 'key-in-auth',
      type: 'openai',
      name: 'Key in auth',
      baseUrl: 'https://api.example.com/v1',
      auth: { apiKey: { _env: 'SOME_KEY' } },
    });
    const err = await svc.applyText(stringify(doc)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigFileError);
    const issues = (err as ConfigFileError).issues.map((i) => `${i.path}: ${i.message}`);
    const n = doc.providers.length;
    expect(issues).toEqual([
      expect.stringMatching(
        new RegExp(
          `^providers\\[${n - 2}\\]\\.auth\\.organization \\(line \\d+\\): a secret may not be written`,
        ),
      ),
      expect.stringMatching(
        new RegExp(`^providers\\[${n - 1}\\]\\.auth\\.apiKey \\(line \\d+\\): .*apiKeyEnv`),
      ),
    ]);
    expect(JSON.stringify(issues)).not.toContain('org-in-clear-9876');
    expect(
      await t.app.ctx.prisma.provider.count({ where: { slug: { in: ['clear-secret', 'key-in-auth'] } } }),
    ).toBe(0);
  });
});
