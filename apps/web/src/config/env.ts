import { z } from 'zod';

/** Build-time configuration, validated once. */
const schema = z.object({
  VITE_API_BASE: z.string().default(''),
});

export const env = schema.parse({ VITE_API_BASE: import.meta.env.VITE_API_BASE });
