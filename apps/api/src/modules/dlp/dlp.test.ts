import { Writable } from 'node:stream';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Prisma } from '@switchyard/prisma';
import { dlpPolicyFor } from '../../router/load-config.js';
import { createTestApp, type TestApp } from '../../test/app.js';

const BASE = '/api/v1/llm/data-protection';
const EMAIL = 'jane.doe@example.com';

let t: TestApp;
const logLines: string[] = [];
let admin: string;
let viewer: string;
let orgAdmin: string;
let plainUser: string;
let orgA: { id: string };
let orgB: { id: string };
let appA: { id: string };
let appB: { id: string };

const as = (token: string) => ({ authorization: `Bearer ${token}` });

beforeAll(async () => {
  t = await createTestApp({
    logDestination: new Writable({
      write(chunk, _enc, cb) {
        logLines.push(String(chunk));
        cb();
      },
    }),
  });
  admin = await t.tokenFor('admin');
  viewer = await t.tokenFor('viewer');
  const p = t.app.ctx.prisma;
  orgA = await p.organization.create({ data: { name: 'Acme', slug: 'acme' } });
  orgB = await p.organization.create({ data: { name: 'Globex', slug: 'globex' } });
  appA = await p.app.create({ data: { name: 'Acme bot', slug: 'acme-bot', orgId: orgA.id } });
  appB = await p.app.create({ data: { name: 'Globex bot', slug: 'globex-bot', orgId: orgB.id } });
  const oa = await t.createUser('user');
  await p.organizationMember.create({ data: { orgId: orgA.id, userId: oa.id, role: 'admin' } });
  orgAdmin = (await t.http.post('/api/v1/auth/login').send({ email: oa.email, password: oa.password })).body
    .token as string;
  const pu = await t.createUser('user');
  await p.organizationMember.create({ data: { orgId: orgA.id, userId: pu.id, role: 'member' } });
  plainUser = (await t.http.post('/api/v1/auth/login').send({ email: pu.email, password: pu.password })).body
    .token as string;
  // The orgs and apps above were created behind the API's back: load them into the snapshot.
  await t.app.routing.reload();
}, 180_000);
afterAll(async () => {
  await t?.close();
});

const employeeRule = {
  name: 'Employee ID',
  pattern: 'EMP-\\d{6}',
  action: 'mask',
};

describe('data protection admin API', () => {
  it('lists the global scope, every org and every app with status, rule count and last activity', async () => {
    const res = await t.http.get(`${BASE}/status`).set(as(admin)).expect(200);
    expect(res.body.canEdit).toBe(true);
    expect(res.body.limited).toBe(false);
    const keys = res.body.data.map((r: { key: string }) => r.key);
    expect(keys).toEqual(
      expect.arrayContaining([
        'global',
        `org:${orgA.id}`,
        `org:${orgB.id}`,
        `app:${appA.id}`,
        `app:${appB.id}`,
      ]),
    );
    const acme = res.body.data.find((r: { key: string }) => r.key === `org:${orgA.id}`);
    expect(acme).toMatchObject({
      name: 'Acme',
      scope: 'org',
      enabled: false,
      rulesEnabled: 7,
      isDefault: true,
      lastActivityAt: null,
    });
  });

  it('saves a policy with a custom rule, audits it, and the snapshot compiles it once protection is on', async () => {
    const put = await t.http
      .put(`${BASE}/policies/org:${orgA.id}`)
      .set(as(admin))
      .send({ detectors: { ip: { enabled: false, action: 'mask' } }, customRules: [employeeRule] })
      .expect(200);
    expect(put.body).toMatchObject({ scope: 'org', id: orgA.id, isDefault: false, enabled: false });
    expect(put.body.policy.customRules[0]).toMatchObject({ name: 'Employee ID', enabled: true });
    expect(put.body.policy.detectors.ip.enabled).toBe(false);

    const audit = await t.app.ctx.prisma.auditLog.findFirst({
      where: { action: 'dlp.policy.update', entityId: `org:${orgA.id}` },
    });
    expect(audit?.after).toMatchObject({ policy: { customRules: [{ name: 'Employee ID' }] } });

    // Off: not in the snapshot, a user key of the org is not protected.
    expect(t.app.routing.config.dlp.byOrg.has(orgA.id)).toBe(false);
    await t.http.patch(`${BASE}/status/org:${orgA.id}`).set(as(admin)).send({ enabled: true }).expect(200);
    expect((await t.app.ctx.prisma.organization.findUnique({ where: { id: orgA.id } }))?.piiProtection).toBe(
      true,
    );
    const r = dlpPolicyFor(t.app.routing.config.dlp, { appId: null, orgId: orgA.id, master: false });
    expect(r).toMatchObject({ scope: 'org', scopeId: orgA.id, scopeName: 'Acme' });
    expect(r!.policy.custom.map((c) => c.name)).toEqual(['Employee ID']);
    expect(r!.policy.actions.ip).toBeUndefined();

    const status = await t.http.get(`${BASE}/status`).set(as(admin)).expect(200);
    expect(status.body.data.find((x: { key: string }) => x.key === `org:${orgA.id}`)).toMatchObject({
      enabled: true,
      rulesEnabled: 7,
      isDefault: false,
    });
    expect(
      await t.app.ctx.prisma.auditLog.count({ where: { action: 'dlp.enable', entityId: orgA.id } }),
    ).toBe(1);
  });

  it('resolves app keys to their app, user keys to their org, the master key to the global policy', async () => {
    const dlp = () => t.app.routing.config.dlp;
    // The app's protection is off: its key is not protected, even though its org's is on.
    expect(dlpPolicyFor(dlp(), { appId: appA.id, orgId: orgA.id, master: false })).toBeNull();
    await t.http.patch(`${BASE}/status/app:${appA.id}`).set(as(admin)).send({ enabled: true }).expect(200);
    expect(dlpPolicyFor(dlp(), { appId: appA.id, orgId: orgA.id, master: false })).toMatchObject({
      scope: 'app',
      scopeId: appA.id,
      scopeName: 'Acme bot',
    });
    // No policy saved for the app: the default (every detector masking).
    expect(dlpPolicyFor(dlp(), { appId: appA.id, orgId: orgA.id, master: false })!.policy.custom).toEqual([]);

    expect(dlpPolicyFor(dlp(), { appId: null, orgId: null, master: true })).toBeNull();
    await t.http.patch(`${BASE}/status/global`).set(as(admin)).send({ enabled: true }).expect(200);
    expect(dlpPolicyFor(dlp(), { appId: null, orgId: null, master: true })).toMatchObject({
      scope: 'global',
      scopeId: null,
    });
    // A user key without an org has nothing to apply.
    expect(dlpPolicyFor(dlp(), { appId: null, orgId: null, master: false })).toBeNull();

    await t.http.patch(`${BASE}/status/global`).set(as(admin)).send({ enabled: false }).expect(200);
    await t.http.patch(`${BASE}/status/app:${appA.id}`).set(as(admin)).send({ enabled: false }).expect(200);
    expect(dlpPolicyFor(dlp(), { appId: null, orgId: null, master: true })).toBeNull();
    expect(dlpPolicyFor(dlp(), { appId: appA.id, orgId: orgA.id, master: false })).toBeNull();
  });

  it('refuses custom patterns a crafted prompt makes backtrack for seconds or hours, and keeps their bounded forms', async () => {
    // `(\w|\d)+!` took 2.5 s on 26 characters; `\w*\w*\w*!` and `\w+@` grow with the text's length cubed and squared.
    for (const pattern of [
      '(\\w|\\d)+!',
      '(a|aa)+$',
      '\\w*\\w*\\w*!',
      '.*.*x',
      '\\w+\\s?\\w+$',
      '\\w+@corp',
      // Refused before it runs on anything: checking it for empty matches on a short text stalled the save for hours.
      '(?:(?:[^!]*?|a){1,64}|b*){1,64}@x',
    ]) {
      const res = await t.http
        .put(`${BASE}/policies/org:${orgB.id}`)
        .set(as(admin))
        .send({ customRules: [{ ...employeeRule, pattern }] });
      expect(res.status, pattern).toBe(400);
      expect(res.body.error.details.issues[0].field, pattern).toBe('customRules.0.pattern');
      expect(res.body.error.details.issues[0].message, pattern).toMatch(/backtracking|retried/);
    }
    // Their bounded forms, and the usual shapes of a rule, are accepted (tried with the tester: nothing is stored).
    for (const pattern of [
      '\\w{1,64}@corp',
      'secret[_-]?key\\s*[:=]\\s*\\S+',
      '(?:EMP|EMPL)-\\d+',
      '[A-Z]{2}\\d{6,}',
    ])
      await t.http
        .post(`${BASE}/test`)
        .set(as(admin))
        .send({ text: 'x', policy: { customRules: [{ ...employeeRule, pattern }] } })
        .expect(200);
  });

  it('refuses a bad policy with a 400 naming the field', async () => {
    const bad = async (customRules: unknown[], field: string) => {
      const res = await t.http
        .put(`${BASE}/policies/org:${orgB.id}`)
        .set(as(admin))
        .send({ customRules })
        .expect(400);
      expect(res.body.error.code).toBe('validation_error');
      expect(res.body.error.details.issues.map((i: { field: string }) => i.field)).toContain(field);
    };
    await bad([{ ...employeeRule, pattern: '(unclosed' }], 'customRules.0.pattern');
    await bad([{ ...employeeRule, pattern: '(a+)+$' }], 'customRules.0.pattern');
    await bad([{ ...employeeRule, pattern: 'a*' }], 'customRules.0.pattern');
    await bad([{ ...employeeRule, pattern: 'x\u0000y' }], 'customRules.0.pattern');
    await bad([{ ...employeeRule, name: 'email' }], 'customRules.0.name');
    await bad([employeeRule, { ...employeeRule, name: 'employee-id' }], 'customRules.1.name');
    await bad([{ ...employeeRule, action: 'shred' }], 'customRules.0.action');
    const bad400 = await t.http.put(`${BASE}/policies/nonsense`).set(as(admin)).send({}).expect(400);
    expect(bad400.body.error.message).toMatch(/scope/);
    await t.http.put(`${BASE}/policies/org:nope`).set(as(admin)).send({}).expect(404);
    expect(await t.app.ctx.prisma.dlpPolicy.count({ where: { scopeId: orgB.id } })).toBe(0);
  });

  it('lets viewers read and never change', async () => {
    await t.http.get(`${BASE}/status`).set(as(viewer)).expect(200);
    const pol = await t.http.get(`${BASE}/policies/org:${orgA.id}`).set(as(viewer)).expect(200);
    expect(pol.body.policy.customRules).toHaveLength(1);
    await t.http.put(`${BASE}/policies/org:${orgA.id}`).set(as(viewer)).send({}).expect(403);
    await t.http.patch(`${BASE}/status/org:${orgA.id}`).set(as(viewer)).send({ enabled: false }).expect(403);
    const st = await t.http.get(`${BASE}/status`).set(as(viewer)).expect(200);
    expect(st.body.canEdit).toBe(false);
  });

  it('shows an org admin their own org and its apps only, and lets them change those', async () => {
    const st = await t.http.get(`${BASE}/status`).set(as(orgAdmin)).expect(200);
    expect(st.body).toMatchObject({ canEdit: true, limited: true });
    expect(st.body.data.map((r: { key: string }) => r.key).sort()).toEqual(
      [`org:${orgA.id}`, `app:${appA.id}`].sort(),
    );
    await t.http.get(`${BASE}/policies/org:${orgB.id}`).set(as(orgAdmin)).expect(404);
    await t.http.get(`${BASE}/policies/app:${appB.id}`).set(as(orgAdmin)).expect(404);
    await t.http.put(`${BASE}/policies/org:${orgB.id}`).set(as(orgAdmin)).send({}).expect(404);
    await t.http.patch(`${BASE}/status/app:${appB.id}`).set(as(orgAdmin)).send({ enabled: true }).expect(404);
    await t.http.get(`${BASE}/policies/global`).set(as(orgAdmin)).expect(403);
    await t.http.patch(`${BASE}/status/global`).set(as(orgAdmin)).send({ enabled: true }).expect(403);

    await t.http
      .put(`${BASE}/policies/app:${appA.id}`)
      .set(as(orgAdmin))
      .send({ detectors: { phone: { enabled: true, action: 'redact' } } })
      .expect(200);
    await t.http.patch(`${BASE}/status/app:${appA.id}`).set(as(orgAdmin)).send({ enabled: true }).expect(200);
    expect(t.app.routing.config.dlp.byApp.get(appA.id)?.actions.phone).toBe('redact');
    await t.http
      .patch(`${BASE}/status/app:${appA.id}`)
      .set(as(orgAdmin))
      .send({ enabled: false })
      .expect(200);
  });

  it("an organization's owner by its owner field (an admin made them owner later: no owner membership) administers it too", async () => {
    const p = t.app.ctx.prisma;
    const owner = await t.createUser('user');
    await p.organization.update({ where: { id: orgB.id }, data: { ownerId: owner.id } });
    const token = (
      await t.http.post('/api/v1/auth/login').send({ email: owner.email, password: owner.password })
    ).body.token as string;
    try {
      const st = await t.http.get(`${BASE}/status`).set(as(token)).expect(200);
      expect(st.body).toMatchObject({ canEdit: true, limited: true });
      expect(st.body.data.map((r: { key: string }) => r.key).sort()).toEqual(
        [`org:${orgB.id}`, `app:${appB.id}`].sort(),
      );
      // The same rule gives them the organization's usage.
      const orgs = await t.http.get('/api/v1/me/orgs').set(as(token)).expect(200);
      expect(orgs.body.data).toEqual([{ id: orgB.id, name: 'Globex', slug: 'globex', role: 'owner' }]);
      await t.http.get(`/api/v1/me/orgs/${orgB.id}/usage?period=7d`).set(as(token)).expect(200);
    } finally {
      await p.organization.update({ where: { id: orgB.id }, data: { ownerId: null } });
    }
  });

  it('shows a user who administers no org nothing, and lets them change nothing', async () => {
    const st = await t.http.get(`${BASE}/status`).set(as(plainUser)).expect(200);
    expect(st.body).toEqual({ data: [], canEdit: false, limited: true });
    await t.http.get(`${BASE}/policies/org:${orgA.id}`).set(as(plainUser)).expect(404);
    await t.http.put(`${BASE}/policies/org:${orgA.id}`).set(as(plainUser)).send({}).expect(404);
    await t.http
      .patch(`${BASE}/status/org:${orgA.id}`)
      .set(as(plainUser))
      .send({ enabled: false })
      .expect(404);
    const act = await t.http.get(`${BASE}/activity`).set(as(plainUser)).expect(200);
    expect(act.body.data).toEqual([]);
  });

  it('tests a text against a policy: findings, spans and the text as sent; nothing stored or logged', async () => {
    const counts = async () => ({
      audit: await t.app.ctx.prisma.auditLog.count(),
      policies: await t.app.ctx.prisma.dlpPolicy.count(),
      events: await t.app.ctx.prisma.dlpEvent.count(),
    });
    const before = await counts();
    const text = `Mail ${EMAIL} or ${EMAIL}, badge EMP-123456.`;
    const res = await t.http
      .post(`${BASE}/test`)
      .set(as(viewer))
      .send({ text, policy: { customRules: [employeeRule] } })
      .expect(200);
    expect(res.body.text).toBe('Mail [EMAIL_1] or [EMAIL_1], badge [EMPLOYEE_ID_1].');
    expect(res.body.findings).toEqual([
      { kind: 'email', rule: 'email', action: 'mask', count: 2 },
      { kind: 'custom', rule: 'Employee ID', action: 'mask', count: 1 },
    ]);
    expect(res.body.spans.map((s: { start: number; end: number }) => text.slice(s.start, s.end))).toEqual([
      EMAIL,
      EMAIL,
      'EMP-123456',
    ]);
    expect(res.body.blocked).toBeNull();

    const blocked = await t.http
      .post(`${BASE}/test`)
      .set(as(admin))
      .send({
        text: `key for ${EMAIL}`,
        policy: { detectors: { email: { enabled: true, action: 'block' } } },
      })
      .expect(200);
    expect(blocked.body.blocked).toEqual({ kind: 'email', rule: 'email' });
    expect(blocked.body.text).toBe(`key for ${EMAIL}`);

    // Without a policy: the default one.
    const def = await t.http.post(`${BASE}/test`).set(as(admin)).send({ text: EMAIL }).expect(200);
    expect(def.body.text).toBe('[EMAIL_1]');

    const invalid = await t.http
      .post(`${BASE}/test`)
      .set(as(admin))
      .send({ text: 'x', policy: { customRules: [{ ...employeeRule, pattern: '(a+)+' }] } })
      .expect(400);
    expect(invalid.body.error.details.issues[0].field).toBe('policy.customRules.0.pattern');

    expect(await counts()).toEqual(before);
    expect(logLines.join('')).not.toContain(EMAIL);
    expect(logLines.join('')).not.toContain('EMP-123456');
  });

  it('lists activity newest first with filters and keyset paging; org admins see their own', async () => {
    const base = Date.now() - 60_000;
    const row = (
      i: number,
      over: Partial<Prisma.DlpEventCreateManyInput>,
    ): Prisma.DlpEventCreateManyInput => ({
      createdAt: new Date(base + i * 1000),
      requestId: `req-${i}`,
      scope: 'org',
      scopeId: orgA.id,
      orgId: orgA.id,
      appId: null,
      userId: null,
      gatewayKeyId: null,
      findings: [{ kind: 'email', rule: 'email', action: 'mask', count: 2 }],
      sizeBytes: 512,
      ...over,
    });
    await t.app.ctx.prisma.dlpEvent.createMany({
      data: [
        row(1, {}),
        row(2, {
          scope: 'app',
          scopeId: appB.id,
          orgId: orgB.id,
          appId: appB.id,
          findings: [{ kind: 'card', rule: 'card', action: 'block', count: 2 }],
        }),
        row(3, { scope: 'global', scopeId: null, orgId: null }),
        row(4, { findings: [{ kind: 'custom', rule: 'Employee ID', action: 'mask', count: 1 }] }),
      ],
    });

    const all = await t.http.get(`${BASE}/activity?limit=2`).set(as(viewer)).expect(200);
    expect(all.body.data.map((r: { requestId: string }) => r.requestId)).toEqual(['req-4', 'req-3']);
    expect(all.body.data[0]).toMatchObject({
      scopeName: 'Acme',
      kind: 'custom',
      rule: 'Employee ID',
      matches: 1,
      detail: '1 match of Employee ID masked',
    });
    expect(all.body.data[1]).toMatchObject({ detail: '2 emails masked' });
    expect(all.body.data[1].scopeName).toBe('Global (master key)');
    const next = await t.http
      .get(`${BASE}/activity?limit=2&cursor=${encodeURIComponent(all.body.nextCursor)}`)
      .set(as(viewer))
      .expect(200);
    expect(next.body.data.map((r: { requestId: string }) => r.requestId)).toEqual(['req-2', 'req-1']);
    expect(next.body.nextCursor).toBeNull();

    const blocks = await t.http.get(`${BASE}/activity?action=block`).set(as(admin)).expect(200);
    expect(blocks.body.data.map((r: { requestId: string }) => r.requestId)).toEqual(['req-2']);
    const app = await t.http.get(`${BASE}/activity?app=${appB.id}&kind=card`).set(as(admin)).expect(200);
    expect(app.body.data).toHaveLength(1);
    expect(app.body.data[0].scopeName).toBe('Globex bot');
    await t.http.get(`${BASE}/activity?action=shred`).set(as(admin)).expect(400);
    await t.http.get(`${BASE}/activity?cursor=nope`).set(as(admin)).expect(400);
    await t.http.get(`${BASE}/activity?cursor=0000-01-01T00%3A00%3A00Z%7C1`).set(as(admin)).expect(400);

    const mine = await t.http.get(`${BASE}/activity`).set(as(orgAdmin)).expect(200);
    expect(mine.body.data.map((r: { requestId: string }) => r.requestId)).toEqual(['req-4', 'req-1']);

    const st = await t.http.get(`${BASE}/status`).set(as(admin)).expect(200);
    const acme = st.body.data.find((r: { key: string }) => r.key === `org:${orgA.id}`);
    expect(acme.lastActivityAt).toBe(new Date(base + 4000).toISOString());
    const globex = st.body.data.find((r: { key: string }) => r.key === `app:${appB.id}`);
    expect(globex.lastActivityAt).toBe(new Date(base + 2000).toISOString());
    expect(st.body.data.find((r: { key: string }) => r.key === 'global').lastActivityAt).toBe(
      new Date(base + 3000).toISOString(),
    );
  });

  it('lists an entry per rule of a request, in the order they fired, paging and filtering between them', async () => {
    const at = new Date(Date.now() + 3_600_000); // newer than every other test's rows
    await t.app.ctx.prisma.dlpEvent.create({
      data: {
        createdAt: at,
        requestId: 'req-many',
        scope: 'org',
        scopeId: orgA.id,
        orgId: orgA.id,
        findings: [
          { kind: 'email', rule: 'email', action: 'mask', count: 3 },
          { kind: 'secret', rule: 'secret', action: 'redact', count: 1 },
          { kind: 'custom', rule: 'Employee ID', action: 'detect', count: 2 },
        ],
        sizeBytes: 4096,
      },
    });
    const first = await t.http.get(`${BASE}/activity?limit=2`).set(as(admin)).expect(200);
    expect(
      first.body.data.map((r: { requestId: string; detail: string }) => [r.requestId, r.detail]),
    ).toEqual([
      ['req-many', '3 emails masked'],
      ['req-many', '1 secret redacted'],
    ]);
    expect(new Set(first.body.data.map((r: { id: string }) => r.id)).size).toBe(2);
    const second = await t.http
      .get(`${BASE}/activity?limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`)
      .set(as(admin))
      .expect(200);
    expect(second.body.data[0]).toMatchObject({
      requestId: 'req-many',
      kind: 'custom',
      rule: 'Employee ID',
      action: 'detect',
      matches: 2,
      sizeBytes: 4096,
      detail: '2 matches of Employee ID detected',
    });
    expect(second.body.data[1].requestId).not.toBe('req-many');

    const secrets = await t.http.get(`${BASE}/activity?kind=secret`).set(as(admin)).expect(200);
    expect(secrets.body.data.map((r: { requestId: string; kind: string }) => [r.requestId, r.kind])).toEqual([
      ['req-many', 'secret'],
    ]);
    const detected = await t.http.get(`${BASE}/activity?action=detect&limit=1`).set(as(admin)).expect(200);
    expect(detected.body.data[0]).toMatchObject({ requestId: 'req-many', kind: 'custom' });
    // A cursor of the older, two-part form continues after the whole request.
    const [when, rowId] = (first.body.nextCursor as string).split('|');
    const after = await t.http
      .get(`${BASE}/activity?limit=1&cursor=${encodeURIComponent(`${when}|${rowId}`)}`)
      .set(as(admin))
      .expect(200);
    expect(after.body.data[0].requestId).not.toBe('req-many');
    await t.app.ctx.prisma.dlpEvent.deleteMany({ where: { requestId: 'req-many' } });
  });

  it('reads a stored count that is not a whole number in range as one, without failing the page', async () => {
    const at = new Date(Date.now() + 7_200_000);
    await t.app.ctx.prisma.dlpEvent.create({
      data: {
        createdAt: at,
        requestId: 'req-odd',
        scope: 'global',
        findings: [
          { kind: 'email', rule: 'email', action: 'mask', count: 2.7 },
          { kind: 'phone', rule: 'phone', action: 'mask', count: 'x' },
          { kind: 'card', rule: 'card', action: 'mask', count: -3 },
          { kind: 'ip', rule: 'ip', action: 'mask', count: 1e12 },
        ],
        sizeBytes: 1,
      },
    });
    const res = await t.http.get(`${BASE}/activity?limit=4`).set(as(admin)).expect(200);
    expect(res.body.data.map((r: { matches: number }) => r.matches)).toEqual([2, 0, 0, 2_147_483_647]);
    await t.app.ctx.prisma.dlpEvent.deleteMany({ where: { requestId: 'req-odd' } });
  });

  it("finds an activity row's log entry by its request, never another caller's with the same id", async () => {
    const at = new Date();
    // Another organization's request that chose the same request id is logged first, then this one's.
    const logged = (orgId: string) =>
      t.app.ctx.prisma.usageRecord.create({
        data: {
          createdAt: at,
          requestId: 'req-log',
          endpoint: 'chat.completions',
          requestedModel: 'm',
          status: 200,
          orgId,
        },
      });
    await logged(orgB.id);
    const u = await logged(orgA.id);
    await t.app.ctx.prisma.dlpEvent.create({
      data: {
        createdAt: at,
        requestId: 'req-log',
        scope: 'org',
        scopeId: orgA.id,
        orgId: orgA.id,
        appId: null,
        userId: null,
        gatewayKeyId: null,
        findings: [{ kind: 'ip', rule: 'ip', action: 'detect', count: 1 }],
        sizeBytes: 10,
      },
    });
    const ev = await t.app.ctx.prisma.dlpEvent.findFirst({ where: { requestId: 'req-log' } });
    const res = await t.http.get(`${BASE}/activity/${ev!.id}/log`).set(as(admin)).expect(200);
    expect(res.body).toEqual({ logId: u.id.toString() });
    // The id the activity list gives its entry (the row's id and the entry's place) opens the same log.
    const listed = await t.http.get(`${BASE}/activity?kind=ip`).set(as(admin)).expect(200);
    const entry = listed.body.data.find((r: { requestId: string }) => r.requestId === 'req-log');
    expect(entry.id).toBe(`${ev!.id}-1`);
    const viaEntry = await t.http.get(`${BASE}/activity/${entry.id}/log`).set(as(admin)).expect(200);
    expect(viaEntry.body).toEqual({ logId: u.id.toString() });
    await t.http.get(`${BASE}/activity/${ev!.id}-x/log`).set(as(admin)).expect(404);
    await t.http.get(`${BASE}/activity/999999999/log`).set(as(admin)).expect(404);
    await t.http.get(`${BASE}/activity/abc/log`).set(as(admin)).expect(404);
  });

  it('tells a log removed by retention from one not written yet (the activity outlives USAGE_RETENTION_DAYS)', async () => {
    const p = t.app.ctx.prisma;
    const env = t.app.ctx.env as { USAGE_RETENTION_DAYS?: number };
    const event = (requestId: string, createdAt: Date) =>
      p.dlpEvent.create({
        data: {
          createdAt,
          requestId,
          scope: 'org',
          scopeId: orgA.id,
          orgId: orgA.id,
          findings: [{ kind: 'email', rule: 'email', action: 'mask', count: 1 }],
          sizeBytes: 10,
        },
      });
    const old = await event('req-pruned', new Date(t.app.ctx.now() - 40 * 86_400_000));
    const fresh = await event('req-pending', new Date(t.app.ctx.now()));
    const saved = env.USAGE_RETENTION_DAYS;
    env.USAGE_RETENTION_DAYS = 30;
    try {
      const gone = await t.http.get(`${BASE}/activity/${old.id}-1/log`).set(as(admin)).expect(404);
      expect(gone.body.error.code).toBe('log_pruned');
      expect(gone.body.error.message).toContain('older than 30 days are deleted (USAGE_RETENTION_DAYS)');
      // Still listed: the activity is kept.
      const listed = await t.http.get(`${BASE}/activity?kind=email`).set(as(admin)).expect(200);
      expect(listed.body.data.map((r: { requestId: string }) => r.requestId)).toContain('req-pruned');
      const pending = await t.http.get(`${BASE}/activity/${fresh.id}-1/log`).set(as(admin)).expect(404);
      expect(pending.body.error.code).toBe('not_found');
      expect(pending.body.error.message).toContain('no log entry (yet)');
      // Without retention an old entry's missing log is not called pruned.
      env.USAGE_RETENTION_DAYS = undefined;
      const kept = await t.http.get(`${BASE}/activity/${old.id}-1/log`).set(as(admin)).expect(404);
      expect(kept.body.error.code).toBe('not_found');
    } finally {
      env.USAGE_RETENTION_DAYS = saved;
    }
  });

  it('marks a saved policy the gateway now refuses as not in force, says why, and logs the fallback', async () => {
    // Saved before the check that refuses a leading unbounded repeat (`\w+@…`): written behind the API's back.
    const org = await t.app.ctx.prisma.organization.create({
      data: { name: 'Legacy', slug: 'legacy-dlp', piiProtection: true },
    });
    await t.app.ctx.prisma.dlpPolicy.create({
      data: {
        scope: 'org',
        scopeId: org.id,
        orgId: org.id,
        rules: {
          detectors: { email: { enabled: false, action: 'mask' } },
          customRules: [{ name: 'Corp mail', pattern: '\\w+@corp\\.example', action: 'block' }, employeeRule],
        } as unknown as Prisma.InputJsonValue,
      },
    });
    await t.app.routing.reload();

    // The default policy applies in its place: email masked, no custom rule, nothing blocked.
    const r = dlpPolicyFor(t.app.routing.config.dlp, { appId: null, orgId: org.id, master: false });
    expect(r!.policy.custom).toEqual([]);
    expect(r!.policy.actions.email).toBe('mask');
    const warned = logLines.filter((l) => l.includes('data-protection policy not in force'));
    expect(warned.length).toBe(1);
    expect(warned[0]).toContain(`org:${org.id}`);
    expect(warned[0]).toContain('Corp mail');

    const status = await t.http.get(`${BASE}/status`).set(as(admin)).expect(200);
    const row = status.body.data.find((x: { key: string }) => x.key === `org:${org.id}`);
    expect(row).toMatchObject({ isDefault: false, rulesEnabled: 7 });
    expect(row.notInForce).toMatch(/custom rule 1 \(Corp mail\): pattern starts with an unbounded repeat/);
    expect(row.notInForce).toMatch(/default policy applies/);
    expect(status.body.data.find((x: { key: string }) => x.key === `org:${orgA.id}`).notInForce).toBeNull();

    const got = await t.http.get(`${BASE}/policies/org:${org.id}`).set(as(admin)).expect(200);
    expect(got.body.notInForce.rules).toEqual([
      {
        index: 0,
        name: 'Corp mail',
        pattern: '\\w+@corp\\.example',
        flags: '',
        action: 'block',
        problem: expect.stringMatching(/^pattern starts with an unbounded repeat/),
      },
    ]);
    // What the admin fixes and saves: the saved policy without the refused rule.
    expect(got.body.policy.customRules.map((c: { name: string }) => c.name)).toEqual(['Employee ID']);
    expect(got.body.policy.detectors.email.enabled).toBe(false);

    // Saving it again puts it back in force.
    const put = await t.http
      .put(`${BASE}/policies/org:${org.id}`)
      .set(as(admin))
      .send({ ...got.body.policy })
      .expect(200);
    expect(put.body.notInForce).toBeNull();
    const again = dlpPolicyFor(t.app.routing.config.dlp, { appId: null, orgId: org.id, master: false });
    expect(again!.policy.custom.map((c) => c.name)).toEqual(['Employee ID']);
  });

  it('cascades: deleting an org deletes its policy', async () => {
    const org = await t.app.ctx.prisma.organization.create({ data: { name: 'Tmp', slug: 'tmp-dlp' } });
    await t.http.put(`${BASE}/policies/org:${org.id}`).set(as(admin)).send({}).expect(200);
    expect(await t.app.ctx.prisma.dlpPolicy.count({ where: { orgId: org.id } })).toBe(1);
    await t.http.delete(`/api/v1/orgs/${org.id}`).set(as(admin)).expect(204);
    expect(await t.app.ctx.prisma.dlpPolicy.count({ where: { scopeId: org.id } })).toBe(0);
  });
});

describe('data protection API fuzz', () => {
  const anyJson = fc.jsonValue({ maxDepth: 4 });
  const ruleLike = fc.record(
    {
      name: fc.oneof(fc.string({ maxLength: 50 }), fc.constantFrom('Employee ID', 'email', 'A', '')),
      pattern: fc.oneof(
        fc.string({ maxLength: 40 }),
        fc.constantFrom('(a+)+', '\\d{3}', '[', '(?<x>a)\\k<x>', '.*', '\\bfoo\\b', 'a{1,100000}'),
      ),
      flags: fc.oneof(fc.constantFrom('i', 'g', 'ii', 'msu', ''), fc.string({ maxLength: 4 })),
      action: fc.oneof(fc.constantFrom('mask', 'redact', 'block', 'detect'), fc.string({ maxLength: 6 })),
      enabled: fc.oneof(fc.boolean(), anyJson),
    },
    { requiredKeys: [] },
  );
  const policyLike = fc.oneof(
    anyJson,
    fc.record(
      {
        detectors: fc.oneof(
          anyJson,
          fc.dictionary(
            fc.constantFrom('email', 'phone', 'card', 'iban', 'ssn', 'ip', 'secret', 'other'),
            fc.record(
              {
                enabled: fc.oneof(fc.boolean(), anyJson),
                action: fc.oneof(fc.constantFrom('mask', 'block'), anyJson),
              },
              { requiredKeys: [] },
            ),
          ),
        ),
        customRules: fc.oneof(anyJson, fc.array(ruleLike, { maxLength: 4 })),
      },
      { requiredKeys: [] },
    ),
  );

  it('never answers a policy or tester body with a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(policyLike, fc.oneof(fc.string({ maxLength: 300 }), anyJson), async (policy, text) => {
        const put = await t.http
          .put(`${BASE}/policies/org:${orgB.id}`)
          .set(as(admin))
          .send({ policy } as object);
        expect(put.status).toBeLessThan(500);
        const put2 = await t.http
          .put(`${BASE}/policies/org:${orgB.id}`)
          .set(as(admin))
          .send(policy === null || typeof policy !== 'object' ? [policy] : (policy as object));
        expect(put2.status).toBeLessThan(500);
        const test = await t.http
          .post(`${BASE}/test`)
          .set(as(admin))
          .send({ text, policy } as object);
        expect(test.status).toBeLessThan(500);
        if (test.status === 200) expect(typeof test.body.text).toBe('string');
      }),
      { numRuns: 60 },
    );
  }, 120_000);

  it('tests a large text with many custom rules in bounded time', async () => {
    const rules = Array.from({ length: 50 }, (_, i) => ({
      name: `Rule ${i}`,
      pattern: `[a-z]{2,8}\\d{${(i % 5) + 1}}x`,
      action: 'mask',
    }));
    const text = 'aaaaaaaa1'.repeat(11_000);
    const started = Date.now();
    const res = await t.http
      .post(`${BASE}/test`)
      .set(as(admin))
      .send({ text, policy: { customRules: rules } });
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(10_000);
    const tooLong = await t.http
      .post(`${BASE}/test`)
      .set(as(admin))
      .send({ text: 'x'.repeat(100_001) });
    expect(tooLong.status).toBe(400);
  }, 30_000);
});
