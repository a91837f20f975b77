/**
 * The baseline: the least a Node proxy can do — node:http in, undici out (one pool), stream.pipeline back.
 * Plain JavaScript, run by plain `node` like the built gateways (no loader in its memory or start-up).
 * Run: node minimal-proxy.mjs <port> <upstream origin>
 */
import { createServer } from 'node:http';
import { pipeline } from 'node:stream';
import { Pool } from 'undici';

const port = Number(process.argv[2] ?? 19001);
const upstream = process.argv[3] ?? 'http://127.0.0.1:19000';
const pool = new Pool(upstream, { connections: 128, keepAliveTimeout: 60_000 });

createServer((req, res) => {
  pool.request(
    {
      path: `/v1${req.url.replace(/^\/v1/, '')}`,
      method: req.method,
      headers: { 'content-type': 'application/json' },
      body: req,
    },
    (err, data) => {
      if (err) {
        res.writeHead(502).end();
        return;
      }
      res.writeHead(data.statusCode, {
        'content-type': String(data.headers['content-type'] ?? 'application/json'),
      });
      pipeline(data.body, res, () => {});
    },
  );
}).listen(port, '127.0.0.1');
