import { createExperimentBody, type CreateExperimentBody } from '@switchyard/core';

/** The create form as typed (percents as text, dates as `datetime-local` values in the browser's zone). */
export interface ExperimentFormState {
  name: string;
  description: string;
  alias: string;
  stickiness: 'user' | 'key' | 'request';
  variants: { name: string; percent: string; target: string }[];
  startsAt: string;
  endsAt: string;
}

export function experimentFormDefaults(alias = ''): ExperimentFormState {
  return {
    name: '',
    description: '',
    alias,
    stickiness: 'user',
    variants: [
      { name: 'control', percent: '50', target: alias },
      { name: 'treatment', percent: '50', target: '' },
    ],
    startsAt: '',
    endsAt: '',
  };
}

/** A `datetime-local` value as an ISO instant (null when empty or unreadable). */
export function localToIso(v: string): string | null {
  if (!v.trim()) return null;
  const t = new Date(v).getTime();
  return Number.isFinite(t) ? new Date(t).toISOString() : null;
}

/** The sum of the typed percents (text that is no number counts 0). */
export function percentTotal(variants: ExperimentFormState['variants']): number {
  return variants.reduce((s, v) => s + (Number(v.percent) || 0), 0);
}

/**
 * The form as the API's body, checked with the API's own schema: the body, or the first problem as
 * `<field>: <message>`.
 */
export function experimentBodyOf(
  f: ExperimentFormState,
): { ok: true; body: CreateExperimentBody } | { ok: false; error: string } {
  const parsed = createExperimentBody.safeParse({
    name: f.name,
    description: f.description,
    alias: f.alias,
    stickiness: f.stickiness,
    variants: f.variants.map((v) => ({
      name: v.name,
      percent: v.percent.trim() === '' ? Number.NaN : Number(v.percent),
      target: v.target,
    })),
    startsAt: localToIso(f.startsAt),
    endsAt: localToIso(f.endsAt),
  });
  if (parsed.success) return { ok: true, body: parsed.data };
  const i = parsed.error.issues[0]!;
  return { ok: false, error: `${i.path.length ? `${i.path.join('.')}: ` : ''}${i.message}` };
}

/** A figure with its 95% interval as text: `12.3 (10.1–14.5)`, or the figure alone when there is no interval. */
export function withInterval(
  e: { value: number; low: number | null; high: number | null } | null,
  fmt: (n: number) => string,
): string {
  if (!e) return '—';
  if (e.low === null || e.high === null) return `${fmt(e.value)} (n too small)`;
  return `${fmt(e.value)} (${fmt(e.low)}–${fmt(e.high)})`;
}

export const fmtMs = (n: number) => `${Math.round(n)} ms`;
export const fmtPct = (n: number) => `${(n * 100).toFixed(1)}%`;
export const fmtUsd = (n: number) => (n === 0 ? '$0' : n < 0.01 ? `$${n.toFixed(6)}` : `$${n.toFixed(4)}`);
export const fmtScore = (n: number) => n.toFixed(2);
