/**
 * Checksums and structural rules that turn a number-shaped string into a finding: Luhn and issuer ranges for
 * payment cards, ISO 13616 lengths and mod 97 for IBANs, SSA rules for US SSNs, octet ranges for IPv4, RFC 4291
 * text forms for IPv6. Each takes the candidate text and allocates as little as it can.
 */

const D0 = 48;

function isDigitCode(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Luhn over a string of digits only. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let dbl = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - D0;
    if (d < 0 || d > 9) return false;
    if (dbl) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    dbl = !dbl;
  }
  return sum % 10 === 0;
}

/**
 * Whether a digit string has the length a card of its issuer range has (Visa, Mastercard, Amex, Discover, JCB,
 * Diners, UnionPay, Maestro, Mir). Luhn alone passes one random number in ten; with the issuer table, order
 * numbers and timestamps (which rarely start like a card of the right length) mostly fail.
 */
export function cardIssuerLength(digits: string): boolean {
  const len = digits.length;
  const d1 = digits.charCodeAt(0) - D0;
  const d2 = Number(digits.slice(0, 2));
  const d4 = Number(digits.slice(0, 4));
  switch (d1) {
    case 4:
      return len === 13 || len === 16 || len === 19; // Visa
    case 3:
      if (d2 === 34 || d2 === 37) return len === 15; // Amex
      if (d2 === 35) return d4 >= 3528 && d4 <= 3589 && len >= 16 && len <= 19; // JCB
      if (d2 === 30 || d2 === 36 || d2 === 38 || d2 === 39) return len >= 14 && len <= 19; // Diners
      return false;
    case 5:
      if (d2 >= 51 && d2 <= 55) return len === 16; // Mastercard
      if (d2 === 50 || (d2 >= 56 && d2 <= 58)) return len >= 13 && len <= 19; // Maestro
      return false;
    case 2:
      if (d4 >= 2221 && d4 <= 2720) return len === 16; // Mastercard 2-series
      if (d4 >= 2200 && d4 <= 2204) return len >= 16 && len <= 19; // Mir
      return false;
    case 6:
      return len >= 16 && len <= 19; // Discover, UnionPay, Maestro
    default:
      return false;
  }
}

/** IBAN length per country (ISO 13616 registry). */
export const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24,
  AE: 23,
  AL: 28,
  AT: 20,
  AZ: 28,
  BA: 20,
  BE: 16,
  BG: 22,
  BH: 22,
  BI: 27,
  BR: 29,
  BY: 28,
  CH: 21,
  CR: 22,
  CY: 28,
  CZ: 24,
  DE: 22,
  DJ: 27,
  DK: 18,
  DO: 28,
  EE: 20,
  EG: 29,
  ES: 24,
  FI: 18,
  FK: 18,
  FO: 18,
  FR: 27,
  GB: 22,
  GE: 22,
  GI: 23,
  GL: 18,
  GR: 27,
  GT: 28,
  HN: 28,
  HR: 21,
  HU: 28,
  IE: 22,
  IL: 23,
  IQ: 23,
  IS: 26,
  IT: 27,
  JO: 30,
  KW: 30,
  KZ: 20,
  LB: 28,
  LC: 32,
  LI: 21,
  LT: 20,
  LU: 20,
  LV: 21,
  LY: 25,
  MC: 27,
  MD: 24,
  ME: 22,
  MK: 19,
  MN: 20,
  MR: 27,
  MT: 31,
  MU: 30,
  NI: 28,
  NL: 18,
  NO: 15,
  OM: 23,
  PK: 24,
  PL: 28,
  PS: 29,
  PT: 25,
  QA: 29,
  RO: 24,
  RS: 22,
  RU: 33,
  SA: 24,
  SC: 31,
  SD: 18,
  SE: 24,
  SI: 19,
  SK: 24,
  SM: 27,
  SO: 23,
  ST: 25,
  SV: 28,
  TL: 23,
  TN: 24,
  TR: 26,
  UA: 29,
  VA: 22,
  VG: 24,
  XK: 20,
  YE: 30,
};

/** ISO 7064 mod 97-10 over an IBAN without spaces (any case): 1 when valid. */
export function ibanChecksumValid(iban: string): boolean {
  const len = iban.length;
  if (len < 5) return false;
  let rem = 0;
  for (let k = 0; k < len; k++) {
    // The first four characters (country + check digits) go to the end.
    const c = iban.charCodeAt((k + 4) % len) | 0x20; // fold letters to lower case; digits unchanged
    if (c >= 48 && c <= 57) rem = (rem * 10 + (c - 48)) % 97;
    else if (c >= 97 && c <= 122) rem = (rem * 100 + (c - 87)) % 97;
    else return false;
  }
  return rem === 1;
}

/** A compact IBAN (no spaces): known country, its exact length, digits for the check, mod 97. */
export function ibanValid(compact: string): boolean {
  const cc = compact.slice(0, 2).toUpperCase();
  const want = IBAN_LENGTHS[cc];
  if (want === undefined || compact.length !== want) return false;
  if (!isDigitCode(compact.charCodeAt(2)) || !isDigitCode(compact.charCodeAt(3))) return false;
  return ibanChecksumValid(compact);
}

/** US SSN parts: area 001–899 except 666, group 01–99, serial 0001–9999 (SSA randomisation rules). */
export function ssnValid(area: string, group: string, serial: string): boolean {
  const a = Number(area);
  return a !== 0 && a !== 666 && a < 900 && Number(group) !== 0 && Number(serial) !== 0;
}

/** Dotted-quad IPv4: four decimal octets 0–255, no leading zeros (`01` is octal in some parsers, not an address here). */
export function ipv4Valid(s: string): boolean {
  let octets = 0;
  let i = 0;
  const n = s.length;
  while (i <= n) {
    const start = i;
    let v = 0;
    while (i < n && isDigitCode(s.charCodeAt(i))) {
      v = v * 10 + (s.charCodeAt(i) - D0);
      i++;
    }
    const len = i - start;
    if (len === 0 || len > 3 || v > 255 || (len > 1 && s.charCodeAt(start) === D0)) return false;
    octets++;
    if (i === n) break;
    if (s.charCodeAt(i) !== 46 || octets === 4) return false;
    i++;
  }
  return octets === 4;
}

function hexGroupsValid(part: string): number {
  if (part === '') return 0;
  const groups = part.split(':');
  for (const g of groups) {
    if (g.length === 0 || g.length > 4) return -1;
    for (let k = 0; k < g.length; k++) {
      const c = g.charCodeAt(k) | 0x20;
      if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return -1;
    }
  }
  return groups.length;
}

/**
 * RFC 4291 text forms: eight groups, or fewer with one `::`, optionally ending in a dotted IPv4 (counting as two
 * groups). Zone ids (`%eth0`) are not part of the address.
 */
export function ipv6Valid(s: string): boolean {
  let body = s;
  let need = 8;
  const lastColon = s.lastIndexOf(':');
  if (lastColon === -1) return false;
  const tail = s.slice(lastColon + 1);
  if (tail.includes('.')) {
    if (!ipv4Valid(tail)) return false;
    need = 6;
    body = s.endsWith('::' + tail) ? s.slice(0, lastColon + 1) : s.slice(0, lastColon);
  }
  const dbl = body.indexOf('::');
  if (dbl === -1) return hexGroupsValid(body) === need;
  if (body.indexOf('::', dbl + 1) !== -1) return false;
  const left = hexGroupsValid(body.slice(0, dbl));
  const right = hexGroupsValid(body.slice(dbl + 2));
  return left >= 0 && right >= 0 && left + right <= need - 1;
}
