import { OpenAPIRegistry, extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';

extendZodWithOpenApi(z);

/**
 * The one OpenAPI registry. Every module registers its paths here (next to its routes) with the zod schemas it
 * validates with; GET /api/v1/openapi.json is generated from it.
 */
export const openapi = new OpenAPIRegistry();
