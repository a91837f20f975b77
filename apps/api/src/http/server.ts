import { createServer, type RequestListener, type Server } from 'node:http';

/**
 * How long an idle keep-alive connection stays open: longer than the common load balancers' idle timeout (60 s), so a
 * balancer never sends a request on a connection the gateway is closing (Node's default is 5 s).
 */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;

/** The gateway's HTTP server: the same options for `main.ts` and for the tests' servers. */
export function createGatewayServer(handler: RequestListener): Server {
  return createServer({ keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS }, handler);
}
