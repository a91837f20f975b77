// OpenTelemetry traces through a real gateway, a real HTTP mock upstream and a local OTLP/HTTP receiver: one
// server span per request (GenAI attributes, the routing decision), a client span per attempt, the client's
// traceparent continued and each attempt's span passed upstream; with no endpoint set, nothing is traced.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import protobuf from 'protobufjs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createProxyEnv, type ProxyEnv } from '../test/proxy-env.js';
import { samplerOf } from './tracing.js';

type Obj = Record<string, unknown>;

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
  arrayValue?: { values?: OtlpValue[] };
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: { key: string; value: OtlpValue }[];
  status?: { code?: number };
}

// The OTLP trace messages this test reads (opentelemetry-proto's field numbers), to decode what a gateway sends
// as binary protobuf into the same shape as its JSON encoding.
const OTLP_PROTO = `
syntax = "proto3";
message ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
message ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; }
message Resource { repeated KeyValue attributes = 1; }
message ScopeSpans { repeated Span spans = 2; }
message Span {
  bytes trace_id = 1; bytes span_id = 2; bytes parent_span_id = 4; string name = 5; int32 kind = 6;
  fixed64 start_time_unix_nano = 7; fixed64 end_time_unix_nano = 8; repeated KeyValue attributes = 9;
  Status status = 15;
}
message Status { string message = 2; int32 code = 3; }
message KeyValue { string key = 1; AnyValue value = 2; }
message AnyValue {
  oneof value { string string_value = 1; bool bool_value = 2; int64 int_value = 3; double double_value = 4;
    ArrayValue array_value = 5; }
}
message ArrayValue { repeated AnyValue values = 1; }
`;
const ExportRequest = protobuf
  .parse(OTLP_PROTO, { keepCase: false })
  .root.lookupType('ExportTraceServiceRequest');

interface TracesBody {
  resourceSpans: { resource: Obj; scopeSpans: { spans: OtlpSpan[] }[] }[];
}

/** A binary OTLP trace export as its JSON encoding reads (ids in hex, times and integers as strings). */
function decodeProtobuf(body: Buffer): TracesBody {
  const hex = (b: unknown) =>
    b instanceof Uint8Array && b.length > 0 ? Buffer.from(b).toString('hex') : undefined;
  const o = ExportRequest.toObject(ExportRequest.decode(body), { longs: String, defaults: false }) as {
    resourceSpans?: { resource?: Obj; scopeSpans?: { spans?: (OtlpSpan & Record<string, unknown>)[] }[] }[];
  };
  return {
    resourceSpans: (o.resourceSpans ?? []).map((rs) => ({
      resource: rs.resource ?? {},
      scopeSpans: (rs.scopeSpans ?? []).map((ss) => ({
        spans: (ss.spans ?? []).map((sp) => ({
          ...sp,
          traceId: hex(sp.traceId)!,
          spanId: hex(sp.spanId)!,
          parentSpanId: hex(sp.parentSpanId),
          attributes: sp.attributes ?? [],
        })),
      })),
    })),
  };
}

/**
 * A local OTLP/HTTP receiver: every span it was sent, and each export's content type. `protobufOnly`: like a
 * collector that takes binary protobuf alone (OTLP/HTTP's default encoding; JSON is optional for a receiver), it
 * answers a JSON export 415.
 */
async function startReceiver(opts: { protobufOnly?: boolean } = {}) {
  const spans: OtlpSpan[] = [];
  const resources: Obj[] = [];
  const contentTypes: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.url === '/v1/traces') {
        const type = req.headers['content-type'] ?? '';
        contentTypes.push(type);
        const protobufBody = type.startsWith('application/x-protobuf');
        if (!protobufBody && opts.protobufOnly) {
          res.writeHead(415, { 'content-type': 'text/plain' });
          res.end('unsupported content type');
          return;
        }
        const raw = Buffer.concat(chunks);
        const body = protobufBody ? decodeProtobuf(raw) : (JSON.parse(raw.toString('utf8')) as TracesBody);
        for (const rs of body.resourceSpans) {
          resources.push(rs.resource);
          for (const ss of rs.scopeSpans) spans.push(...ss.spans);
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    spans,
    resources,
    contentTypes,
    url,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

const attr = (s: OtlpSpan, key: string): unknown => {
  const v = s.attributes.find((a) => a.key === key)?.value;
  if (!v) return undefined;
  if (v.arrayValue) return (v.arrayValue.values ?? []).map((x) => x.stringValue);
  if (v.intValue !== undefined) return Number(v.intValue);
  return v.stringValue ?? v.doubleValue ?? v.boolValue;
};

const CLIENT_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CLIENT_SPAN = '00f067aa0ba902b7';
const SERVER = 2;
const CLIENT = 3;

let receiver: Awaited<ReturnType<typeof startReceiver>>;
let env: ProxyEnv;

beforeAll(async () => {
  receiver = await startReceiver();
  env = await createProxyEnv({
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_SERVICE_NAME: 'switchyard-test' },
  });
}, 180_000);
afterAll(async () => {
  await env?.close();
  await receiver?.close();
});
beforeEach(() => {
  env.up.reset();
  receiver.spans.length = 0;
});

async function call(body: Obj, headers: Record<string, string> = {}) {
  const res = await fetch(`${env.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${env.userKey}`, ...headers },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { res, text };
}

/** The spans of one trace, once exported. */
async function spansOf(traceId: string | null, count: number, from: ProxyEnv = env): Promise<OtlpSpan[]> {
  for (let i = 0; i < 50; i++) {
    await from.t.app.tracing!.forceFlush();
    const got = receiver.spans.filter((s) => traceId === null || s.traceId === traceId);
    if (got.length >= count) return got;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`expected ${count} spans, got ${receiver.spans.length}`);
}

describe('OpenTelemetry traces (OTLP endpoint set)', () => {
  it('continues the client traceparent: a server span for the request, a client span per attempt, passed upstream', async () => {
    const r = await call(
      { model: 'up-openai/gpt-test', messages: [{ role: 'user', content: 'Hi' }] },
      { traceparent: `00-${CLIENT_TRACE}-${CLIENT_SPAN}-01` },
    );
    expect(r.res.status, r.text).toBe(200);
    const spans = await spansOf(CLIENT_TRACE, 2);
    const server = spans.find((s) => s.kind === SERVER)!;
    const client = spans.find((s) => s.kind === CLIENT)!;
    expect(server.parentSpanId).toBe(CLIENT_SPAN);
    expect(client.parentSpanId).toBe(server.spanId);
    expect(server.name).toBe('chat up-openai/gpt-test');
    expect(client.name).toBe('chat gpt-test');
    expect(attr(server, 'gen_ai.operation.name')).toBe('chat');
    expect(attr(server, 'gen_ai.request.model')).toBe('up-openai/gpt-test');
    expect(attr(server, 'gen_ai.response.model')).toBe('gpt-test');
    expect(attr(server, 'gen_ai.system')).toBe('openai');
    expect(attr(server, 'gen_ai.usage.input_tokens')).toBeGreaterThan(0);
    expect(attr(server, 'gen_ai.usage.output_tokens')).toBeGreaterThan(0);
    expect(attr(server, 'gen_ai.response.finish_reasons')).toEqual(['stop']);
    expect(attr(server, 'http.response.status_code')).toBe(200);
    expect(attr(server, 'switchyard.request_id')).toBe(r.res.headers.get('x-request-id'));
    expect(attr(server, 'switchyard.route.kind')).toBe('direct');
    expect((attr(server, 'switchyard.route.order') as string[])[0]).toBe('up-openai/gpt-test');
    expect(attr(client, 'switchyard.provider')).toBe('up-openai');
    expect(attr(client, 'server.address')).toBe('127.0.0.1');
    expect(attr(client, 'switchyard.attempt.outcome')).toBe('ok');
    expect(BigInt(client.startTimeUnixNano)).toBeGreaterThanOrEqual(BigInt(server.startTimeUnixNano));
    expect(BigInt(client.endTimeUnixNano)).toBeLessThanOrEqual(BigInt(server.endTimeUnixNano));
    // The provider saw the attempt's span as its parent, in the same trace.
    expect(env.up.requests.at(-1)!.headers.traceparent).toBe(`00-${CLIENT_TRACE}-${client.spanId}-01`);
    expect(receiver.resources.some((res) => JSON.stringify(res).includes('switchyard-test'))).toBe(true);
  });

  it('a failed attempt and its fallback: two client spans, the first an error; a stream carries its finish reason', async () => {
    env.up.script({ status: 503 });
    const r = await call({
      model: 'gpt-test',
      stream: true,
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(r.res.status, r.text).toBe(200);
    const spans = await spansOf(null, 3);
    const server = spans.find((s) => s.kind === SERVER)!;
    const clients = spans.filter((s) => s.kind === CLIENT && s.traceId === server.traceId);
    expect(server.parentSpanId ?? '').toBe('');
    expect(clients).toHaveLength(2);
    const [first, second] = clients.sort(
      (a, b) => Number(attr(a, 'switchyard.attempt.number')) - Number(attr(b, 'switchyard.attempt.number')),
    );
    expect(attr(first!, 'http.response.status_code')).toBe(503);
    expect(first!.status?.code).toBe(2);
    expect(attr(first!, 'error.type')).toBe(attr(first!, 'switchyard.attempt.outcome'));
    expect(String(attr(first!, 'error.type'))).toMatch(/^overloaded:/);
    expect(attr(second!, 'switchyard.attempt.outcome')).toBe('ok');
    expect(attr(server, 'switchyard.stream')).toBe(true);
    expect(attr(server, 'gen_ai.response.finish_reasons')).toEqual(['stop']);
    const ups = env.up.requests.map((q) => q.headers.traceparent);
    expect(ups).toEqual([
      `00-${server.traceId}-${first!.spanId}-01`,
      `00-${server.traceId}-${second!.spanId}-01`,
    ]);
  });

  it('an unroutable request is one error span with the reason', async () => {
    const r = await call({ model: 'no-such-model', messages: [{ role: 'user', content: 'Hi' }] });
    expect(r.res.status).toBe(404);
    const [server] = await spansOf(null, 1);
    expect(server!.kind).toBe(SERVER);
    expect(server!.status?.code).toBe(2);
    expect(attr(server!, 'error.type')).toBe('unknown_model');
    expect(attr(server!, 'http.response.status_code')).toBe(404);
  });

  it('ignores a malformed traceparent (a new trace) and never fails the request', async () => {
    const r = await call(
      { model: 'up-openai/gpt-test', messages: [{ role: 'user', content: 'Hi' }] },
      { traceparent: 'not-a-traceparent' },
    );
    expect(r.res.status).toBe(200);
    const spans = await spansOf(null, 2);
    const server = spans.find((s) => s.kind === SERVER)!;
    expect(server.parentSpanId ?? '').toBe('');
    expect(server.traceId).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe('OTLP encodings (OTEL_EXPORTER_OTLP_PROTOCOL, OTEL_EXPORTER_OTLP_TRACES_PROTOCOL)', () => {
  const traceOf = async (gw: ProxyEnv, rx: Awaited<ReturnType<typeof startReceiver>>, traceId: string) => {
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${gw.userKey}`,
        traceparent: `00-${traceId}-${CLIENT_SPAN}-01`,
      },
      body: JSON.stringify({ model: 'up-openai/gpt-test', messages: [{ role: 'user', content: 'Hi' }] }),
    });
    expect(res.status).toBe(200);
    for (let i = 0; i < 50 && rx.spans.filter((s) => s.traceId === traceId).length < 2; i++) {
      await gw.t.app.tracing!.forceFlush();
      await new Promise((r) => setTimeout(r, 50));
    }
    return rx.spans.filter((s) => s.traceId === traceId);
  };

  it('by default a trace goes as binary protobuf (the OTLP/HTTP default), which a protobuf-only collector takes', async () => {
    const rx = await startReceiver({ protobufOnly: true });
    const gw = await createProxyEnv({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: rx.url } });
    try {
      const spans = await traceOf(gw, rx, '0af7651916cd43dd8448eb211c80319c');
      expect(rx.contentTypes[0]).toMatch(/^application\/x-protobuf/);
      expect(spans.map((s) => s.kind).sort()).toEqual([SERVER, CLIENT]);
      const server = spans.find((s) => s.kind === SERVER)!;
      const client = spans.find((s) => s.kind === CLIENT)!;
      expect(server.parentSpanId).toBe(CLIENT_SPAN);
      expect(client.parentSpanId).toBe(server.spanId);
      expect(attr(server, 'gen_ai.request.model')).toBe('up-openai/gpt-test');
      expect(attr(server, 'gen_ai.usage.output_tokens')).toBeGreaterThan(0);
      expect(attr(server, 'switchyard.stream')).toBe(false);
      expect((attr(server, 'switchyard.route.order') as string[])[0]).toBe('up-openai/gpt-test');
      expect(attr(client, 'http.response.status_code')).toBe(200);
      expect(BigInt(client.endTimeUnixNano)).toBeLessThanOrEqual(BigInt(server.endTimeUnixNano));
      expect(gw.up.requests.at(-1)!.headers.traceparent).toBe(
        `00-0af7651916cd43dd8448eb211c80319c-${client.spanId}-01`,
      );
    } finally {
      await gw.close();
      await rx.close();
    }
  });

  it('http/json sends JSON; the traces-specific setting wins over the general one', async () => {
    const rx = await startReceiver();
    const json = await createProxyEnv({
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: rx.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' },
    });
    const proto = await createProxyEnv({
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: rx.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/protobuf',
      },
    });
    try {
      const a = await traceOf(json, rx, '1af7651916cd43dd8448eb211c80319c');
      expect(rx.contentTypes).toEqual(['application/json']);
      const b = await traceOf(proto, rx, '2af7651916cd43dd8448eb211c80319c');
      expect(rx.contentTypes[1]).toMatch(/^application\/x-protobuf/);
      // The same spans either way.
      for (const spans of [a, b]) {
        const server = spans.find((s) => s.kind === SERVER)!;
        expect(attr(server, 'gen_ai.response.model')).toBe('gpt-test');
        expect(attr(server, 'http.response.status_code')).toBe(200);
        expect(server.name).toBe('chat up-openai/gpt-test');
      }
    } finally {
      await json.close();
      await proto.close();
      await rx.close();
    }
  });
});

describe('the sampler OTEL_TRACES_SAMPLER names', () => {
  it.each([
    [undefined, undefined, /^ParentBased\{root=AlwaysOnSampler/],
    ['always_on', undefined, /^AlwaysOnSampler$/],
    ['always_off', undefined, /^AlwaysOffSampler$/],
    ['traceidratio', 0.25, /^TraceIdRatioBased\{0\.25\}$/],
    ['traceidratio', undefined, /^TraceIdRatioBased\{1\}$/],
    ['parentbased_always_on', undefined, /^ParentBased\{root=AlwaysOnSampler/],
    ['parentbased_always_off', undefined, /^ParentBased\{root=AlwaysOffSampler/],
    ['parentbased_traceidratio', 0.1, /^ParentBased\{root=TraceIdRatioBased\{0\.1\}/],
  ])('%s (ratio %s)', (name, ratio, expected) => {
    expect(samplerOf({ OTEL_TRACES_SAMPLER: name, OTEL_TRACES_SAMPLER_ARG: ratio }).toString()).toMatch(
      expected,
    );
  });
});

describe('OpenTelemetry sampling (OTEL_TRACES_SAMPLER=parentbased_traceidratio, OTEL_TRACES_SAMPLER_ARG=0)', () => {
  let sampled: ProxyEnv;
  beforeAll(async () => {
    sampled = await createProxyEnv({
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
        OTEL_TRACES_SAMPLER_ARG: '0',
      },
    });
  }, 180_000);
  afterAll(async () => {
    await sampled?.close();
  });

  const send = (traceparent?: string) =>
    fetch(`${sampled.url}/v1/chat/completions`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${sampled.userKey}`,
        ...(traceparent ? { traceparent } : {}),
      },
      body: JSON.stringify({ model: 'up-openai/gpt-test', messages: [{ role: 'user', content: 'Hi' }] }),
    });

  it('a new trace is not sampled: no span exported, and the attempt still passes its traceparent, not sampled', async () => {
    const res = await send();
    expect(res.status).toBe(200);
    await sampled.t.app.tracing!.forceFlush();
    const sent = sampled.up.requests.at(-1)!.headers.traceparent as string;
    expect(sent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/);
    // Nothing of this trace reached the receiver (spans of other traces, from the other gateway, do not count).
    expect(receiver.spans.filter((x) => x.traceId === sent.split('-')[1])).toEqual([]);
  });

  it("a caller's sampled trace is followed (parent-based): its spans are exported, flagged sampled upstream", async () => {
    const res = await send(`00-${CLIENT_TRACE}-${CLIENT_SPAN}-01`);
    expect(res.status).toBe(200);
    const spans = await spansOf(CLIENT_TRACE, 2, sampled);
    expect(spans.map((s) => s.kind).sort()).toEqual([SERVER, CLIENT]);
    const client = spans.find((s) => s.kind === CLIENT)!;
    expect(sampled.up.requests.at(-1)!.headers.traceparent).toBe(`00-${CLIENT_TRACE}-${client.spanId}-01`);
  });

  it("a caller's unsampled trace stays unsampled", async () => {
    const res = await send(`00-${CLIENT_TRACE}-${CLIENT_SPAN}-00`);
    expect(res.status).toBe(200);
    await sampled.t.app.tracing!.forceFlush();
    expect(receiver.spans.filter((x) => x.traceId === CLIENT_TRACE)).toEqual([]);
    expect(sampled.up.requests.at(-1)!.headers.traceparent).toMatch(
      new RegExp(`^00-${CLIENT_TRACE}-[0-9a-f]{16}-00$`),
    );
  });
});

describe('OpenTelemetry off (no endpoint)', () => {
  let plain: ProxyEnv;
  beforeAll(async () => {
    plain = await createProxyEnv();
  }, 180_000);
  afterAll(async () => {
    await plain?.close();
  });

  it('creates no tracer and sends no traceparent upstream', async () => {
    expect(plain.t.app.tracing).toBeNull();
    const res = await fetch(`${plain.url}/v1/chat/completions`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${plain.userKey}`,
        traceparent: `00-${CLIENT_TRACE}-${CLIENT_SPAN}-01`,
      },
      body: JSON.stringify({ model: 'up-openai/gpt-test', messages: [{ role: 'user', content: 'Hi' }] }),
    });
    expect(res.status).toBe(200);
    expect(plain.up.requests.at(-1)!.headers.traceparent).toBeUndefined();
  });
});
