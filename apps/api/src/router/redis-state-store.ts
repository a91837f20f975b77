import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import {
  LIMIT_EPSILON,
  appendCircuitChange,
  checkItems,
  parseSnapshot,
  snapshotText,
  circuitClaim,
  circuitRelease,
  itemUsed,
  type CircuitChange,
  type CircuitState,
  type DbSnapshot,
  type SettlementDelta,
  type StateEvent,
  type StateView,
} from '@switchyard/core';
import type { Logger } from '../lib/logger.js';
import { redactUrl } from '../lib/redact-url.js';
import {
  applyStateEvent,
  type ConsumeItem,
  type ConsumeResult,
  type OutstandingSpend,
  type SeedItem,
  type StateStore,
} from './state-store.js';

/**
 * The shared store for several Switchyard instances on one Redis.
 *
 * - Admission is exact: `consume` is one Lua script that checks every item and increments all of them or none
 *   (INCRBYFLOAT, so USD budgets and token counts share one code path); `adjust` settles in another script.
 *   Counter keys expire with their window (PEXPIRE set when the key is created, like the in-memory store).
 * - `view()` is synchronous, so it reads a local mirror: counters the engine read recently, cooldowns,
 *   circuits, latency averages, alias cursors and weights, and every live instance's in-flight counts. The
 *   mirror is refreshed by one sync script every `syncIntervalMs` (default 250 ms) and immediately by this
 *   instance's own admissions and events. Engine filters may therefore act on state up to one sync interval
 *   old; admission never does.
 * - Engine events (`apply`) are applied to the mirror at once and written to Redis coalesced, once per tick
 *   (cooldowns merge by maximum; latency, cursors and weights: last writer wins). A circuit event says what
 *   happened (failures, a success, a probe: core's CircuitChange) and is merged into the shared circuit by the
 *   write (core's rule, `circuitApply`), so outcomes seen on different instances add up; a write whose answer
 *   never came is made again under its id (see below), so a change counts once. A circuit's half-open probe is
 *   claimed in Redis in one step (`claimProbe`, core's `circuitClaim`): one request on one instance is sent as the
 *   probe, whatever the mirrors showed when the others planned it too.
 * - The shared state's times (cooldown ends, circuits' open times) are on Redis's clock: each instance measures
 *   how far its own clock is from it at every sync and converts what it writes and reads, so a cooldown or an open
 *   circuit ends at the same moment on every instance whatever their clocks say (to within the sync's round trip,
 *   or CLOCK_TOLERANCE_MS: below it the clocks are taken to agree and times pass as they are).
 * - In-flight counts are per instance: each sync writes this instance's map under a key that expires after a
 *   few sync intervals, so a crashed instance's in-flight requests stop counting by themselves.
 *
 * Redis unavailable (connection lost, command error or timeout): the store fails open. Decisions are taken on
 * the local mirror (a bucket that had 60 of 100 used keeps counting from 60 on this instance), `onFailOpen` is
 * called for each local admission, and the deltas counted meanwhile are kept. When Redis is reachable again the
 * kept deltas and events are written back, a full sync runs and shared counting resumes.
 *
 * Every counter write (`consume`, `adjust`, a batch written back) has an id of this run, and its script adds the
 * id to this run's set of applied ids in the same step. A command that failed may still have run (a timeout:
 * Redis was only slow), so it is kept under its id and made again at the recovery: an admitted or adjusted one is
 * applied unless Redis has its id, one the mirror refused is taken back only if Redis has it. Either runs once
 * however often it is retried, so every reservation, refund and settlement counts exactly once. Ids leave the set
 * once this instance has settled them (the lowest open id travels with each write), so it holds only the writes
 * in flight or waiting.
 */
export interface RedisStateStoreOptions {
  url: string;
  logger: Logger;
  /** Every key starts with it (several deployments, or tests, can share one Redis). Default `switchyard:`. */
  prefix?: string;
  now?: () => number;
  /** How often the mirror is refreshed and this instance's in-flight counts published. Default 250 ms. */
  syncIntervalMs?: number;
  /** A command that takes longer fails (and the store fails open). Default 500 ms. */
  commandTimeoutMs?: number;
  /** Longest wait between reconnection attempts. Default 1000 ms. */
  maxReconnectDelayMs?: number;
  instanceId?: string;
  /** Called once per decision taken on local state because Redis was unavailable. */
  onFailOpen?: (op: 'consume' | 'adjust' | 'read') => void;
  /** Called when shared counting stops (false) or resumes (true). */
  onAvailability?: (up: boolean) => void;
}

interface Counter {
  value: number;
  expiresAt: number;
}

type RedisReply = string | number | null | RedisReply[];

/** Counters read by the engine within this window are refreshed by every sync. */
const WATCH_MS = 60_000;
const MAX_WATCHED = 10_000;
/** State hashes (cooldowns, circuits, …) of an abandoned prefix disappear after a week without writes. */
const STATE_TTL_MS = 7 * 86_400_000;
const MAX_PENDING_EVENTS = 50_000;
/** This run's applied-ids set disappears after this long without a write (it only ever holds a few ids). */
const OPS_TTL_MS = STATE_TTL_MS;
/**
 * How far two instances' readings of Redis's clock may differ (each measures its offset to within
 * CLOCK_TOLERANCE_MS plus half a round trip): another instance's rebuild read the database at a time on Redis's
 * clock; this instance counts its records written up to this long before that time as possibly missing from it
 * (at worst counted twice, never lost).
 */
const CLOCK_SKEW_MS = 1_000;
/**
 * Redis's clock and this instance's are taken to agree while they differ by no more than this: below it, times in
 * the shared state are written and read as they are (a cooldown may end this much early or late elsewhere).
 */
const CLOCK_TOLERANCE_MS = 100;

/** An event waiting to be written: for a circuit, its changes since the last write (see `appendCircuitChange`). */
type QueuedEvent =
  | Exclude<StateEvent, { type: 'circuit' | 'cooldown' }>
  | { type: 'circuit'; target: string; changes: CircuitChange[] }
  /** `at`: when this instance set it (its clock): a reset of the target made after that time wins over it. */
  | { type: 'cooldown'; target: string; until: number; at: number };

/** One circuit's changes in an event write whose answer never came: made again under the write's id. */
interface CircuitChanges {
  target: string;
  changes: CircuitChange[];
}

/** An event's place in the queue and the mirror: one per cooldown, circuit, latency target, cursor or weights. */
function eventId(e: StateEvent | QueuedEvent): string {
  return e.type === 'cursor' || e.type === 'weights'
    ? `${e.type}\u0000${e.alias}`
    : `${e.type}\u0000${e.target}`;
}

/**
 * When a generation's rebuild read the database (`<instance>/<seq>[~<snapshot>]@<ms>`, Redis's clock); NaN for another
 * form.
 */
function genReadAt(gen: string): number {
  return Number(gen.slice(gen.lastIndexOf('@') + 1));
}

/** The database snapshot a generation's rebuild read the spend in (see `genReadAt`); null when it has none. */
function genSnapshot(gen: string): DbSnapshot | null {
  const from = gen.indexOf('~');
  const to = gen.lastIndexOf('@');
  return from < 0 || to < from ? null : parseSnapshot(gen.slice(from + 1, to));
}

/** One counter's share of a write kept until Redis confirms it. */
interface PendingItem {
  key: string;
  delta: number;
  expiresAt: number;
  ifPresent: boolean;
  /**
   * A budget counter's generation the write belongs to (see `#noteGen`), fixed when the write is made: it is
   * skipped on another one. '': this instance knew none (it counted locally before it ever saw the counter in
   * Redis): made on whichever counter Redis has, and that counter is not joined (these writes are this instance's
   * spend on it).
   */
  gen?: string;
}

/**
 * A counter write under its id, made (again) until Redis answers: counts written back, or a write whose answer
 * never came. `undo`: an admission Redis may have made that this instance refused, taken back only if it did.
 */
interface UnconfirmedWrite {
  id: number;
  undo: boolean;
  items: PendingItem[];
}

// Both counter writes: KEYS[1] is this run's set of applied write ids, the counters follow. ARGV[1..3]: the write's
// id, the lowest id this instance may still make again (lower ones leave the set), the set's ttl.

// Core's checkItems rule (used + amount <= limit + LIMIT_EPSILON), run atomically in Redis. KEYS after the set: one
// counter per item, then each item's earlier window slots in turn (core's bucketCounters: a bucket counts its current
// slot and those; they are read, never written). ARGV per counter: amount, limit, ttl, 1 for a budget counter, which
// must exist (else {2, missing indexes...}: rebuild it first), and how many earlier slots follow for it. A refusal
// answers {0, index, what the item counted, then what each of its earlier slots held}. Only an admission is a write:
// its id joins the set.
const CONSUME = `
local n = (#ARGV - 3) / 5
local missing = {2}
for i = 1, n do
  if ARGV[5*i+2] == '1' and redis.call('EXISTS', KEYS[i+1]) == 0 then missing[#missing + 1] = i - 1 end
end
if #missing > 1 then return missing end
local w = n + 2
for i = 1, n do
  local used = tonumber(redis.call('GET', KEYS[i+1]) or '0') or 0
  local m = tonumber(ARGV[5*i+3])
  local slots
  if m > 0 then
    slots = redis.call('MGET', unpack(KEYS, w, w + m - 1))
    for j = 1, m do
      if slots[j] then used = used + (tonumber(slots[j]) or 0) end
    end
  end
  if used + tonumber(ARGV[5*i-1]) > tonumber(ARGV[5*i]) + ${LIMIT_EPSILON} then
    local out = {0, i - 1, string.format('%.17g', used)}
    for j = 1, m do out[3 + j] = slots[j] or '0' end
    return out
  end
  w = w + m
end
local out = {1}
for i = 1, n do
  local v = redis.call('INCRBYFLOAT', KEYS[i+1], ARGV[5*i-1])
  local ttl = redis.call('PTTL', KEYS[i+1])
  if ttl < 0 then redis.call('PEXPIRE', KEYS[i+1], ARGV[5*i+1]); ttl = tonumber(ARGV[5*i+1]) end
  out[2*i] = v
  out[2*i+1] = ttl
end
for i = 1, n do
  if ARGV[5*i+2] == '1' then out[2*n+1+i] = redis.call('GET', KEYS[i+1] .. ':g') or '' else out[2*n+1+i] = '' end
end
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return out
`;

// ARGV[4]: 'apply' runs the write unless its id is in the set (Redis already ran it) and adds the id; 'undo' runs
// it only if the id is there (takes back an admission Redis made) and removes the id. Then per counter: delta,
// ttl, 1 when the counter is only corrected if it exists (budgets: a lost one is rebuilt from the database, a
// lone delta must not recreate it), and the counter's generation the write belongs to ('' for any: a rebuilt
// budget counter is another generation, which the write must not touch). Answers {1, value and ttl per counter
// (a missing one '' and -2; one of another generation as it is), then each counter's generation}, or {0} when
// there was nothing to do.
const ADJUST = `
-- A write tied to generation 'exp' is skipped on another; '@T' (made at T, Redis's clock, no generation known):
-- skipped on a counter whose generation read the database after T (the rebuild may hold its spend already).
local function skips(exp, gen)
  if exp == '' or gen == exp then return false end
  if string.sub(exp, 1, 1) ~= '@' then return true end
  if gen == '' then return false end
  local read = tonumber(string.match(gen, '@(%-?[%d%.]+)$'))
  return read == nil or read > tonumber(string.sub(exp, 2))
end
local done = redis.call('ZSCORE', KEYS[1], ARGV[1])
local undo = ARGV[4] == 'undo'
if (undo and not done) or (done and not undo) then return {0} end
local out = {1}
local n = #KEYS - 1
for i = 1, n do
  local k = KEYS[i+1]
  local gen = ''
  if ARGV[4*i+3] == '1' then gen = redis.call('GET', k .. ':g') or '' end
  if ARGV[4*i+3] == '1' and redis.call('EXISTS', k) == 0 then
    out[2*i] = ''
    out[2*i+1] = -2
  elseif ARGV[4*i+3] == '1' and skips(ARGV[4*i+4], gen) then
    out[2*i] = redis.call('GET', k)
    out[2*i+1] = redis.call('PTTL', k)
  else
    local v = redis.call('INCRBYFLOAT', k, ARGV[4*i+1])
    local ttl = redis.call('PTTL', k)
    if ttl < 0 then redis.call('PEXPIRE', k, ARGV[4*i+2]); ttl = tonumber(ARGV[4*i+2]) end
    out[2*i] = v
    out[2*i+1] = ttl
  end
  out[2*n+1+i] = gen
end
if undo then redis.call('ZREM', KEYS[1], ARGV[1]) else redis.call('ZADD', KEYS[1], ARGV[1], ARGV[1]) end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return out
`;

// SET NX per key (a counter rebuilt from the database; one already there wins), with its generation beside it
// (KEY:g) when this one is created. ARGV per key: value, ttl, generation. Answers value, ttl, generation per key.
const SEED = `
local out = {}
for i = 1, #KEYS do
  if redis.call('SET', KEYS[i], ARGV[3*i-2], 'PX', ARGV[3*i-1], 'NX') then
    redis.call('SET', KEYS[i] .. ':g', ARGV[3*i], 'PX', ARGV[3*i-1])
  end
  out[3*i-2] = redis.call('GET', KEYS[i]) or ''
  out[3*i-1] = redis.call('PTTL', KEYS[i])
  out[3*i] = redis.call('GET', KEYS[i] .. ':g') or ''
end
return out
`;

// Core's circuitApply (engine/circuit.ts), run on the shared circuit: `raw` its state (JSON) or nil, `c` the change.
// Answers the new state (JSON), or nil when there is nothing to write.
const CIRCUIT_APPLY = `
local function circuitApply(raw, c)
  local cur = nil
  if raw then
    local ok, v = pcall(cjson.decode, raw)
    if ok and type(v) == 'table' then cur = v end
  end
  local phase = cur and cur.phase or 'closed'
  if phase ~= 'open' and phase ~= 'half-open' then phase = 'closed' end
  local failures = cur and tonumber(cur.failures) or 0
  local openedAt = cur and tonumber(cur.openedAt) or 0
  if c.kind == 'success' then
    phase, failures, openedAt = 'closed', 0, 0
  elseif c.kind == 'failure' then
    failures = failures + tonumber(c.failures)
    if phase ~= 'closed' then
      phase, openedAt = 'open', math.max(openedAt, tonumber(c.at))
    elseif failures >= tonumber(c.threshold) then
      phase, openedAt = 'open', tonumber(c.at)
    else
      openedAt = 0
    end
  elseif c.kind == 'probe' and cur and phase ~= 'closed' then
    phase, openedAt = 'half-open', math.max(openedAt, tonumber(c.at))
  else
    return nil
  end
  return string.format('{"phase":"%s","failures":%.17g,"openedAt":%.17g}', phase, failures, openedAt)
end
`;

// Lua: the circuit ARGV[1] names in the hash KEYS[1], as stored (`raw`, false when there is none) and decoded (`cur`,
// nil when there is none or it is not a JSON object). Begins the claim and release scripts.
const READ_CIRCUIT = `
local raw = redis.call('HGET', KEYS[1], ARGV[1])
local cur = nil
if raw then
  local ok, v = pcall(cjson.decode, raw)
  if ok and type(v) == 'table' then cur = v end
end
`;

// Core's circuitClaim (engine/circuit.ts) on the shared circuit, in one step: of the instances that planned a
// circuit's half-open probe, the first to claim it sends it. KEYS[1]: circuits. ARGV: target, the claim's time and
// the open time (Redis's clock, ms), state ttl. A circuit that is open (or half-open) since at least the open time is
// made half-open from the claim's time (claimed); one open more recently, or half-open with a probe in flight for
// less than the open time, is refused; a closed or unknown one has nothing to claim (the request goes). KEYS[2]: when
// each target's cooldown or circuit was last changed (Redis's clock, see RESET), set by a claim. Answers {1 claimed or
// 0 refused, the circuit's state now (JSON, '' when there is none)}.
const CLAIM = `${READ_CIRCUIT}if not cur or (cur.phase ~= 'open' and cur.phase ~= 'half-open') then return {1, raw or ''} end
local at = tonumber(ARGV[2])
local openedAt = tonumber(cur.openedAt) or 0
if at - openedAt < tonumber(ARGV[3]) then return {0, raw} end
local state = string.format('{"phase":"half-open","failures":%.17g,"openedAt":%.17g}', tonumber(cur.failures) or 0,
  math.max(openedAt, at))
redis.call('HSET', KEYS[1], ARGV[1], state)
redis.call('PEXPIRE', KEYS[1], ARGV[4])
local t = redis.call('TIME')
redis.call('HSET', KEYS[2], ARGV[1], tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000))
redis.call('PEXPIRE', KEYS[2], ARGV[4])
return {1, state}
`;

// Core's circuitRelease (engine/circuit.ts) on the shared circuit: a probe that ended without a verdict gives its
// claim back. KEYS[1]: circuits. ARGV: target, the claim's time as the claim wrote it (Redis's clock), the open time,
// state ttl. Only a circuit still half-open from that claim is made open with its open time over. Answers
// {1 released or 0 left alone, the circuit's state now (JSON, '' when there is none)}.
const RELEASE = `${READ_CIRCUIT}if not cur or cur.phase ~= 'half-open' or tonumber(cur.openedAt) ~= tonumber(ARGV[2]) then return {0, raw or ''} end
local state = string.format('{"phase":"open","failures":%.17g,"openedAt":%.17g}', tonumber(cur.failures) or 0,
  tonumber(ARGV[2]) - tonumber(ARGV[3]))
redis.call('HSET', KEYS[1], ARGV[1], state)
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return {1, state}
`;

// KEYS: cooldowns, circuits, latency, cursors, weights, this run's set of applied write ids, when each target's
// cooldown or circuit was last changed (Redis's clock: see RESET; when the change was made, a cooldown's setting or a
// circuit failure's or probe's time, not when it was written), when each was last reset (an admin's reset, or an
// endpoint that answered: Redis's clock). A cooldown set, or a circuit failure or probe made, before the target's
// last reset is not written (it was written late: its instance could not reach Redis); a cooldown set after it dates
// the target's change even when it does not lengthen the cooldown held; a cooldown's value is
// '<until> <when it was set>'. ARGV: state ttl, the
// write's id ('' for a write that is safe to make twice: no circuit change), the lowest id this instance may still
// make again and the set's ttl (as for counter writes), then (type, target, value) triples; a circuit's value is
// one change (JSON), applied in order. A write whose id is in the set already ran: nothing is done ({0}). Answers
// {1, then (target, '1' open or '0' closed) for each circuit the write moved between closed and not closed}.
const APPLY = `${CIRCUIT_APPLY}
local function circuitOpen(raw)
  if not raw then return false end
  local ok, v = pcall(cjson.decode, raw)
  return ok and type(v) == 'table' and (v.phase == 'open' or v.phase == 'half-open')
end
local was, now, order = {}, {}, {}
local t = redis.call('TIME')
local rnow = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
-- A change's time is when its instance made it (not when it is written: a write may come late), kept if later.
local function changedAt(target, at)
  if at > (tonumber(redis.call('HGET', KEYS[7], target) or '0') or 0) then redis.call('HSET', KEYS[7], target, at) end
end
if ARGV[2] ~= '' then
  if redis.call('ZSCORE', KEYS[6], ARGV[2]) then return {0} end
  redis.call('ZADD', KEYS[6], ARGV[2], ARGV[2])
  redis.call('ZREMRANGEBYSCORE', KEYS[6], '-inf', '(' .. ARGV[3])
  redis.call('PEXPIRE', KEYS[6], ARGV[4])
end
for i = 5, #ARGV, 3 do
  local t, target, v = ARGV[i], ARGV[i+1], ARGV[i+2]
  local resetAt = nil
  if t == 'cooldown' or t == 'circuit' then resetAt = tonumber(redis.call('HGET', KEYS[8], target) or '') end
  if t == 'cooldown' then
    local cur = tonumber(redis.call('HGET', KEYS[1], target) or '0') or 0
    local untilAt, setAt = string.match(v, '^(%S+) (%S+)$')
    if untilAt then v = untilAt end
    if resetAt and setAt and tonumber(setAt) < resetAt then
      -- set before the target's last reset: not written
    else
      if tonumber(v) > cur then redis.call('HSET', KEYS[1], target, v) end
      -- Dated even when it does not lengthen the cooldown held (an older, longer one): a reset made before it and
      -- written later (its instance could not reach Redis) then leaves the held one, which covers this one.
      changedAt(target, setAt and tonumber(setAt) or rnow)
    end
  elseif t == 'circuit' then
    local raw = redis.call('HGET', KEYS[2], target) or nil
    local c = cjson.decode(v)
    local state = nil
    if not (resetAt and c.at and tonumber(c.at) < resetAt) then state = circuitApply(raw, c) end
    if state then
      if was[target] == nil then was[target] = circuitOpen(raw); order[#order + 1] = target end
      now[target] = circuitOpen(state)
      redis.call('HSET', KEYS[2], target, state)
      if c.at then changedAt(target, tonumber(c.at)) else redis.call('HSET', KEYS[7], target, rnow) end
    end
  elseif t == 'latency' then redis.call('HSET', KEYS[3], target, v)
  elseif t == 'cursor' then redis.call('HSET', KEYS[4], target, v)
  elseif t == 'weights' then redis.call('HSET', KEYS[5], target, v)
  end
end
for k = 1, 5 do redis.call('PEXPIRE', KEYS[k], ARGV[1]) end
redis.call('PEXPIRE', KEYS[7], ARGV[1])
local out = {1}
for _, target in ipairs(order) do
  if was[target] ~= now[target] then
    out[#out + 1] = target
    out[#out + 1] = now[target] and '1' or '0'
  end
end
return out
`;

// An admin's reset made while Redis was unreachable, written once it is back. KEYS: cooldowns, circuits, change
// times, reset times (each target's latest is kept, for APPLY). ARGV: (target, the reset's time on Redis's clock) pairs. A target's cooldown and circuit are deleted unless
// an instance changed them after the reset (a cooldown, a circuit change or a probe claim: the change times, which
// APPLY and CLAIM set), which stands. Answers, per target, 2 when it was deleted and its circuit was open or
// half-open (the reset closed it), 1 when it was deleted, else 0.
const RESET = `
local out = {}
for i = 1, #ARGV, 2 do
  local last = tonumber(redis.call('HGET', KEYS[4], ARGV[i]) or '0') or 0
  if tonumber(ARGV[i+1]) > last then redis.call('HSET', KEYS[4], ARGV[i], ARGV[i+1]) end
  local changed = tonumber(redis.call('HGET', KEYS[3], ARGV[i]) or '0') or 0
  if changed <= tonumber(ARGV[i+1]) then
    local raw = redis.call('HGET', KEYS[2], ARGV[i])
    local open = false
    if raw then
      local ok, v = pcall(cjson.decode, raw)
      open = ok and type(v) == 'table' and (v.phase == 'open' or v.phase == 'half-open')
    end
    redis.call('HDEL', KEYS[1], ARGV[i])
    redis.call('HDEL', KEYS[2], ARGV[i])
    out[#out + 1] = open and 2 or 1
  else
    out[#out + 1] = 0
  end
end
redis.call('PEXPIRE', KEYS[4], ${STATE_TTL_MS})
return out
`;

// KEYS: cooldowns, circuits, latency, cursors, weights, instances (zset), this instance's in-flight key, then
// watched counters. ARGV: instance id, instance ttl, in-flight JSON, in-flight key prefix, state ttl.
// Everything runs on Redis's clock (instances' clocks may differ): heartbeats, and the shared state's times
// (cooldown ends, circuits' open times), which each instance converts from and to its own clock. The answer ends
// with Redis's time, from which the caller measures how far its clock is from it.
const SYNC = `
local t = redis.call('TIME')
local rnow = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[6], rnow, ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[6], '-inf', rnow - tonumber(ARGV[2]))
redis.call('PEXPIRE', KEYS[6], ARGV[5])
redis.call('SET', KEYS[7], ARGV[3], 'PX', ARGV[2])
local inflight = {}
for _, id in ipairs(redis.call('ZRANGE', KEYS[6], 0, -1)) do
  if id ~= ARGV[1] then
    local v = redis.call('GET', ARGV[4] .. id)
    if v then inflight[#inflight + 1] = v end
  end
end
local cd = redis.call('HGETALL', KEYS[1])
local live = {}
for i = 1, #cd, 2 do
  if tonumber(cd[i+1]) <= rnow then redis.call('HDEL', KEYS[1], cd[i])
  else live[#live + 1] = cd[i]; live[#live + 1] = cd[i+1] end
end
local counters = {}
for i = 8, #KEYS do
  counters[#counters + 1] = redis.call('GET', KEYS[i]) or ''
  counters[#counters + 1] = redis.call('PTTL', KEYS[i])
  counters[#counters + 1] = redis.call('GET', KEYS[i] .. ':g') or ''
end
return {live, redis.call('HGETALL', KEYS[2]), redis.call('HGETALL', KEYS[3]), redis.call('HGETALL', KEYS[4]), redis.call('HGETALL', KEYS[5]), inflight, counters, rnow}
`;

class Script {
  constructor(
    readonly source: string,
    private sha: string | null = null,
  ) {}

  async run(redis: Redis, keys: string[], args: (string | number)[]): Promise<RedisReply> {
    if (this.sha) {
      try {
        return (await redis.evalsha(this.sha, keys.length, ...keys, ...args)) as RedisReply;
      } catch (err) {
        if (!String((err as Error).message).includes('NOSCRIPT')) throw err;
      }
    }
    this.sha = (await redis.script('LOAD', this.source)) as string;
    return (await redis.evalsha(this.sha, keys.length, ...keys, ...args)) as RedisReply;
  }
}

function arr(r: RedisReply): RedisReply[] {
  return Array.isArray(r) ? r : [];
}

function pairs(r: RedisReply): [string, string][] {
  const a = arr(r);
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < a.length; i += 2) out.push([String(a[i]), String(a[i + 1])]);
  return out;
}

function safeJson<T>(s: string): T | undefined {
  try {
    return JSON.parse(s) as T;
  } catch {
    return undefined;
  }
}

export class RedisStateStore implements StateStore {
  readonly kind = 'redis' as const;
  readonly instanceId: string;
  readonly redis: Redis;
  readonly #p: string;
  readonly #now: () => number;
  readonly #log: Logger;
  readonly #syncMs: number;
  readonly #opts: RedisStateStoreOptions;
  readonly #scripts = {
    consume: new Script(CONSUME),
    adjust: new Script(ADJUST),
    seed: new Script(SEED),
    apply: new Script(APPLY),
    claim: new Script(CLAIM),
    release: new Script(RELEASE),
    reset: new Script(RESET),
    sync: new Script(SYNC),
  };

  /** Prefixed Redis keys of bucket windows' earlier slots, by core's array of them (see `#keysOf`). */
  readonly #earlierKeys = new WeakMap<readonly string[], readonly string[]>();

  // The mirror.
  readonly #counters = new Map<string, Counter>();
  readonly #watched = new Map<string, number>();
  #cooldowns = new Map<string, number>();
  #circuits = new Map<string, CircuitState>();
  #latency = new Map<string, number>();
  #cursors = new Map<string, number>();
  #weights = new Map<string, Record<string, number>>();
  readonly #inflightLocal = new Map<string, number>();
  #inflightRemote = new Map<string, number>();
  /** Mirror entries written locally, by sequence number: a sync sent before the write must not undo it. */
  readonly #touched = new Map<string, number>();
  #seq = 0;
  /** Events sent to Redis and not yet acknowledged (id → writes in flight): a sync read may have reached Redis first. */
  readonly #writing = new Map<string, number>();

  // Writes not yet in Redis.
  readonly #queued = new Map<string, QueuedEvent>();
  /** Circuit changes of event writes whose answer never came (Redis may have made them), by write id. */
  readonly #circuitRetries = new Map<number, CircuitChanges[]>();
  /**
   * Probes this instance claimed and has not given back, by target and claim time (this instance's clock): the
   * claim's time as Redis holds it, which a release must name exactly (the clock offset may have moved since).
   */
  readonly #claims = new Map<string, { at: number; shared: number | null; releaseMs?: number }>();
  /**
   * Probes given back while Redis was unreachable that Redis holds (claimed there, or claimed on the mirror and written
   * back, the release having come while that write was in flight): given back in Redis when it answers (RELEASE), by
   * target and claim time. Their time there and the open time.
   */
  readonly #releases = new Map<string, { target: string; shared: number; openMs: number }>();
  /**
   * Targets an admin reset while Redis was unreachable, by when (this instance's clock): written at the recovery
   * (RESET), before the events queued after it, so every instance learns of it.
   */
  readonly #resets = new Map<string, number>();
  /**
   * Counters (rate-limit windows) an admin's reset cleared while Redis was unreachable, by when (this instance's
   * clock): deleted in Redis at the recovery, before this instance's counts made after the reset are written.
   */
  readonly #resetCounters = new Map<string, number>();
  #onCircuit: ((target: string, open: boolean) => void) | null = null;
  #flushScheduled = false;
  /** Counted locally while Redis was unreachable (never sent); written back on recovery unless their window ended. */
  readonly #pendingDeltas = new Map<
    string,
    { key: string; delta: number; expiresAt: number; ifPresent: boolean; gen?: string }
  >();
  /** Counter writes made (again) under their id until Redis answers, by id. */
  readonly #unconfirmed = new Map<number, UnconfirmedWrite>();
  /** This run's set of applied write ids in Redis (a run's ids start from 1). */
  readonly #opsKey: string;
  #opSeq = 0;
  /** Ids of writes not settled yet, in the order they were taken: the first is the lowest. */
  readonly #openOps = new Set<number>();
  /**
   * Budget counters' generations (a counter rebuilt from the database is a new one): the one this instance's
   * outstanding spend on the counter is counted in. See `#noteGen`.
   */
  readonly #gens = new Map<string, string>();
  #genSeq = 0;
  /** Per budget counter, the generations this instance's outstanding spend was added to (the last few). */
  readonly #joined = new Map<string, string[]>();
  /** The generations this instance created (its latest): when each read the database, on its own clock. */
  readonly #ownReads = new Map<string, number>();
  #ledger: OutstandingSpend | null = null;

  /**
   * Redis's clock minus this instance's (ms), as the syncs measure it: the shared state's times (cooldown ends,
   * circuits' open times) are on Redis's clock, so a cooldown ends at the same moment on every instance whatever
   * their clocks say, and an instance whose clock is ahead no longer ends the others' early.
   */
  #clockOffset = 0;

  #healthy = false;
  /** Shared counting worked at least once (a later recovery is logged as such). */
  #everUp = false;
  #recovering: Promise<void> | null = null;
  #timer: NodeJS.Timeout | undefined;
  #syncing = false;
  #closed = false;
  readonly #view: StateView;

  constructor(opts: RedisStateStoreOptions) {
    this.#opts = opts;
    this.#p = opts.prefix ?? 'switchyard:';
    this.#now = opts.now ?? Date.now;
    this.#log = opts.logger;
    this.#syncMs = opts.syncIntervalMs ?? 250;
    this.instanceId = opts.instanceId ?? randomUUID();
    this.#opsKey = `${this.#p}ops:${randomUUID()}`;
    const maxDelay = opts.maxReconnectDelayMs ?? 1000;
    this.redis = new Redis(opts.url, {
      // Fail fast while disconnected: the caller falls back to local state instead of queueing.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: opts.commandTimeoutMs ?? 500,
      connectTimeout: 2000,
      retryStrategy: (times) => Math.min(times * 100, maxDelay),
      lazyConnect: false,
    });
    this.redis.on('error', (err: Error) => this.#down(err));
    this.redis.on('close', () => this.#down(new Error('connection closed')));
    this.redis.on('ready', () => void this.#recover());
    this.#view = {
      cooldownUntil: (t) => this.#cooldowns.get(t) ?? 0,
      circuit: (t) => this.#circuits.get(t),
      counter: (k) => this.#counter(k),
      spend: (k) => this.#counter(k),
      inFlight: (t) => (this.#inflightLocal.get(t) ?? 0) + (this.#inflightRemote.get(t) ?? 0),
      latency: (t) => this.#latency.get(t),
      cursor: (a) => this.#cursors.get(a) ?? 0,
      weights: (a) => this.#weights.get(a),
    };
    this.#schedule();
  }

  /** Whether counting is shared right now (false while failing open). */
  get shared(): boolean {
    return this.#healthy;
  }

  /** Wait until Redis answers (up to `timeoutMs`); false if it did not, and the store keeps failing open. */
  async start(timeoutMs = 2000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.#healthy && Date.now() < deadline && !this.#closed) {
      if (this.redis.status === 'ready') await this.#recover();
      if (!this.#healthy) await new Promise((r) => setTimeout(r, 25));
    }
    if (!this.#healthy)
      this.#log.warn(
        { redis: redactUrl(this.#opts.url) },
        'Redis not reachable at start: failing open onto local limits until it is',
      );
    return this.#healthy;
  }

  #key(k: string): string {
    return `${this.#p}c:${k}`;
  }

  /**
   * Redis keys of a bucket window's earlier slots. Core hands out one array per bucket and slot (its counters are
   * memoized), so they are prefixed once per slot, not per admission.
   */
  #keysOf(earlier: readonly string[]): readonly string[] {
    let keys = this.#earlierKeys.get(earlier);
    if (!keys) {
      keys = earlier.map((k) => this.#key(k));
      this.#earlierKeys.set(earlier, keys);
    }
    return keys;
  }

  #stateKeys(): string[] {
    return ['cd', 'ci', 'lat', 'cur', 'w'].map((s) => `${this.#p}${s}`);
  }

  /** When each target's cooldown or circuit was last changed in Redis (Redis's clock): see RESET. */
  #changedKey(): string {
    return `${this.#p}chg`;
  }

  /** When each target's cooldown and circuit were last reset (Redis's clock): see APPLY. */
  #resetKey(): string {
    return `${this.#p}rst`;
  }

  #counter(k: string): number {
    const now = this.#now();
    this.#watched.set(k, now);
    const c = this.#counters.get(k);
    if (!c) return 0;
    if (c.expiresAt <= now) {
      this.#counters.delete(k);
      return 0;
    }
    return c.value;
  }

  #setCounter(k: string, value: number, ttlMs: number) {
    if (ttlMs > 0) this.#counters.set(k, { value, expiresAt: this.#now() + ttlMs });
    else this.#counters.delete(k);
  }

  #addLocal(k: string, delta: number, ttlMs: number) {
    const now = this.#now();
    const c = this.#counters.get(k);
    if (!c || c.expiresAt <= now) this.#counters.set(k, { value: delta, expiresAt: now + ttlMs });
    else c.value += delta;
  }

  #beginOp(): number {
    const id = ++this.#opSeq;
    this.#openOps.add(id);
    return id;
  }

  /** The write `id` will never be made again: Redis may forget it. */
  #settle(id: number) {
    this.#unconfirmed.delete(id);
    this.#openOps.delete(id);
  }

  /** The id arguments of a write: its own, the lowest still open (Redis forgets those below), the set's ttl. */
  #opArgs(id: number): (string | number)[] {
    const lowest = this.#openOps.values().next();
    return [id, lowest.done ? this.#opSeq + 1 : lowest.value, OPS_TTL_MS];
  }

  /** Keep a write whose answer never came, to be made again under its id; nothing to write settles it. */
  #keepUnconfirmed(id: number, undo: boolean, items: PendingItem[]) {
    const nonZero = items.filter((it) => it.delta !== 0);
    if (nonZero.length === 0) this.#settle(id);
    else this.#unconfirmed.set(id, { id, undo, items: nonZero });
  }

  /** A write's share of a counter; a budget's is tied to the generation this instance knows now (see PendingItem). */
  #pendingItem(key: string, delta: number, ttlMs: number, ifPresent: boolean): PendingItem {
    const item: PendingItem = { key, delta, expiresAt: this.#now() + ttlMs, ifPresent };
    // None known: tied to when it was made (on Redis's clock): it lands only on a counter read before then.
    if (ifPresent) item.gen = this.#gens.get(key) ?? `@${Math.round(this.#toShared(this.#now()))}`;
    return item;
  }

  /** Counters with local counts Redis may not have yet: a sync leaves their mirror alone. */
  #heldKeys(): Set<string> {
    const held = new Set<string>();
    for (const p of this.#pendingDeltas.values()) held.add(p.key);
    for (const w of this.#unconfirmed.values()) for (const it of w.items) held.add(it.key);
    return held;
  }

  /** A local count kept for Redis, summed per counter and generation. */
  #keepDelta(k: string, delta: number, ttlMs: number, ifPresent: boolean) {
    const item = this.#pendingItem(k, delta, ttlMs, ifPresent);
    // Counts made before any generation was known are summed as one, under the time of the first of them.
    const id = item.gen === undefined ? k : `${k}\u0000${item.gen.startsWith('@') ? '@' : item.gen}`;
    const p = this.#pendingDeltas.get(id);
    if (p) {
      p.delta += delta;
      p.expiresAt = Math.max(p.expiresAt, item.expiresAt);
    } else this.#pendingDeltas.set(id, item);
  }

  #down(err: Error) {
    if (!this.#healthy) return;
    this.#healthy = false;
    if (this.#closed) return;
    this.#log.warn(
      { err: err.message, redis: redactUrl(this.#opts.url) },
      'Redis unavailable: failing open onto local limits',
    );
    this.#opts.onAvailability?.(false);
  }

  /** Write back what was counted locally, refresh the mirror, and resume shared counting. */
  #recover(): Promise<void> {
    if (this.#healthy || this.#closed) return Promise.resolve();
    this.#recovering ??= (async () => {
      try {
        let flushed = 0;
        // Local admissions may keep arriving while we flush: loop until nothing is left.
        for (
          let round = 0;
          round < 10 &&
          (this.#hasPendingCounts() ||
            this.#queued.size > 0 ||
            this.#circuitRetries.size > 0 ||
            this.#resets.size > 0 ||
            this.#resetCounters.size > 0 ||
            this.#releases.size > 0);
          round++
        ) {
          flushed += this.#heldKeys().size;
          // Before the counts and events made after it (those made before it were dropped by the reset).
          await this.#flushResets();
          await this.#flushDeltas();
          await this.#flushEvents(true);
          await this.#flushReleases();
        }
        await this.#sync();
        const wasDown = this.#everUp;
        this.#healthy = true;
        this.#everUp = true;
        if (wasDown)
          this.#log.info({ flushedCounters: flushed }, 'Redis reachable again: shared counting resumed');
        this.#opts.onAvailability?.(true);
      } catch (err) {
        this.#log.debug({ err: String(err) }, 'Redis recovery attempt failed');
      } finally {
        this.#recovering = null;
      }
    })();
    return this.#recovering;
  }

  #hasPendingCounts(): boolean {
    return this.#pendingDeltas.size > 0 || this.#unconfirmed.size > 0;
  }

  /**
   * Make the unconfirmed writes again (each under its id: one Redis already ran is not applied twice), then write
   * back the counts kept locally as one new write. A failure keeps every write not confirmed, under its id.
   */
  async #flushDeltas(): Promise<void> {
    const now = this.#now();
    // A counter whose window ended is gone from Redis as well: nothing to write to it.
    const writes: UnconfirmedWrite[] = [];
    for (const w of [...this.#unconfirmed.values()]) {
      w.items = w.items.filter((it) => it.expiresAt > now);
      if (w.items.length > 0) writes.push(w);
      else this.#settle(w.id);
    }
    if (writes.length > 0) {
      const results = await Promise.allSettled(writes.map((w) => this.#write(w)));
      let failure: unknown;
      for (let i = 0; i < writes.length; i++) {
        const r = results[i]!;
        if (r.status === 'fulfilled') this.#settle(writes[i]!.id);
        else failure ??= r.reason;
      }
      // The counts kept meanwhile wait for these: the writes left over stay few however long Redis is slow.
      if (failure !== undefined) throw failure instanceof Error ? failure : new Error(String(failure));
    }
    if (this.#pendingDeltas.size === 0) return;
    // Budget deltas only land on counters Redis still has: if it came back empty, the budget is rebuilt from
    // the database on its next use (which includes what was spent meanwhile) instead of restarting from them.
    const items: PendingItem[] = [...this.#pendingDeltas.values()].filter(
      (v) => v.expiresAt > now && v.delta !== 0,
    );
    this.#pendingDeltas.clear();
    if (items.length === 0) return;
    const w: UnconfirmedWrite = { id: this.#beginOp(), undo: false, items };
    this.#unconfirmed.set(w.id, w);
    await this.#write(w);
    this.#settle(w.id);
  }

  /** Run one counter write in Redis (per its id: see ADJUST) and mirror what Redis answered. */
  async #write(w: UnconfirmedWrite): Promise<void> {
    const now = this.#now();
    const args = this.#opArgs(w.id);
    args.push(w.undo ? 'undo' : 'apply');
    for (const it of w.items)
      args.push(
        String(it.delta),
        Math.max(1, Math.ceil(it.expiresAt - now)),
        it.ifPresent ? 1 : 0,
        it.ifPresent ? (it.gen ?? this.#gens.get(it.key) ?? '') : '',
      );
    const r = arr(
      await this.#scripts.adjust.run(
        this.redis,
        [this.#opsKey, ...w.items.map((it) => this.#key(it.key))],
        args,
      ),
    );
    if (Number(r[0]) !== 1) return;
    const n = w.items.length;
    w.items.forEach((it, i) => {
      const ttl = Number(r[2 * i + 2]);
      this.#mirror(it.key, r[2 * i + 1] ?? null, ttl);
      this.#noteGen(it.key, r[2 * n + 1 + i], ttl);
    });
  }

  /**
   * What Redis answered of a budget counter's generation. A counter rebuilt from the database (by any instance)
   * is a new generation holding the recorded spend and its rebuilder's outstanding spend: not this instance's.
   * The first time this instance sees it, it adds its own (reservations in flight, settled calls whose records
   * the database did not hold when the rebuilder read it) as one write tied to that generation; its later
   * settlements belong to it too, and a write tied to an older generation is skipped (the join counted it).
   */
  #noteGen(k: string, raw: RedisReply | undefined, ttlMs: number): void {
    const gen = typeof raw === 'string' ? raw : raw instanceof Buffer ? raw.toString() : '';
    if (gen === '' || this.#gens.get(k) === gen) return;
    const first = !this.#gens.has(k);
    this.#gens.set(k, gen);
    // Joined once: a sync may bring a generation before this instance's own losing rebuild answers with it.
    if (!this.#markJoined(k, gen) || !this.#ledger) return;
    // What it counted before it ever saw the counter goes to it as those writes when the counter was read from
    // the database before they were made (see ADJUST): joining as well would count it twice.
    if (first && this.#countsWithoutGenLand(k, gen)) return;
    const amount = this.#ledger.outstanding(k, this.#genSince(gen), genSnapshot(gen));
    if (!(amount > 1e-15)) return;
    const w: UnconfirmedWrite = {
      id: this.#beginOp(),
      undo: false,
      items: [{ ...this.#pendingItem(k, amount, ttlMs > 0 ? ttlMs : WATCH_MS, true), gen }],
    };
    this.#log.info(
      { counter: k, addedUsd: amount },
      "budget rebuilt elsewhere: this instance's outstanding spend added",
    );
    this.#write(w).then(
      () => this.#settle(w.id),
      (err: unknown) => {
        this.#down(err as Error);
        // Made again under its id at the recovery, never twice.
        this.#unconfirmed.set(w.id, w);
      },
    );
  }

  /**
   * Whether writes this instance counted before it knew any generation of `k` wait for Redis, each made after
   * `gen` read the database (so each lands on it: ADJUST's rule). One made before it does not land (the
   * rebuild may hold its record): then the join counts this instance's spend instead.
   */
  #countsWithoutGenLand(k: string, gen: string): boolean {
    const read = genReadAt(gen);
    const times: number[] = [];
    for (const p of this.#pendingDeltas.values())
      if (p.key === k && p.gen?.startsWith('@')) times.push(Number(p.gen.slice(1)));
    for (const w of this.#unconfirmed.values())
      if (!w.undo)
        for (const it of w.items)
          if (it.key === k && it.ifPresent && it.gen?.startsWith('@')) times.push(Number(it.gen.slice(1)));
    return times.length > 0 && Number.isFinite(read) && times.every((t) => read <= t);
  }

  /** Marks `gen` of counter `k` as holding this instance's outstanding spend; false when it already did. */
  #markJoined(k: string, gen: string): boolean {
    let joined = this.#joined.get(k);
    if (!joined) this.#joined.set(k, (joined = []));
    if (joined.includes(gen)) return false;
    joined.push(gen);
    if (joined.length > 4) joined.shift();
    if (this.#joined.size > MAX_WATCHED) this.#joined.delete(this.#joined.keys().next().value!);
    return true;
  }

  /**
   * Since when records this instance wrote may be missing from a generation's rebuild: the time its rebuilder
   * read the database (in the generation), less a margin for the clocks of instances, which differ.
   */
  #genSince(gen: string): number {
    const own = this.#ownReads.get(gen);
    if (own !== undefined) return own;
    const at = genReadAt(gen);
    return Number.isFinite(at) ? this.#fromShared(at) - CLOCK_SKEW_MS : -Infinity;
  }

  /** The mirror takes a value a refusal read (keeping the counter's expiry when the mirror has it, else `ttlMs`). */
  #mirrorRead(k: string, value: number, ttlMs: number) {
    const c = this.#counters.get(k);
    const now = this.#now();
    this.#setCounter(k, value, c && c.expiresAt > now ? c.expiresAt - now : ttlMs);
  }

  /** The mirror takes a counter's value as Redis answered it ('' or null: Redis does not have it). */
  #mirror(k: string, raw: RedisReply, ttlMs: number) {
    if (raw === '' || raw === null || Array.isArray(raw)) this.#counters.delete(k);
    else this.#setCounter(k, Number(raw), ttlMs);
  }

  view(): StateView {
    return this.#view;
  }

  async consume(items: ConsumeItem[]): Promise<ConsumeResult> {
    if (items.length === 0) return { ok: true };
    if (this.#healthy) {
      const id = this.#beginOp();
      const args = this.#opArgs(id);
      const keys = [this.#opsKey];
      for (const it of items) {
        const earlier = it.window?.earlier.length ?? 0;
        args.push(
          String(it.amount),
          String(it.limit),
          Math.max(1, Math.ceil(it.ttlMs)),
          it.budget ? 1 : 0,
          earlier,
        );
        keys.push(this.#key(it.key));
      }
      for (const it of items) if (it.window) for (const k of this.#keysOf(it.window.earlier)) keys.push(k);
      try {
        const r = arr(await this.#scripts.consume.run(this.redis, keys, args));
        this.#settle(id);
        if (Number(r[0]) === 2) {
          const missing = r.slice(1).map(Number);
          for (const i of missing) this.#counters.delete(items[i]!.key);
          return { ok: false, missing };
        }
        if (Number(r[0]) === 1) {
          const n = items.length;
          items.forEach((it, i) => {
            const ttl = Number(r[2 * i + 2]);
            this.#setCounter(it.key, Number(r[2 * i + 1]), ttl);
            if (it.budget) this.#noteGen(it.key, r[2 * n + 1 + i], ttl);
          });
          // Outstanding from now on (after a join this admission's generation holds it already). Answers are
          // handled in the order Redis ran them, so a join counts every admission made on an older generation.
          this.#ledger?.reserve(items);
          return { ok: true };
        }
        const index = Number(r[1]);
        const used = Number(r[2]);
        const it = items[index]!;
        // The mirror takes what Redis counted: each earlier slot, and the current one as the rest.
        const earlier = it.window?.earlier ?? [];
        const slots = earlier.map((_, j) => Number(r[3 + j] ?? 0));
        let current = used;
        earlier.forEach((k, j) => {
          current -= slots[j]!;
          this.#mirrorRead(k, slots[j]!, it.ttlMs);
        });
        this.#mirrorRead(it.key, current, it.ttlMs);
        return slots.length > 0 ? { ok: false, index, used, earlier: slots } : { ok: false, index, used };
      } catch (err) {
        this.#down(err as Error);
        // Redis may have run it all the same (a timeout: only the answer was late). What is decided here is
        // squared with Redis under this id at the recovery.
        return this.#consumeLocal(items, id);
      }
    }
    return this.#consumeLocal(items);
  }

  /** `sentAs`: the id of the admission sent to Redis that did not answer, which Redis may have made. */
  #consumeLocal(items: ConsumeItem[], sentAs?: number): ConsumeResult {
    this.#opts.onFailOpen?.('consume');
    const refuse = (r: ConsumeResult): ConsumeResult => {
      if (sentAs !== undefined)
        this.#keepUnconfirmed(
          sentAs,
          true,
          // Taking back the admission itself, on whichever counter Redis made it.
          items.map((it) => ({ ...this.#pendingItem(it.key, -it.amount, it.ttlMs, true), gen: '' })),
        );
      return r;
    };
    // A budget the mirror does not hold is rebuilt from the database (seed) before counting locally on it.
    let missing: number[] | undefined;
    for (let i = 0; i < items.length; i++)
      if (items[i]!.budget && !this.#hasLocal(items[i]!.key)) (missing ??= []).push(i);
    if (missing) return refuse({ ok: false, missing });
    const read = (k: string) => this.#counter(k);
    const check = checkItems(items, (i) => itemUsed(items[i]!, read));
    if (!check.ok) {
      const earlier = items[check.index]!.window?.earlier;
      return refuse(earlier?.length ? { ...check, earlier: earlier.map(read) } : check);
    }
    for (const it of items) this.#addLocal(it.key, it.amount, it.ttlMs);
    this.#ledger?.reserve(items);
    if (sentAs !== undefined)
      this.#keepUnconfirmed(
        sentAs,
        false,
        items.map((it) => this.#pendingItem(it.key, it.amount, it.ttlMs, it.budget !== undefined)),
      );
    else for (const it of items) this.#keepDelta(it.key, it.amount, it.ttlMs, it.budget !== undefined);
    return { ok: true };
  }

  async adjust(items: SettlementDelta[]): Promise<void> {
    const nonZero = items.filter((it) => it.delta !== 0);
    if (nonZero.length === 0) return;
    let sent = false;
    if (this.#healthy) {
      const w: UnconfirmedWrite = {
        id: this.#beginOp(),
        undo: false,
        items: nonZero.map((it) => this.#pendingItem(it.key, it.delta, it.ttlMs, it.ifPresent === true)),
      };
      try {
        await this.#write(w);
        this.#settle(w.id);
        return;
      } catch (err) {
        this.#down(err as Error);
        // Redis may have run it all the same: made again under its id at the recovery, never twice.
        this.#unconfirmed.set(w.id, w);
        sent = true;
      }
    }
    this.#opts.onFailOpen?.('adjust');
    for (const it of nonZero) {
      if (it.ifPresent && !this.#hasLocal(it.key)) continue;
      this.#addLocal(it.key, it.delta, it.ttlMs);
      if (!sent) this.#keepDelta(it.key, it.delta, it.ttlMs, it.ifPresent === true);
    }
  }

  /**
   * Counters rebuilt from the database, created only where absent (SET NX in Redis: when several instances
   * rebuild the same budget, the first value stands). While Redis is unreachable the mirror takes them (also only
   * where absent) and they are not written back: the database, not this instance, holds that spend.
   */
  async seed(items: SeedItem[]): Promise<void> {
    if (items.length === 0) return;
    // The recorded spend, plus what this instance spent that the database did not hold when it was read.
    const value = (it: SeedItem) =>
      it.value + (this.#ledger?.outstanding(it.key, it.readAt, it.snapshot) ?? 0);
    if (this.#healthy) {
      const args: (string | number)[] = [];
      for (const it of items) {
        // This instance's outstanding spend is in the new generation when its counter is the one created; if
        // another instance's is, the answer's generation differs and this instance adds its own to it.
        // The read's time on Redis's clock (which every instance converts to its own); here, exactly.
        // With the read's snapshot, every instance that joins tells exactly which of its records the read held.
        const snap = it.snapshot ? `~${snapshotText(it.snapshot)}` : '';
        const gen = `${this.instanceId}/${++this.#genSeq}${snap}@${this.#toShared(it.readAt)}`;
        this.#ownReads.set(gen, it.readAt);
        this.#markJoined(it.key, gen);
        if (this.#ownReads.size > 1024) this.#ownReads.delete(this.#ownReads.keys().next().value!);
        this.#gens.set(it.key, gen);
        args.push(String(value(it)), Math.max(1, Math.ceil(it.ttlMs)), gen);
      }
      try {
        const r = arr(
          await this.#scripts.seed.run(
            this.redis,
            items.map((it) => this.#key(it.key)),
            args,
          ),
        );
        items.forEach((it, i) => {
          const ttl = Number(r[3 * i + 1]);
          this.#mirror(it.key, r[3 * i] ?? null, ttl);
          this.#noteGen(it.key, r[3 * i + 2], ttl);
        });
        return;
      } catch (err) {
        this.#down(err as Error);
      }
    }
    for (const it of items) if (!this.#hasLocal(it.key)) this.#setCounter(it.key, value(it), it.ttlMs);
  }

  useLedger(ledger: OutstandingSpend): void {
    this.#ledger = ledger;
  }

  #hasLocal(k: string): boolean {
    const c = this.#counters.get(k);
    return c !== undefined && c.expiresAt > this.#now();
  }

  async read(keys: string[]): Promise<number[]> {
    if (keys.length === 0) return [];
    if (this.#healthy) {
      try {
        const values = await this.redis.mget(...keys.map((k) => this.#key(k)));
        return values.map((v) => (v === null ? 0 : Number(v)));
      } catch (err) {
        this.#down(err as Error);
      }
    }
    this.#opts.onFailOpen?.('read');
    return keys.map((k) => this.#counter(k));
  }

  apply(events: StateEvent[]): void {
    for (const e of events) {
      const id = eventId(e);
      this.#applyLocal(e);
      this.#touched.set(id, ++this.#seq);
      const q = this.#queued.get(id);
      if (!q && this.#queued.size >= MAX_PENDING_EVENTS) continue;
      if (e.type === 'cooldown')
        this.#queued.set(id, {
          ...e,
          until: Math.max(q?.type === 'cooldown' ? q.until : 0, e.until),
          at: this.#now(),
        });
      else if (e.type === 'circuit')
        this.#queued.set(id, {
          type: 'circuit',
          target: e.target,
          changes: appendCircuitChange(q?.type === 'circuit' ? q.changes : [], e.change),
        });
      else this.#queued.set(id, e);
    }
    if (!this.#flushScheduled && this.#queued.size > 0) {
      this.#flushScheduled = true;
      setImmediate(() => {
        this.#flushScheduled = false;
        void this.#flushEvents(false).catch(() => undefined);
      });
    }
  }

  /**
   * The half-open probe claimed in Redis (the CLAIM script: one instance wins), the mirror set to what Redis holds
   * then (unless this instance has changes of the circuit Redis has not made yet), so the next plans here see the
   * probe in flight. While Redis is unreachable the claim is made on the mirror (fails open: one probe per
   * instance), and written back with the other events.
   */
  async claimProbe(target: string, now: number, openMs: number): Promise<boolean> {
    const id = `circuit\u0000${target}`;
    if (this.#healthy) {
      try {
        // This instance's own changes of the circuit that are not in Redis yet go first (the claim reads Redis).
        if (this.#queued.has(id) || this.#retrying(target)) await this.#flushEvents(false);
        const r = arr(
          await this.#scripts.claim.run(
            this.redis,
            [this.#stateKeys()[1]!, this.#changedKey()],
            [target, this.#toShared(now), openMs, STATE_TTL_MS],
          ),
        );
        const claimed = Number(r[0]) === 1;
        const held = claimed ? safeJson<CircuitState>(String(r[1] ?? '')) : null;
        if (held?.phase === 'half-open') this.#noteClaim(target, now, held.openedAt, openMs);
        if (this.#queued.has(id) || this.#writing.has(id) || this.#retrying(target)) {
          if (claimed) this.#applyLocal({ type: 'circuit', target, change: { kind: 'probe', at: now } });
        } else {
          const c = safeJson<CircuitState>(String(r[1] ?? ''));
          if (c)
            this.#circuits.set(target, c.openedAt > 0 ? { ...c, openedAt: this.#fromShared(c.openedAt) } : c);
          else this.#circuits.delete(target);
          // A sync read before this answer must not undo it.
          this.#touched.set(id, ++this.#seq);
        }
        return claimed;
      } catch (err) {
        this.#down(err as Error);
      }
    }
    const cur = this.#circuits.get(target);
    const { claimed } = circuitClaim(cur, now, { openMs });
    if (claimed && cur && cur.phase !== 'closed') {
      // Held in Redis once the probe is written back (its time there is known then: see `#writeEvents`), so a
      // release after the recovery gives it back in Redis too.
      this.#noteClaim(target, now, null, openMs);
      this.apply([{ type: 'circuit', target, change: { kind: 'probe', at: now } }]);
    }
    return claimed;
  }

  onCircuitChange(listener: (target: string, open: boolean) => void): void {
    this.#onCircuit = listener;
  }

  /** A claim this instance holds (those older than the open time have expired anyway: forgotten). */
  #noteClaim(target: string, at: number, shared: number | null, openMs: number): void {
    for (const [k, c] of this.#claims) if (c.at < at - openMs) this.#claims.delete(k);
    this.#claims.set(`${target}\u0000${at}`, { at, shared });
  }

  /**
   * Gives back a probe's claim in Redis (the RELEASE script), the mirror set to what Redis holds then. While Redis is
   * unreachable the claim is given back on the mirror, a probe still waiting to be written is dropped, and one Redis
   * holds (or may hold once its write lands) is given back there once Redis answers.
   */
  async releaseProbe(target: string, claimedAt: number, openMs: number): Promise<void> {
    const claim = this.#claims.get(`${target}\u0000${claimedAt}`);
    this.#claims.delete(`${target}\u0000${claimedAt}`);
    const id = `circuit\u0000${target}`;
    if (this.#healthy && claim && claim.shared !== null) {
      try {
        if (this.#queued.has(id) || this.#retrying(target)) await this.#flushEvents(false);
        const r = arr(
          await this.#scripts.release.run(
            this.redis,
            [this.#stateKeys()[1]!],
            [target, claim.shared, openMs, STATE_TTL_MS],
          ),
        );
        if (this.#queued.has(id) || this.#writing.has(id) || this.#retrying(target)) {
          if (Number(r[0]) === 1) this.#releaseLocal(target, claimedAt, openMs);
        } else {
          const c = safeJson<CircuitState>(String(r[1] ?? ''));
          if (c)
            this.#circuits.set(target, c.openedAt > 0 ? { ...c, openedAt: this.#fromShared(c.openedAt) } : c);
          else this.#circuits.delete(target);
          this.#touched.set(id, ++this.#seq);
        }
        return;
      } catch (err) {
        this.#down(err as Error);
      }
    }
    if (!this.#releaseLocal(target, claimedAt, openMs)) return;
    // A claim made on the mirror while Redis was away is a probe waiting to be written: it is not written.
    const q = this.#queued.get(id);
    if (q?.type === 'circuit' && q.changes.at(-1)?.kind === 'probe') {
      const changes = q.changes.slice(0, -1);
      if (changes.length > 0) this.#queued.set(id, { ...q, changes });
      else this.#queued.delete(id);
    } else if (claim && claim.shared !== null)
      // Redis holds the claim (written back, or claimed there before it became unreachable): given back there once it
      // answers (`#flushReleases`), not held until it expires.
      this.#releases.set(`${target}\u0000${claimedAt}`, { target, shared: claim.shared, openMs });
    else if (claim && (this.#writing.has(id) || this.#retrying(target)))
      // Its write is in flight (or waits to be made again): Redis may hold the claim once it lands, so it is given
      // back there then (see `#writeEvents`).
      this.#claims.set(`${target}\u0000${claimedAt}`, { ...claim, releaseMs: openMs });
  }

  /** Give back in Redis the probes released while it was unreachable (see `releaseProbe`). */
  async #flushReleases(): Promise<void> {
    for (const [k, r] of [...this.#releases]) {
      await this.#scripts.release.run(
        this.redis,
        [this.#stateKeys()[1]!],
        [r.target, r.shared, r.openMs, STATE_TTL_MS],
      );
      this.#releases.delete(k);
    }
  }

  #releaseLocal(target: string, claimedAt: number, openMs: number): boolean {
    const { released, state } = circuitRelease(this.#circuits.get(target), claimedAt, { openMs });
    if (released && state) this.#circuits.set(target, state);
    return released;
  }

  #applyLocal(e: StateEvent) {
    applyStateEvent(
      {
        cursors: this.#cursors,
        weights: this.#weights,
        cooldowns: this.#cooldowns,
        circuits: this.#circuits,
        latency: this.#latency,
      },
      e,
    );
  }

  /**
   * Write queued events; while Redis is down they stay queued (coalesced) for the recovery. Circuit changes whose
   * write got no answer are made again first, each write under its id (Redis skips one it already made).
   */
  async #flushEvents(duringRecovery: boolean): Promise<void> {
    if (!this.#healthy && !duringRecovery) return;
    for (const [opId, circuits] of [...this.#circuitRetries]) {
      if (!this.#circuitRetries.delete(opId)) continue; // another flush took it
      const batch: QueuedEvent[] = circuits.map((c) => ({ type: 'circuit', ...c }));
      await this.#writeEvents(batch, opId, duringRecovery);
    }
    if (this.#queued.size === 0) return;
    const batch = [...this.#queued.values()];
    this.#queued.clear();
    await this.#writeEvents(
      batch,
      batch.some((e) => e.type === 'circuit') ? this.#beginOp() : undefined,
      duringRecovery,
    );
  }

  /** One event write (`opId`: its id when it holds circuit changes, which must not be made twice). */
  async #writeEvents(batch: QueuedEvent[], opId: number | undefined, duringRecovery: boolean): Promise<void> {
    const ids = batch.map(eventId);
    for (const id of ids) this.#writing.set(id, (this.#writing.get(id) ?? 0) + 1);
    /** Probes claimed while Redis was unreachable: target, claim time (this instance's clock), as written. */
    const probes: [string, number, number][] = [];
    const args: (string | number)[] = [
      STATE_TTL_MS,
      ...(opId === undefined ? ['', 0, OPS_TTL_MS] : this.#opArgs(opId)),
    ];
    for (const e of batch) {
      switch (e.type) {
        case 'cursor':
          args.push('cursor', e.alias, String(e.value));
          break;
        case 'weights':
          args.push('weights', e.alias, JSON.stringify(e.value));
          break;
        case 'cooldown':
          args.push('cooldown', e.target, `${this.#toShared(e.until)} ${this.#toShared(e.at)}`);
          break;
        case 'circuit':
          for (const c of e.changes) {
            const sent = c.kind === 'success' ? c : { ...c, at: this.#toShared(c.at) };
            if (c.kind === 'probe' && sent.kind === 'probe') probes.push([e.target, c.at, sent.at]);
            args.push('circuit', e.target, JSON.stringify(sent));
          }
          break;
        case 'latency':
          args.push('latency', e.target, String(e.value));
          break;
      }
    }
    try {
      const moved = arr(
        await this.#scripts.apply.run(
          this.redis,
          [...this.#stateKeys(), this.#opsKey, this.#changedKey(), this.#resetKey()],
          args,
        ),
      );
      if (opId !== undefined) this.#settle(opId);
      // A claim made on the mirror is held in Redis now, from the time written (unless a later claim or opening
      // was there: then its release finds another claim and leaves it alone).
      for (const [target, at, shared] of probes) {
        const k = `${target}\u0000${at}`;
        const claim = this.#claims.get(k);
        if (!claim || claim.shared !== null) continue;
        claim.shared = shared;
        // Given back while this write was in flight: given back in Redis now it holds the claim (`#flushReleases`).
        if (claim.releaseMs !== undefined) {
          this.#claims.delete(k);
          this.#releases.set(k, { target, shared, openMs: claim.releaseMs });
        }
      }
      // The shared circuits this write opened or closed: told here, once across the instances.
      for (let i = 1; i + 1 < moved.length; i += 2)
        this.#onCircuit?.(String(moved[i]), String(moved[i + 1]) === '1');
      // Written: a sync sent from now on reads them back; one sent before may not have, so they count as fresh
      // for it (unless a reset cleared them meanwhile).
      for (const id of ids) if (this.#doneWriting(id)) this.#touched.set(id, ++this.#seq);
    } catch (err) {
      const live = ids.map((id) => this.#doneWriting(id));
      // Redis may have made the circuit changes all the same: they are made again under this write's id, never
      // twice (unless a reset forgot them meanwhile). The rest is put back unless something newer was queued.
      const circuits: CircuitChanges[] = [];
      batch.forEach((e, i) => {
        if (e.type === 'circuit') {
          if (live[i]) circuits.push({ target: e.target, changes: e.changes });
        } else if (!this.#queued.has(ids[i]!)) this.#queued.set(ids[i]!, e);
      });
      if (opId !== undefined) {
        if (circuits.length > 0) this.#circuitRetries.set(opId, circuits);
        else this.#settle(opId);
      }
      if (!duringRecovery) this.#down(err as Error);
      throw err;
    }
  }

  /** A time on this instance's clock, on Redis's (the shared state's times are on Redis's clock). */
  #toShared(t: number): number {
    return t + this.#clockOffset;
  }

  /** A time on Redis's clock, on this instance's. */
  #fromShared(t: number): number {
    return t - this.#clockOffset;
  }

  /**
   * How far Redis's clock is from this instance's, from a sync: Redis read its time between `sent` and `received`
   * (this instance's clock). The estimate moves only when it is off by more than the tolerance plus what the
   * round trip leaves unknown, so times written and read back by this instance do not jitter with the latency.
   */
  #measureClock(redisNow: number, sent: number, received: number): void {
    const measured = redisNow - (sent + received) / 2;
    if (!Number.isFinite(measured)) return;
    if (Math.abs(measured - this.#clockOffset) <= CLOCK_TOLERANCE_MS + (received - sent) / 2) return;
    const before = this.#clockOffset;
    this.#clockOffset = Math.round(measured);
    if (Math.abs(this.#clockOffset) >= 1000 || Math.abs(before) >= 1000)
      this.#log.warn(
        { offsetMs: this.#clockOffset, previousMs: before },
        "this instance's clock is off Redis's by offsetMs: shared cooldowns and circuits are timed on Redis's clock",
      );
  }

  /** Circuit targets with changes Redis may not have made yet (their write got no answer). */
  #retrying(target: string): boolean {
    for (const circuits of this.#circuitRetries.values())
      if (circuits.some((c) => c.target === target)) return true;
    return false;
  }

  /** One write of `id` ended; false when a reset forgot it meanwhile. */
  #doneWriting(id: string): boolean {
    const n = this.#writing.get(id);
    if (n === undefined) return false;
    if (n <= 1) this.#writing.delete(id);
    else this.#writing.set(id, n - 1);
    return true;
  }

  inFlight(target: string, delta: 1 | -1): void {
    const v = (this.#inflightLocal.get(target) ?? 0) + delta;
    if (v <= 0) this.#inflightLocal.delete(target);
    else this.#inflightLocal.set(target, v);
  }

  async clear(targets: string[], counters: string[]): Promise<void> {
    const at = this.#now();
    for (const t of targets) {
      this.#cooldowns.delete(t);
      this.#circuits.delete(t);
      for (const type of ['cooldown', 'circuit']) {
        this.#queued.delete(`${type}\u0000${t}`);
        this.#touched.delete(`${type}\u0000${t}`);
        this.#writing.delete(`${type}\u0000${t}`);
      }
    }
    if (targets.length > 0) {
      // Circuit changes made before the reset are not made again onto the circuits it cleared.
      const reset = new Set(targets);
      for (const [opId, circuits] of [...this.#circuitRetries]) {
        const left = circuits.filter((c) => !reset.has(c.target));
        if (left.length > 0) this.#circuitRetries.set(opId, left);
        else {
          this.#circuitRetries.delete(opId);
          this.#settle(opId);
        }
      }
    }
    const cleared = new Set(counters);
    for (const k of counters) this.#counters.delete(k);
    for (const [id, p] of this.#pendingDeltas) if (cleared.has(p.key)) this.#pendingDeltas.delete(id);
    if (counters.length > 0) {
      // Writes made before the reset are not made again onto the counters it cleared.
      const reset = new Set(counters);
      for (const w of [...this.#unconfirmed.values()]) {
        w.items = w.items.filter((it) => !reset.has(it.key));
        if (w.items.length === 0) this.#settle(w.id);
      }
    }
    // Not in Redis yet: written at the recovery, unless an instance changes the target after it (see RESET); the
    // counters are deleted then, as a reset made with Redis deletes them.
    const keep = () => {
      for (const t of targets) this.#resets.set(t, at);
      for (const k of counters) this.#resetCounters.set(k, at);
    };
    if (!this.#healthy) return keep();
    const [cd, ci] = this.#stateKeys();
    try {
      const m = this.redis.multi();
      if (targets.length > 0)
        m.hdel(cd!, ...targets)
          .hdel(ci!, ...targets)
          // A cooldown or circuit change made before now and written later (its instance could not reach Redis)
          // is not written over the reset (see APPLY).
          .hset(this.#resetKey(), Object.fromEntries(targets.map((t) => [t, this.#toShared(at)])))
          .pexpire(this.#resetKey(), STATE_TTL_MS);
      if (counters.length > 0) m.del(...counters.map((k) => this.#key(k)));
      await m.exec();
      for (const t of targets) this.#resets.delete(t);
      for (const k of counters) this.#resetCounters.delete(k);
    } catch (err) {
      keep();
      this.#down(err as Error);
    }
  }

  /**
   * Write the resets made while Redis was unreachable (see RESET): their counters are deleted, their targets'
   * cooldowns and circuits cleared unless changed after them, and a circuit this closes is told (`onCircuitChange`),
   * so the other instances' live events show it closed. The mirror reads the outcome at the next sync.
   */
  async #flushResets(): Promise<void> {
    if (this.#resetCounters.size > 0) {
      const counters = [...this.#resetCounters];
      await this.redis.del(...counters.map(([k]) => this.#key(k)));
      for (const [k, at] of counters) if (this.#resetCounters.get(k) === at) this.#resetCounters.delete(k);
    }
    if (this.#resets.size === 0) return;
    const batch = [...this.#resets];
    const [cd, ci] = this.#stateKeys();
    const r = arr(
      await this.#scripts.reset.run(
        this.redis,
        [cd!, ci!, this.#changedKey(), this.#resetKey()],
        batch.flatMap(([t, at]) => [t, this.#toShared(at)]),
      ),
    );
    for (const [t, at] of batch) if (this.#resets.get(t) === at) this.#resets.delete(t);
    batch.forEach(([t], i) => {
      if (Number(r[i]) === 2) this.#onCircuit?.(t, false);
    });
  }

  /** SET NX PX on Redis; while Redis is unreachable every instance may run the job (fails open). */
  async tryLock(name: string, ttlMs: number): Promise<boolean> {
    if (!this.#healthy) return true;
    try {
      const r = await this.redis.set(
        `${this.#p}lock:${name}`,
        this.instanceId,
        'PX',
        Math.max(1, Math.round(ttlMs)),
        'NX',
      );
      return r === 'OK';
    } catch (err) {
      this.#down(err as Error);
      return true;
    }
  }

  /** Refresh the mirror from Redis now (the sync loop does this every `syncIntervalMs`). */
  async sync(): Promise<void> {
    if (!this.#healthy) return;
    try {
      // Local counts taken while the recovery was finishing, and events whose write failed.
      await this.#flushResets();
      if (this.#hasPendingCounts()) await this.#flushDeltas();
      if ((this.#queued.size > 0 || this.#circuitRetries.size > 0) && !this.#flushScheduled)
        await this.#flushEvents(false);
      await this.#flushReleases();
      await this.#sync();
    } catch (err) {
      this.#down(err as Error);
    }
  }

  async #sync(): Promise<void> {
    const now = this.#now();
    const held = this.#heldKeys();
    for (const [k, at] of this.#watched) if (now - at > WATCH_MS) this.#watched.delete(k);
    for (const [k, c] of this.#counters) if (c.expiresAt <= now && !held.has(k)) this.#counters.delete(k);
    const watched = [...this.#watched.keys()].slice(0, MAX_WATCHED);
    const instanceTtl = Math.max(2000, this.#syncMs * 8);
    const seqAtSend = this.#seq;
    const r = arr(
      await this.#scripts.sync.run(
        this.redis,
        [
          ...this.#stateKeys(),
          `${this.#p}inst`,
          `${this.#p}if:${this.instanceId}`,
          ...watched.map((k) => this.#key(k)),
        ],
        [
          this.instanceId,
          instanceTtl,
          JSON.stringify(Object.fromEntries(this.#inflightLocal)),
          `${this.#p}if:`,
          STATE_TTL_MS,
        ],
      ),
    );
    this.#measureClock(Number(r[7]), now, this.#now());
    const fresh = (type: string, id: string) => (this.#touched.get(`${type}\u0000${id}`) ?? 0) > seqAtSend;
    const merge = <V>(
      type: string,
      current: Map<string, V>,
      remote: [string, string][],
      parse: (s: string) => V | undefined,
    ): Map<string, V> => {
      const next = new Map<string, V>();
      for (const [id, raw] of remote) {
        const v = parse(raw);
        if (v !== undefined) next.set(id, v);
      }
      for (const [id, v] of current)
        if (
          fresh(type, id) ||
          this.#queued.has(`${type}\u0000${id}`) ||
          this.#writing.has(`${type}\u0000${id}`) ||
          (type === 'circuit' && this.#retrying(id))
        )
          next.set(id, v);
      return next;
    };
    const num = (s: string) => {
      const n = Number(s);
      return Number.isFinite(n) ? n : undefined;
    };
    // Redis is the truth for cooldowns too: a local one it no longer holds was reset (an admin's reset, or an
    // endpoint that answered, on any instance) unless it is this instance's own and not yet written or read back.
    // Times come on Redis's clock: the mirror holds them on this instance's.
    this.#cooldowns = merge('cooldown', this.#cooldowns, pairs(r[0] ?? null), (s) => {
      const until = num(s);
      return until === undefined ? undefined : this.#fromShared(until);
    });
    this.#circuits = merge('circuit', this.#circuits, pairs(r[1] ?? null), (s) => {
      const c = safeJson<CircuitState>(s);
      return c && c.openedAt > 0 ? { ...c, openedAt: this.#fromShared(c.openedAt) } : c;
    });
    this.#latency = merge('latency', this.#latency, pairs(r[2] ?? null), num);
    this.#cursors = merge('cursor', this.#cursors, pairs(r[3] ?? null), num);
    this.#weights = merge('weights', this.#weights, pairs(r[4] ?? null), (s) =>
      safeJson<Record<string, number>>(s),
    );
    const remote = new Map<string, number>();
    for (const raw of arr(r[5] ?? null)) {
      const m = safeJson<Record<string, number>>(String(raw)) ?? {};
      for (const [t, n] of Object.entries(m))
        if (typeof n === 'number') remote.set(t, (remote.get(t) ?? 0) + n);
    }
    this.#inflightRemote = remote;
    const counters = arr(r[6] ?? null);
    const heldNow = this.#heldKeys();
    watched.forEach((k, i) => {
      const raw = counters[3 * i];
      const ttl = Number(counters[3 * i + 1]);
      this.#noteGen(k, counters[3 * i + 2], ttl);
      if (heldNow.has(k)) return;
      if (raw === '' || raw === null || raw === undefined) this.#counters.delete(k);
      else this.#setCounter(k, Number(raw), ttl > 0 ? ttl : WATCH_MS);
    });
    for (const [id, s] of this.#touched) if (s <= seqAtSend) this.#touched.delete(id);
  }

  #schedule() {
    if (this.#closed) return;
    this.#timer = setTimeout(() => void this.#tick(), this.#syncMs);
    this.#timer.unref();
  }

  async #tick() {
    if (this.#syncing) return this.#schedule();
    this.#syncing = true;
    try {
      if (this.#healthy) await this.sync();
      else if (this.redis.status === 'ready') await this.#recover();
    } finally {
      this.#syncing = false;
      this.#schedule();
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    clearTimeout(this.#timer);
    if (this.#healthy) {
      await this.#flushEvents(false).catch(() => undefined);
      // Stop counting this instance's in-flight requests elsewhere right away.
      await this.redis.zrem(`${this.#p}inst`, this.instanceId).catch(() => undefined);
      await this.redis.del(`${this.#p}if:${this.instanceId}`).catch(() => undefined);
      // Nothing of this run is made again after it closes.
      await this.redis.del(this.#opsKey).catch(() => undefined);
    }
    this.#closed = true;
    this.#healthy = false;
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
