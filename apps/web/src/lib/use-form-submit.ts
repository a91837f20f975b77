import { useState, type FormEvent } from 'react';
import { ApiError } from './api-client';
import { FormReader, sentence, type FieldErrors, type Parsed } from './forms';

/**
 * Reads and checks a form with `read`, then calls `submit`. Errors found in the browser and field errors from
 * the API land next to their fields (`err(name)`); any other failure is `formError`, for under the form.
 */
export function useFormSubmit<T>(read: (r: FormReader) => Parsed<T>, submit: (data: T) => Promise<unknown>) {
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<unknown>(null);
  const run = async (form: HTMLFormElement) => {
    const parsed = read(FormReader.of(form));
    setFormError(null);
    if (!parsed.ok) {
      setErrors(parsed.errors);
      return;
    }
    setErrors({});
    try {
      await submit(parsed.data);
    } catch (err) {
      const fields = err instanceof ApiError ? err.fieldErrors() : {};
      if (Object.keys(fields).length) setErrors(fields);
      else setFormError(err);
    }
  };
  return {
    onSubmit: (e: FormEvent<HTMLFormElement>) => {
      e.preventDefault();
      void run(e.currentTarget);
    },
    err: (name: string) => sentence(errors[name]),
    formError,
    setErrors,
    reset: () => {
      setErrors({});
      setFormError(null);
    },
  };
}
