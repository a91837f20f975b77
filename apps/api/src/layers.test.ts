import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain ES module of the lint config, without type declarations
import { API_LAYERS } from '../eslint.layers.js';

// The layering rules of apps/api/eslint.layers.js, run through ESLint's Node API on in-memory sources placed at
// real paths (the imported files are read from disk, as in `pnpm lint`).
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const eslint = new ESLint({ cwd: ROOT });

async function importErrors(file: string, code: string) {
  const [result] = await eslint.lintText(code, { filePath: `${ROOT}apps/api/src/${file}` });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId?.startsWith('import-x/'))
    .map((m) => ({ rule: m.ruleId, message: m.message }));
}

describe('api import layers (lint)', () => {
  it('every top-level folder and file of src is in exactly one layer (a new one must be placed)', () => {
    const entries = readdirSync(fileURLToPath(new URL('.', import.meta.url)))
      .filter((name) => !name.endsWith('.test.ts'))
      .sort();
    const placed = (API_LAYERS as { paths: string[] }[]).flatMap((l) => l.paths).sort();
    expect(placed).toEqual(entries);
  });

  it('the proxy may not import the admin modules', async () => {
    const errors = await importErrors(
      'proxy/handler.ts',
      "import { AuditService } from '../modules/audit/audit.service.js';\nexport const a = AuditService;\n",
    );
    expect(errors).toEqual([
      {
        rule: 'import-x/no-restricted-paths',
        message: expect.stringContaining('the proxy (data plane) (proxy) sits below'),
      },
    ]);
    expect(errors[0]?.message).toContain('../modules/audit/audit.service.js');
  });

  it('a type-only import upwards is refused too (lib may not reach into proxy)', async () => {
    const errors = await importErrors(
      'lib/errors.ts',
      "import type { EndpointMatch } from '../proxy/endpoints.js';\nexport type E = EndpointMatch;\n",
    );
    expect(errors.map((e) => e.rule)).toEqual(['import-x/no-restricted-paths']);
  });

  it('imports downwards pass (modules -> proxy -> router -> lib)', async () => {
    const errors = await importErrors(
      'modules/audit/audit.service.ts',
      [
        "import { matchEndpoint } from '../../proxy/endpoints.js';",
        "import { isProxyPath } from '../../lib/proxy-paths.js';",
        'export const used = [matchEndpoint, isProxyPath];',
        '',
      ].join('\n'),
    );
    expect(errors).toEqual([]);
  });

  it('an import cycle inside a layer is refused', async () => {
    // metering/writer.ts imports ./batch-queue.js; batch-queue importing the writer back closes a cycle.
    const errors = await importErrors(
      'metering/batch-queue.ts',
      "import { writeUsageBatch } from './writer.js';\nexport const w = writeUsageBatch;\n",
    );
    expect(errors.map((e) => e.rule)).toEqual(['import-x/no-cycle']);
  });
});
