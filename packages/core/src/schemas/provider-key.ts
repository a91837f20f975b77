import { z } from 'zod';

/** Printable ASCII without spaces: what an HTTP header value (`Authorization: Bearer <key>`, `x-api-key`) can carry. */
export const HEADER_SAFE_KEY = /^[\x21-\x7e]*$/;
export const PROVIDER_KEY_MAX = 4096;

/**
 * A provider API key as a person pastes it: surrounding whitespace (a trailing newline from a file) is trimmed;
 * what is left must be header-safe — no inner spaces, line breaks, control or non-ASCII characters — since it
 * is sent in a request header, and at most 4,096 characters. Every route that stores or tests a key uses it
 * (with its own minimum length), so a key that cannot be sent is refused when it is saved, not on every call.
 */
export const providerKeyField = z
  .string()
  .trim()
  .max(PROVIDER_KEY_MAX, `must be at most ${PROVIDER_KEY_MAX} characters`)
  .regex(
    HEADER_SAFE_KEY,
    'must be printable characters without spaces or line breaks (it is sent in an HTTP header)',
  );
