import { useMutation } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { dlpPath } from './types';

/** GET /llm/data-protection/activity/:id/log: the Logs entry of an activity row's request. */
export const getDlpEventLog = (id: string) =>
  api<{ logId: string }>(dlpPath(`activity/${encodeURIComponent(id)}/log`));

/** Looked up on click (not per row): the page opens the Logs drawer with the answer. */
export const useDlpEventLog = () => useMutation({ mutationFn: getDlpEventLog });
