/**
 * The `switchyard` command (`pnpm switchyard ...` at the repository root): configuration as code (README "GitOps").
 *   pnpm switchyard config export [-o <file>]                 the configuration as YAML (stdout or the file)
 *   pnpm switchyard config apply <file> [--dry-run] [--prune] apply a file ("-" = stdin); --dry-run prints the diff
 * Exit codes: 0 done, 1 the file cannot be applied (each problem printed with its path) or another error, 2 usage.
 * It opens the server's database (DATABASE_URL or the embedded one: stop the server first on PGlite); on
 * PostgreSQL, running instances reload the change as they do for the admin API's.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createApp } from '../app.js';
import { EnvError, loadEnv, processEnvironment } from '../config/env.js';
import { createDatabase } from '../db/client.js';
import { createLogger } from '../lib/logger.js';
import { SecretBox } from '../lib/secrets.js';
import { loadSecretsKey } from '../lib/secrets-key.js';
import {
  ConfigApplyError,
  ConfigFileError,
  ConfigFileService,
  formatPlan,
} from '../modules/config-file/config-file.service.js';

export const USAGE = [
  'usage:',
  '  switchyard config export [-o <file>]',
  '  switchyard config apply <file> [--dry-run] [--prune]',
].join('\n');

export interface CliIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  readFile: (path: string) => string;
  writeFile: (path: string, text: string) => void;
}

/** Run one command against a service; the exit code. */
export async function runConfigCommand(svc: ConfigFileService, args: string[], io: CliIo): Promise<number> {
  const [group, command, ...rest] = args;
  const flags = new Set(rest.filter((a) => a.startsWith('--')));
  const positional = rest.filter((a) => !a.startsWith('--'));
  if (group !== 'config') {
    io.stderr(`${USAGE}\n`);
    return 2;
  }
  try {
    if (command === 'export') {
      const o = rest.indexOf('-o');
      const out = o >= 0 ? rest[o + 1] : undefined;
      if ((o >= 0 && !out) || flags.size) {
        io.stderr(`${USAGE}\n`);
        return 2;
      }
      const { yaml, warnings } = await svc.export();
      for (const w of warnings) io.stderr(`warning: ${w}\n`);
      if (out) io.writeFile(out, yaml);
      else io.stdout(yaml);
      return 0;
    }
    if (command === 'apply') {
      const unknown = [...flags].filter((f) => f !== '--dry-run' && f !== '--prune');
      if (positional.length !== 1 || unknown.length) {
        io.stderr(`${unknown.length ? `unknown option ${unknown.join(', ')}\n` : ''}${USAGE}\n`);
        return 2;
      }
      const file = positional[0]!;
      let text: string;
      try {
        text = io.readFile(file === '-' ? '/dev/stdin' : file);
      } catch (err) {
        io.stderr(`switchyard: cannot read ${file}: ${(err as Error).message}\n`);
        return 1;
      }
      const dryRun = flags.has('--dry-run');
      const prune = flags.has('--prune');
      const plan = await svc.applyText(text, { dryRun, prune });
      io.stdout(`${formatPlan(plan, { prune })}\n`);
      if (!dryRun && plan.changes.length) io.stdout('applied\n');
      if (plan.warning) io.stderr(`warning: ${plan.warning}\n`);
      return 0;
    }
    io.stderr(`${USAGE}\n`);
    return 2;
  } catch (err) {
    if (err instanceof ConfigFileError) {
      const where = command === 'apply' ? positional[0] : 'the configuration';
      io.stderr(
        `switchyard: ${where} cannot be applied (nothing was changed):\n${err.issues
          .map((i) => `  ${i.path}: ${i.message}`)
          .join('\n')}\n`,
      );
      return 1;
    }
    if (err instanceof ConfigApplyError) {
      io.stderr(`switchyard: ${positional[0]} cannot be applied (nothing was changed): ${err.report()}\n`);
      return 1;
    }
    io.stderr(`switchyard: ${(err as Error).message}\n`);
    return 1;
  }
}

async function main(): Promise<number> {
  let env;
  try {
    env = loadEnv();
  } catch (err) {
    if (err instanceof EnvError) {
      process.stderr.write(`switchyard: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
  const dataDir = resolve(env.SWITCHYARD_DATA_DIR);
  const { key } = loadSecretsKey({ secretsKey: env.SECRETS_KEY, keyFile: join(dataDir, 'secrets.key') });
  const db = await createDatabase({ databaseUrl: env.DATABASE_URL, dataDir });
  // The server seeds a new database on its first start (the first admin's password is shown then): not this command.
  if ((await db.prisma.user.count()) === 0) {
    await db.close();
    process.stderr.write(
      'switchyard: this database has not been set up yet: start the server once first (or give it the file in CONFIG_FILE)\n',
    );
    return 1;
  }
  // Logs go to stderr: stdout is the exported file.
  const logger = createLogger(env.LOG_LEVEL === 'info' ? 'warn' : env.LOG_LEVEL, process.stderr);
  const app = await createApp({
    env: { ...env, HEALTH_CHECK_TICK_MS: 0 },
    db,
    logger,
    secrets: new SecretBox(key),
    processEnv: processEnvironment(),
  });
  try {
    return await runConfigCommand(
      new ConfigFileService(app.ctx, app.routing, app.health),
      process.argv.slice(2),
      {
        stdout: (s) => process.stdout.write(s),
        stderr: (s) => process.stderr.write(s),
        readFile: (p) => readFileSync(p, 'utf8'),
        writeFile: (p, text) => writeFileSync(p, text),
      },
    );
  } finally {
    await app.close();
    await db.close();
  }
}

if (process.argv[1]?.endsWith('switchyard.js') || process.argv[1]?.endsWith('switchyard.ts')) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`switchyard: ${(err as Error).message}\n`);
      process.exit(1);
    },
  );
}
