// A user's own key (BYOK) pays for their calls with that key alone: on a Bedrock provider whose AWS credentials are
// in its settings, a user's key that is not an AWS key pair is refused when stored, and a malformed one stored before
// is never completed with the platform's credentials (no call signed with them, nothing billed as BYOK). Real
// database, a real HTTP server standing in for Bedrock that notes whose credentials signed each call.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProxyEnv, type ProxyEnv } from '../../test/proxy-env.js';

let env: ProxyEnv;
let bedrock: Server;
let providerId = '';
let userToken = '';
const signedBy: string[] = [];
const as = (token: string) => ({ authorization: `Bearer ${token}` });

beforeAll(async () => {
  env = await createProxyEnv();
  bedrock = createServer((req, res) => {
    // SigV4: "AWS4-HMAC-SHA256 Credential=<accessKeyId>/<date>/<region>/bedrock/aws4_request, ..."
    signedBy.push(/Credential=([^/]+)\//.exec(String(req.headers.authorization ?? ''))?.[1] ?? '(unsigned)');
    req.resume();
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      if (req.url?.startsWith('/foundation-models'))
        res.end(JSON.stringify({ modelSummaries: [{ modelId: 'anthropic.claude-test' }] }));
      else
        res.end(
          JSON.stringify({
            output: { message: { role: 'assistant', content: [{ text: 'Hello' }] } },
            stopReason: 'end_turn',
            usage: { inputTokens: 5, outputTokens: 2, totalTokens: 7 },
          }),
        );
    });
  });
  await new Promise<void>((r) => bedrock.listen(0, '127.0.0.1', r));
  const { prisma } = env.t.app.ctx;
  const p = await prisma.provider.create({
    data: {
      slug: 'aws',
      name: 'AWS',
      type: 'bedrock',
      priority: 50,
      baseUrl: `http://127.0.0.1:${(bedrock.address() as AddressInfo).port}`,
      status: 'active',
      // The platform's AWS credentials, in the provider's settings (a supported way to give them).
      config: {
        region: 'us-east-1',
        accessKeyId: 'AKIAPLATFORMOWNED',
        secretAccessKey: 'platform-secret-value',
      },
    },
  });
  providerId = p.id;
  await prisma.model.create({
    data: {
      providerId,
      modelId: 'anthropic.claude-test',
      displayName: 'Claude on Bedrock',
      priceInputPer1M: 3,
      priceOutputPer1M: 15,
      capabilities: ['chat'],
    },
  });
  await env.t.app.routing.reload();
  const u = await prisma.user.findUniqueOrThrow({ where: { id: env.ids.user } });
  userToken = (
    await env.t.http.post('/api/v1/auth/login').send({ email: u.email, password: env.userPassword })
  ).body.token as string;
}, 180_000);
afterAll(async () => {
  await env?.close();
  await new Promise<void>((r) => bedrock?.close(() => r()));
});

const chat = () =>
  fetch(`${env.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${env.userKey}` },
    body: JSON.stringify({ model: 'aws/anthropic.claude-test', messages: [{ role: 'user', content: 'Hi' }] }),
  });

describe('a BYOK key on a provider whose own credentials are in its settings', () => {
  it('refuses a key that is not an AWS key pair when it is stored (user and organization keys)', async () => {
    const r = await env.t.http
      .put(`/api/v1/me/byok/${providerId}`)
      .set(as(userToken))
      .send({ apiKey: 'not-an-aws-key-at-all' })
      .expect(400);
    expect(r.body.error.message).toContain('accessKeyId:secretAccessKey');
    expect(await env.t.app.ctx.prisma.byokKey.count({ where: { providerId } })).toBe(0);
    const superAdmin = await env.t.tokenFor('super_admin');
    const org = await env.t.app.ctx.prisma.organization.create({ data: { name: 'Keys', slug: 'keys' } });
    await env.t.http
      .put(`/api/v1/orgs/${org.id}/provider-keys/${providerId}`)
      .set(as(superAdmin))
      .send({ apiKey: 'junk' })
      .expect(400);
  });

  it('names the key field in the validation shape the dashboard reads (details.issues), keeping details.field', async () => {
    const superAdmin = await env.t.tokenFor('super_admin');
    const org = await env.t.app.ctx.prisma.organization.create({ data: { name: 'Shapes', slug: 'shapes' } });
    for (const [path, token] of [
      [`/api/v1/me/byok/${providerId}`, userToken],
      [`/api/v1/orgs/${org.id}/provider-keys/${providerId}`, superAdmin],
    ] as const) {
      const r = await env.t.http
        .put(path)
        .set(as(token))
        .send({ apiKey: 'not-an-aws-key-at-all' })
        .expect(400);
      expect(r.body.error.code).toBe('validation_error');
      expect(r.body.error.message).toMatch(/^apiKey: a .* key is .*accessKeyId:secretAccessKey/);
      // The field's own message, without the "apiKey: " its sentence starts with (shown next to the field).
      expect(r.body.error.details).toEqual({
        field: 'apiKey',
        issues: [{ field: 'apiKey', message: r.body.error.message.slice('apiKey: '.length) }],
      });
    }
  });

  it("never signs a call with the platform's credentials for a malformed key stored before", async () => {
    // As a key stored by an earlier release (no shape check then).
    await env.t.app.ctx.prisma.byokKey.create({
      data: {
        userId: env.ids.user,
        providerId,
        encryptedKey: env.t.app.ctx.secrets.encrypt('not-an-aws-key-at-all'),
        last4: '-all',
        status: 'active',
      },
    });
    await env.t.app.routing.reload();
    signedBy.length = 0;
    const res = await chat();
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(signedBy).not.toContain('AKIAPLATFORMOWNED');
    // The key test says the key does not work, rather than succeeding on the platform's credentials.
    const test = await env.t.http.post(`/api/v1/me/byok/${providerId}/test`).set(as(userToken)).expect(200);
    expect(test.body.success).toBe(false);
    expect(signedBy).not.toContain('AKIAPLATFORMOWNED');
    await env.flushUsage();
    const billed = await env.t.app.ctx.prisma.usageRecord.findMany({ where: { isByok: true, status: 200 } });
    expect(billed).toEqual([]);
  });

  it("signs with the user's own key pair when it is one", async () => {
    await env.t.http
      .put(`/api/v1/me/byok/${providerId}`)
      .set(as(userToken))
      .send({ apiKey: 'AKIAUSEROWNED:user-secret-value' })
      .expect(200);
    signedBy.length = 0;
    const res = await chat();
    expect(res.status, await res.text()).toBe(200);
    expect(signedBy).toEqual(['AKIAUSEROWNED']);
    await env.flushUsage();
    const rec = await env.t.app.ctx.prisma.usageRecord.findFirstOrThrow({
      where: { providerSlug: 'aws', status: 200 },
      orderBy: { id: 'desc' },
    });
    expect(rec.isByok).toBe(true);
  });
});
