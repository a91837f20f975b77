// The JavaScript a first load needs, gzipped, from Vite's build manifest (dist/.vite/manifest.json): the entry and
// its static imports (what index.html loads and preloads), plus the first page's chunks with their static imports:
// the sign-in page, or for a signed-in visit Overview with its charts. Fails the build above the budget.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

export const BUDGET_BYTES = 200 * 1024;

/** Source modules whose chunks the sign-in page fetches after the entry. */
export const LOGIN_MODULES = ['src/features/auth/components/login-page.tsx'];

/** Source modules whose chunks a signed-in first load of Overview (the home page) fetches after the entry. */
export const OVERVIEW_MODULES = [
  'src/features/overview/components/overview-page.tsx',
  'src/components/charts/impl.tsx',
];

export function readManifest(distDir) {
  const file = join(distDir, '.vite', 'manifest.json');
  if (!existsSync(file))
    throw new Error(`${file} is missing: build the web app first (pnpm --filter @switchyard/web build).`);
  return JSON.parse(readFileSync(file, 'utf8'));
}

/** The files (JS chunks) `keys` load, with their static imports, each once. */
export function chunkClosure(manifest, keys) {
  const seen = new Set();
  const files = [];
  const visit = (key) => {
    if (seen.has(key)) return;
    seen.add(key);
    const chunk = manifest[key];
    if (!chunk) throw new Error(`${key} is not in the build manifest.`);
    files.push(chunk.file);
    for (const dep of chunk.imports ?? []) visit(dep);
  };
  for (const k of keys) visit(k);
  return files.filter((f) => f.endsWith('.js'));
}

export function gzipSize(distDir, file) {
  return gzipSync(readFileSync(join(distDir, file)), { level: 9 }).length;
}

/** [{file, gzip}] for the login page (index.html's entry) and for a signed-in first load of Overview. */
export function initialJs(distDir, extraModules = []) {
  const manifest = readManifest(distDir);
  return chunkClosure(manifest, ['index.html', ...extraModules]).map((file) => ({
    file,
    gzip: gzipSize(distDir, file),
  }));
}

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dist = fileURLToPath(new URL('../dist', import.meta.url));
  const all = readdirSync(join(dist, 'assets')).filter((f) => f.endsWith('.js'));
  let over = false;
  for (const [name, extra] of [
    ['sign-in page', LOGIN_MODULES],
    ['signed-in Overview', OVERVIEW_MODULES],
  ]) {
    const files = initialJs(dist, extra);
    const total = files.reduce((s, f) => s + f.gzip, 0);
    console.log(`${name}: ${kb(total)} gzip in ${files.length} files (budget ${kb(BUDGET_BYTES)})`);
    for (const f of files) console.log(`  ${f.file.padEnd(44)} ${kb(f.gzip)}`);
    if (total > BUDGET_BYTES) over = true;
  }
  console.log(`${all.length} JavaScript files in all.`);
  if (over) {
    console.error('Initial JavaScript is over budget.');
    process.exit(1);
  }
}
