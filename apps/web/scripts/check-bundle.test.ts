// @vitest-environment node
// The first load's JavaScript, measured on the build in dist/ (the suite builds before it tests): what the browser
// fetches for the sign-in page and for a signed-in visit to Overview, gzipped, stays within 200 KB.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without type declarations
import { BUDGET_BYTES, LOGIN_MODULES, OVERVIEW_MODULES, initialJs, readManifest } from './check-bundle.mjs';

const dist = fileURLToPath(new URL('../dist', import.meta.url));
type Sized = { file: string; gzip: number };
const total = (files: Sized[]) => files.reduce((s, f) => s + f.gzip, 0);

describe('initial JavaScript of the built dashboard', () => {
  it('a signed-in first load of Overview (entry, page, charts) is at most 200 KB gzipped', () => {
    const files = initialJs(dist, OVERVIEW_MODULES) as Sized[];
    expect(BUDGET_BYTES).toBe(200 * 1024);
    expect(total(files)).toBeLessThanOrEqual(BUDGET_BYTES);
    // Other pages are not part of it: each loads when it is opened.
    expect(files.some((f) => /providers-page|logs-page|models-page|login-page/.test(f.file))).toBe(false);
  });

  it('the sign-in page is at most 200 KB gzipped and carries neither charts nor any signed-in page', () => {
    const files = initialJs(dist, LOGIN_MODULES) as Sized[];
    expect(total(files)).toBeLessThanOrEqual(BUDGET_BYTES);
    const manifest = readManifest(dist) as Record<string, { file: string }>;
    const charts = manifest['src/components/charts/impl.tsx']?.file;
    expect(charts).toBeTruthy();
    expect(files.map((f) => f.file)).not.toContain(charts);
    expect(files.some((f) => /overview-page|providers-page/.test(f.file))).toBe(false);
  });
});
