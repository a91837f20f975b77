// One running experiment per alias: however an admin gets there (starts sent at once, or the end of an experiment
// that has ended moved on while another runs), an alias's traffic is split by one experiment only, so each one's
// results are the traffic it was started for. Real database (the concurrent starts matter on PostgreSQL, where each
// request has a connection of its own) and a real HTTP mock upstream.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProxyEnv, type ProxyEnv } from '../../test/proxy-env.js';

const BASE = '/api/v1/llm/experiments';

let env: ProxyEnv;
let admin: string;
/** The clock the gateway reads: moved on by a test instead of waiting. */
let offsetMs = 0;
const as = (token: string) => ({ authorization: `Bearer ${token}` });

beforeAll(async () => {
  env = await createProxyEnv({ now: () => Date.now() + offsetMs });
  admin = await env.t.tokenFor('admin');
  const { prisma } = env.t.app.ctx;
  for (const name of ['ab-race', 'ab-reopen'])
    await prisma.alias.create({
      data: { name, targets: [{ ref: 'up-openai/gpt-test', weight: 1 }], fallbacks: [] },
    });
  await env.t.app.routing.reload();
}, 180_000);
afterAll(async () => {
  await env?.close();
});

/** An experiment sending all of the alias's traffic to `target`. */
const allTo = (name: string, alias: string, target: string, endsAt?: string) => ({
  name,
  alias,
  stickiness: 'request',
  variants: [
    { name: 'control', percent: 0, target: alias },
    { name: 'treatment', percent: 100, target },
  ],
  ...(endsAt ? { endsAt } : {}),
});

async function create(body: Record<string, unknown>): Promise<string> {
  return (await env.t.http.post(BASE).set(as(admin)).send(body).expect(201)).body.id as string;
}

async function providerFor(alias: string): Promise<string | null> {
  const res = await fetch(`${env.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${env.userKey}` },
    body: JSON.stringify({ model: alias, messages: [{ role: 'user', content: 'Hi' }] }),
  });
  await res.text();
  expect(res.status).toBe(200);
  return res.headers.get('x-switchyard-provider');
}

describe('one running experiment per alias', () => {
  it('of several drafts started at once on one alias, one runs and the others are refused', async () => {
    const ids = [];
    for (const n of ['first', 'second', 'third', 'fourth'])
      ids.push(await create(allTo(n, 'ab-race', 'up-anthropic/claude-test')));
    const starts = await Promise.all(ids.map((id) => env.t.http.post(`${BASE}/${id}/start`).set(as(admin))));
    expect(starts.map((r) => r.status).sort()).toEqual([200, 409, 409, 409]);
    const running = await env.t.app.ctx.prisma.experiment.count({
      where: { alias: 'ab-race', status: 'running' },
    });
    expect(running).toBe(1);
  });

  it('an ended experiment cannot be reopened while another runs on its alias', async () => {
    const ended = await create(
      allTo('ended', 'ab-reopen', 'up-anthropic/claude-test', new Date(Date.now() + 60_000).toISOString()),
    );
    await env.t.http.post(`${BASE}/${ended}/start`).set(as(admin)).expect(200);
    offsetMs += 120_000;
    const next = await create(allTo('next', 'ab-reopen', 'up-backup/gpt-test'));
    await env.t.http.post(`${BASE}/${next}/start`).set(as(admin)).expect(200);
    expect(await providerFor('ab-reopen')).toBe('up-backup');

    for (const endsAt of [null, new Date(Date.now() + offsetMs + 3_600_000).toISOString()]) {
      const reopen = await env.t.http.patch(`${BASE}/${ended}`).set(as(admin)).send({ endsAt });
      expect(reopen.status, JSON.stringify(endsAt)).toBe(409);
      expect(reopen.body.error.message).toContain('"next"');
    }
    const still = await env.t.http.get(`${BASE}/${ended}`).set(as(admin)).expect(200);
    expect(still.body.state).toBe('ended');
    // The running experiment keeps the alias's traffic.
    expect(await providerFor('ab-reopen')).toBe('up-backup');
    // Once that one is stopped, the ended one may run again; its name and a past end stay its own to change.
    await env.t.http.patch(`${BASE}/${ended}`).set(as(admin)).send({ name: 'ended, renamed' }).expect(200);
    await env.t.http.post(`${BASE}/${next}/stop`).set(as(admin)).expect(200);
    await env.t.http.patch(`${BASE}/${ended}`).set(as(admin)).send({ endsAt: null }).expect(200);
    expect(await providerFor('ab-reopen')).toBe('up-anthropic');
  });
});
