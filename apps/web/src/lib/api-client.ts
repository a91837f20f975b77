import { env } from '../config/env';

/** The admin API's error body, `{error:{code,message,details}}`, as a typed error. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** Field errors from a validation failure, by field name. */
  fieldErrors(): Record<string, string> {
    const issues =
      (this.details as { issues?: { field: string; message: string }[] } | undefined)?.issues ?? [];
    return Object.fromEntries(issues.map((i) => [i.field, i.message]));
  }
}

let csrfToken: string | null = null;

/** The CSRF token for cookie sessions (double-submit), set after sign-in and by /auth/me. */
export function setCsrfToken(token: string | null) {
  csrfToken = token;
}

export async function parseError(res: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await res.json();
  } catch {
    // not JSON
  }
  const err = (body as { error?: { code?: string; message?: string; details?: unknown } } | null)?.error;
  return new ApiError(
    res.status,
    err?.code ?? `http_${res.status}`,
    err?.message ?? res.statusText ?? 'Request failed',
    err?.details,
  );
}

/** `status` 0, `code` 'unreachable': the request never got an answer (server down, network gone). */
export const UNREACHABLE_MESSAGE =
  "Can't reach Switchyard. The server may be down or restarting, or this device is offline.";

/** A network failure (fetch's bare "Failed to fetch") as an ApiError a person can act on. Aborts stay aborts. */
export function unreachable(err: unknown): unknown {
  if (err instanceof DOMException && err.name === 'AbortError') return err;
  if (err instanceof TypeError) return new ApiError(0, 'unreachable', UNREACHABLE_MESSAGE);
  return err;
}

export function isUnreachable(err: unknown): err is ApiError {
  return err instanceof ApiError && err.code === 'unreachable';
}

/** `fetch`, with a failure to connect turned into the "can't reach" error. */
export async function send(input: string, init?: RequestInit): Promise<Response> {
  try {
    return await fetch(input, init);
  } catch (err) {
    throw unreachable(err);
  }
}

type Json = Record<string, unknown> | unknown[];

export async function api<T>(
  path: string,
  init: { method?: string; body?: Json; signal?: AbortSignal } = {},
): Promise<T> {
  const method = init.method ?? (init.body ? 'POST' : 'GET');
  const headers: Record<string, string> = { accept: 'application/json' };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const res = await send(`${env.VITE_API_BASE}/api/v1${path}`, {
    method,
    headers,
    credentials: 'same-origin',
    body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
    signal: init.signal,
  });
  if (!res.ok) throw await parseError(res);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}
