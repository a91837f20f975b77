import type { IncomingMessage } from 'node:http';
import type { CallContext } from '../providers/types.js';

/** Longest client header value forwarded upstream (Claude Code's beta lists are a few hundred bytes). */
const MAX_FORWARDED = 2048;

function one(v: string | string[] | undefined): string | undefined {
  const s = Array.isArray(v) ? v.join(',') : v;
  if (s === undefined) return undefined;
  const t = s.trim();
  return t && t.length <= MAX_FORWARDED ? t : undefined;
}

/**
 * The Anthropic protocol headers an Anthropic-format client sent (`anthropic-version`, `anthropic-beta`), for an
 * Anthropic-format upstream. Node has already refused header values with control characters. Undefined (no
 * allocation per attempt) when the client sent neither.
 */
export function anthropicClientHeaders(req: IncomingMessage): CallContext['clientHeaders'] {
  const h = req.headers;
  if (h['anthropic-version'] === undefined && h['anthropic-beta'] === undefined) return undefined;
  const out: NonNullable<CallContext['clientHeaders']> = {};
  const version = one(h['anthropic-version']);
  const beta = one(h['anthropic-beta']);
  if (version) out.anthropicVersion = version;
  if (beta) out.anthropicBeta = beta;
  return out;
}
