/**
 * Data protection: precision/recall on the labelled set and speed (µs per KB of prompt) for Switchyard's scanner
 * and two maintained local libraries, `@arcjet/redact` (WebAssembly) and `@openredaction/openredaction` (regex
 * catalogue). Not a test: nothing here asserts. It measures the built core package, so build first:
 *
 *   pnpm --filter @switchyard/core build && pnpm --filter @switchyard/bench bench:dlp      (or `pnpm bench:dlp`)
 *
 * Scoring: each library's labels are mapped onto the seven kinds (email, phone, card, iban, ssn, ip, secret);
 * labels of other kinds (order numbers, dates, names…) are counted apart as "other". A finding is a true positive
 * when a detection of the same kind overlaps the expected value's span; precision and recall are over the kinds a
 * library supports (arcjet has no IBAN, SSN or secret detector; redact-pii none for IBAN). `redact-pii` runs
 * its local regex redactors (`SyncRedactor`; its Google Cloud DLP path is not used); it returns only the
 * redacted text, so each built-in redactor writes a marker and the spans are recovered by aligning the output
 * with the input.
 *
 * Speed: one call on a realistic ~4 KB prompt (a support ticket: prose, a log excerpt, a JSON blob, a code
 * snippet, seven sensitive values) and on 4 KB of plain prose, timed one by one (process.hrtime.bigint);
 * median and p99 after a warm-up. The scanner is timed through `protectText` (scan + mask), as the proxy calls it.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { redact } from '@arcjet/redact';
import { OpenRedaction } from '@openredaction/openredaction';
import { SyncRedactor } from 'redact-pii';
import {
  DEFAULT_DLP_POLICY,
  compilePolicy,
  createDlpContext,
  dlpPolicySchema,
  protectBody,
  protectText,
  scan,
  type DlpKind,
} from '@switchyard/core';
// The labelled set is test data, not part of core's runtime API: read from its source.
import { DLP_LABELLED_SET } from '../packages/core/src/dlp/labelled-set.ts';
import { MIXED_4K, PROSE_4K } from './lib/prompts.ts';

type Kind = DlpKind | 'other';
interface Detection {
  kind: Kind;
  start: number;
  end: number;
}

const KINDS: DlpKind[] = ['email', 'phone', 'card', 'iban', 'ssn', 'ip', 'secret'];
const POLICY = compilePolicy(DEFAULT_DLP_POLICY);

// ---------- the three detectors, as span lists ----------

function ours(text: string): Detection[] {
  return scan(text, POLICY).map((m) => ({ kind: m.kind as Kind, start: m.start, end: m.end }));
}

const ARCJET: Record<string, Kind> = {
  email: 'email',
  'phone-number': 'phone',
  'ip-address': 'ip',
  'credit-card-number': 'card',
};

async function arcjet(text: string): Promise<Detection[]> {
  const found: [string, string][] = [];
  await redact(text, {
    replace: (entity, plain) => {
      found.push([entity, plain]);
      return undefined;
    },
  });
  const out: Detection[] = [];
  let from = 0;
  for (const [entity, plain] of found) {
    let at = text.indexOf(plain, from);
    if (at === -1) at = text.indexOf(plain);
    if (at === -1) continue;
    from = at + plain.length;
    out.push({ kind: ARCJET[entity] ?? 'other', start: at, end: at + plain.length });
  }
  return out;
}

const openRedaction = new OpenRedaction();

function orKind(type: string): Kind {
  if (type === 'EMAIL') return 'email';
  if (type.startsWith('PHONE')) return 'phone';
  if (type === 'SSN' || type === 'US_SSN') return 'ssn';
  if (type === 'CREDIT_CARD') return 'card';
  if (type === 'IBAN') return 'iban';
  if (type === 'IPV4' || type === 'IPV6') return 'ip';
  if (/API_KEY|ACCESS_KEY|SECRET|TOKEN|PRIVATE_KEY|JWT|BEARER|WEBHOOK/.test(type)) return 'secret';
  return 'other';
}

function openredaction(text: string): Detection[] {
  return openRedaction
    .detect(text)
    .detections.map((d) => ({ kind: orKind(d.type), start: d.position[0], end: d.position[1] }));
}

/** redact-pii's replacement tokens (it ignores a per-redactor `replaceWith`: each kind writes its own name). */
const REDACT_PII: Record<string, Kind> = {
  EMAIL_ADDRESS: 'email',
  PHONE_NUMBER: 'phone',
  CREDIT_CARD_NUMBER: 'card',
  US_SOCIAL_SECURITY_NUMBER: 'ssn',
  IP_ADDRESS: 'ip',
  CREDENTIALS: 'secret',
  PASSWORD: 'secret',
};
const REDACT_PII_TOKENS =
  /\b(EMAIL_ADDRESS|PHONE_NUMBER|CREDIT_CARD_NUMBER|US_SOCIAL_SECURITY_NUMBER|IP_ADDRESS|STREET_ADDRESS|ZIPCODE|USERNAME|PASSWORD|CREDENTIALS|DIGITS|URL|PERSON_NAME)\b/;
const redactPii = new SyncRedactor();

function redactPiiSpans(text: string): Detection[] {
  const out = redactPii.redact(text);
  const parts = out.split(REDACT_PII_TOKENS); // literal, token, literal, token, …, literal
  const found: Detection[] = [];
  let pos = 0;
  for (let k = 0; k < parts.length; k++) {
    const part = parts[k]!;
    if (k % 2 === 0) {
      pos += part.length;
      continue;
    }
    const next = parts[k + 1] ?? '';
    const end = next === '' ? (k + 2 < parts.length ? pos + 1 : text.length) : text.indexOf(next, pos + 1);
    if (end === -1) break;
    found.push({ kind: REDACT_PII[part] ?? 'other', start: pos, end });
    pos = end;
  }
  return found;
}

// ---------- scoring ----------

interface Score {
  tp: number;
  fp: number;
  fn: number;
  other: number;
  perKind: Record<DlpKind, { tp: number; fp: number; fn: number }>;
}

async function score(
  detect: (t: string) => Detection[] | Promise<Detection[]>,
  supports: readonly DlpKind[],
): Promise<Score> {
  const s: Score = {
    tp: 0,
    fp: 0,
    fn: 0,
    other: 0,
    perKind: Object.fromEntries(KINDS.map((k) => [k, { tp: 0, fp: 0, fn: 0 }])) as Score['perKind'],
  };
  for (const sample of DLP_LABELLED_SET) {
    const got = await detect(sample.text);
    // Expected spans, in order (a value that occurs twice is found at its next occurrence).
    const want: Detection[] = [];
    const cursor = new Map<string, number>();
    for (const f of sample.expect) {
      const from = cursor.get(f.value) ?? 0;
      const at = sample.text.indexOf(f.value, from);
      cursor.set(f.value, at + 1);
      want.push({ kind: f.kind, start: at, end: at + f.value.length });
    }
    const used = new Set<number>();
    for (const d of got) {
      if (d.kind === 'other') {
        s.other++;
        continue;
      }
      if (!supports.includes(d.kind)) continue;
      const hit = want.findIndex(
        (w, i) => !used.has(i) && w.kind === d.kind && d.start < w.end && w.start < d.end,
      );
      if (hit === -1) {
        s.fp++;
        s.perKind[d.kind].fp++;
      } else {
        used.add(hit);
        s.tp++;
        s.perKind[d.kind].tp++;
      }
    }
    want.forEach((w, i) => {
      if (used.has(i) || w.kind === 'other' || !supports.includes(w.kind)) return;
      s.fn++;
      s.perKind[w.kind].fn++;
    });
  }
  return s;
}

// ---------- speed ----------

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function timeIt(f: () => unknown, warm: number, runs: number): Promise<{ p50: number; p99: number }> {
  for (let i = 0; i < warm; i++) await f();
  const ns: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    await f();
    ns.push(Number(process.hrtime.bigint() - t0));
  }
  ns.sort((a, b) => a - b);
  return { p50: pct(ns, 50) / 1000, p99: pct(ns, 99) / 1000 };
}

// ---------- run ----------

const fmt = (n: number, d = 1) => n.toFixed(d);
const pr = (s: Score) => {
  const p = s.tp / Math.max(1, s.tp + s.fp);
  const r = s.tp / Math.max(1, s.tp + s.fn);
  return { p, r, f1: (2 * p * r) / Math.max(1e-9, p + r) };
};

async function main(): Promise<void> {
  const arms = [
    {
      name: 'Switchyard scanner',
      detect: ours,
      supports: KINDS,
      speed: (t: string) => protectText(t, createDlpContext(POLICY)),
      warm: 3000,
      runs: 10000,
    },
    {
      name: '@arcjet/redact 1.12.0',
      detect: arcjet,
      supports: ['email', 'phone', 'card', 'ip'] as DlpKind[],
      speed: (t: string) => arcjet(t),
      warm: 30,
      runs: 300,
    },
    {
      name: 'redact-pii 3.4.0 (SyncRedactor)',
      detect: redactPiiSpans,
      supports: ['email', 'phone', 'card', 'ssn', 'ip', 'secret'] as DlpKind[],
      speed: (t: string) => redactPiiSpans(t),
      warm: 50,
      runs: 500,
    },
    {
      name: '@openredaction/openredaction 1.0.4',
      detect: openredaction,
      supports: KINDS,
      speed: (t: string) => openredaction(t),
      warm: 20,
      runs: 200,
    },
  ];
  const rows: string[] = [];
  const kindRows: string[] = [];
  for (const a of arms) {
    const s = await score(a.detect, a.supports);
    const { p, r, f1 } = pr(s);
    const mixed = await timeIt(() => a.speed(MIXED_4K), a.warm, a.runs);
    const prose = await timeIt(() => a.speed(PROSE_4K), a.warm, a.runs);
    rows.push(
      `| ${a.name} | ${a.supports.length}/7 | ${fmt(p * 100)}% | ${fmt(r * 100)}% | ${fmt(f1 * 100)}% | ${s.fp} | ${s.fn} | ${s.other} | ${fmt(mixed.p50 / 4)} | ${fmt(mixed.p99 / 4)} | ${fmt(prose.p50 / 4)} |`,
    );
    kindRows.push(
      `| ${a.name} | ${KINDS.map((k) => {
        if (!a.supports.includes(k)) return 'n/a';
        const c = s.perKind[k];
        return `${c.tp}/${c.tp + c.fn} (${c.fp} FP)`;
      }).join(' | ')} |`,
    );
    process.stderr.write(`${a.name} done\n`);
  }

  // Protection off: a policy with nothing enabled, through the body walker, against no call at all.
  const off = { enabled: false, action: 'mask' } as const;
  const offPolicy = compilePolicy(
    dlpPolicySchema.parse({
      detectors: { email: off, phone: off, card: off, iban: off, ssn: off, ip: off, secret: off },
    }),
  );
  const body = { model: 'm', messages: [{ role: 'user', content: MIXED_4K }] };
  const offT = await timeIt(() => protectBody('chat', body, createDlpContext(offPolicy)), 10000, 50000);
  const onT = await timeIt(() => protectBody('chat', body, createDlpContext(POLICY)), 3000, 10000);

  const samples = DLP_LABELLED_SET.length;
  const findings = DLP_LABELLED_SET.reduce((n, s) => n + s.expect.length, 0);
  const md = [
    `Run ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, labelled set: ${samples} samples, ${findings} expected findings, ${DLP_LABELLED_SET.filter((s) => s.expect.length === 0).length} texts with none.`,
    '',
    '| detector | kinds | precision | recall | F1 | false pos. | missed | other labels | µs/KB p50 (4 KB ticket) | µs/KB p99 | µs/KB p50 (4 KB prose) |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
    `Per kind (found/expected, false positives): | ${KINDS.join(' | ')} |`,
    '',
    `| detector | ${KINDS.join(' | ')} |`,
    `| --- | ${KINDS.map(() => '---').join(' | ')} |`,
    ...kindRows,
    '',
    `Whole chat body with the 4 KB ticket through \`protectBody\`: protection off ${fmt(offT.p50 * 1000, 0)} ns p50; on ${fmt(onT.p50, 1)} µs p50 (${fmt(onT.p50 / 4, 1)} µs/KB).`,
  ].join('\n');
  console.log(md);
  const dir = join(dirname(fileURLToPath(import.meta.url)), 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'dlp-latest.md'), md + '\n');
}

await main();
