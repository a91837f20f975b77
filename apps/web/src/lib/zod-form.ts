import { zodResolver } from '@hookform/resolvers/zod';
import { useState } from 'react';
import { useForm, type DefaultValues, type FieldValues, type Path, type PathValue } from 'react-hook-form';
import { z } from 'zod';
import { ApiError } from './api-client';
import { FormReader, sentence, type Parsed } from './forms';
import { slugify } from './slug';

/** A trimmed text, or null when blank: how an optional field is cleared in the shared schemas. */
export const orNull = (s: string | undefined): string | null => {
  const t = (s ?? '').trim();
  return t === '' ? null : t;
};

/**
 * A form schema from a reader of the raw form values (`FormReader` plus a shared schema through `validate`): what
 * the reader finds wrong becomes an issue on that field, what it reads is the schema's output. For forms whose
 * fields are read with cross-field rules (a budget needs its period, a date in the future, a list of entries).
 */
export function readerSchema<TValues extends FieldValues, TOut>(
  read: (r: FormReader) => Parsed<TOut>,
): z.ZodType<TOut, TValues> {
  return z
    .custom<TValues>((v) => typeof v === 'object' && v !== null)
    .transform((values, ctx) => {
      const parsed = read(FormReader.ofRecord(values));
      if (parsed.ok) return parsed.data;
      // `list.0`-style keys repeat under their field (`list`), which is what the form shows.
      for (const [name, message] of Object.entries(parsed.errors)) {
        if (!name.includes('.')) ctx.addIssue({ code: 'custom', path: [name], message });
      }
      return z.NEVER;
    });
}

/**
 * A form on react-hook-form, checked in the browser by `schema` (the raw form values transformed and piped into a
 * shared schema from `@switchyard/core`). `onValid` gets the schema's output; field errors the API sends back land
 * next to their fields, any other failure is `formError`, for under the form. `err(name)` reads as a sentence.
 */
export function useZodForm<TValues extends FieldValues, TOut>(
  schema: z.ZodType<TOut, TValues>,
  defaultValues: DefaultValues<TValues>,
  onValid: (data: TOut) => Promise<unknown>,
) {
  const form = useForm<TValues, unknown, TOut>({ resolver: zodResolver(schema), defaultValues });
  const [formError, setFormError] = useState<unknown>(null);
  const onSubmit = form.handleSubmit(async (data) => {
    setFormError(null);
    try {
      await onValid(data);
    } catch (e) {
      const fields = e instanceof ApiError ? e.fieldErrors() : {};
      const names = Object.keys(fields);
      if (names.length === 0) setFormError(e);
      for (const name of names) form.setError(name as Path<TValues>, { message: fields[name] });
    }
  });
  const err = (name: Path<TValues>) => sentence(form.getFieldState(name, form.formState).error?.message);
  return {
    form,
    register: form.register,
    onSubmit,
    err,
    formError,
    reset: (values?: DefaultValues<TValues>) => {
      form.reset(values);
      setFormError(null);
    },
  };
}

/**
 * The `name` field of a form that also has a `slug`: on a new record (`follow`), the slug follows the name until
 * it is typed in itself.
 */
export function registerNameWithSlug<TValues extends FieldValues & { name: string; slug: string }, TOut>(
  f: ReturnType<typeof useZodForm<TValues, TOut>>,
  follow: boolean,
) {
  const slug = 'slug' as Path<TValues>;
  return f.register('name' as Path<TValues>, {
    onChange: (e: { target: { value: string } }) => {
      if (follow && !f.form.getFieldState(slug).isDirty)
        f.form.setValue(slug, slugify(e.target.value) as PathValue<TValues, Path<TValues>>);
    },
  });
}
