import {
  expressPath,
  paramsSchema,
  type BodyOf,
  type Contract,
  type JsonResponse,
  type ParamsOf,
  type QueryOf,
} from '@switchyard/core';
import type { Request, RequestHandler, Response, Router } from 'express';
import type { z } from 'zod';
import { parseBody } from '../http/async.js';
import { AppError } from '../lib/errors.js';
import { requirePermission } from './auth/auth.middleware.js';

/** What a contract's handler receives: path parameters, query and body already parsed by the contract's schemas. */
export interface ContractInput<C extends Contract> {
  params: ParamsOf<C>;
  query: QueryOf<C>;
  body: BodyOf<C>;
  req: Request;
  res: Response;
}

/** What a handler returns: the JSON its contract answers, or nothing (204, or a body it wrote itself). */
export type ContractResult<C extends Contract> =
  C['response'] extends JsonResponse<infer S> ? z.input<S> : void;

export type ContractHandler<C extends Contract> = (
  input: ContractInput<C>,
) => Promise<ContractResult<C>> | ContractResult<C>;

/** One handler for every contract of an area (a contract without one does not compile). */
export type ContractHandlers<A extends Record<string, Contract>> = { [K in keyof A]: ContractHandler<A[K]> };

/** `app.locals` flag: check every JSON answer against its contract's response schema (tests turn it on). */
export const CHECK_RESPONSES = 'checkContractResponses';

function checkResponse(c: Contract, schema: z.ZodType, result: unknown): void {
  // What the client will parse: the JSON text, not the object (dates, undefined fields).
  const json: unknown = result === undefined ? undefined : JSON.parse(JSON.stringify(result));
  const r = schema.safeParse(json);
  if (r.success) return;
  const issues = r.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`);
  throw new AppError(
    500,
    'contract_violation',
    `${c.method.toUpperCase()} ${c.path} answered JSON its contract does not describe: ${issues.slice(0, 5).join('; ')}`,
    { issues },
  );
}

/**
 * Mount one contract on an Express router: the permission middleware (none for public contracts), then path
 * parameters, query and body parsed with the contract's schemas (a failure is a 400 naming the field), then the
 * handler. A JSON answer goes out with the contract's status (a handler may set another documented status first,
 * as `/ready` does with 503); 204 ends the response; a streamed answer is the handler's to write.
 * `base` is where the router is mounted (`/api/v1` for the admin API, '' for the system routes).
 */
export function mountContract<C extends Contract>(
  router: Router,
  contract: C,
  handler: ContractHandler<C>,
  base = '/api/v1',
): void {
  if (!contract.path.startsWith(`${base}/`))
    throw new Error(`contract ${contract.path} is not under ${base || '/'}`);
  const path = expressPath(contract.path.slice(base.length));
  const params = paramsSchema(contract);
  const response = contract.response;
  const run: RequestHandler = (req, res, next) => {
    const go = async () => {
      const input = {
        params: parseBody(params, req.params),
        query: contract.query ? parseBody(contract.query, req.query) : undefined,
        body: contract.body ? parseBody(contract.body, req.body) : undefined,
        req,
        res,
      } as ContractInput<C>;
      const result: unknown = await handler(input);
      if ('schema' in response) {
        if (req.app.locals[CHECK_RESPONSES]) checkResponse(contract, response.schema, result);
        res.status(res.statusCode === 200 ? response.status : res.statusCode).json(result);
      } else if (response.status === 204) {
        res.status(204).end();
      }
    };
    go().catch(next);
  };
  const chain: RequestHandler[] = contract.permission ? [requirePermission(contract.permission)] : [];
  router[contract.method](path, ...chain, run);
}

/** Mount every contract of an area, in declaration order, each with its handler. */
export function mountContracts<A extends Record<string, Contract>>(
  router: Router,
  area: A,
  handlers: ContractHandlers<A>,
  base = '/api/v1',
): Router {
  for (const key of Object.keys(area) as (keyof A & string)[])
    mountContract(router, area[key]!, handlers[key], base);
  return router;
}
