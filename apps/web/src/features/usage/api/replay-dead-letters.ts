import type { ReplayDeadLettersBody, ReplayDeadLettersResult } from '@switchyard/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { invalidateAfterChange } from '../../../lib/invalidate';
import { usageKeys } from './types';

/** POST /llm/usage/dead-letters/replay: one bounded batch of letters, from `after` on. */
export const replayDeadLetters = (body: ReplayDeadLettersBody) =>
  api<ReplayDeadLettersResult>('/llm/usage/dead-letters/replay', { method: 'POST', body });

/** Every letter, a batch at a time (each call goes on from the last's `next`): what was written and what was refused. */
export async function replayAllDeadLetters(): Promise<{ replayed: number; refused: number }> {
  let replayed = 0;
  let refused = 0;
  let after: string | undefined;
  for (;;) {
    const r = await replayDeadLetters(after !== undefined ? { after } : {});
    replayed += r.replayed;
    refused += r.refused;
    if (r.next === null) return { replayed, refused };
    after = r.next;
  }
}

export function useReplayDeadLetters() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: replayAllDeadLetters,
    onSuccess: () => invalidateAfterChange(qc, usageKeys.all),
  });
}
