/**
 * `pnpm demo`: a few hundred varied requests through the running gateway to the built-in mock provider, so a
 * new dashboard shows real data within a minute. It signs in as the admin, makes three demo users with a
 * gateway key each (reused on later runs), then sends OpenAI and Anthropic requests: aliases, power levels,
 * direct references, streams, embeddings, a few that fail on mock-small and fall back, and a few bad ones.
 */
import { EnvError, loadDemoEnv } from './config/env.js';

interface Key {
  email: string;
  key: string;
}

type Shape = { path: string; body: Record<string, unknown>; label: string };

const QUESTIONS = [
  'Summarise the plot of Hamlet in two sentences.',
  'What is the capital of Australia?',
  'Write a haiku about switchyards.',
  'Explain backpressure in streams.',
  'List three uses of a hash map.',
  'Translate "good morning" into French.',
];

function shapes(i: number): Shape {
  const q = QUESTIONS[i % QUESTIONS.length]!;
  const messages = [{ role: 'user', content: q }];
  const pick = i % 20;
  if (pick < 5)
    return {
      label: 'alias chat.default',
      path: '/v1/chat/completions',
      body: { model: 'chat.default', messages },
    };
  if (pick < 7)
    return { label: 'power level auto', path: '/v1/chat/completions', body: { model: 'auto', messages } };
  if (pick === 7)
    return { label: 'power level eco', path: '/v1/chat/completions', body: { model: 'eco', messages } };
  if (pick === 8)
    return {
      label: 'power level precision',
      path: '/v1/chat/completions',
      body: { model: 'precision', messages },
    };
  if (pick < 12)
    return {
      label: 'stream',
      path: '/v1/chat/completions',
      body: { model: 'chat.default', stream: true, stream_options: { include_usage: true }, messages },
    };
  if (pick < 15)
    return {
      label: 'anthropic format',
      path: '/v1/messages',
      body: { model: 'mock/mock-large', max_tokens: 256, messages },
    };
  if (pick === 15)
    return {
      label: 'embeddings',
      path: '/v1/embeddings',
      body: { model: 'mock/mock-embed', input: [q, q.toUpperCase()] },
    };
  if (pick === 16 && i % 200 === 16) {
    return {
      label: 'fails on mock-small, falls back',
      path: '/v1/chat/completions',
      body: { model: 'chat.default', messages: [{ role: 'user', content: `${q} [[fail:500@mock-small]]` }] },
    };
  }
  if (pick === 19 && i % 40 === 19)
    return {
      label: 'unknown model (404)',
      path: '/v1/chat/completions',
      body: { model: 'no-such-model', messages },
    };
  return {
    label: 'direct mock/mock-small',
    path: '/v1/chat/completions',
    body: { model: 'mock/mock-small', messages },
  };
}

async function main() {
  let env;
  try {
    env = loadDemoEnv();
  } catch (err) {
    if (err instanceof EnvError) {
      process.stderr.write(
        `demo: ${err.message}\n  e.g. ADMIN_PASSWORD=<the password printed at first start> pnpm demo\n`,
      );
      process.exit(1);
    }
    throw err;
  }
  const base = env.SWITCHYARD_URL.replace(/\/+$/, '');
  const api = async <T>(
    path: string,
    token: string | null,
    body?: unknown,
    method = body ? 'POST' : 'GET',
  ): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${base}/api/v1${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, body: (await res.json().catch(() => ({}))) as T };
  };

  const login = await api<{ token?: string; error?: { message: string } }>('/auth/login', null, {
    email: env.ADMIN_EMAIL,
    password: env.ADMIN_PASSWORD,
  }).catch((err: Error) => {
    process.stderr.write(`demo: cannot reach ${base} (${err.message}). Start Switchyard first: pnpm start\n`);
    process.exit(1);
  });
  if (!login.body.token) {
    process.stderr.write(
      `demo: sign-in failed (${login.status}): ${login.body.error?.message ?? 'unknown error'}\n`,
    );
    process.exit(1);
  }
  const admin = login.body.token;

  const keys: Key[] = [];
  const existingUsers = await api<{ data: { id: string; email: string }[] }>('/users?search=demo-', admin);
  for (const [name, cap] of [
    ['alice', 5],
    ['bob', null],
    ['carol', 1],
  ] as const) {
    const email = `demo-${name}@example.com`;
    let user = existingUsers.body.data?.find((u) => u.email === email);
    if (!user) {
      const created = await api<{ id: string; email: string }>('/users', admin, {
        email,
        name: `Demo ${name[0]!.toUpperCase()}${name.slice(1)}`,
        weeklyCapUsd: cap,
        powerLevel: name === 'carol' ? 'eco' : 'balanced',
      });
      if (created.status !== 201) throw new Error(`creating ${email} failed: ${created.status}`);
      user = created.body;
    }
    const key = await api<{ key: string }>('/keys', admin, {
      name: `demo key (${name})`,
      ownerType: 'user',
      ownerId: user.id,
    });
    if (key.status !== 201) throw new Error(`creating a key for ${email} failed: ${key.status}`);
    keys.push({ email, key: key.body.key });
  }

  const byStatus = new Map<number, number>();
  const byLabel = new Map<string, { ok: number; failed: number }>();
  let sent = 0;
  let streamedFrames = 0;
  const started = Date.now();
  const worker = async () => {
    for (;;) {
      const i = sent++;
      if (i >= env.DEMO_REQUESTS) return;
      const shape = shapes(i);
      const who = keys[i % keys.length]!;
      const res = await fetch(`${base}${shape.path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${who.key}`,
          'anthropic-version': '2023-06-01',
        },
        body: JSON.stringify(shape.body),
      });
      const text = await res.text();
      if (shape.body.stream) streamedFrames += text.split('\n\n').filter((f) => f.startsWith('data:')).length;
      byStatus.set(res.status, (byStatus.get(res.status) ?? 0) + 1);
      const l = byLabel.get(shape.label) ?? { ok: 0, failed: 0 };
      if (res.ok) l.ok++;
      else l.failed++;
      byLabel.set(shape.label, l);
    }
  };
  await Promise.all(Array.from({ length: env.DEMO_CONCURRENCY }, worker));
  const secs = (Date.now() - started) / 1000;
  process.stdout.write(
    `demo: ${env.DEMO_REQUESTS} requests in ${secs.toFixed(1)} s through ${base} for ${keys.map((k) => k.email).join(', ')}\n`,
  );
  for (const [label, c] of [...byLabel].sort())
    process.stdout.write(
      `  ${label.padEnd(36)} ${String(c.ok).padStart(4)} ok ${String(c.failed).padStart(4)} failed\n`,
    );
  process.stdout.write(
    `  statuses: ${[...byStatus]
      .sort((a, b) => a[0] - b[0])
      .map(([s, n]) => `${s}×${n}`)
      .join('  ')}; ${streamedFrames} stream frames\n`,
  );
  process.stdout.write(`Open ${base} to see them in the dashboard.\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`demo: ${(err as Error).message}\n`);
  process.exit(1);
});
