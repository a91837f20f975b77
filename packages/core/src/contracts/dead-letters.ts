/**
 * Usage records the database refused (the dead letter, "UsageDeadLetter"): an operator retries writing them once the
 * cause is gone (a constraint dropped, a column widened).
 */
import { z } from 'zod';
import { isInt64Id } from '../schemas/safe/index.js';
import { defineContract } from './contract.js';

/** `POST /llm/usage/dead-letters/replay`: where to go on from (the `next` of the previous answer); from the first letter when absent. */
export const replayDeadLettersBody = z.strictObject({
  after: z.string().refine(isInt64Id, 'after: a dead letter id (the next of a previous replay)').optional(),
});
export type ReplayDeadLettersBody = z.infer<typeof replayDeadLettersBody>;

export const replayDeadLettersResultSchema = z.strictObject({
  /** Letters whose usage record is now written (in the usage records and rollups) and that are gone from the dead letter. */
  replayed: z.number().int(),
  /** Letters the database refused again: kept, each with its new error. */
  refused: z.number().int(),
  /** More letters follow the ones tried: send this as `after` to go on. Null when every letter was tried. */
  next: z.string().nullable(),
});
export type ReplayDeadLettersResult = z.infer<typeof replayDeadLettersResultSchema>;

export const deadLetterContracts = {
  replay: defineContract({
    method: 'post',
    path: '/api/v1/llm/usage/dead-letters/replay',
    permission: 'settings:write',
    tag: 'Usage',
    summary:
      'Retry writing usage records the database refused (up to 200 letters a call, oldest first): a record written now leaves the dead letter, one refused again stays with its new error',
    body: replayDeadLettersBody,
    response: { status: 200, description: 'What was replayed', schema: replayDeadLettersResultSchema },
  }),
} as const;
