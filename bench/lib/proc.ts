import { readdirSync, readFileSync, writeFileSync } from 'node:fs';

const CLK_TCK = 100;

/** The process and all its descendants (a gateway that forks workers is measured whole). */
export function processTree(pid: number): number[] {
  const out = [pid];
  for (let i = 0; i < out.length; i++) {
    try {
      const tasks = readFileSync(`/proc/${out[i]}/task/${out[i]}/children`, 'utf8').trim();
      if (tasks) out.push(...tasks.split(/\s+/).map(Number));
    } catch {
      // gone, or no children file
    }
  }
  return out;
}

function oneCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
  } catch {
    return 0;
  }
}

/** CPU seconds (user + system) a process and its descendants used so far, from /proc/<pid>/stat. */
export function cpuSeconds(pid: number): number {
  return processTree(pid).reduce((sum, p) => sum + oneCpuSeconds(p), 0);
}

/** Peak resident memory (VmHWM) in MB of a process, plus that of its descendants. */
export function peakRssMb(pid: number): number {
  let kb = 0;
  for (const p of processTree(pid)) {
    try {
      kb += Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      // gone
    }
  }
  return kb / 1024;
}

/**
 * Resets the peak resident memory (VmHWM) of a process and its descendants to their current RSS (Linux:
 * `echo 5 > /proc/<pid>/clear_refs`), so the next `peakRssMb` covers only what ran since: the load, not the
 * start-up (migrations, seeding, module loading). Returns false where the kernel does not allow it.
 */
export function resetPeakRss(pid: number): boolean {
  let ok = true;
  for (const p of processTree(pid)) {
    try {
      writeFileSync(`/proc/${p}/clear_refs`, '5');
    } catch {
      ok = false;
    }
  }
  return ok;
}

/**
 * CPU seconds (user + system) used so far by every PostgreSQL process on this machine (the server and its
 * backends, found by name in /proc): the database's share of a gateway's metering. A backend that exits takes its
 * count with it, so measure across a phase in which the gateway keeps its pool open.
 */
export function postgresCpuSeconds(): number {
  let sum = 0;
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/comm`, 'utf8').trim() !== 'postgres') continue;
    } catch {
      continue;
    }
    sum += oneCpuSeconds(Number(name));
  }
  return sum;
}

export function median(xs: number[]): number {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Busy and total jiffies of all CPUs, from /proc/stat. */
function cpuJiffies(): { busy: number; total: number } {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const idle = (f[3] ?? 0) + (f[4] ?? 0);
  const total = f.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

/**
 * Waits until the machine is idle (under `maxBusy` of its CPUs busy over a 250 ms window), at most `limitMs`: a
 * gateway's metering backlog from a load phase (its batches and PostgreSQL's writes of them) drains before the next
 * phase is measured, instead of being charged to it. Resolves with the time waited.
 */
export async function waitIdle(maxBusy = 0.1, limitMs = 15_000): Promise<number> {
  const t0 = performance.now();
  while (performance.now() - t0 < limitMs) {
    const a = cpuJiffies();
    await new Promise((r) => setTimeout(r, 250));
    const b = cpuJiffies();
    if (b.total > a.total && (b.busy - a.busy) / (b.total - a.total) < maxBusy) break;
  }
  return performance.now() - t0;
}
