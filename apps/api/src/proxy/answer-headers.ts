import type { PreparedCall } from '../providers/types.js';
import type { AttemptRun, RequestContext, SkippedRef } from './context.js';

/** A successful answer's head: the given headers plus which provider and model answered, after how many attempts. */
export function answerHeaders(
  x: RequestContext,
  run: AttemptRun,
  call: PreparedCall,
  headers: Record<string, string | number>,
): Record<string, string | number> {
  if (call.dropped) headers['x-switchyard-dropped-tools'] = call.dropped.tools.join(', ');
  if (call.changedParams?.length) headers['x-switchyard-changed-params'] = call.changedParams.join(', ');
  headers['x-switchyard-provider'] = run.attempt.provider.slug;
  headers['x-switchyard-model'] = run.attempt.model.modelId;
  headers['x-switchyard-attempts'] = run.attemptNo;
  if (x.debugSkipped) headers['x-switchyard-skipped'] = skippedHeader(x.debugSkipped);
  return headers;
}

/** The routing debug header: the candidates passed over and why (first 20, printable ASCII). */
export function skippedHeader(skipped: SkippedRef[]): string {
  return skipped
    .slice(0, 20)
    .map((s) => `${s.ref}=${s.reason}`)
    .join(', ')
    .replace(/[^\x20-\x7e]/g, '?');
}
