/**
 * A static check of a custom rule's pattern for the two shapes that make a backtracking engine slow on a crafted
 * text, beyond the nested quantifiers `safe-regex2` refuses:
 * - a repeated group with alternatives (`(a|a)*`, `(\w|\d)+!`, `(a|aa)+$`): exponential, 26 characters of `1`
 *   took 2.5 s with `(\w|\d)+!`;
 * - two long repeats that can match the same characters with nothing between them that they cannot
 *   (`\w*\w*\w*!`, `.*.*x`, `\w+\s?\w+$`): polynomial, each one more multiplies the work by the text's length
 *   (`\w*\w*\w*\w*!` over 600 characters did not finish in two minutes).
 * - a wide repeat that starts the rule and something follows (`\w+@`, `\d+-\d+`): quadratic in the text, the
 *   windows the scanner runs a rule over notwithstanding (`\w+!` over a megabyte of letters took 10 s).
 * What each atom can match is found by testing it on a probe alphabet (ASCII and a few letters beyond), so the
 * check is an approximation erring on the safe side; a refused pattern can always be written with a character class
 * or a bounded repeat.
 */

interface Elem {
  /** Characters of the probe alphabet it can match (a group: any of its atoms'); empty for an assertion. */
  chars: Set<string>;
  min: number;
  max: number;
  /** A group's alternatives (each a sequence), or null. */
  alts: Elem[][] | null;
  /** A lookaround or an anchor: matches no character. */
  zeroWidth: boolean;
}

/** A repeat whose range is at least this wide (or unbounded) counts as long. */
const LONG = 10;

const PROBES: string[] = (() => {
  const out: string[] = ['\t', '\n', '\r'];
  for (let c = 32; c < 127; c++) out.push(String.fromCharCode(c));
  out.push('\u00a0', 'é', 'ß', 'Ж', '中', '\u2028', '\u200b', '０');
  return out;
})();

class Parser {
  i = 0;
  constructor(
    readonly src: string,
    readonly flags: string,
  ) {}

  charsOf(atom: string): Set<string> {
    const set = new Set<string>();
    let re: RegExp;
    try {
      re = new RegExp(`^(?:${atom})$`, this.flags);
    } catch {
      return new Set(PROBES);
    }
    for (const p of PROBES) if (re.test(p)) set.add(p);
    return set;
  }

  alternatives(): Elem[][] {
    const alts: Elem[][] = [this.sequence()];
    while (this.src[this.i] === '|') {
      this.i++;
      alts.push(this.sequence());
    }
    return alts;
  }

  sequence(): Elem[] {
    const seq: Elem[] = [];
    const s = this.src;
    while (this.i < s.length && s[this.i] !== '|' && s[this.i] !== ')') {
      const e = this.atom();
      this.quantifier(e);
      seq.push(e);
    }
    return seq;
  }

  atom(): Elem {
    const s = this.src;
    const c = s[this.i]!;
    const start = this.i;
    const plain = (zeroWidth = false): Elem => ({
      chars: zeroWidth ? new Set() : this.charsOf(s.slice(start, this.i)),
      min: 1,
      max: 1,
      alts: null,
      zeroWidth,
    });
    if (c === '(') {
      this.i++;
      let lookaround = false;
      if (s.startsWith('?:', this.i)) this.i += 2;
      else if (s.startsWith('?=', this.i) || s.startsWith('?!', this.i)) {
        this.i += 2;
        lookaround = true;
      } else if (s.startsWith('?<=', this.i) || s.startsWith('?<!', this.i)) {
        this.i += 3;
        lookaround = true;
      } else if (s.startsWith('?<', this.i)) this.i = s.indexOf('>', this.i) + 1;
      const alts = this.alternatives();
      if (s[this.i] === ')') this.i++;
      const chars = new Set<string>();
      if (!lookaround) for (const a of alts) for (const e of a) for (const ch of e.chars) chars.add(ch);
      return { chars, min: 1, max: 1, alts, zeroWidth: lookaround };
    }
    if (c === '[') {
      this.i++;
      if (s[this.i] === '^') this.i++;
      if (s[this.i] === ']') this.i++;
      while (this.i < s.length && s[this.i] !== ']') this.i += s[this.i] === '\\' ? 2 : 1;
      this.i++;
      return plain();
    }
    if (c === '\\') {
      const n = s[this.i + 1];
      this.i += 2;
      if (n === 'b' || n === 'B') return plain(true);
      if ((n === 'p' || n === 'P') && s[this.i] === '{') this.i = s.indexOf('}', this.i) + 1;
      else if (n === 'u' && s[this.i] === '{') this.i = s.indexOf('}', this.i) + 1;
      else if (n === 'u') this.i += 4;
      else if (n === 'x') this.i += 2;
      else if (n === 'c') this.i += 1;
      return plain();
    }
    this.i++;
    if (c === '^' || c === '$') return plain(true);
    return plain();
  }

  quantifier(e: Elem): void {
    const s = this.src;
    const c = s[this.i];
    let min = -1;
    let max = -1;
    if (c === '*') [min, max] = [0, Infinity];
    else if (c === '+') [min, max] = [1, Infinity];
    else if (c === '?') [min, max] = [0, 1];
    else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(s.slice(this.i));
      if (m === null) return;
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
      this.i += m[0].length - 1;
    } else return;
    this.i++;
    if (s[this.i] === '?') this.i++;
    e.min *= min;
    e.max *= max;
  }
}

/**
 * A repeat this wide or wider (or unbounded) may not lead a rule: see `leadingRepeat`. A narrower one costs up to its
 * width per position of the text: `\w{1,64}!` over a megabyte of letters takes ~0.9 s, linear in the text.
 */
const WIDE = 64;

/** Whether an element, or something inside it, repeats over a range at least `width` wide. */
function long(e: Elem, width = LONG): boolean {
  if (e.zeroWidth) return false;
  if (e.max - e.min >= width) return true;
  return e.alts !== null && e.alts.some((a) => a.some((x) => long(x, width)));
}

/**
 * A wide repeat that something follows, reachable from every position of a run of the characters it matches (no
 * required element before it that it cannot match): each failed match is retried from the next position and
 * re-scans the run, so the work grows with the square of the text (`\w+!` over a megabyte of letters: 10 s).
 */
function leadingRepeat(seq: Elem[]): boolean {
  for (let x = 0; x < seq.length; x++) {
    const e = seq[x]!;
    if (!long(e, WIDE) || x === seq.length - 1) continue;
    const guarded = seq
      .slice(0, x)
      .some((p) => !p.zeroWidth && p.min > 0 && intersect(p.chars, e.chars).size === 0);
    if (!guarded) return true;
  }
  return false;
}

function hasAlternation(e: Elem): boolean {
  return e.alts !== null && (e.alts.length > 1 || e.alts.some((a) => a.some(hasAlternation)));
}

function intersect(a: Set<string>, b: Set<string>): Set<string> {
  const out = new Set<string>();
  for (const x of a) if (b.has(x)) out.add(x);
  return out;
}

function problemIn(alts: Elem[][]): string | null {
  for (const seq of alts) {
    for (const e of seq) {
      if (e.max > 1 && hasAlternation(e))
        return 'repeats a group with alternatives, such as (a|ab)* (a risk of catastrophic backtracking; use a character class)';
      if (e.alts !== null) {
        const inner = problemIn(e.alts);
        if (inner) return inner;
      }
    }
    for (let x = 0; x < seq.length; x++) {
      if (!long(seq[x]!)) continue;
      for (let y = x + 1; y < seq.length; y++) {
        const between = seq.slice(x + 1, y);
        const common = intersect(seq[x]!.chars, seq[y]!.chars);
        if (common.size === 0) continue;
        // A required element that matches none of the characters both can take keeps them apart.
        const apart = between.some((b) => !b.zeroWidth && b.min > 0 && intersect(b.chars, common).size === 0);
        if (apart) continue;
        if (long(seq[y]!))
          return 'has two long repeats that can match the same text, such as \\w*\\w* (a risk of catastrophic backtracking; merge them or bound them)';
      }
    }
  }
  return null;
}

/** Why a pattern (already compiled once by the caller) risks catastrophic backtracking, or null. */
export function backtrackingProblem(pattern: string, flags: string): string | null {
  const p = new Parser(pattern, flags);
  const alts = p.alternatives();
  const problem = problemIn(alts);
  if (problem) return problem;
  if (alts.some(leadingRepeat))
    return 'starts with an unbounded repeat that something follows, such as \\w+@ (a failed match is retried from every position; bound it, such as \\w{1,64}, or start the rule with a character it cannot match)';
  return null;
}
