/**
 * The pieces around the CLIs: the built gateway started for real (embedded PGlite in a temp dir), its admin API,
 * a proxy trap that catches any traffic a CLI tries to send off this machine, and a CLI runner with a hard
 * timeout that kills the whole process tree.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const REPO = resolve(here, '..', '..');
export const BIN = join(REPO, 'e2e-agents', 'node_modules', '.bin');

export const ADMIN = { email: 'admin@localhost', password: 'agents-e2e-admin-password-1' };

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** The environment every child gets: nothing inherited but PATH and the locale, so no proxy or key leaks in. */
export function baseEnv(extra: Record<string, string>): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    LANG: 'C.UTF-8',
    TERM: 'dumb',
    NO_COLOR: '1',
    ...extra,
  };
}

export interface Gateway {
  url: string;
  dataDir: string;
  logs: () => string;
  admin<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  stop(): Promise<void>;
}

/** `apps/api/dist/main.js` on a free port with a fresh PGlite data dir; resolves once /ready answers 200. */
export async function startGateway(): Promise<Gateway> {
  const main = join(REPO, 'apps', 'api', 'dist', 'main.js');
  if (!existsSync(main))
    throw new Error(`${main} is missing: build first (pnpm build, or pnpm test:agents).`);
  for (const cli of ['claude', 'codex'])
    if (!existsSync(join(BIN, cli)))
      throw new Error(`${cli} is not installed in e2e-agents: run pnpm install.`);
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-agents-'));
  let out = '';
  const child = spawn(process.execPath, [main], {
    cwd: dataDir,
    env: baseEnv({
      HOME: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      SWITCHYARD_DATA_DIR: join(dataDir, 'data'),
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      LOG_LEVEL: 'warn',
      USAGE_FLUSH_INTERVAL_MS: '100',
      SERVE_WEB: 'false',
    }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the gateway exited (${child.exitCode}):\n${out}`);
    try {
      if ((await fetch(`${url}/ready`)).status === 200) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error(`the gateway was not ready in 120 s:\n${out}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  const login = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ADMIN),
  });
  if (login.status !== 200) throw new Error(`admin login: ${login.status} ${await login.text()}`);
  const token = ((await login.json()) as { token: string }).token;
  return {
    url,
    dataDir,
    logs: () => out,
    async admin<T>(method: string, path: string, body?: unknown): Promise<T> {
      const res = await fetch(`${url}/api/v1${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
      return (text ? JSON.parse(text) : undefined) as T;
    },
    async stop() {
      await stopChild(child, 15_000);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function stopChild(child: ChildProcess, graceMs: number) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/**
 * An HTTP proxy that answers nothing: the CLIs get it as HTTP(S)_PROXY (loopback exempt through NO_PROXY), so any
 * request they try to make off this machine — telemetry, update checks, model lists, plugin fetches — lands here
 * and is recorded instead of reaching the network.
 */
export interface Trap {
  url: string;
  hits: string[];
  close(): Promise<void>;
}

export async function startTrap(): Promise<Trap> {
  const hits: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    res.writeHead(403, { 'content-type': 'text/plain' });
    res.end('offline');
  });
  server.on('connect', (req, socket: Socket) => {
    hits.push(`CONNECT ${req.url}`);
    socket.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n');
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

export function proxyEnv(trap: Trap): Record<string, string> {
  const noProxy = '127.0.0.1,localhost,::1';
  return {
    HTTP_PROXY: trap.url,
    HTTPS_PROXY: trap.url,
    ALL_PROXY: trap.url,
    http_proxy: trap.url,
    https_proxy: trap.url,
    all_proxy: trap.url,
    NO_PROXY: noProxy,
    no_proxy: noProxy,
  };
}

/**
 * A pass-through in front of the gateway that notes every request a CLI makes and the status it got, so a test sees
 * the calls that never reach the upstream (model lists, probes) and any error the gateway answered.
 */
export interface Tap {
  url: string;
  seen: {
    method: string;
    url: string;
    status: number;
    headers: Record<string, string | string[] | undefined>;
    body: string;
    responseHeaders: Record<string, string | string[] | undefined>;
  }[];
  close(): Promise<void>;
}

export async function startTap(target: string): Promise<Tap> {
  const seen: Tap['seen'] = [];
  const t = new URL(target);
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const entry: Tap['seen'][number] = {
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      status: 0,
      headers: req.headers,
      body: '',
      responseHeaders: {},
    };
    seen.push(entry);
    req.on('data', (c: Buffer) => (entry.body += c.toString()));
    const out = httpRequest(
      {
        host: t.hostname,
        port: t.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: t.host },
      },
      (up) => {
        entry.status = up.statusCode ?? 0;
        entry.responseHeaders = up.headers;
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    out.on('error', () => {
      entry.status = 502;
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(out);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

export interface CliRun {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  ms: number;
}

/** Runs a CLI in its own process group with stdin closed; past `timeoutMs` the whole group is killed. */
export function runCli(
  cmd: string,
  args: string[],
  opts: { cwd: string; env: Record<string, string>; timeoutMs: number },
): Promise<CliRun> {
  const started = Date.now();
  return new Promise((resolvePromise) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      env: opts.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    const killGroup = () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* already gone */
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, opts.timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      killGroup(); // anything the CLI left behind in its group
      resolvePromise({ code, signal, stdout, stderr, timedOut, ms: Date.now() - started });
    });
  });
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
