import type { HTMLAttributes } from 'react';

export function Card({ className = '', ...props }: HTMLAttributes<HTMLDivElement>) {
  return (
    <div
      {...props}
      className={`rounded-2xl border border-border bg-surface p-5 shadow-sm transition hover:border-accent/40 ${className}`}
    />
  );
}
