/**
 * An admin endpoint, declared once: method, path, the permission it needs, its query and body schemas and the
 * schema of what it answers. The API mounts its routes from these, the OpenAPI document and the role-matrix test
 * are generated from them, and the dashboard infers its types from the same schemas.
 */
import { z } from 'zod';
import type { Permission } from './permissions.js';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** A JSON answer, parsed by `schema`. */
export interface JsonResponse<S extends z.ZodType = z.ZodType> {
  status: 200 | 201;
  description: string;
  schema: S;
}
/** No content. */
export interface EmptyResponse {
  status: 204;
  description: string;
}
/** A body the handler writes itself (CSV, Markdown, Prometheus text). */
export interface StreamResponse {
  status: 200;
  description: string;
  contentType: string;
}
export type ContractResponse = JsonResponse | EmptyResponse | StreamResponse;

export interface Contract {
  method: HttpMethod;
  /** The full path in OpenAPI syntax: `/api/v1/users/{id}`. Every `{name}` is an id (see {@link idParam}). */
  path: string;
  /** What the caller's role must allow; `null`: no sign-in needed (the handler decides what it answers). */
  permission: Permission | null;
  tag: string;
  summary: string;
  query?: z.ZodType;
  body?: z.ZodType;
  response: ContractResponse;
  /** Other answers worth documenting, by status. */
  errors?: Readonly<Record<number, string>>;
}

/** Declare a contract, keeping its literal types (path, method, schemas) for the handler and the client. */
export function defineContract<const C extends Contract>(c: C): C {
  return c;
}

/** The `{name}` parameters of a path, as a type: `'/x/{id}/y/{userId}'` → `{ id: string; userId: string }`. */
export type PathParams<P extends string> = P extends `${string}{${infer N}}${infer Rest}`
  ? { [K in N]: string } & PathParams<Rest>
  : unknown;

/** The `{name}` parameters of a path, in order. */
export function pathParamNames(path: string): string[] {
  return [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
}

export const ID_PARAM_MESSAGE = 'must be an id (at most 128 letters, digits, ".", "_", ":" and "-")';

/** A path parameter: ids (cuid, digits) and slugs, at most 128 letters, digits, '.', '_', ':' and '-'. */
export const idParam = z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/, ID_PARAM_MESSAGE);

/** The schema of a contract's path parameters (an empty object when it has none). */
export function paramsSchema(c: Pick<Contract, 'path'>) {
  return z.object(Object.fromEntries(pathParamNames(c.path).map((n) => [n, idParam])));
}

/** What a contract's handler receives and answers, as types. */
export type QueryOf<C extends Contract> = C['query'] extends z.ZodType ? z.output<C['query']> : undefined;
export type BodyOf<C extends Contract> = C['body'] extends z.ZodType ? z.output<C['body']> : undefined;
/** The body a client sends (before defaults apply). */
export type BodyInputOf<C extends Contract> = C['body'] extends z.ZodType ? z.input<C['body']> : undefined;
export type ParamsOf<C extends Contract> = PathParams<C['path']>;
/** The JSON a contract answers (`void` for 204 and streamed answers). */
export type ResponseOf<C extends Contract> = C['response'] extends JsonResponse<infer S> ? z.output<S> : void;

/** `:id` paths for Express from `{id}` paths. */
export function expressPath(path: string): string {
  return path.replace(/\{(\w+)\}/g, ':$1');
}
