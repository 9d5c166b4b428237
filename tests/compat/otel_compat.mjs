// Drives a running brokle with the official OpenTelemetry JS SDK and OTLP exporters, exactly as an
// instrumented application would, then reads everything back through the query API.
//
// Every exporter variant sends one distributed trace in two services (frontend SERVER span ->
// frontend CLIENT span -> backend SERVER span -> backend GenAI CLIENT span, the service map's
// frontend -> backend edge) and two logs correlated with it, then checks the trace list, the trace
// detail (parent links, kinds, attributes, events, timing, resource, scope), the GenAI observation
// (tokens, priced cost, messages), /services, the service map and a /logs full-text search.
//
// Usage: node otel_compat.mjs http|grpc <httpPort> <otlpHttpPort> <otlpGrpcPort> <projectId> <apiKey> <email> <password>
import { diag, DiagLogLevel, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import assert from 'node:assert/strict';

import { brokle_query, check_runner, unique_word } from './brokle_query.mjs';

const [mode, httpPort, otlpHttpPort, grpcPort, projectId, apiKey, email, password] = process.argv.slice(2);
const main = `http://127.0.0.1:${httpPort}`;
const otlp = `http://127.0.0.1:${otlpHttpPort}`;
const run = unique_word('r');
const { check, run: run_checks } = check_runner();

// The exporters report rejected items (partial success) and transport trouble only through the
// diagnostic logger; any warning or error there fails the run.
const diagnostics = [];
diag.setLogger(
  {
    error: (...a) => diagnostics.push(`error: ${a.join(' ')}`),
    warn: (...a) => diagnostics.push(`warn: ${a.join(' ')}`),
    info: () => {},
    debug: () => {},
    verbose: () => {},
  },
  DiagLogLevel.WARN,
);

const exporters = {
  json: {
    trace: (await import('@opentelemetry/exporter-trace-otlp-http')).OTLPTraceExporter,
    logs: (await import('@opentelemetry/exporter-logs-otlp-http')).OTLPLogExporter,
  },
  proto: {
    trace: (await import('@opentelemetry/exporter-trace-otlp-proto')).OTLPTraceExporter,
    logs: (await import('@opentelemetry/exporter-logs-otlp-proto')).OTLPLogExporter,
  },
};
let Metadata = null;
if (mode === 'grpc') {
  exporters.grpc = {
    trace: (await import('@opentelemetry/exporter-trace-otlp-grpc')).OTLPTraceExporter,
    logs: (await import('@opentelemetry/exporter-logs-otlp-grpc')).OTLPLogExporter,
  };
  ({ Metadata } = await import('@grpc/grpc-js'));
}

const basic = `Basic ${Buffer.from(`${projectId}:${apiKey}`).toString('base64')}`;
// traces/logs: the exporter's url per signal (HTTP), or the gRPC endpoint; auth: the header used.
const variants =
  mode === 'grpc'
    ? [
        { name: 'grpc', encoding: 'grpc', endpoint: `http://127.0.0.1:${grpcPort}`, auth: { 'x-api-key': apiKey } },
        {
          name: 'grpc_gzip',
          encoding: 'grpc',
          endpoint: `http://127.0.0.1:${grpcPort}`,
          auth: { authorization: `Bearer ${apiKey}` },
          compression: 'gzip',
        },
      ]
    : [
        { name: 'json_main', encoding: 'json', base: main, auth: { 'X-API-Key': apiKey } },
        { name: 'proto_main_gzip', encoding: 'proto', base: main, auth: { Authorization: `Bearer ${apiKey}` }, compression: 'gzip' },
        { name: 'json_otlpport_gzip', encoding: 'json', base: otlp, auth: { Authorization: `Bearer ${apiKey}` }, compression: 'gzip' },
        { name: 'proto_otlpport', encoding: 'proto', base: otlp, auth: { 'X-API-Key': apiKey } },
        // Langfuse's OTLP endpoint, as its OpenTelemetry-based SDKs use it: traces only, Basic auth.
        {
          name: 'proto_langfuse_otel',
          encoding: 'proto',
          tracesURL: `${main}/api/public/otel/v1/traces`,
          auth: { Authorization: basic },
          noLogs: true,
        },
      ];

function exporter_options(v, signal) {
  const o = { compression: v.compression ?? 'none', timeoutMillis: 5000 };
  if (v.encoding === 'grpc') {
    const md = new Metadata();
    for (const [k, val] of Object.entries(v.auth)) md.set(k, val);
    return { ...o, url: v.endpoint, metadata: md };
  }
  const url = signal === 'traces' && v.tracesURL ? v.tracesURL : `${v.base}/v1/${signal}`;
  return { ...o, url, headers: v.auth };
}

// Wraps an exporter to keep every export's result: the SDK's processors swallow failures.
function recording(exporter, results) {
  return {
    export(items, done) {
      exporter.export(items, (r) => {
        results.push({ ...r, items: items.length });
        done(r);
      });
    },
    shutdown: () => exporter.shutdown(),
    forceFlush: () => exporter.forceFlush?.() ?? Promise.resolve(),
  };
}

function assert_exported(results, what) {
  assert.ok(results.length > 0, `${what}: nothing was exported`);
  for (const r of results) assert.equal(r.code, 0, `${what}: export failed: ${r.error?.stack ?? r.error}`);
}

const ms_to_ns = (ms) => BigInt(ms) * 1_000_000n;

// One distributed trace across two services; returns what was sent, for the checks.
async function send_trace(v) {
  const frontend = `compat-${v.name}-${run}-frontend`;
  const backend = `compat-${v.name}-${run}-backend`;
  const results = [];
  const provider = (service) =>
    new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': service, 'deployment.environment.name': 'compat' }),
      spanProcessors: [new BatchSpanProcessor(recording(new exporters[v.encoding].trace(exporter_options(v, 'traces')), results))],
    });
  const fp = provider(frontend);
  const bp = provider(backend);
  const ft = fp.getTracer('compat-frontend', '1.2.3');
  const bt = bp.getTracer('compat-backend', '4.5.6');

  // Explicit millisecond times make every duration exact in nanoseconds.
  const t0 = Date.now() - 5000;
  const root = ft.startSpan(
    'GET /chat',
    {
      kind: SpanKind.SERVER,
      startTime: t0,
      attributes: {
        'http.request.method': 'GET',
        'http.route': '/chat',
        'http.response.status_code': 200,
        'compat.flag': true,
        'compat.ratio': 0.25,
        'compat.tags': ['a', 'b'],
      },
    },
    ROOT_CONTEXT,
  );
  root.addEvent('cache.miss', { 'cache.key': 'k1' }, t0 + 10);
  const rootCtx = trace.setSpan(ROOT_CONTEXT, root);
  const client = ft.startSpan('POST backend /generate', { kind: SpanKind.CLIENT, startTime: t0 + 100 }, rootCtx);
  // The backend continues the trace from the propagated (remote) client span context.
  const remote = trace.setSpanContext(ROOT_CONTEXT, { ...client.spanContext(), isRemote: true });
  const server = bt.startSpan('POST /generate', { kind: SpanKind.SERVER, startTime: t0 + 150 }, remote);
  const genai = bt.startSpan(
    'chat gpt-4o-mini',
    {
      kind: SpanKind.CLIENT,
      startTime: t0 + 200,
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.system': 'openai',
        'gen_ai.request.model': 'gpt-4o-mini',
        'gen_ai.request.temperature': 0.5,
        'gen_ai.usage.input_tokens': 1200,
        'gen_ai.usage.output_tokens': 300,
        'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: `hello ${run}` }] }]),
        'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: 'hi there' }] }]),
      },
    },
    trace.setSpan(remote, server),
  );
  genai.setStatus({ code: SpanStatusCode.OK });
  genai.end(t0 + 1200);
  server.end(t0 + 1300);
  client.end(t0 + 1400);
  root.setStatus({ code: SpanStatusCode.OK });
  root.end(t0 + 2000);
  await bp.forceFlush();
  await fp.forceFlush();
  await Promise.all([fp.shutdown(), bp.shutdown()]);
  assert_exported(results, `${v.name} traces`);
  return { frontend, backend, t0, root, client, server, genai, traceId: root.spanContext().traceId };
}

async function send_logs(v, sent) {
  const word = unique_word('kw');
  const results = [];
  const lp = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': sent.frontend }),
    processors: [new BatchLogRecordProcessor({ exporter: recording(new exporters[v.encoding].logs(exporter_options(v, 'logs')), results) })],
  });
  const logger = lp.getLogger('compat-logger', '7.8.9');
  const time = sent.t0 + 500;
  logger.emit({
    timestamp: time,
    severityNumber: SeverityNumber.INFO,
    severityText: 'INFO',
    body: `handled chat ${word} in 2s`,
    attributes: { 'compat.variant': v.name, 'http.response.status_code': 200, 'compat.ok': true },
    context: trace.setSpan(ROOT_CONTEXT, sent.root),
  });
  logger.emit({
    timestamp: time + 1,
    severityNumber: SeverityNumber.WARN,
    severityText: 'WARN',
    body: { message: `slow upstream ${word}`, elapsed_ms: 1200 },
    context: trace.setSpan(ROOT_CONTEXT, sent.server),
  });
  await lp.forceFlush();
  await lp.shutdown();
  assert_exported(results, `${v.name} logs`);
  return { word, time };
}

const q = await brokle_query.login(main, projectId, email, password);
const range = (t0) => ({ start: new Date(t0 - 60_000).toISOString(), end: String((Date.now() + 60_000) / 1000) });

for (const v of variants) {
  let sent = null;
  check(`${v.name}: trace exported and listed with both services`, async () => {
    sent = await send_trace(v);
    const list = await q.eventually(async () => {
      const l = await q.get('/traces', { ...range(sent.t0), service_name: sent.frontend });
      assert.equal(l.data.length, 1, JSON.stringify(l));
      assert.equal(l.data[0].span_count, 4, JSON.stringify(l));
      return l;
    });
    const t = list.data[0];
    assert.equal(t.trace_id, sent.traceId);
    assert.equal(t.root_span_id, sent.root.spanContext().spanId);
    assert.equal(t.root_name, 'GET /chat');
    assert.equal(t.root_service, sent.frontend);
    assert.equal(t.error_count, 0);
    assert.equal(t.duration_ns, 2000 * 1_000_000);
    assert.deepEqual([...t.services].sort(), [sent.backend, sent.frontend].sort());
  });

  check(`${v.name}: trace detail has the span tree, attributes, events, resource and scope`, async () => {
    assert.ok(sent, 'the trace was not sent');
    const d = await q.get(`/traces/${sent.traceId}`);
    assert.equal(d.spans.length, 4, JSON.stringify(d.spans));
    const by = Object.fromEntries(d.spans.map((s) => [s.span_id, s]));
    const span = (s) => {
      const got = by[s.spanContext().spanId];
      assert.ok(got, `span ${s.spanContext().spanId} missing: ${JSON.stringify(d.spans)}`);
      return got;
    };
    const [root, client, server, genai] = [span(sent.root), span(sent.client), span(sent.server), span(sent.genai)];
    assert.equal(root.parent_span_id, '');
    assert.equal(client.parent_span_id, root.span_id);
    assert.equal(server.parent_span_id, client.span_id);
    assert.equal(genai.parent_span_id, server.span_id);
    assert.deepEqual([root.kind, client.kind, server.kind, genai.kind], ['server', 'client', 'server', 'client']);
    assert.deepEqual([root.depth, client.depth, server.depth, genai.depth], [0, 1, 2, 3]);
    assert.deepEqual(
      [root.service_name, client.service_name, server.service_name, genai.service_name],
      [sent.frontend, sent.frontend, sent.backend, sent.backend],
    );
    assert.equal(root.start_time_ns, Number(ms_to_ns(sent.t0)));
    assert.equal(root.duration_ns, 2000 * 1_000_000);
    assert.equal(genai.duration_ns, 1000 * 1_000_000);
    assert.equal(root.status, 'ok');
    assert.equal(client.status, 'unset');
    assert.equal(root.environment, 'compat');
    const a = root.attributes;
    assert.equal(a['http.route'], '/chat', JSON.stringify(a));
    assert.equal(a['http.response.status_code'], 200, JSON.stringify(a));
    assert.equal(a['compat.flag'], true, JSON.stringify(a));
    assert.equal(a['compat.ratio'], 0.25, JSON.stringify(a));
    assert.deepEqual(a['compat.tags'], ['a', 'b'], JSON.stringify(a));
    assert.equal(genai.attributes['gen_ai.usage.input_tokens'], 1200, JSON.stringify(genai.attributes));
    assert.match(JSON.stringify(root.events), /cache\.miss/);
    assert.match(JSON.stringify(root.events), /"cache\.key"/);
    assert.match(JSON.stringify(root.resource), new RegExp(sent.frontend));
    assert.deepEqual(root.scope, { name: 'compat-frontend', version: '1.2.3' });
    assert.deepEqual(server.scope, { name: 'compat-backend', version: '4.5.6' });
  });

  check(`${v.name}: the GenAI span is a priced generation with tokens and messages`, async () => {
    assert.ok(sent, 'the trace was not sent');
    const d = await q.get(`/traces/${sent.traceId}`);
    assert.equal(d.observations.length, 1, JSON.stringify(d.observations));
    const o = d.observations[0];
    assert.equal(o.id, sent.genai.spanContext().spanId);
    assert.equal(o.parent_observation_id, sent.server.spanContext().spanId);
    assert.equal(o.type, 'GENERATION');
    assert.equal(o.model, 'gpt-4o-mini');
    assert.equal(o.provider, 'openai');
    assert.equal(o.usage.input_tokens, 1200);
    assert.equal(o.usage.output_tokens, 300);
    assert.equal(o.usage.total_tokens, 1500);
    assert.ok(o.cost_usd > 0 && o.cost_usd < 0.01, `cost_usd ${o.cost_usd}`);
    assert.equal(o.latency_ms, 1000);
    assert.equal(o.model_parameters?.temperature, 0.5, JSON.stringify(o.model_parameters));
    assert.match(JSON.stringify(o.input), new RegExp(`hello ${run}`));
    assert.match(JSON.stringify(o.output), /hi there/);
    const listed = await q.get('/analytics/observations', { trace_id: sent.traceId, type: 'GENERATION' });
    assert.deepEqual(listed.data.map((x) => x.id), [o.id]);
  });

  check(`${v.name}: services and the service map show frontend -> backend`, async () => {
    assert.ok(sent, 'the trace was not sent');
    const svc = await q.get('/services', range(sent.t0));
    const names = svc.data.map((s) => s.name);
    assert.ok(names.includes(sent.frontend) && names.includes(sent.backend), JSON.stringify(names));
    assert.equal(svc.data.find((s) => s.name === sent.frontend).span_count, 2);
    const map = await q.get('/metrics/service-map', { ...range(sent.t0), service_name: sent.frontend });
    const edge = map.edges.find((e) => e.source === sent.frontend && e.target === sent.backend);
    assert.ok(edge, JSON.stringify(map));
    assert.equal(edge.call_count, 1);
    assert.equal(edge.error_count, 0);
  });

  if (v.noLogs) continue;
  check(`${v.name}: logs correlated with the trace, found by full-text search`, async () => {
    assert.ok(sent, 'the trace was not sent');
    const logs = await send_logs(v, sent);
    const found = await q.eventually(async () => {
      const l = await q.get('/logs', { ...range(sent.t0), search: logs.word, order_by: 'asc' });
      assert.equal(l.data.length, 2, JSON.stringify(l));
      return l.data;
    });
    const [info, warn] = found;
    assert.match(info.body, new RegExp(`handled chat ${logs.word} in 2s`));
    assert.equal(info.severity_number, 9);
    assert.equal(info.severity_text, 'INFO');
    assert.equal(info.time_ns, Number(ms_to_ns(logs.time)));
    assert.equal(info.trace_id, sent.traceId);
    assert.equal(info.span_id, sent.root.spanContext().spanId);
    assert.equal(info.service_name, sent.frontend);
    assert.equal(info.scope_name, 'compat-logger');
    assert.equal(info.attributes['compat.variant'], v.name, JSON.stringify(info.attributes));
    assert.equal(info.attributes['http.response.status_code'], 200, JSON.stringify(info.attributes));
    assert.equal(info.attributes['compat.ok'], true, JSON.stringify(info.attributes));
    assert.match(JSON.stringify(info.resource), new RegExp(sent.frontend));
    assert.equal(warn.severity_number, 13);
    assert.match(warn.body, new RegExp(`slow upstream ${logs.word}`));
    assert.match(warn.body, /elapsed_ms/);
    assert.equal(warn.span_id, sent.server.spanContext().spanId);
    const byTrace = await q.get('/logs', { ...range(sent.t0), trace_id: sent.traceId });
    assert.equal(byTrace.data.length, 2, JSON.stringify(byTrace));
  });
}

check(`${mode}: a wrong API key fails the export (unauthenticated) and stores nothing`, async () => {
  const v = { ...variants[0], name: `${variants[0].name}_badkey` };
  const bad = 'bk_not_a_real_key_0123456789abcdef';
  v.auth = v.encoding === 'grpc' ? { 'x-api-key': bad } : { 'X-API-Key': bad };
  delete v.tracesURL;
  const results = [];
  const quiet = diagnostics.length;
  const service = `compat-${v.name}-${run}`;
  const p = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': service }),
    spanProcessors: [new BatchSpanProcessor(recording(new exporters[v.encoding].trace(exporter_options(v, 'traces')), results))],
  });
  const t0 = Date.now();
  p.getTracer('compat').startSpan('refused', { kind: SpanKind.SERVER }, ROOT_CONTEXT).end();
  // The batch processor's forceFlush rejects when an export failed.
  const flushed = await p.forceFlush().then(() => null, (e) => e);
  await p.shutdown();
  assert.ok(flushed, 'forceFlush should have rejected');
  assert.equal(results.length, 1, JSON.stringify(results));
  assert.equal(results[0].code, 1, 'the export should have failed');
  // HTTP exporters report the HTTP status, gRPC ones the gRPC status (16 = UNAUTHENTICATED).
  assert.equal(results[0].error?.code, v.encoding === 'grpc' ? 16 : 401, `${results[0].error} code=${results[0].error?.code} data=${results[0].error?.data}`);
  const l = await q.get('/traces', { ...range(t0), service_name: service });
  assert.equal(l.data.length, 0, JSON.stringify(l));
  diagnostics.length = quiet; // the refusal was expected to be reported
});

check(`${mode}: the exporters logged no warnings (partial success, retries)`, async () => {
  assert.deepEqual(diagnostics, []);
});

process.exit((await run_checks()) ? 1 : 0);
