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
 */
import { setFlagsFromString } from 'node:v8';

// Both variables are validated with the rest of the environment (config/env.ts), which runs after this; an
// invalid value is not applied here and stops the start there with a clear message.
if (!/^(1|true|yes|on)$/i.test(process.env.SWITCHYARD_WASM_TIERUP ?? '')) setFlagsFromString('--liftoff-only');
const growing = Number(process.env.SWITCHYARD_HEAP_GROWING_PERCENT || 25);
if (Number.isInteger(growing) && growing > 0 && growing <= 400) setFlagsFromString(`--heap-growing-percent=${growing}`);
