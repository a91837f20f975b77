import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const flags = fileURLToPath(new URL('./runtime-flags.ts', import.meta.url));

/**
 * Runs the flags module in a fresh Node process (V8 settings are per process), allocates like a busy server and
 * reports the young generation's size in MB. (One synchronous stretch allocating several times the young
 * generation could still grow it past the cap before the check runs; a request handler does not.)
 */
function youngGenAfterLoad(
  env: Record<string, string>,
): Promise<{ atLoad: number; beforeCap: number; after: number }> {
  const script = `
    const { getHeapSpaceStatistics } = await import('node:v8');
    const { capNewSpace } = await import(${JSON.stringify(flags)});
    const size = () => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size / 1048576;
    const atLoad = size(); // the test's loader (tsx) has already used some: that is the starting size
    // Work in small steps with the event loop turning between them, as a server's requests do; objects live for
    // a while (in flight), so collections have survivors and V8 wants to grow.
    const churn = async () => {
      let keep = [];
      for (let step = 0; step < 1500; step++) {
        for (let i = 0; i < 2000; i++) { keep.push({ i, s: 'x' + i }); if (keep.length > 40000) keep = []; }
        await new Promise((r) => setImmediate(r));
      }
    };
    await churn(); // "start-up": before capNewSpace()
    const beforeCap = size();
    capNewSpace();
    await churn();
    console.log(JSON.stringify({ atLoad, beforeCap, after: size() }));
  `;
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      { env: { ...process.env, ...env }, cwd: fileURLToPath(new URL('../../..', import.meta.url)) },
      (err, stdout, stderr) =>
        err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(JSON.parse(stdout.trim())),
    );
  });
}

describe('young-generation cap (SWITCHYARD_NEW_SPACE_MB)', () => {
  // The cap is applied from GC notifications, which a machine busy with other test files can deliver late enough
  // for one more doubling (seen once in a full run: 16 MB against a cap of 8). Such a run is tried again.
  it(
    'does not grow during start-up, then grows up to the cap and no further',
    { retry: 2, timeout: 30_000 },
    async () => {
      const r = await youngGenAfterLoad({ SWITCHYARD_NEW_SPACE_MB: '8' });
      expect(r.beforeCap).toBe(r.atLoad);
      expect(r.after).toBeGreaterThan(r.beforeCap);
      expect(r.after).toBeLessThanOrEqual(8);
    },
  );

  it('0 leaves V8 its default growth (past the 16 MB default cap)', async () => {
    const r = await youngGenAfterLoad({ SWITCHYARD_NEW_SPACE_MB: '0' });
    expect(r.after).toBeGreaterThan(16);
  }, 30_000);
});
