/**
 * V8 settings for the server process, applied before anything compiles WebAssembly (imported first by main.ts).
 *
 * `--liftoff-only`: WebAssembly stays on V8's baseline compiler instead of tiering hot functions up to
 * TurboFan. The server runs two WebAssembly modules — Prisma's query compiler (admin API and config loads) and
 * undici's HTTP parser — and the optimised code of the first alone held ~30 MB of resident memory after
 * start-up; the proxy path's parsing cost did not measurably change (bench/README.md, third pass).
 * `SWITCHYARD_WASM_TIERUP=1` turns tier-up back on.
 */
import { setFlagsFromString } from 'node:v8';

if (process.env.SWITCHYARD_WASM_TIERUP !== '1') setFlagsFromString('--liftoff-only');
