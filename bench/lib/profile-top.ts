/**
 * Summarises a V8 CPU profile (`node --cpu-prof`): self time per function and per file, the heaviest first.
 * Run: tsx lib/profile-top.ts <file.cpuprofile> [rows=25] [from]
 * `from`: count only the samples from the first one whose own frame's file contains this text (e.g.
 * `proxy/handler.js`, the first request), leaving the server's start-up (module loading, migrations) out.
 */
import { readFileSync } from 'node:fs';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Self time in microseconds per node id, from the samples and the time between them. */
export function selfTimes(p: Profile, start = 0): Map<number, number> {
  const out = new Map<number, number>();
  for (let i = start; i < p.samples.length; i++) {
    const id = p.samples[i]!;
    out.set(id, (out.get(id) ?? 0) + (p.timeDeltas[i] ?? 0));
  }
  return out;
}

function shortUrl(url: string): string {
  if (!url) return '(native)';
  const m = /\/(node_modules\/.*|apps\/.*|packages\/.*|prisma\/.*)$/.exec(url);
  const s = m?.[1] ?? url.replace(/^file:\/\//, '');
  return s.replace(/node_modules\/\.pnpm\/[^/]+\/node_modules\//, '');
}

function table(title: string, totals: Map<string, number>, all: number, rows: number): string {
  const lines = [...totals.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, rows)
    .map(
      ([k, us]) =>
        `${((100 * us) / all).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${k}`,
    );
  return [`## ${title}`, ...lines].join('\n');
}

function main() {
  const [file, n, from] = process.argv.slice(2);
  if (!file) throw new Error('usage: tsx lib/profile-top.ts <file.cpuprofile> [rows] [from]');
  const rows = Number(n ?? 25);
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((node) => [node.id, node]));
  const start = from ? p.samples.findIndex((id) => byId.get(id)?.callFrame.url.includes(from)) : 0;
  if (start < 0) throw new Error(`no sample in a file containing "${from}"`);
  const byFn = new Map<string, number>();
  const byFile = new Map<string, number>();
  let all = 0;
  let idle = 0;
  for (const [id, us] of selfTimes(p, start)) {
    const cf = byId.get(id)?.callFrame;
    if (!cf) continue;
    if (cf.functionName === '(idle)' || cf.functionName === '(program)') {
      idle += cf.functionName === '(idle)' ? us : 0;
      if (cf.functionName === '(idle)') continue;
    }
    all += us;
    const where = shortUrl(cf.url);
    const fn = `${cf.functionName || '(anonymous)'}  ${where}:${cf.lineNumber + 1}`;
    byFn.set(fn, (byFn.get(fn) ?? 0) + us);
    byFile.set(where, (byFile.get(where) ?? 0) + us);
  }
  console.log(`busy ${(all / 1000).toFixed(0)} ms, idle ${(idle / 1000).toFixed(0)} ms\n`);
  console.log(table('self time per file', byFile, all, rows));
  console.log();
  console.log(table('self time per function', byFn, all, rows));
}

main();
