/**
 * A request that cannot be served by this adapter (client error, not an upstream failure): a client-format field
 * the translation cannot carry, or an endpoint the protocol does not serve. Defined here, where the client-format
 * translations that throw it live; `providers/types.ts` re-exports it for the adapters and the proxy.
 */
export class AdapterError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'AdapterError';
  }
}
