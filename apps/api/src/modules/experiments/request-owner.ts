/**
 * Who made a request, or gave a score: a gateway key (and the user it belongs to), or the master key (neither).
 * Request ids alone do not tell requests apart: a client may send its own `x-request-id`, so two users can have
 * requests with the same id.
 */
export interface Party {
  gatewayKeyId: string | null;
  userId: string | null;
}

/**
 * One rule for which requests a caller may score, and so which scores a request holds: the requests made with the
 * caller's key or by its user; the master key's own requests (no key, no user). It holds both ways, so the same
 * condition finds a rater's requests (on UsageRecord) and a request's scores (on Feedback).
 */
export function sameParty(
  p: Party,
): { gatewayKeyId: null; userId: null } | { OR: ({ gatewayKeyId: string } | { userId: string })[] } {
  if (p.gatewayKeyId === null && p.userId === null) return { gatewayKeyId: null, userId: null };
  return {
    OR: [
      ...(p.gatewayKeyId !== null ? [{ gatewayKeyId: p.gatewayKeyId }] : []),
      ...(p.userId !== null ? [{ userId: p.userId }] : []),
    ],
  };
}

/** `sameParty` for rows already read. */
export function isSameParty(a: Party, b: Party): boolean {
  if (a.gatewayKeyId === null && a.userId === null) return b.gatewayKeyId === null && b.userId === null;
  return (
    (a.gatewayKeyId !== null && a.gatewayKeyId === b.gatewayKeyId) ||
    (a.userId !== null && a.userId === b.userId)
  );
}
