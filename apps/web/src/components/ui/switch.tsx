import type { ButtonHTMLAttributes } from 'react';

/**
 * An on/off switch (role="switch"): named by `label` (or by `aria-labelledby` among the other button attributes);
 * `dim` draws an "on" that does not take effect (say, a model whose provider is off).
 */
export function Switch({
  label,
  checked,
  dim = false,
  onChange,
  className = '',
  ...rest
}: {
  label?: string;
  checked: boolean;
  dim?: boolean;
  onChange: (v: boolean) => void;
} & Omit<ButtonHTMLAttributes<HTMLButtonElement>, 'onChange' | 'role' | 'type'>) {
  return (
    <button
      type="button"
      role="switch"
      aria-checked={checked}
      aria-label={label}
      title={rest.title ?? label}
      {...rest}
      onClick={() => onChange(!checked)}
      className={`relative inline-flex h-6 w-11 shrink-0 items-center rounded-full transition disabled:cursor-not-allowed disabled:opacity-60 ${checked ? (dim ? 'bg-muted/50' : 'bg-ok') : 'border border-border bg-surface-2'} ${className}`}
    >
      <span
        aria-hidden
        className={`inline-block h-5 w-5 rounded-full bg-white shadow transition ${checked ? 'translate-x-5' : 'translate-x-0.5'}`}
      />
    </button>
  );
}
