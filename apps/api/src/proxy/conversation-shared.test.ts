// A Responses turn continuing a stored conversation (`previous_response_id`) reserves that conversation as the
// provider counted it. Only the instance that relayed the answer used to know the figure (in memory): behind a load
// balancer, or after a restart, every continuation was reserved the model's whole context window, and a user whose
// budget is smaller than one window was refused them all. Two instances on one database (and, in the second
// case, one Redis), a restart, another caller's id, and fuzzed ids.
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { budgetKey as budgetCounter } from '@switchyard/core';
import { generateGatewayKey } from '../lib/key-format.js';
import { responsesAnswer as responseWith } from '../test/budgets.js';
import { createLogger } from '../lib/logger.js';
import { SharedConversations } from './conversations.js';
import { startInstance, type Instance } from '../test/instance.js';
import { MASTER_KEY, createProxyEnv, otherUser, resetProxyEnv, type ProxyEnv } from '../test/proxy-env.js';
import { REDIS_TEST_URL, dropPrefix, eventually, testPrefix } from '../test/redis.js';

const post = (base: string, key: string, body: Record<string, unknown>) =>
  fetch(`${base}/v1/responses`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify(body),
  });

// gpt-test: $2 in, $8 out per 1M tokens, an 8,000-token context window. The conversation is 5,000 + 100 tokens;
// the continuation is billed 5,120 in and 10 out. A budget of $0.013 holds the conversation's reservation
// (~$0.0103) and not the window's (~$0.0161).
const BUDGET = 0.013;
const SETTLED = (5_120 * 2 + 10 * 8) / 1e6;

for (const store of ['database', 'redis'] as const) {
  describe(`a continuation on another instance than the one that relayed the answer (${store})`, () => {
    let a: ProxyEnv;
    let prefix: string | null = null;
    const instances: Instance[] = [];
    let n = 0;
    const sharedEnv = (): Record<string, string> =>
      prefix ? { REDIS_URL: REDIS_TEST_URL, REDIS_KEY_PREFIX: prefix, REDIS_COMMAND_TIMEOUT_MS: '5000' } : {};

    beforeAll(async () => {
      if (store === 'redis') prefix = testPrefix();
      // With Redis, A writes its usage records only when told to: the continuation on B must not need them.
      a = await createProxyEnv({
        env: { ...sharedEnv(), ...(store === 'redis' ? { USAGE_FLUSH_INTERVAL_MS: '600000' } : {}) },
      });
    });
    afterEach(async () => {
      for (const i of instances.splice(0)) await i.close();
      resetProxyEnv(a);
    });
    afterAll(async () => {
      await a?.close();
      if (prefix) await dropPrefix(prefix);
    });

    const start = () =>
      startInstance(a, {
        GATEWAY_MASTER_KEY: MASTER_KEY,
        USAGE_FLUSH_INTERVAL_MS: '50',
        UPSTREAM_FIRST_BYTE_TIMEOUT_MS: '1500',
        UPSTREAM_IDLE_TIMEOUT_MS: '1500',
        ...sharedEnv(),
      }).then((i) => (instances.push(i), i));

    async function budgetedKey(userId: string, budgetUsd = BUDGET): Promise<{ key: string; id: string }> {
      const k = generateGatewayKey();
      const row = await a.t.app.ctx.prisma.gatewayKey.create({
        data: {
          keyHash: k.hash,
          prefix: k.prefix,
          name: 'budgeted',
          ownerType: 'user',
          userId,
          budgetUsd,
          budgetPeriod: 'month',
        },
      });
      await a.t.app.routing.reload();
      return { key: k.key, id: row.id };
    }

    /** A first turn through instance A with the user's key: the provider counted 5,000 in and 100 out. */
    async function firstTurnOnA(stream: boolean): Promise<string> {
      const id = `resp_${store}_${++n}`;
      const r = responseWith(id, 5_000, 100);
      const sse = (type: string, o: Record<string, unknown>) =>
        `event: ${type}\ndata: ${JSON.stringify({ type, ...o })}\n\n`;
      a.up.script(
        stream
          ? {
              path: '/responses',
              events: [
                sse('response.created', { response: { ...r, usage: null } }),
                sse('response.completed', { response: r }),
              ],
            }
          : { path: '/responses', status: 200, body: r },
      );
      const first = await post(a.url, a.userKey, { model: 'up-openai/gpt-test', input: 'start', stream });
      expect(first.status).toBe(200);
      expect(await first.text()).toContain(id);
      // On the database alone, the answer is known elsewhere once its usage record is written.
      if (store === 'database') await a.flushUsage();
      return id;
    }

    async function spentBy(i: Instance, keyId: string): Promise<number> {
      for (let k = 0; k < 50 && i.app.usage.depth > 0; k++) await i.app.usage.flush();
      const s = await a.t.app.ctx.prisma.usageRecord.aggregate({
        _sum: { costUsd: true },
        where: { gatewayKeyId: keyId },
      });
      return Number(s._sum.costUsd ?? 0);
    }

    const continueOn = (base: string, key: string, prior: string) => {
      a.up.script({ path: '/responses', status: 200, body: responseWith(`${prior}_next`, 5_120, 10) });
      return post(base, key, {
        model: 'up-openai/gpt-test',
        previous_response_id: prior,
        input: 'and then?',
        max_output_tokens: 10,
      });
    };

    it.each([false, true])(
      'instance B admits a continuation of an answer A relayed within a budget below one context window, and settles it (first turn streamed: %s)',
      async (stream) => {
        const { key, id } = await budgetedKey(a.ids.user);
        const b = await start();
        const prior = await firstTurnOnA(stream);
        const res = await continueOn(b.url, key, prior);
        expect(res.status, await res.clone().text()).toBe(200);
        expect(await res.text()).toContain(`${prior}_next`);
        expect(await spentBy(b, id)).toBeCloseTo(SETTLED, 9);
        // Settled to what it cost: the budget's counter on B holds the spend, no reservation left behind (in Redis
        // the settlement lands a moment after the answer).
        const counter = budgetCounter({ scope: 'key', id, period: 'month' }, Date.now());
        await eventually(async () => {
          const [held] = await b.app.routing.store.read([counter]);
          expect(held).toBeCloseTo(SETTLED, 9);
        });
      },
    );

    it('after a restart (a new instance on the same database), a continuation is reserved the conversation, not the window', async () => {
      const prior = await firstTurnOnA(false);
      const { key, id } = await budgetedKey(a.ids.user);
      const restarted = await start();
      const res = await continueOn(restarted.url, key, prior);
      expect(res.status, await res.clone().text()).toBe(200);
      expect(await spentBy(restarted, id)).toBeCloseTo(SETTLED, 9);
    });

    it('another user naming the response gets nothing from it: reserved the whole window (refused here)', async () => {
      const prior = await firstTurnOnA(false);
      const other = await otherUser(a, 'prober');
      const { key } = await budgetedKey(other.id);
      const b = await start();
      // Neither on the instance that relayed the answer (its memory) nor on another (the shared store).
      for (const base of [a.url, b.url]) {
        const res = await continueOn(base, key, prior);
        expect(res.status).toBe(402);
        const body = (await res.json()) as { error: { message: string } };
        // The window's reservation, not the conversation's ($0.0103).
        expect(body.error.message).toContain('may cost up to $0.0161');
      }
    });

    it('fuzzed response ids never get a 5xx and leave no reservation behind', async () => {
      const { key, id } = await budgetedKey(a.ids.user, 1000);
      const b = await start();
      const counter = budgetCounter({ scope: 'key', id, period: 'month' }, Date.now());
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            fc.string({ maxLength: 300 }),
            fc.string({ unit: 'binary', maxLength: 50 }),
            fc.constantFrom("resp_' OR 1=1 --", 'resp_\u0000x', 'x'.repeat(5000), `resp_${store}_1`),
          ),
          async (prior) => {
            a.up.script({ path: '/responses', status: 200, body: responseWith('resp_fz', 10, 1) });
            const res = await post(b.url, key, {
              model: 'up-openai/gpt-test',
              previous_response_id: prior,
              input: 'hi',
              max_output_tokens: 10,
            });
            await res.text();
            expect(res.status).toBeLessThan(500);
          },
        ),
        { numRuns: 40, endOnFailure: true },
      );
      a.up.reset();
      const spent = await spentBy(b, id);
      await eventually(async () => {
        const [held] = await b.app.routing.store.read([counter]);
        expect(held).toBeCloseTo(spent, 9);
      });
    });
  });
}

describe('a conversation store that fails or does not answer', () => {
  const caller = {
    kind: 'key' as const,
    keyId: 'k1',
    keyName: null,
    keyPrefix: null,
    userId: 'u1',
    orgId: null,
    appId: null,
    powerLevel: null,
    allowedModels: [],
    key: null,
  };
  const logger = createLogger('silent');

  it('a failing lookup reserves the window (no size, no error)', async () => {
    const store = new SharedConversations({
      db: { query: () => Promise.reject(new Error('connection refused')) },
      redis: null,
      prefix: 'x:',
      logger,
    });
    await expect(store.lookup(caller, 'resp_1')).resolves.toBeNull();
  });

  it('a lookup that never answers is given up: the window is reserved and the request goes on', async () => {
    const store = new SharedConversations({
      db: { query: () => new Promise<never>(() => {}) },
      redis: null,
      prefix: 'x:',
      logger,
      timeoutMs: 20,
    });
    await expect(store.lookup(caller, 'resp_1')).resolves.toBeNull();
  });
});
