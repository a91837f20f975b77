import type { ReactNode } from 'react';

type Tone = 'ok' | 'danger' | 'muted' | 'accent' | 'warn';

const TONES: Record<Tone, string> = {
  ok: 'bg-ok/15 text-ok',
  danger: 'bg-danger/15 text-danger',
  muted: 'bg-surface-2 text-muted',
  accent: 'bg-accent/15 text-accent',
  warn: 'bg-amber-500/15 text-amber-500',
};

export function Badge({ tone = 'muted', children }: { tone?: Tone; children: ReactNode }) {
  return (
    <span
      className={`inline-flex items-center whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-medium ${TONES[tone]}`}
    >
      {children}
    </span>
  );
}

/** active → green, suspended/revoked/invalid → red, anything else muted. */
export function StatusBadge({ status }: { status: string }) {
  const tone: Tone =
    status === 'active'
      ? 'ok'
      : status === 'suspended' || status === 'revoked' || status === 'invalid'
        ? 'danger'
        : status === 'expired'
          ? 'warn'
          : 'muted';
  return <Badge tone={tone}>{status}</Badge>;
}
