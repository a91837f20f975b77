import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

export interface WrkResult {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  errors: number;
}

/** Milliseconds from wrk's "123.45us" / "1.20ms" / "2.00s". */
export function parseDuration(s: string): number {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(s.trim());
  if (!m) return Number.NaN;
  const v = Number(m[1]);
  return m[2] === 'us' ? v / 1000 : m[2] === 'ms' ? v : m[2] === 's' ? v * 1000 : v * 60_000;
}

export function parseWrk(out: string): WrkResult {
  const pct = (p: string) => parseDuration(new RegExp(`^\\s*${p}%\\s+(\\S+)`, 'm').exec(out)?.[1] ?? '');
  const requests = Number(/(\d+) requests in/.exec(out)?.[1] ?? 0);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
  const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const sockErrors = sock ? sock.slice(1).reduce((a, b) => a + Number(b), 0) : 0;
  return {
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0),
    p50: pct('50'),
    p99: pct('99'),
    requests,
    errors: non2xx + sockErrors,
  };
}

/** Runs wrk pinned to `cpu` with a POST body; resolves with its parsed summary. */
export function runWrk(opts: {
  url: string;
  body: string;
  headers: Record<string, string>;
  connections: number;
  seconds: number;
  cpu: string;
}): Promise<WrkResult> {
  const script = join(tmpdir(), `sy-wrk-${process.pid}.lua`);
  const headers = Object.entries({ 'content-type': 'application/json', ...opts.headers })
    .map(([k, v]) => `wrk.headers[${JSON.stringify(k)}] = ${JSON.stringify(v)}`)
    .join('\n');
  writeFileSync(script, `wrk.method = "POST"\nwrk.body = ${JSON.stringify(opts.body)}\n${headers}\n`);
  const threads = Math.min(opts.connections, 2);
  return new Promise((resolve, reject) => {
    execFile(
      'taskset',
      [
        '-c',
        opts.cpu,
        'wrk',
        `-t${threads}`,
        `-c${opts.connections}`,
        `-d${opts.seconds}s`,
        '--latency',
        '-s',
        script,
        opts.url,
      ],
      { timeout: (opts.seconds + 30) * 1000 },
      (err, stdout) => (err ? reject(err) : resolve(parseWrk(stdout))),
    );
  });
}
