import type { z } from 'zod';

export type FieldErrors = Record<string, string>;
export type Parsed<T> = { ok: true; data: T } | { ok: false; errors: FieldErrors };

/** First message per field; a nested path is joined with dots (`allowedModels.0`), a top-level issue goes to `form`. */
export function issuesToErrors(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
): FieldErrors {
  const out: FieldErrors = {};
  for (const i of issues) {
    const key = i.path.map(String).join('.') || 'form';
    // An issue on an array element belongs to the array's field.
    const field = key.split('.')[0]!;
    if (!(key in out)) out[key] = i.message;
    if (!(field in out)) out[field] = i.message;
  }
  return out;
}

/** Validates with a shared schema; `pre` are errors found while reading the form (such as "must be a number"), which win. */
export function validate<S extends z.ZodType>(
  schema: S,
  input: unknown,
  pre: FieldErrors = {},
): Parsed<z.output<S>> {
  const r = schema.safeParse(input);
  const errors = { ...(r.success ? {} : issuesToErrors(r.error.issues)), ...pre };
  if (Object.keys(errors).length > 0 || !r.success) return { ok: false, errors };
  return { ok: true, data: r.data };
}

/**
 * Reads form controls into the shapes the API's schemas expect: an empty optional text is `undefined` (create) or
 * `null` (update, "clear it"), numbers are numbers, a comma/newline list is an array. Unreadable numbers are
 * collected in `errors` under their field name.
 */
export class FormReader {
  readonly errors: FieldErrors = {};
  constructor(private readonly get: (name: string) => unknown) {}

  static of(form: HTMLFormElement | FormData): FormReader {
    const fd = form instanceof FormData ? form : new FormData(form);
    return new FormReader((n) => fd.get(n));
  }

  static ofRecord(values: Record<string, unknown>): FormReader {
    return new FormReader((n) => values[n]);
  }

  /** Whether the form has the control at all (a field only some dialogs show). */
  has(name: string): boolean {
    const v = this.get(name);
    return v !== null && v !== undefined;
  }

  /** The trimmed text, '' when absent. */
  text(name: string): string {
    const v = this.get(name);
    return typeof v === 'string' ? v.trim() : '';
  }

  /** The trimmed text, or `empty` when blank. */
  optText<E extends null | undefined>(name: string, empty: E): string | E {
    const t = this.text(name);
    return t === '' ? empty : t;
  }

  /** A number; blank is `empty`; anything unreadable records "must be a number". */
  number<E extends null | undefined>(name: string, empty: E): number | E {
    const t = this.text(name)
      .replace(/[\s,_]/g, '')
      .replace(/^\$/, '');
    if (t === '') return empty;
    const n = Number(t);
    if (!Number.isFinite(n)) {
      this.errors[name] = 'must be a number';
      return empty;
    }
    return n;
  }

  /** A whole number; blank is `empty`; a fraction records "must be a whole number". */
  integer<E extends null | undefined>(name: string, empty: E): number | E {
    const n = this.number(name, empty);
    if (typeof n === 'number' && !Number.isInteger(n)) this.errors[name] = 'must be a whole number';
    return n;
  }

  /** A checkbox: present and not "false" means checked. */
  bool(name: string): boolean {
    const v = this.get(name);
    return v !== null && v !== undefined && v !== false && v !== 'false' && v !== '';
  }

  /** Items separated by commas or new lines, trimmed, blanks and repeats dropped. */
  list(name: string): string[] {
    return [
      ...new Set(
        this.text(name)
          .split(/[\n,]/)
          .map((s) => s.trim())
          .filter(Boolean),
      ),
    ];
  }

  /** A `<input type="date">` value (YYYY-MM-DD) as the end of that day in local time; blank is `empty`. */
  endOfDay<E extends null | undefined>(name: string, empty: E): Date | E {
    const t = this.text(name);
    if (t === '') return empty;
    const d = parseLocalDate(t);
    if (!d) {
      this.errors[name] = 'must be a date';
      return empty;
    }
    d.setHours(23, 59, 59, 999);
    return d;
  }
}

/** `YYYY-MM-DD` as local midnight, or null. */
export function parseLocalDate(s: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s.trim());
  if (!m) return null;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return d.getMonth() === Number(m[2]) - 1 && d.getDate() === Number(m[3]) ? d : null;
}

/** A Date as `YYYY-MM-DD` in local time, for `<input type="date">`. */
export function toDateInput(d: Date | string | null | undefined): string {
  if (!d) return '';
  const x = typeof d === 'string' ? new Date(d) : d;
  if (Number.isNaN(x.getTime())) return '';
  const p = (n: number) => String(n).padStart(2, '0');
  return `${x.getFullYear()}-${p(x.getMonth() + 1)}-${p(x.getDate())}`;
}

/** "must be 0 or more" → "Must be 0 or more": the schemas' messages read as sentences next to a field. */
export function sentence(message: string | undefined): string | undefined {
  return message ? message.charAt(0).toUpperCase() + message.slice(1) : undefined;
}
