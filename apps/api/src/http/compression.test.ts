// The dashboard's hashed assets go out precompressed (brotli or gzip, written at build time) with a year of
// immutable caching; admin API JSON is compressed on the fly above a threshold; the proxy's answers, streams above
// all, are never compressed nor held back.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProxyEnv, type ProxyEnv } from '../test/proxy-env.js';
import { COMPRESS_THRESHOLD_BYTES } from './compress.js';

const ASSET = 'index-Ab12Cd34.js';
const SOURCE = Buffer.from(`export const x = ${JSON.stringify('switchyard '.repeat(400))};\n`);

let dist: string;
let env: ProxyEnv;
beforeAll(async () => {
  // A build like Vite's with the precompress plugin: each hashed asset with its .br and .gz beside it.
  dist = mkdtempSync(join(tmpdir(), 'switchyard-dist-'));
  mkdirSync(join(dist, 'assets'));
  writeFileSync(
    join(dist, 'index.html'),
    `<!doctype html><html><head><script type="module" src="/assets/${ASSET}"></script></head><body><div id="root"></div></body></html>`,
  );
  writeFileSync(join(dist, 'assets', ASSET), SOURCE);
  writeFileSync(join(dist, 'assets', `${ASSET}.br`), brotliCompressSync(SOURCE));
  writeFileSync(join(dist, 'assets', `${ASSET}.gz`), gzipSync(SOURCE));
  env = await createProxyEnv({ env: { SERVE_WEB: 'true', WEB_DIST_DIR: dist } });
});
afterAll(async () => {
  await env?.close();
  rmSync(dist, { recursive: true, force: true });
});

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** Milliseconds from the request to the first body byte, and to the end. */
  firstByteMs: number;
  endMs: number;
}

/** A request with nothing decoded on the way: the bytes and headers exactly as the server sent them. */
function raw(
  path: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = httpRequest(
      `${env.url}${path}`,
      { method: opts.method ?? 'GET', headers: opts.headers },
      (res) => {
        const chunks: Buffer[] = [];
        let firstByteMs = -1;
        res.on('data', (c: Buffer) => {
          if (firstByteMs < 0) firstByteMs = performance.now() - started;
          chunks.push(c);
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks),
            firstByteMs,
            endMs: performance.now() - started,
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

describe('hashed dashboard assets', () => {
  it('go out as the brotli file when the client accepts br, cached for a year and immutable', async () => {
    const res = await raw(`/assets/${ASSET}`, { headers: { 'accept-encoding': 'gzip, deflate, br, zstd' } });
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe('br');
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.headers['content-type']).toMatch(/^(text|application)\/javascript/);
    expect(String(res.headers.vary)).toMatch(/accept-encoding/i);
    expect(res.body.length).toBeLessThan(SOURCE.length / 4);
    expect(brotliDecompressSync(res.body).equals(SOURCE)).toBe(true);
  });

  it('go out as the gzip file for a client without brotli, and as they are for one that accepts no encoding', async () => {
    const gz = await raw(`/assets/${ASSET}`, { headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(gunzipSync(gz.body).equals(SOURCE)).toBe(true);

    const plain = await raw(`/assets/${ASSET}`, { headers: { 'accept-encoding': 'identity' } });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(plain.body.equals(SOURCE)).toBe(true);
  });

  it('index.html is revalidated on every load (no-cache), so a new build is picked up at once', async () => {
    const res = await raw('/providers', { headers: { accept: 'text/html', 'accept-encoding': 'br' } });
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-cache');
  });
});

describe('admin API answers', () => {
  it('JSON above the threshold is compressed as the client asks (brotli or gzip)', async () => {
    const br = await raw('/api/v1/openapi.json', { headers: { 'accept-encoding': 'br' } });
    expect(br.status).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    const doc = JSON.parse(brotliDecompressSync(br.body).toString('utf8')) as { openapi: string };
    expect(doc.openapi).toMatch(/^3\./);

    const gz = await raw('/api/v1/openapi.json', { headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.body).length).toBeGreaterThan(gz.body.length * 3);

    const plain = await raw('/api/v1/openapi.json', { headers: { 'accept-encoding': 'identity' } });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect((JSON.parse(plain.body.toString('utf8')) as { openapi: string }).openapi).toBe(doc.openapi);
  });

  it('a small JSON answer goes out as it is', async () => {
    const res = await raw('/health', { headers: { 'accept-encoding': 'gzip, br' } });
    expect(res.body.length).toBeLessThan(COMPRESS_THRESHOLD_BYTES);
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(res.body.toString('utf8'))).toEqual({ status: 'ok' });
  });
});

describe('the proxy (/v1/*)', () => {
  const chat = { model: 'up-openai/gpt-test', messages: [{ role: 'user', content: 'hi' }] };
  const post = (path: string, body: unknown) =>
    raw(path, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${env.userKey}`,
        'accept-encoding': 'gzip, deflate, br',
      },
      body: JSON.stringify(body),
    });

  it('a stream is never compressed and each event leaves as it comes (nothing held in a buffer)', async () => {
    env.up.script({ path: '/chat/completions', chunkDelayMs: 300 });
    const res = await post('/v1/chat/completions', { ...chat, stream: true });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/event-stream/);
    expect(res.headers['content-encoding']).toBeUndefined();
    const text = res.body.toString('utf8');
    expect(text).toContain('data: ');
    expect(text).toContain('[DONE]');
    // The upstream waits 300 ms between its chunks: the first event reached the client long before the end.
    expect(res.endMs - res.firstByteMs).toBeGreaterThan(400);
  });

  it('whole answers and the models list are sent as they are too, whatever the client accepts', async () => {
    const res = await post('/v1/chat/completions', chat);
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBeUndefined();
    expect((JSON.parse(res.body.toString('utf8')) as { object: string }).object).toBe('chat.completion');

    const anthropic = await post('/anthropic/v1/messages', { ...chat, max_tokens: 50, stream: true });
    expect(anthropic.headers['content-encoding']).toBeUndefined();
    expect(anthropic.body.toString('utf8')).toContain('event: message_stop');

    const models = await raw('/v1/models', {
      headers: { authorization: `Bearer ${env.userKey}`, 'accept-encoding': 'gzip, br' },
    });
    expect(models.status).toBe(200);
    expect(models.headers['content-encoding']).toBeUndefined();
    expect((JSON.parse(models.body.toString('utf8')) as { data: unknown[] }).data.length).toBeGreaterThan(0);
  });
});
