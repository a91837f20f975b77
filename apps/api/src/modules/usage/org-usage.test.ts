// An organization's usage for its owners and admins: GET /api/v1/me/orgs and /api/v1/me/orgs/{id}/usage, on a real
// database with requests sent through the proxy to a real HTTP mock upstream.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatFor, createProxyEnv, otherUser, type ProxyEnv } from '../../test/proxy-env.js';

let env: ProxyEnv;
let admin: string;
let viewer: string;
let lead: string; // the proxy env's user: admin of "Team A"
let member: { token: string; key: string; id: string }; // a plain member of "Team A"
let outsider: { token: string; key: string; id: string }; // owner of "Team B"
let teamA: string;
let teamB: string;
const as = (token: string) => ({ authorization: `Bearer ${token}` });

const chat = (key: string, model = 'up-openai/gpt-test') => chatFor(env, key, model);

beforeAll(async () => {
  env = await createProxyEnv();
  const { prisma } = env.t.app.ctx;
  admin = await env.t.tokenFor('admin');
  viewer = await env.t.tokenFor('viewer');
  const u = await prisma.user.findUniqueOrThrow({ where: { id: env.ids.user } });
  lead = (await env.t.http.post('/api/v1/auth/login').send({ email: u.email, password: env.userPassword }))
    .body.token as string;
  member = await otherUser(env, 'member key');
  outsider = await otherUser(env, 'outsider key');
  teamA = (await prisma.organization.create({ data: { name: 'Team A', slug: 'team-a' } })).id;
  teamB = (
    await prisma.organization.create({ data: { name: 'Team B', slug: 'team-b', ownerId: outsider.id } })
  ).id;
  await prisma.organizationMember.createMany({
    data: [
      { orgId: teamA, userId: env.ids.user, role: 'admin' },
      { orgId: teamA, userId: member.id, role: 'member' },
      { orgId: teamB, userId: outsider.id, role: 'member' },
    ],
  });
  await env.t.app.routing.reload();
}, 180_000);
afterAll(async () => {
  await env?.close();
});

interface Usage {
  totals: { requests: number; costUsd: number };
  series: { requests: number }[];
  byModel: { ref: string; requests: number; feedback: { ratings: number; meanScore: number } | null }[];
  topUsers: { userId: string; requests: number }[];
}

describe("an organization's usage", () => {
  it('lists the organizations a user owns or administers, with their role; a plain member sees none', async () => {
    const mine = await env.t.http.get('/api/v1/me/orgs').set(as(lead)).expect(200);
    expect(mine.body).toEqual({ data: [{ id: teamA, name: 'Team A', slug: 'team-a', role: 'admin' }] });
    // The owner by the organization's owner field (a membership as "member" does not lower it).
    const owner = await env.t.http.get('/api/v1/me/orgs').set(as(outsider.token)).expect(200);
    expect(owner.body.data).toEqual([{ id: teamB, name: 'Team B', slug: 'team-b', role: 'owner' }]);
    expect((await env.t.http.get('/api/v1/me/orgs').set(as(member.token)).expect(200)).body.data).toEqual([]);
    await env.t.http.get('/api/v1/me/orgs').expect(401);
  });

  it("gives the organization's own requests, its members by spend and its models' feedback; nothing of another's", async () => {
    const leadIds = [await chat(env.userKey), await chat(env.userKey)];
    await chat(member.key, 'up-anthropic/claude-test');
    await chat(outsider.key);
    await chat(outsider.key);
    const theirs = await chat(outsider.key);
    const fb = await fetch(`${env.url}/v1/feedback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${env.userKey}` },
      body: JSON.stringify({ request_id: leadIds[0], score: 0.5 }),
    });
    expect(fb.status).toBe(200);
    // The outsider's score of their own request belongs to Team B.
    const theirFb = await fetch(`${env.url}/v1/feedback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${outsider.key}` },
      body: JSON.stringify({ request_id: theirs, score: 0 }),
    });
    expect(theirFb.status).toBe(200);
    await env.flushUsage();

    for (const period of ['7d', '30d', '90d', 'all']) {
      const r = await env.t.http
        .get(`/api/v1/me/orgs/${teamA}/usage?period=${period}`)
        .set(as(lead))
        .expect(200);
      const u = r.body as Usage;
      expect(u.totals.requests, period).toBe(3);
      expect(
        u.series.reduce((n, p) => n + p.requests, 0),
        period,
      ).toBe(3);
      expect(new Map(u.byModel.map((m) => [m.ref, m.requests])), period).toEqual(
        new Map([
          ['up-openai/gpt-test', 2],
          ['up-anthropic/claude-test', 1],
        ]),
      );
      expect(u.byModel.find((m) => m.ref === 'up-openai/gpt-test')?.feedback, period).toEqual({
        ratings: 1,
        meanScore: 0.5,
      });
      expect(new Map(u.topUsers.map((t) => [t.userId, t.requests])), period).toEqual(
        new Map([
          [env.ids.user, 2],
          [member.id, 1],
        ]),
      );
    }
    // Team B's owner reads Team B: their three requests and their own score, none of Team A's.
    const b = (
      await env.t.http.get(`/api/v1/me/orgs/${teamB}/usage?period=7d`).set(as(outsider.token)).expect(200)
    ).body as Usage;
    expect(b.totals.requests).toBe(3);
    expect(b.byModel).toEqual([
      expect.objectContaining({
        ref: 'up-openai/gpt-test',
        requests: 3,
        feedback: { ratings: 1, meanScore: 0 },
      }),
    ]);
  });

  it('is a 404 for an organization the caller does not administer or that does not exist; operators read any', async () => {
    for (const [token, org] of [
      [lead, teamB],
      [member.token, teamA],
      [outsider.token, teamA],
      [lead, 'no-such-org'],
    ] as const) {
      const r = await env.t.http.get(`/api/v1/me/orgs/${org}/usage?period=7d`).set(as(token)).expect(404);
      expect(JSON.stringify(r.body)).not.toContain('Team');
    }
    for (const token of [admin, viewer]) {
      const r = await env.t.http.get(`/api/v1/me/orgs/${teamA}/usage?period=7d`).set(as(token)).expect(200);
      expect((r.body as Usage).totals.requests).toBe(3);
    }
    await env.t.http.get(`/api/v1/me/orgs/no-such-org/usage?period=7d`).set(as(admin)).expect(404);
    await env.t.http.get(`/api/v1/me/orgs/${teamB}/usage/cost-report?period=7d`).set(as(lead)).expect(404);
    await env.t.http.get(`/api/v1/me/orgs/${teamA}/usage?period=1y`).set(as(lead)).expect(400);
  });

  it("lists the organization's scores with their comments, none of another's; a 404 for others", async () => {
    const list = async (org: string, token: string, q = '') =>
      (await env.t.http.get(`/api/v1/me/orgs/${org}/feedback${q}`).set(as(token)).expect(200)).body as {
        data: { score: number; user: { id: string } | null; model: string | null }[];
      };
    const a = await list(teamA, lead);
    expect(a.data).toEqual([
      expect.objectContaining({ score: 0.5, user: expect.objectContaining({ id: env.ids.user }) }),
    ]);
    expect((await list(teamA, lead, '?rating=bad')).data).toEqual([]);
    expect((await list(teamB, outsider.token)).data).toEqual([
      expect.objectContaining({ score: 0, model: 'gpt-test' }),
    ]);
    // Asking for another organization's member does not reach past the organization.
    expect((await list(teamA, lead, `?user=${outsider.id}`)).data).toEqual([]);
    expect((await list(teamA, admin)).data).toHaveLength(1);
    for (const [token, org] of [
      [lead, teamB],
      [member.token, teamA],
      [lead, 'no-such-org'],
    ] as const)
      await env.t.http.get(`/api/v1/me/orgs/${org}/feedback`).set(as(token)).expect(404);
  });

  it("gives the organization's cost report as CSV: its requests per day, provider, model and member", async () => {
    const r = await env.t.http
      .get(`/api/v1/me/orgs/${teamA}/usage/cost-report?period=30d`)
      .set(as(lead))
      .expect(200);
    expect(r.headers['content-type']).toContain('text/csv');
    expect(r.headers['content-disposition']).toContain(`switchyard-cost-report-org-${teamA}-30d.csv`);
    const lines = r.text.trim().split('\r\n');
    expect(lines[0]).toBe(
      'day,provider,model,user,requests,errors,tokens_in,tokens_out,cost_usd,byok_saved_usd',
    );
    const rows = lines.slice(1).map((l) => l.split(','));
    // The requests were made seconds ago: today (UTC), or yesterday right after midnight.
    const days = new Set([0, 120_000].map((ago) => new Date(Date.now() - ago).toISOString().slice(0, 10)));
    const leadEmail = (await env.t.app.ctx.prisma.user.findUniqueOrThrow({ where: { id: env.ids.user } }))
      .email;
    const byUserModel = new Map(rows.map((c) => [`${c[3]} ${c[2]}`, Number(c[4])]));
    expect(rows.every((c) => days.has(c[0]!))).toBe(true);
    expect(byUserModel).toEqual(
      new Map([
        [`${leadEmail} gpt-test`, 2],
        [
          `${(await env.t.app.ctx.prisma.user.findUniqueOrThrow({ where: { id: member.id } })).email} claude-test`,
          1,
        ],
      ]),
    );
  });
});
