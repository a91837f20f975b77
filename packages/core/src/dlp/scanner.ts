/**
 * The single-pass scanner. One walk over the text visits each word start that could begin a finding once: a
 * regular expression (run by V8's native regex engine) finds the next such start (a digit, a letter pair followed by
 * two digits, a hex group followed by `:`, a secret prefix), so prose and most code cost no JavaScript per
 * character; only at those starts does an anchored (sticky) pattern and its validator run.
 * Emails, PEM private keys and Slack webhooks are found with `indexOf` of their anchor (`@`, `-----BEGIN `,
 * `hooks.slack.com/`). Custom rules run their own regex. Overlaps are resolved at the end: the longest match
 * wins; on equal length the more specific kind (order of PRIORITY).
 *
 * Decisions (documented in the README and tested as near-misses):
 * - A number is a candidate only at a word start that does not continue a number (`1.2.3.4.5`, `2024-01-15`,
 *   `1,234,567`, `10.0.0.1:8080` are one token each, never re-scanned from the middle).
 * - Phones: international (`+` or `00` then 8–15 digits in groups), North American (`(415) 555-2671`,
 *   `415-555-2671`, `415.555.2671`, `415 555 2671`, optional `+1`/`1-` prefix; area and exchange start 2–9),
 *   national forms with a trunk `0` (`020 7946 0958`, `01 23 45 67 89`, `(030) 1234567`; 9–12 digits, one kind of
 *   separator). A bare run of 10–13 digits is a phone only after a phone word (`phone`, `tel`, `call`, `mobile`,
 *   `cell`, `fax`, `whatsapp`, `sms`) shortly before it: otherwise it is an id or a timestamp.
 * - IPv4 `a.b.c.d` after a version word (`version`, `ver`, `release`, `build`, `firmware`) or as `product/1.2.3.4`
 *   is a version, not an address. IPv6 needs a digit and must start with a hex group (so `::1`, `a::b` and C++ `::`
 *   are not addresses; the loopback carries nothing personal).
 * - SSN `ddd-dd-dddd` / `ddd dd dddd` with SSA validity; a bare 9-digit SSN only after `SSN` / `social security`.
 * - Cards: 13–19 digits, contiguous or in 4-4-4-4(-3) / 4-6-5 groups with one separator, issuer range and length,
 *   Luhn.
 */
import type { CompiledDlpPolicy, DlpAction, DlpKind, SecretSubtype } from './policy.js';
import { CUSTOM_WINDOW, CUSTOM_WINDOW_OVERLAP } from './policy.js';
import {
  IBAN_LENGTHS,
  cardIssuerLength,
  ibanValid,
  ipv4Valid,
  ipv6Valid,
  luhnValid,
  ssnValid,
} from './validators.js';

export type DlpMatchKind = DlpKind | 'custom';

export interface DlpMatch {
  kind: DlpMatchKind;
  /** The built-in kind's name, or the custom rule's name. */
  rule: string;
  subtype?: SecretSubtype;
  start: number;
  end: number;
  value: string;
  action: DlpAction;
  /** Placeholder label: EMAIL, SECRET, or the custom rule's upper-case name. */
  label: string;
}

interface Candidate {
  kind: DlpMatchKind;
  rule: string;
  subtype?: SecretSubtype;
  start: number;
  end: number;
  action: DlpAction;
  label: string;
  prio: number;
}

/** Lower wins on equal length. Custom rules win ties: the admin asked for exactly that span. */
const PRIORITY: Record<DlpMatchKind, number> = {
  custom: 0,
  secret: 1,
  card: 2,
  iban: 3,
  ssn: 4,
  email: 5,
  ip: 6,
  phone: 7,
};

const LABEL: Record<DlpKind, string> = {
  email: 'EMAIL',
  phone: 'PHONE',
  card: 'CARD',
  iban: 'IBAN',
  ssn: 'SSN',
  ip: 'IP',
  secret: 'SECRET',
};

// ---------- character classes ----------

/** 1: [A-Za-z0-9_] */
const WORD = new Uint8Array(128);
for (let c = 48; c <= 57; c++) WORD[c] = 1;
for (let c = 65; c <= 90; c++) WORD[c] = 1;
for (let c = 97; c <= 122; c++) WORD[c] = 1;
WORD[95] = 1;

const isWord = (c: number): boolean => c < 128 && WORD[c] === 1;
const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isAlpha = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const isAlnum = (c: number): boolean => isDigit(c) || isAlpha(c);
const isHex = (c: number): boolean => isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);

/** Email local-part characters (dot-atom without the rarely used symbols). */
const isLocal = (c: number): boolean =>
  isAlnum(c) || c === 46 || c === 95 || c === 37 || c === 43 || c === 45;
const isDomain = (c: number): boolean => isAlnum(c) || c === 45;

// ---------- anchored patterns (sticky: matched only at lastIndex) ----------

const RE = {
  nanp: /(?:\+?1[ .-]?)?(?:\([2-9]\d\d\) ?|[2-9]\d\d([ .-]))[2-9]\d\d([ .-])\d{4}(?![\w]|[.-]\d)/y,
  national: /0(?!0)\d{0,3}\d([ .-])\d{2,8}(?:\1\d{2,8}){0,3}(?!\w|\1\d|[.-]\d)/y,
  nationalParen: /\(0\d{1,4}\) ?\d{3,4}[ -]?\d{3,4}(?![\w]|[.-]\d)/y,
  bareDigits: /\d{9,13}(?![\w])/y,
  ssn: /(\d{3})([- ])(\d{2})\2(\d{4})(?![\w]|-\d)/y,
  cardRun: /\d{13,19}(?![\w])/y,
  cardGroups: /\d{4}([ -])(?:\d{4}\1\d{4}\1\d{1,4}(?:\1\d{1,3})?|\d{6}\1\d{4,5})(?![\w]|[ -]\d)/y,
  ipv4: /\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}(?![\w]|\.\d)/y,
  ipv6: /[0-9A-Fa-f:]+(?:\.\d{1,3}\.\d{1,3}\.\d{1,3}(?=\W|$))?/y,
  anthropic: /sk-ant-(?:api|admin)\d\d-[A-Za-z0-9_-]{20,}/y,
  openai: /sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}/y,
  stripe: /[sr]k_(?:live|test)_[A-Za-z0-9]{20,}(?![\w])/y,
  aws: /(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Za-z0-9])/y,
  google: /AIza[0-9A-Za-z_-]{35}(?![\w-])/y,
  github: /(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})(?![\w])/y,
  slack: /(?:xox[baprse]-[A-Za-z0-9-]{10,}|xapp-\d-[A-Za-z0-9-]{10,})(?![\w])/y,
  jwt: /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*(?![\w-]|\.[\w-])/y,
  npm: /npm_[A-Za-z0-9]{36}(?![\w])/y,
  huggingface: /hf_[A-Za-z0-9]{30,}(?![\w])/y,
  pemHeader: /-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----/y,
  slackHook: /https:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9/_-]{10,}/y,
};

function stickyEnd(re: RegExp, text: string, at: number): number {
  re.lastIndex = at;
  return re.test(text) ? re.lastIndex : -1;
}

function stickyExec(re: RegExp, text: string, at: number): RegExpExecArray | null {
  re.lastIndex = at;
  return re.exec(text);
}

const PHONE_WORDS = /(?:phone|tel|telephone|mobile|cell|call|fax|whatsapp|sms|text me)\b[^\n]{0,12}$/i;
const SSN_WORDS = /(?:ssn|social security(?: number| no\.?| #)?|ss#)[^\n]{0,12}$/i;
const VERSION_WORDS = /\b(?:version|ver\.?|release|build|firmware|v)\s*[:=#]?\s*$/i;

function before(text: string, at: number, n: number): string {
  return text.slice(Math.max(0, at - n), at);
}

function countDigits(s: string): number {
  let n = 0;
  for (let k = 0; k < s.length; k++) if (isDigit(s.charCodeAt(k))) n++;
  return n;
}

function digitsOf(s: string): string {
  let out = '';
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (isDigit(c)) out += s[k];
  }
  return out;
}

/**
 * Word starts where the walk has something to check (a word starts after a character that is not [A-Za-z0-9_]):
 * a digit (numbers: phone, card, SSN, IPv4, IPv6); two letters and two digits (IBAN); a secret's two-letter
 * prefix (`sk`, `rk`, `AI`, `AK`, `AS`, `AB`, `AC`, `gh`, `gi`, `xo`, `xa`, `ey`, `np`, `hf`); up to four hex
 * digits and a colon (IPv6). Any other word is skipped whole, as `atLetter` would reject it.
 */
// Written as "first character, then lookahead" per alternative (`s(?=k)` for `sk`): the engine dispatches on the
// first character instead of entering a lookahead at every word start (~23 % less time for this search on the 4 KB
// bench ticket than `\b(?=…)\w`). Only NUMBER_START begins with a digit: a digit start is always an `atNumber`.
const LETTER_STARTS = String.raw`[A-Za-z_](?=[A-Za-z]\d\d)|s(?=k)|r(?=k)|A(?=[IKSBC])|g(?=[hi])|x(?=[oa])|e(?=y)|n(?=p)|h(?=f)|[A-Fa-f](?=[0-9A-Fa-f]{0,3}:)`;
/**
 * A digit that does not continue a number (`2024-03-01`, `12:00:01`, `1.2.3`, `3/4` are one start each): the same
 * test `atNumber` makes first, done by the engine, so the parts of a date or a version cost no JavaScript.
 */
const NUMBER_START = String.raw`(?<!\d[.:/-])\d`;
// Each matches the one character at a start (the rest is lookaround), so `test` gives the start as lastIndex - 1
// without building a match array per start.
const STARTS_ALL = new RegExp(String.raw`\b(?:${NUMBER_START}|${LETTER_STARTS})`, 'g');
const STARTS_NUMERIC = new RegExp(String.raw`\b${NUMBER_START}`, 'g');
const STARTS_LETTERS = new RegExp(String.raw`\b(?:${LETTER_STARTS})`, 'g');

// ---------- the scanner ----------

class Scan {
  readonly out: Candidate[] = [];
  /** The longest finding offered so far at the number being looked at (see atNumber). */
  best: Candidate | null = null;
  /** Offers a finding at the current number: kept when longer than the best so far, or as long and more specific. */
  readonly offer = (kind: DlpKind, start: number, end: number): void => {
    const action = this.p.actions[kind];
    if (end <= start || action === undefined) return;
    const len = end - start;
    const prio = PRIORITY[kind];
    const best = this.best;
    if (best === null || len > best.end - best.start || (len === best.end - best.start && prio < best.prio))
      this.best = { kind, rule: kind, start, end, action, label: LABEL[kind], prio };
  };
  constructor(
    readonly text: string,
    readonly p: CompiledDlpPolicy,
  ) {}

  add(kind: DlpKind, start: number, end: number, subtype?: SecretSubtype): void {
    const action = this.p.actions[kind];
    if (action === undefined) return;
    const c: Candidate = { kind, rule: kind, start, end, action, label: LABEL[kind], prio: PRIORITY[kind] };
    if (subtype) c.subtype = subtype;
    this.out.push(c);
  }

  wantSecret(sub: SecretSubtype): boolean {
    if (this.p.actions.secret === undefined) return false;
    return this.p.secretSubtypes === null || this.p.secretSubtypes.has(sub);
  }

  // ----- anchored passes -----

  emails(): void {
    const t = this.text;
    let at = t.indexOf('@');
    while (at !== -1) {
      let s = at;
      while (s > 0 && at - s < 64 && isLocal(t.charCodeAt(s - 1))) s--;
      while (s < at && t.charCodeAt(s) === 46) s++; // a local part does not start with a dot
      let e = at + 1;
      let labels = 0;
      let lastLabelStart = e;
      let end = -1;
      const n = t.length;
      while (e < n) {
        const ls = e;
        while (e < n && isDomain(t.charCodeAt(e))) e++;
        if (e === ls || t.charCodeAt(ls) === 45 || t.charCodeAt(e - 1) === 45) break;
        labels++;
        lastLabelStart = ls;
        if (labels >= 2) end = e;
        if (e < n && t.charCodeAt(e) === 46 && e + 1 < n && isDomain(t.charCodeAt(e + 1))) e++;
        else break;
      }
      if (s < at && t.charCodeAt(at - 1) !== 46 && end !== -1 && e === end) {
        const tld = t.slice(lastLabelStart, end);
        const after = end < n ? t.charCodeAt(end) : -1;
        // `git@github.com:org/repo.git` is an scp-style address, not an email.
        const scp = after === 58 && end + 1 < n && !/\s/.test(t[end + 1]!);
        if (tldOk(tld) && after !== 64 && !scp) this.add('email', s, end);
      }
      at = t.indexOf('@', at + 1);
    }
  }

  pemKeys(): void {
    const t = this.text;
    let at = t.indexOf('-----BEGIN ');
    while (at !== -1) {
      const h = stickyEnd(RE.pemHeader, t, at);
      if (h !== -1) {
        const endMark = t.indexOf('-----END ', h);
        let end: number;
        if (endMark !== -1) {
          const close = t.indexOf('-----', endMark + 9);
          end = close === -1 ? t.length : close + 5;
        } else {
          // Truncated key: the base64 body up to the first character that cannot be in it.
          end = h;
          while (end < t.length && /[A-Za-z0-9+/=\s:,-]/.test(t[end]!)) end++;
        }
        this.add('secret', at, end, 'private-key');
        at = t.indexOf('-----BEGIN ', end);
      } else at = t.indexOf('-----BEGIN ', at + 1);
    }
  }

  slackHooks(): void {
    const t = this.text;
    let at = t.indexOf('hooks.slack.com/');
    while (at !== -1) {
      const s = at - 8;
      const e = s >= 0 ? stickyEnd(RE.slackHook, t, s) : -1;
      if (e !== -1) this.add('secret', s, e, 'slack');
      at = t.indexOf('hooks.slack.com/', at + 1);
    }
  }

  // ----- the walk -----

  walk(): void {
    const t = this.text;
    const n = t.length;
    const a = this.p.actions;
    const numeric =
      a.phone !== undefined || a.card !== undefined || a.ssn !== undefined || a.ip !== undefined;
    const letters = a.iban !== undefined || a.ip !== undefined || a.secret !== undefined;
    const starts = numeric ? (letters ? STARTS_ALL : STARTS_NUMERIC) : letters ? STARTS_LETTERS : null;
    if (starts === null) return;
    let i = 0;
    // True when i is where the last finding ended and a word character follows it: that is a start of its own.
    let direct = false;
    while (i < n) {
      if (!direct) {
        // The next word start that could begin a finding, found by the regex engine (native code) instead of
        // a loop over every character: prose and most code run none of the checks below.
        starts.lastIndex = i;
        if (!starts.test(t)) return;
        i = starts.lastIndex - 1;
      }
      direct = false;
      const c = t.charCodeAt(i);
      let end = -1;
      if (isDigit(c)) {
        if (numeric) end = this.atNumber(i);
      } else if (letters) end = this.atLetter(i, c);
      if (end > i) {
        i = end;
        direct = i < n && isWord(t.charCodeAt(i));
        continue;
      }
      i++;
      while (i < n && isWord(t.charCodeAt(i))) i++;
    }
  }

  /** Longest valid finding starting at (or just before: `+`, `(`) the digit at i; its end or -1. */
  atNumber(i: number): number {
    const t = this.text;
    const p = i > 0 ? t.charCodeAt(i - 1) : -1;
    // Continues a number (`1.2.3.4.5`, `2024-01-15`, `1,234,567`): not a start. After a comma only a thousands
    // group continues (`536-22-1234,415-555-2671` in a CSV row is two values).
    if ((p === 46 || p === 45 || p === 58 || p === 47) && i > 1 && isDigit(t.charCodeAt(i - 2))) return -1;
    if (p === 44 && i > 1 && isDigit(t.charCodeAt(i - 2)) && thousandsGroup(t, i)) return -1;
    const a = this.p.actions;
    this.best = null;
    const offer = this.offer;
    // The digit run at i and the character after it decide which patterns can match at all: most numbers in a
    // text (years, times, counts, versions) run none of them.
    let k = i;
    while (k < t.length && isDigit(t.charCodeAt(k))) k++;
    const run = k - i;
    const next = k < t.length ? t.charCodeAt(k) : -1;
    const sep = next === 32 || next === 45 || next === 46; // space, -, .

    if (a.card !== undefined && (run >= 13 || (run === 4 && (next === 32 || next === 45)))) {
      const e = run >= 13 ? stickyEnd(RE.cardRun, t, i) : stickyEnd(RE.cardGroups, t, i);
      if (e !== -1) {
        const d = digitsOf(t.slice(i, e));
        if (cardIssuerLength(d) && luhnValid(d)) offer('card', i, e);
      }
    }
    if (a.ssn !== undefined && (run === 9 || (run === 3 && (next === 45 || next === 32)))) {
      const m = run === 3 ? stickyExec(RE.ssn, t, i) : null;
      if (m && ssnValid(m[1]!, m[3]!, m[4]!)) offer('ssn', i, i + m[0].length);
      else if (!m) {
        const e = stickyEnd(RE.bareDigits, t, i);
        if (e - i === 9 && SSN_WORDS.test(before(t, i, 40))) {
          const s = t.slice(i, e);
          if (ssnValid(s.slice(0, 3), s.slice(3, 5), s.slice(5))) offer('ssn', i, e);
        }
      }
    }
    if (a.ip !== undefined) {
      const e4 = run <= 3 && next === 46 ? stickyEnd(RE.ipv4, t, i) : -1;
      if (e4 !== -1 && ipv4Valid(t.slice(i, e4)) && !this.versionContext(i)) offer('ip', i, e4);
      const e6 = this.ipv6At(i);
      if (e6 !== -1) offer('ip', i, e6);
    }
    if (a.phone !== undefined) {
      // `+1 …` and `(415) …` start one character before the digit, if that character starts a token.
      const lead = (p === 43 || p === 40) && (i === 1 || !isWord(t.charCodeAt(i - 2)));
      if (lead) {
        if (p === 43) offer('phone', i - 1, this.international(i));
        offer('phone', i - 1, stickyEnd(RE.nanp, t, i - 1));
        if (p === 40) offer('phone', i - 1, stickyEnd(RE.nationalParen, t, i - 1));
      }
      if (c0(t, i) === 48 && c0(t, i + 1) === 48) offer('phone', i, this.international(i + 2));
      // North American from this digit: `415-…`, or a leading `1` (`1-415-…`, `1 (415) …`, `1415-…`).
      if (
        (run === 3 && sep) ||
        (c0(t, i) === 49 && ((run === 1 && (sep || next === 40)) || (run === 4 && sep)))
      )
        offer('phone', i, stickyEnd(RE.nanp, t, i));
      if (c0(t, i) === 48) {
        const m = stickyExec(RE.national, t, i);
        if (m) {
          const nd = countDigits(m[0]);
          // `000-12-3456` is an invalid SSN, not a phone: the 3-2-4 dash shape is the SSN's.
          // Nor is a dotted quad with leading zeros (`010.001.001.001`).
          if (nd >= 9 && nd <= 12 && !/^\d{3}-\d{2}-\d{4}$|^\d{1,3}(?:\.\d{1,3}){3}$/.test(m[0]))
            offer('phone', i, i + m[0].length);
        }
      }
      if (run >= 10) {
        const eb = stickyEnd(RE.bareDigits, t, i);
        if (eb - i >= 10 && PHONE_WORDS.test(before(t, i, 40))) offer('phone', i, eb);
      }
    }
    const b = this.best as Candidate | null;
    if (b === null) return -1;
    this.out.push(b);
    return b.end;
  }

  /** `+` already consumed; digits from `from`: country code and groups, 8–15 digits; the end or -1. */
  international(from: number): number {
    const t = this.text;
    const n = t.length;
    let j = from;
    if (j >= n || t.charCodeAt(j) < 49 || t.charCodeAt(j) > 57) return -1;
    let digits = 0;
    let end = -1;
    for (;;) {
      const c = t.charCodeAt(j);
      let k = j;
      if (c === 40) {
        k++;
        while (k < n && isDigit(t.charCodeAt(k))) k++;
        if (k === j + 1 || k - j - 1 > 4 || t.charCodeAt(k) !== 41) break;
        if (digits + (k - j - 1) > 15) break;
        digits += k - j - 1;
        k++;
      } else if (isDigit(c)) {
        while (k < n && isDigit(t.charCodeAt(k))) k++;
        if (digits + (k - j) > 15) break;
        digits += k - j;
      } else break;
      const paren = c === 40;
      j = k;
      end = j;
      const s = t.charCodeAt(j);
      const next = j + 1 < n ? t.charCodeAt(j + 1) : -1;
      if ((s === 32 || s === 46 || s === 45) && (isDigit(next) || next === 40)) j++;
      // `(0)20 …`: digits may follow a parenthesised group directly; `20(0)…` likewise.
      else if (!(s === 40 || (paren && isDigit(s)))) break;
    }
    if (end === -1 || digits < 8 || (end < n && isWord(t.charCodeAt(end)))) return -1;
    return end;
  }

  versionContext(i: number): boolean {
    const t = this.text;
    if (i > 1 && t.charCodeAt(i - 1) === 47 && isAlpha(t.charCodeAt(i - 2))) return true; // product/1.2.3.4
    return VERSION_WORDS.test(before(this.text, i, 24));
  }

  /** IPv6 starting with a hex group at i; its end or -1. */
  ipv6At(i: number): number {
    const t = this.text;
    // Quick check: a `:` within the first five characters, after hex digits only.
    let k = i;
    while (k < t.length && k - i < 4 && isHex(t.charCodeAt(k))) k++;
    if (t.charCodeAt(k) !== 58) return -1;
    const m = stickyExec(RE.ipv6, t, i);
    if (!m) return -1;
    let s = m[0];
    // A sentence may end the address with `:` (`address fe80::1: it …`).
    if (s.endsWith(':') && !s.endsWith('::')) s = s.slice(0, -1);
    const end = i + s.length;
    if (end < t.length && isWord(t.charCodeAt(end))) return -1;
    // A digit, and a 3–4 character group or three groups: `1::3` (a Python slice) and `a::b` are not addresses.
    if (!/\d/.test(s) || !(/[0-9A-Fa-f]{3}/.test(s) || s.split(':').filter(Boolean).length >= 3)) return -1;
    if (!ipv6Valid(s)) return -1;
    return end;
  }

  atLetter(i: number, c: number): number {
    const t = this.text;
    const a = this.p.actions;
    const c1 = c0(t, i + 1);
    // IBAN: two letters, two digits.
    if (a.iban !== undefined && isAlpha(c1) && isDigit(c0(t, i + 2)) && isDigit(c0(t, i + 3))) {
      const e = this.ibanAt(i);
      if (e > 0) {
        this.add('iban', i, e);
        return e;
      }
      // An IBAN-shaped run that fails its checksum is skipped whole: its groups are not phone numbers.
      if (e < -1) return -e;
    }
    if (a.secret !== undefined) {
      const e = this.secretAt(i, c);
      if (e !== -1) return e;
    }
    if (a.ip !== undefined && isHex(c)) {
      const e = this.ipv6At(i);
      if (e !== -1) {
        this.add('ip', i, e);
        return e;
      }
    }
    return -1;
  }

  /** The end of a valid IBAN at i; -end of an IBAN-shaped run (12+ characters) that is not one; else -1. */
  ibanAt(i: number): number {
    const t = this.text;
    const want = IBAN_LENGTHS[t.slice(i, i + 2).toUpperCase()];
    if (want === undefined) return -1;
    let compact = '';
    let j = i;
    const n = t.length;
    while (j < n && compact.length < want) {
      const c = t.charCodeAt(j);
      if (isAlnum(c)) {
        compact += t[j];
        j++;
      } else if (c === 32 && compact.length % 4 === 0 && j + 1 < n && isAlnum(t.charCodeAt(j + 1))) j++;
      else break;
    }
    if (compact.length !== want || (j < n && isWord(t.charCodeAt(j)))) return compact.length >= 12 ? -j : -1;
    return ibanValid(compact) ? j : -j;
  }

  /** A secret of subtype `sub` matching `re` at i (and `check`, when given): its end, or -1. */
  trySecret(re: RegExp, sub: SecretSubtype, i: number, check?: (s: string) => boolean): number {
    if (!this.wantSecret(sub)) return -1;
    const t = this.text;
    const e = stickyEnd(re, t, i);
    if (e === -1 || (check && !check(t.slice(i, e)))) return -1;
    this.add('secret', i, e, sub);
    return e;
  }

  /**
   * A secret starting at the letter at i. Most words start with one of these letters, so the second character is
   * checked before any pattern runs (`sk`, `rk`, `gh`/`gi`, `xo`/`xa`, `ey`, `np`, `hf`, `AK`/`AS`/`AB`/`AC`/`AI`).
   */
  secretAt(i: number, c: number): number {
    const t = this.text;
    const c1 = c0(t, i + 1);
    let e = -1;
    switch (c) {
      case 115: // s
        if (c1 !== 107) return -1;
        e = this.trySecret(RE.anthropic, 'anthropic', i);
        if (e === -1) e = this.trySecret(RE.openai, 'openai', i, keyLike);
        if (e === -1) e = this.trySecret(RE.stripe, 'stripe', i);
        return e;
      case 114: // r
        return c1 === 107 ? this.trySecret(RE.stripe, 'stripe', i) : -1;
      case 65: // A
        if (c1 === 73) return this.trySecret(RE.google, 'google', i);
        return c1 === 75 || c1 === 83 || c1 === 66 || c1 === 67 ? this.trySecret(RE.aws, 'aws', i) : -1;
      case 103: // g
        return c1 === 104 || c1 === 105 ? this.trySecret(RE.github, 'github', i) : -1;
      case 120: // x
        return c1 === 111 || c1 === 97 ? this.trySecret(RE.slack, 'slack', i) : -1;
      case 101: // e
        return c1 === 121 ? this.trySecret(RE.jwt, 'jwt', i) : -1;
      case 110: // n
        return c1 === 112 ? this.trySecret(RE.npm, 'npm', i) : -1;
      case 104: // h
        return c1 === 102 ? this.trySecret(RE.huggingface, 'huggingface', i) : -1;
      default:
        return -1;
    }
  }

  // ----- custom rules -----

  customRules(): void {
    const t = this.text;
    for (const r of this.p.custom) {
      const step = CUSTOM_WINDOW - CUSTOM_WINDOW_OVERLAP;
      for (let w = 0; w < t.length || w === 0; w += step) {
        const last = w + CUSTOM_WINDOW >= t.length;
        const slice = last && w === 0 ? t : t.slice(w, w + CUSTOM_WINDOW);
        r.re.lastIndex = 0;
        let m: RegExpExecArray | null;
        while ((m = r.re.exec(slice)) !== null) {
          const len = m[0].length;
          if (len === 0) {
            r.re.lastIndex++;
            continue;
          }
          // Each window owns the matches that start before the next window does (the last owns all).
          if (!last && m.index >= step) break;
          this.out.push({
            kind: 'custom',
            rule: r.name,
            start: w + m.index,
            end: w + m.index + len,
            action: r.action,
            label: r.label,
            prio: PRIORITY.custom,
          });
        }
        if (last) break;
      }
    }
  }

  resolve(): DlpMatch[] {
    const cands = this.out;
    if (cands.length === 0) return [];
    cands.sort((x, y) => x.start - y.start || y.end - x.end);
    const kept: Candidate[] = [];
    for (const c of cands) {
      const prev = kept[kept.length - 1];
      if (prev === undefined || c.start >= prev.end) {
        kept.push(c);
        continue;
      }
      // A secret beats whatever it overlaps (`https://<token>@github.com` is a token, not an email); otherwise
      // the longest wins, then the most specific.
      const cs = c.kind === 'secret';
      const ps = prev.kind === 'secret';
      const lc = c.end - c.start;
      const lp = prev.end - prev.start;
      if (cs !== ps ? cs : lc > lp || (lc === lp && c.prio < prev.prio)) kept[kept.length - 1] = c;
    }
    return kept.map((c) => {
      const m: DlpMatch = {
        kind: c.kind,
        rule: c.rule,
        start: c.start,
        end: c.end,
        value: this.text.slice(c.start, c.end),
        action: c.action,
        label: c.label,
      };
      if (c.subtype) m.subtype = c.subtype;
      return m;
    });
  }
}

/** Three digits at i, then no digit, dash or space: the rest of `1,234,567`. */
function thousandsGroup(t: string, i: number): boolean {
  if (!(isDigit(c0(t, i)) && isDigit(c0(t, i + 1)) && isDigit(c0(t, i + 2)))) return false;
  const n = c0(t, i + 3);
  return !isDigit(n) && n !== 45 && n !== 32;
}

function c0(t: string, i: number): number {
  return i < t.length ? t.charCodeAt(i) : -1;
}

/** File extensions that look like a top-level domain after `@` (`icon@2x.png`): not an email. */
const NOT_TLDS = new Set([
  'png',
  'jpg',
  'jpeg',
  'gif',
  'svg',
  'webp',
  'ico',
  'bmp',
  'tif',
  'tiff',
  'css',
  'js',
  'mjs',
  'cjs',
  'ts',
  'tsx',
  'jsx',
  'json',
  'map',
  'py',
  'rb',
  'rs',
  'java',
  'kt',
  'md',
  'txt',
  'pdf',
  'zip',
  'gz',
  'tgz',
  'yml',
  'yaml',
  'html',
  'htm',
  'xml',
  'lock',
  'log',
  'sh',
  'mp3',
  'mp4',
  'wav',
  'mov',
  'woff',
  'woff2',
  'ttf',
  'otf',
  'avif',
]);

function tldOk(tld: string): boolean {
  if (tld.length < 2 || tld.length > 24) return false;
  if (tld.startsWith('xn--')) return true;
  for (let k = 0; k < tld.length; k++) if (!isAlpha(tld.charCodeAt(k))) return false;
  return !NOT_TLDS.has(tld.toLowerCase());
}

/** An `sk-` key has letters and digits mixed (real keys are random); `sk-learn-style-names` are not keys. */
function keyLike(s: string): boolean {
  const body = s.slice(3);
  return /\d/.test(body) && /[A-Za-z]/.test(body) && !body.includes('--') && !/^[a-z-]+$/.test(body);
}

/** Cheap test: could this text hold any built-in finding at all? (No digit, `@`, `-`, or upper-case secret prefix.) */
const MAYBE =
  /[0-9@]|sk-|sk_|rk_|AKIA|ASIA|ABIA|ACCA|AIza|gh[pousr]_|github_pat_|xox|xapp-|eyJ|npm_|hf_|-----BEGIN/;

/**
 * All findings of the policy in the text, non-overlapping, in order. Pure: the same text and policy give the same
 * matches.
 */
export function scan(text: string, policy: CompiledDlpPolicy): DlpMatch[] {
  if (!policy.active || text.length === 0) return [];
  const s = new Scan(text, policy);
  const builtins = Object.keys(policy.actions).length > 0;
  if (builtins && MAYBE.test(text)) {
    const a = policy.actions;
    if (a.email !== undefined && text.includes('@')) s.emails();
    if (a.secret !== undefined) {
      if (s.wantSecret('private-key')) s.pemKeys();
      if (s.wantSecret('slack')) s.slackHooks();
    }
    s.walk();
  }
  if (policy.custom.length > 0) s.customRules();
  return s.resolve();
}
