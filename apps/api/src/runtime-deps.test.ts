import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The production image keeps only runtime dependencies (`pnpm prune --prod` in deploy/Dockerfile). Build tools and type
// packages belong in devDependencies: migrations are applied by the server's own runner, `prisma generate` is a build step.
const manifests = ['../../../prisma/package.json', '../package.json', '../../../packages/core/package.json'];

describe('runtime dependencies of the packages in the production image', () => {
  for (const rel of manifests) {
    const manifest = JSON.parse(readFileSync(fileURLToPath(new URL(rel, import.meta.url)), 'utf8')) as {
      name: string;
      dependencies?: Record<string, string>;
    };
    it(`${manifest.name} ships no CLI or type-only package`, () => {
      const deps = Object.keys(manifest.dependencies ?? {});
      expect(
        deps.filter(
          (d) =>
            d === 'prisma' || d.startsWith('@types/') || d === 'typescript' || d === 'tsx' || d === 'vitest',
        ),
      ).toEqual([]);
    });
  }
});
