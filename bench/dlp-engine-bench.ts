/**
 * Custom data-protection rules: JavaScript's backtracking RegExp (what the scanner runs) against `re2js`, a pure
 * JavaScript port of RE2 whose time is linear in the text, as a candidate engine for admins' patterns. Not a test:
 * nothing here asserts. Each rule runs the way the scanner runs it (windows of 4096 characters overlapping by 512;
 * re2js first asks its DFA whether the window matches at all, then finds the matches), over four texts: 100 KB of
 * prose, a megabyte of letters ending in `!`, a megabyte of 100-letter words each ending in `!`, and 100 KB of
 * `abcdefgh`. Milliseconds per text (best of three after a warm-up) and the ratio re2js / RegExp.
 *
 *   pnpm --filter @switchyard/bench bench:dlp-engine
 *
 * What it showed (2026-12-07, 2-core host, busy): re2js's DFA answers "no match" in linear time, and a literal in the
 * rule lets it skip a text outright (`[a-z0-9-]{1,63}\.corp\.example\.com` over a megabyte of letters: 0.1 ms against
 * RegExp's 1.4 s; `\w{1,64}!` over a megabyte of letters ending in `!`: 33 ms against 1.2 s). But finding matches
 * runs its NFA in JavaScript: `\w{1,64}!` over the megabyte of `!`-ended words takes 7.8 s against RegExp's 0.34 s
 * (23×), and rules with matches in ordinary text cost 4–130× more (`EMP-\d{6}` over 100 KB of prose with matches:
 * 27.5 ms against 0.2 ms). So it moves the worst case to text the rule matches, which a caller writes as easily, and
 * slows normal prompts: not adopted.
 */
import { RE2JS } from 're2js';

const W = 4096;
const OVERLAP = 512;

function windows(t: string, each: (slice: string, last: boolean, step: number) => number): number {
  let n = 0;
  const step = W - OVERLAP;
  for (let w = 0; w < t.length || w === 0; w += step) {
    const last = w + W >= t.length;
    n += each(last && w === 0 ? t : t.slice(w, w + W), last, step);
    if (last) break;
  }
  return n;
}

function withRegExp(re: RegExp, t: string): number {
  return windows(t, (slice, last, step) => {
    let n = 0;
    re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(slice)) !== null) {
      if (m[0].length === 0) {
        re.lastIndex++;
        continue;
      }
      if (!last && m.index >= step) break;
      n++;
    }
    return n;
  });
}

function withRe2(re: RE2JS, t: string): number {
  return windows(t, (slice, last, step) => {
    if (!re.test(slice)) return 0;
    let n = 0;
    const m = re.matcher(slice);
    while (m.find()) {
      if (!last && m.start() >= step) break;
      if (m.end() > m.start()) n++;
    }
    return n;
  });
}

function best(fn: () => number): [number, number] {
  let result = fn();
  let ms = Infinity;
  for (let k = 0; k < 3; k++) {
    const s = process.hrtime.bigint();
    result = fn();
    ms = Math.min(ms, Number(process.hrtime.bigint() - s) / 1e6);
  }
  return [ms, result];
}

const words =
  'the quick brown fox jumps over lazy dog ticket EMP-123456 order 42 customer said hello world'.split(' ');
let prose = '';
for (let i = 0; prose.length < 100_000; i++) prose += words[(i * 7) % words.length] + (i % 13 ? ' ' : '.\n');
const TEXTS: Record<string, string> = {
  'prose 100 KB': prose,
  'letters 1 MB + !': 'a'.repeat(1 << 20) + '!',
  'words! 1 MB': ('a'.repeat(100) + '! ').repeat(10_000),
  'abcdefgh 100 KB': 'abcdefgh'.repeat(12_500),
};
const RULES: [string, string][] = [
  ['EMP-\\d{6}', ''],
  ['project\\s+falcon', 'i'],
  ['\\bAC-[0-9]{4,8}\\b', ''],
  ['[a-z0-9-]{1,63}\\.corp\\.example\\.com', ''],
  ['\\w{1,64}!', ''],
  ['[a-h]', ''],
  ['[a-z]{2,3}', ''],
];

console.log(
  'rule'.padEnd(38),
  'text'.padEnd(18),
  'RegExp ms'.padStart(10),
  're2js ms'.padStart(10),
  'ratio'.padStart(8),
);
for (const [pattern, flags] of RULES) {
  const js = new RegExp(pattern, flags + 'g');
  const re2 = RE2JS.compile(pattern, flags.includes('i') ? RE2JS.CASE_INSENSITIVE : 0);
  for (const [name, text] of Object.entries(TEXTS)) {
    const [a, na] = best(() => withRegExp(js, text));
    const [b, nb] = best(() => withRe2(re2, text));
    console.log(
      pattern.padEnd(38),
      name.padEnd(18),
      a.toFixed(1).padStart(10),
      b.toFixed(1).padStart(10),
      (b / a).toFixed(1).padStart(8),
      na === nb ? '' : `different matches: ${na} / ${nb}`,
    );
  }
}
