/**
 * V8 settings for the server process, applied before anything compiles WebAssembly (imported first by main.ts).
 * Measured in bench/README.md ("Third pass"); both keep resident memory down without a measurable CPU cost.
 *
 * - `--liftoff-only`: WebAssembly stays on V8's baseline compiler instead of tiering hot functions up to
 *   TurboFan. The server runs two WebAssembly modules — Prisma's query compiler (admin API and config loads) and
 *   undici's HTTP parser — and the optimised code of the first alone held ~25–30 MB after start-up.
 *   `SWITCHYARD_WASM_TIERUP=1` turns tier-up back on.
 * - `--heap-growing-percent=25`: the old generation is collected once it has grown 25 % past what was live after
 *   the last full collection, instead of V8's default (up to several times that on a small heap). Under load the
 *   usage rows queued between flushes are promoted and then die; with the default the heap grew by ~50 MB of such
 *   garbage before a full collection. `SWITCHYARD_HEAP_GROWING_PERCENT` overrides the value (0 = V8's default).
 * - Young generation capped at `SWITCHYARD_NEW_SPACE_MB` (16 MB; V8's default lets it reach 32 MB, and start-up
 *   alone took it there). V8 reads `--max-semi-space-size` only from the command line, so the cap is kept at
 *   run time instead: growth is off from the start (`--semi-space-growth-factor=1`) and, once the server listens,
 *   turned on (factor 2) after a collection only while one more doubling stays within the cap. Measured: ~17 MB less resident memory
 *   at idle and ~10 MB less under load; with no growth at all (1 MB) the proxy spent ~9 % more CPU on scavenges.
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';

// Both variables are validated with the rest of the environment (config/env.ts), which runs after this; an
// invalid value is not applied here and stops the start there with a clear message.
if (!/^(1|true|yes|on)$/i.test(process.env.SWITCHYARD_WASM_TIERUP ?? ''))
  setFlagsFromString('--liftoff-only');
const growing = Number(process.env.SWITCHYARD_HEAP_GROWING_PERCENT || 25);
if (Number.isInteger(growing) && growing > 0 && growing <= 400)
  setFlagsFromString(`--heap-growing-percent=${growing}`);

const newSpaceMb = Number(process.env.SWITCHYARD_NEW_SPACE_MB || 16);
const capBytes =
  Number.isInteger(newSpaceMb) && newSpaceMb > 0 && newSpaceMb <= 1024 ? newSpaceMb * 1024 * 1024 : 0;
// No young-generation growth during start-up: module loading and the seed run long synchronous stretches in
// which V8 would double it several times before any growth check could run.
if (capBytes > 0) setFlagsFromString('--semi-space-growth-factor=1');

/**
 * Called once the server listens: from then on, after each collection, young-generation growth is allowed only
 * while one more doubling stays within the cap (see the note at the top).
 */
export function capNewSpace(): void {
  if (capBytes === 0) return;
  let growing = false;
  const allowGrowth = () => {
    const size = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? capBytes;
    const allow = size * 2 <= capBytes;
    if (allow !== growing) {
      growing = allow;
      setFlagsFromString(`--semi-space-growth-factor=${allow ? 2 : 1}`);
    }
  };
  allowGrowth();
  new PerformanceObserver(allowGrowth).observe({ entryTypes: ['gc'] });
}
