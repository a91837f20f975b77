/**
 * The open-source peers, installed from npm at bench time into a throwaway folder outside the workspace
 * (never in the workspace lockfile), cached between runs:
 * - Portkey AI Gateway (`@portkey-ai/gateway`), with `@hono/node-server` pinned through npm `overrides`
 *   (newer versions answer streams with HTTP 500 under this gateway build).
 * - llm-router (`@khanglvm/llm-router`): its one dependency (`@levu/snap`, the interactive CLI) is not on the
 *   registry, so the package is fetched with `npm pack`, extracted, its other dependencies (if any) installed,
 *   and its runtime started directly (`src/cli-entry.js start-runtime`), which never loads the CLI.
 * Both route to the mock upstream. Folder: BENCH_PEERS_DIR, default <tmpdir>/switchyard-bench-peers.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const PEERS_DIR = process.env.BENCH_PEERS_DIR ?? join(tmpdir(), 'switchyard-bench-peers');
export const PORTKEY_VERSION = '1.15.2';
export const HONO_NODE_SERVER_PIN = '1.12.2';
export const LLM_ROUTER_VERSION = '2.6.2';
/** llm-router's fixed local port (`start` always uses it; `start-runtime` is given it explicitly). */
export const LLM_ROUTER_PORT = 8376;

/** How to start a peer and call it; the caller spawns it (pinned like the other gateways). */
export interface PeerLaunch {
  /** Arguments after `node`. */
  args: string[];
  cwd: string;
  env: Record<string, string>;
  url: string;
  model: string;
  headers: Record<string, string>;
  note: string;
  /** Where the peer's stderr goes (its tail is reported if it does not come up). */
  logFile: string;
}

function run(cmd: string, args: string[], cwd: string, timeoutMs = 300_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      cmd,
      args,
      {
        cwd,
        timeout: timeoutMs,
        maxBuffer: 16 * 1024 * 1024,
        env: { ...process.env, npm_config_update_notifier: 'false' },
      },
      (err, stdout, stderr) => {
        if (err)
          reject(
            new Error(
              `${cmd} ${args.join(' ')} failed: ${(stderr || err.message).trim().split('\n').slice(-3).join(' ')}`,
            ),
          );
        else resolve(stdout);
      },
    );
  });
}

function installedVersion(dir: string, pkg: string): string | null {
  const file = join(dir, 'node_modules', pkg, 'package.json');
  if (!existsSync(file)) return null;
  return (JSON.parse(readFileSync(file, 'utf8')) as { version?: string }).version ?? null;
}

const NPM_FLAGS = ['--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error', '--no-package-lock'];

/** Installs Portkey (cached) and describes how to run it against `upstreamOrigin`. */
export async function preparePortkey(port: number, upstreamOrigin: string): Promise<PeerLaunch> {
  const dir = join(PEERS_DIR, `portkey-${PORTKEY_VERSION}`);
  mkdirSync(dir, { recursive: true });
  if (
    installedVersion(dir, '@portkey-ai/gateway') !== PORTKEY_VERSION ||
    installedVersion(dir, '@hono/node-server') !== HONO_NODE_SERVER_PIN
  ) {
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify(
        {
          name: 'switchyard-bench-portkey',
          private: true,
          dependencies: { '@portkey-ai/gateway': PORTKEY_VERSION },
          overrides: { '@hono/node-server': HONO_NODE_SERVER_PIN },
        },
        null,
        2,
      ) + '\n',
    );
    console.log(`installing @portkey-ai/gateway@${PORTKEY_VERSION} into ${dir}…`);
    await run('npm', ['install', ...NPM_FLAGS], dir);
    const hono = installedVersion(dir, '@hono/node-server');
    if (hono !== HONO_NODE_SERVER_PIN)
      throw new Error(`@hono/node-server is ${hono ?? 'missing'}, not the pinned ${HONO_NODE_SERVER_PIN}`);
  }
  return {
    args: [
      join(dir, 'node_modules/@portkey-ai/gateway/build/start-server.js'),
      `--port=${port}`,
      '--headless',
    ],
    cwd: dir,
    env: { NODE_ENV: 'production' },
    url: `http://127.0.0.1:${port}/v1/chat/completions`,
    model: 'bench-model',
    // Portkey routes per request from headers: the OpenAI provider at a custom host (the mock upstream).
    headers: {
      'x-portkey-provider': 'openai',
      'x-portkey-custom-host': `${upstreamOrigin}/v1`,
      authorization: 'Bearer bench-upstream-key',
    },
    note: `@portkey-ai/gateway ${PORTKEY_VERSION} (@hono/node-server ${HONO_NODE_SERVER_PIN}); no metering`,
    logFile: join(dir, 'stderr.log'),
  };
}

/** Fetches llm-router with `npm pack` (cached), installs what it needs, and describes how to run it. */
export async function prepareLlmRouter(upstreamOrigin: string): Promise<PeerLaunch> {
  const dir = join(PEERS_DIR, `llm-router-${LLM_ROUTER_VERSION}`);
  const pkgDir = join(dir, 'package');
  const entry = join(pkgDir, 'src/cli-entry.js');
  mkdirSync(dir, { recursive: true });
  if (!existsSync(join(dir, '.ready'))) {
    console.log(`fetching @khanglvm/llm-router@${LLM_ROUTER_VERSION} into ${dir}…`);
    await run(
      'npm',
      ['pack', `@khanglvm/llm-router@${LLM_ROUTER_VERSION}`, '--pack-destination', dir, '--loglevel=error'],
      dir,
    );
    const tgz = readdirSync(dir).find((f) => f.endsWith(`-${LLM_ROUTER_VERSION}.tgz`));
    if (!tgz) throw new Error('npm pack produced no tarball');
    await run('tar', ['xzf', join(dir, tgz), '-C', dir], dir);
    if (!existsSync(entry)) throw new Error(`${entry} is not in the package`);
    // Its dependencies minus @levu/snap (missing from the registry; only the interactive CLI imports it).
    const manifest = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
    };
    const deps = Object.entries(manifest.dependencies ?? {}).filter(([name]) => name !== '@levu/snap');
    if (deps.length > 0)
      await run('npm', ['install', ...NPM_FLAGS, '--no-save', ...deps.map(([n, v]) => `${n}@${v}`)], pkgDir);
    writeFileSync(join(dir, '.ready'), `${LLM_ROUTER_VERSION}\n`);
  }
  const home = join(dir, 'home');
  mkdirSync(home, { recursive: true });
  const configPath = join(dir, 'llr-config.json');
  writeFileSync(
    configPath,
    JSON.stringify(
      {
        version: 2,
        providers: [
          {
            id: 'bench',
            name: 'Bench mock',
            baseUrl: `${upstreamOrigin}/v1`,
            format: 'openai',
            apiKey: 'bench-upstream-key',
            models: [{ id: 'bench-model' }],
          },
        ],
      },
      null,
      2,
    ) + '\n',
  );
  return {
    args: [
      entry,
      'start-runtime',
      `--config=${configPath}`,
      `--port=${LLM_ROUTER_PORT}`,
      '--watch-config=false',
      '--watch-binary=false',
      '--require-auth=false',
    ],
    cwd: pkgDir,
    // Its runtime state files go to $HOME: keep them in the throwaway folder.
    env: { HOME: home },
    url: `http://127.0.0.1:${LLM_ROUTER_PORT}/v1/chat/completions`,
    model: 'bench/bench-model',
    headers: {},
    note: `@khanglvm/llm-router ${LLM_ROUTER_VERSION} (npm pack, start-runtime; @levu/snap not installed); no metering`,
    logFile: join(dir, 'stderr.log'),
  };
}
