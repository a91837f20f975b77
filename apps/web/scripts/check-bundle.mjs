// Prints the gzipped size of the JavaScript the login page needs (index.html's entry and its preloads) and
// fails above the budget: charts, drag-and-drop and pages are split out and load on demand.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

export const BUDGET_BYTES = 250 * 1024;

export function initialJs(distDir) {
  const html = readFileSync(join(distDir, 'index.html'), 'utf8');
  const files = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]);
  return files.map((f) => ({ file: f, gzip: gzipSync(readFileSync(join(distDir, f))).length }));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dist = fileURLToPath(new URL('../dist', import.meta.url));
  const initial = initialJs(dist);
  const total = initial.reduce((s, f) => s + f.gzip, 0);
  const all = readdirSync(join(dist, 'assets')).filter((f) => f.endsWith('.js'));
  for (const f of initial) console.log(`initial  ${f.file.padEnd(40)} ${(f.gzip / 1024).toFixed(1)} KB gzip`);
  console.log(`initial JavaScript: ${(total / 1024).toFixed(1)} KB gzip (budget ${BUDGET_BYTES / 1024} KB); ${all.length - initial.length} lazy chunks`);
  if (total > BUDGET_BYTES) {
    console.error('Initial JavaScript is over budget.');
    process.exit(1);
  }
}
