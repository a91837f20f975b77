// The BYOK "test key" call's answer when the provider echoes the user's key back in its error message (OpenAI's
// "Incorrect API key provided: sk-ab***yz", a key prefix, its last characters): no part of the key reaches the
// answer, the stored last error the key list shows, or the logs. Real database, real HTTP mock upstream.
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProxyEnv, type ProxyEnv } from '../../test/proxy-env.js';

let env: ProxyEnv;
let userToken: string;
const logs: string[] = [];
const logStream = new PassThrough();
logStream.on('data', (c: Buffer) => logs.push(c.toString()));
// Random-looking, so any 4-character window of it in an answer is the key showing, not an ordinary word.
const KEY = 'sk-Qm7vT2pX9wL4kR8nB3cJ6hY1Zd5F';

/** Every piece of the key of 4 characters or more, as a window of 4: none may show anywhere. */
const windows = Array.from({ length: KEY.length - 3 }, (_, i) => KEY.slice(i, i + 4));
const leaks = (text: string) => windows.filter((w) => text.includes(w));

beforeAll(async () => {
  env = await createProxyEnv({ logDestination: logStream });
  const email = (await env.t.app.ctx.prisma.user.findUniqueOrThrow({ where: { id: env.ids.user } })).email;
  userToken = (await env.t.http.post('/api/v1/auth/login').send({ email, password: env.userPassword })).body
    .token;
});
afterAll(async () => {
  await env?.close();
});

describe('BYOK key test: an upstream that echoes the key', () => {
  const auth = () => ({ authorization: `Bearer ${userToken}` });

  const echoes: [number, string][] = [
    [
      429,
      `Incorrect API key provided: ${KEY.slice(0, 5)}***${KEY.slice(-2)}. You can find your API key at …`,
    ],
    [
      400,
      `Incorrect API key provided: ${KEY.slice(0, 8)}${'*'.repeat(KEY.length - 12)}${KEY.slice(-4)}. Check it.`,
    ],
    [404, `No access for key ${KEY.slice(0, 10)}...${KEY.slice(-6)} to the model list`],
    [500, `Key ending in ${KEY.slice(-4)} (prefix ${KEY.slice(0, 7)}) failed: internal error`],
    [503, `Key ${KEY.slice(0, 6)}xxxxxxxxxxxxxxxxxxxxxx${KEY.slice(-5)} is over its quota`],
    [400, `bad key "${KEY.slice(3, 15)}"; key=${KEY.slice(-9)}`],
    [500, `Key ${KEY.slice(0, 6)}…${KEY.slice(-4)} unknown`],
  ];

  it('adds the key', async () => {
    const put = await env.t.http.put(`/api/v1/me/byok/${env.ids.openai}`).set(auth()).send({ apiKey: KEY });
    expect(put.status, put.text).toBe(200);
  });

  it.each(echoes)(
    'upstream %i echoing the key: no piece of it in the answer, the key list or the logs',
    async (status, message) => {
      env.up.reset();
      env.up.script({
        path: '/models',
        status,
        body: { error: { message, type: 'invalid_request_error' } },
      });
      const test = await env.t.http.post(`/api/v1/me/byok/${env.ids.openai}/test`).set(auth());
      expect(test.status, test.text).toBe(200);
      expect(test.body.success).toBe(false);
      // The upstream was asked with the key and did echo it: the answer still explains what happened.
      expect(env.up.requests.at(-1)!.headers.authorization).toBe(`Bearer ${KEY}`);
      expect(test.body.error.message).toMatch(/\[redacted\]|rejected the key/);
      expect(leaks(test.text)).toEqual([]);
      const list = await env.t.http.get('/api/v1/me/byok').set(auth());
      expect(list.status).toBe(200);
      const row = (list.body.data as { providerId: string; lastError?: string | null }[]).find(
        (k) => k.providerId === env.ids.openai,
      );
      expect(leaks(JSON.stringify(row?.lastError ?? ''))).toEqual([]);
      expect(leaks(logs.join(''))).toEqual([]);
    },
  );
});
