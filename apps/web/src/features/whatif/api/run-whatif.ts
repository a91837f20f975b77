import type { WhatIfBodyInput, WhatIfResult } from '@switchyard/core';
import { useMutation } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';

/** POST /llm/whatif: the range's answered requests replayed under a candidate change (changes nothing). */
export const runWhatIf = (body: WhatIfBodyInput) => api<WhatIfResult>('/llm/whatif', { body });

export const useRunWhatIf = () => useMutation({ mutationFn: runWhatIf });
