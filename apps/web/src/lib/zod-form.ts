import { zodResolver } from '@hookform/resolvers/zod';
import { useState } from 'react';
import { useForm, type DefaultValues, type FieldValues, type Path } from 'react-hook-form';
import type { z } from 'zod';
import { ApiError } from './api-client';
import { sentence } from './forms';

/** A trimmed text, or null when blank: how an optional field is cleared in the shared schemas. */
export const orNull = (s: string | undefined): string | null => {
  const t = (s ?? '').trim();
  return t === '' ? null : t;
};

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
