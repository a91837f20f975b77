import { capNewSpace } from './runtime-flags.js';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createApp } from './app.js';
import { createGatewayServer } from './http/server.js';
import { EnvError, loadEnv, processEnvironment } from './config/env.js';
import { createDatabase } from './db/client.js';
import { createLogger } from './lib/logger.js';
import { SecretBox } from './lib/secrets.js';
import { loadSecretsKey } from './lib/secrets-key.js';
import { redactUrl } from './lib/redact-url.js';
import { seedDatabase } from './seed/seed.js';
import { applyConfigFileAtStart, ConfigFileService } from './modules/config-file/config-file.service.js';

function fail(message: string): never {
  process.stderr.write(`switchyard: ${message}\n`);
  process.exit(1);
}

async function main() {
  let env;
  try {
    env = loadEnv();
  } catch (err) {
    if (err instanceof EnvError) fail(err.message);
    throw err;
  }
  const logger = createLogger(env.LOG_LEVEL);
  const dataDir = resolve(env.SWITCHYARD_DATA_DIR);

  let secrets: SecretBox;
  try {
    const { key, source } = loadSecretsKey({
      secretsKey: env.SECRETS_KEY,
      keyFile: join(dataDir, 'secrets.key'),
    });
    secrets = new SecretBox(key);
    logger.debug({ source }, 'secrets key loaded');
  } catch (err) {
    fail(`cannot load the secrets key: ${(err as Error).message}`);
  }

  let db;
  try {
    db = await createDatabase({
      databaseUrl: env.DATABASE_URL,
      dataDir,
      log: (msg: string) => logger.info(msg),
    });
  } catch (err) {
    fail(
      `cannot open the database (${env.DATABASE_URL ? 'DATABASE_URL' : join(dataDir, 'pg')}): ${oneLine(err)}`,
    );
  }

  const seeded = await seedDatabase(db.prisma, {
    adminEmail: env.ADMIN_EMAIL,
    adminPassword: env.ADMIN_PASSWORD,
    env: processEnvironment(),
  });

  const app = await createApp({ env, db, logger, secrets, processEnv: processEnvironment() });
  let configFileLine: string | null = null;
  if (env.CONFIG_FILE) {
    try {
      configFileLine = await applyConfigFileAtStart(
        new ConfigFileService(app.ctx, app.routing, app.health),
        env.CONFIG_FILE,
        (p) => readFileSync(p, 'utf8'),
      );
    } catch (err) {
      await app.close();
      await db.close();
      fail((err as Error).message);
    }
  }
  const server = createGatewayServer(app.handle);

  await new Promise<void>((resolveListen) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      fail(
        err.code === 'EADDRINUSE'
          ? `port ${env.PORT} on ${env.HOST} is already in use (set PORT to another port)`
          : `cannot listen on ${env.HOST}:${env.PORT}: ${err.message}`,
      );
    });
    server.listen(env.PORT, env.HOST, resolveListen);
  });

  capNewSpace();
  const url = `http://${env.HOST.includes(':') ? `[${env.HOST}]` : env.HOST}:${env.PORT}`;
  const lines = [
    `Switchyard is listening on ${url}`,
    `  database: ${db.describe}`,
    `  shared state: ${env.REDIS_URL ? `Redis at ${redactUrl(env.REDIS_URL)} (keys ${env.REDIS_KEY_PREFIX}*)` : 'in process (one instance)'}`,
  ];
  if (configFileLine) lines.push(configFileLine);
  if (seeded.adminCreated && seeded.generatedPassword) {
    lines.push(
      `  first admin: ${env.ADMIN_EMAIL}  password: ${seeded.generatedPassword}`,
      '  (shown once; change it after signing in)',
    );
  }
  process.stdout.write(lines.join('\n') + '\n');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing in-flight requests');
    const force = setTimeout(() => {
      logger.warn('in-flight requests did not finish in 10 s; closing connections');
      server.closeAllConnections();
    }, 10_000);
    force.unref();
    server.closeIdleConnections();
    await new Promise<void>((r) => server.close(() => r()));
    await app.close();
    await db.close();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

function oneLine(err: unknown): string {
  return (
    String((err as Error)?.message ?? err)
      .split('\n')
      .find((l) => l.trim()) ?? 'unknown error'
  );
}

main().catch((err) => fail(oneLine(err)));
