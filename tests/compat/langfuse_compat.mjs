// Drives a running brokle with the official `langfuse` npm SDK (v3), exactly as an application
// would after pointing baseUrl at brokle with the project id as the public key and a project API
// key as the secret key; then reads the trace, its observations and scores back through the
// query API. A wrong secret key must be refused (401) and store nothing.
//
// Usage: node langfuse_compat.mjs <httpPort> <projectId> <apiKey> <email> <password>
import { Langfuse } from 'langfuse';
import assert from 'node:assert/strict';

import { brokle_query, check_runner, unique_word } from './brokle_query.mjs';

const [httpPort, projectId, apiKey, email, password] = process.argv.slice(2);
const baseUrl = `http://127.0.0.1:${httpPort}`;
const { check, run: run_checks } = check_runner();

// The SDK never rejects a flush: it logs failures. Every request it makes is recorded here.
const requests = [];
const real_fetch = globalThis.fetch;
globalThis.fetch = async (url, options) => {
  const res = await real_fetch(url, options);
  const body = await res.clone().text();
  requests.push({ url: String(url), status: res.status, body, auth: options?.headers?.Authorization ?? '' });
  return res;
};

const sdk_options = { baseUrl, flushAt: 1000, flushInterval: 0, fetchRetryCount: 0, requestTimeout: 5000 };
const ingestion_calls = (secret) =>
  requests.filter((r) => r.url.endsWith('/api/public/ingestion') && Buffer.from(r.auth.slice(6), 'base64').toString().endsWith(`:${secret}`));

const q = await brokle_query.login(baseUrl, projectId, email, password);
const user = unique_word('user');
// Explicit times lie in the past, so an end() stamped with the current time comes after them.
const t0 = Date.now() - 5000;
const sent = {};

check('the SDK sends a trace, span, generations, event and scores; every item is accepted (207, no errors)', async () => {
  const langfuse = new Langfuse({ publicKey: projectId, secretKey: apiKey, environment: 'compat', ...sdk_options });
  const sdk_errors = [];
  langfuse.on('error', (e) => sdk_errors.push(String(e)));
  const trace = langfuse.trace({
    name: 'compat-chat',
    userId: user,
    sessionId: `session-${user}`,
    input: { question: 'what is brokle?' },
    metadata: { feature: 'compat', attempt: 1 },
    tags: ['compat', 'langfuse-js'],
    release: 'v1.2.3',
    version: '7',
  });
  const span = trace.span({ name: 'retrieve', input: { query: 'brokle' }, startTime: new Date(t0) });
  const gen = span.generation({
    name: 'answer',
    model: 'gpt-4o-mini',
    modelParameters: { temperature: 0.2, max_tokens: 256 },
    input: [
      { role: 'system', content: 'be brief' },
      { role: 'user', content: `what is brokle? ${user}` },
    ],
    startTime: new Date(t0 + 10),
  });
  gen.update({ completionStartTime: new Date(t0 + 50) });
  gen.end({
    output: { role: 'assistant', content: 'an AI control plane' },
    usage: { input: 120, output: 30 },
  });
  // A second generation whose cost the application computed itself: kept as sent.
  const priced = trace.generation({
    name: 'rerank',
    model: 'gpt-4o-mini',
    input: 'rerank these',
    usageDetails: { input: 10, output: 5 },
    costDetails: { input: 0.001, output: 0.002 },
    startTime: new Date(t0 + 20),
    endTime: new Date(t0 + 40),
  });
  span.event({ name: 'cache-hit', input: { key: 'k1' } });
  span.end({ output: { documents: 3 } });
  trace.update({ output: { answer: 'an AI control plane' } });
  trace.score({ name: 'quality', value: 0.9, comment: 'good answer' });
  gen.score({ name: 'helpful', value: 1, dataType: 'BOOLEAN' });
  langfuse.score({ traceId: trace.id, name: 'tone', value: 'friendly', dataType: 'CATEGORICAL' });
  await langfuse.shutdownAsync();
  Object.assign(sent, { traceId: trace.id, spanId: span.id, genId: gen.id, pricedId: priced.id });

  const calls = ingestion_calls(apiKey);
  assert.ok(calls.length >= 1, JSON.stringify(requests));
  let accepted = 0;
  for (const c of calls) {
    assert.equal(c.status, 207, c.body);
    const body = JSON.parse(c.body);
    assert.deepEqual(body.errors, [], c.body);
    accepted += body.successes.length;
  }
  // trace, trace update, span, span end, generation, its update and end, the priced generation,
  // the event and three scores.
  assert.equal(accepted, 12, JSON.stringify(calls));
  assert.deepEqual(sdk_errors, []);
});

check('/analytics/traces lists the trace with its user, session, tags, metadata, input and output', async () => {
  assert.ok(sent.traceId, 'the trace was not sent');
  const l = await q.eventually(async () => {
    const r = await q.get('/analytics/traces', { user_id: user });
    assert.equal(r.data.length, 1, JSON.stringify(r));
    return r;
  });
  const t = l.data[0];
  assert.equal(t.id, sent.traceId);
  assert.equal(t.name, 'compat-chat');
  assert.equal(t.session_id, `session-${user}`);
  assert.deepEqual(t.tags, ['compat', 'langfuse-js']);
  assert.equal(t.release, 'v1.2.3');
  assert.equal(t.version, '7');
  assert.deepEqual(t.metadata, { feature: 'compat', attempt: 1 });
  assert.deepEqual(t.input, { question: 'what is brokle?' });
  assert.deepEqual(t.output, { answer: 'an AI control plane' }, 'the trace update kept');
  assert.equal(t.environment, 'compat');
  const bySession = await q.get('/analytics/traces', { session_id: `session-${user}` });
  assert.deepEqual(bySession.data.map((x) => x.id), [sent.traceId]);
});

check('/traces/{id} has the observations (merged create + update + end) and the scores', async () => {
  assert.ok(sent.traceId, 'the trace was not sent');
  const d = await q.get(`/traces/${sent.traceId}`);
  assert.equal(d.llm_trace?.id, sent.traceId, JSON.stringify(d.llm_trace));
  const by = Object.fromEntries(d.observations.map((o) => [o.id, o]));
  assert.equal(d.observations.length, 4, JSON.stringify(d.observations));

  const span = by[sent.spanId];
  assert.equal(span.type, 'SPAN');
  assert.equal(span.name, 'retrieve');
  assert.equal(span.parent_observation_id, '');
  assert.equal(span.environment, 'compat');
  assert.deepEqual(span.input, { query: 'brokle' });
  assert.deepEqual(span.output, { documents: 3 });
  assert.equal(span.start_time, new Date(t0).toISOString());
  assert.ok(Date.parse(span.end_time) >= t0, span.end_time);

  const gen = by[sent.genId];
  assert.equal(gen.type, 'GENERATION');
  assert.equal(gen.name, 'answer', 'the update kept the name from the create');
  assert.equal(gen.parent_observation_id, sent.spanId);
  assert.equal(gen.model, 'gpt-4o-mini');
  assert.deepEqual(gen.model_parameters, { temperature: 0.2, max_tokens: 256 });
  assert.equal(gen.input[1].content, `what is brokle? ${user}`);
  assert.deepEqual(gen.output, { role: 'assistant', content: 'an AI control plane' });
  assert.equal(gen.usage.input_tokens, 120);
  assert.equal(gen.usage.output_tokens, 30);
  assert.ok(gen.cost_usd > 0 && gen.cost_usd < 0.01, `computed cost ${gen.cost_usd}`);
  assert.equal(gen.start_time, new Date(t0 + 10).toISOString());
  assert.equal(gen.completion_start_time, new Date(t0 + 50).toISOString());
  assert.ok(Date.parse(gen.end_time) >= t0 + 10, gen.end_time);

  const priced = by[sent.pricedId];
  assert.equal(priced.type, 'GENERATION');
  assert.equal(priced.parent_observation_id, '');
  assert.equal(priced.usage.input_tokens, 10);
  assert.equal(priced.usage.output_tokens, 5);
  assert.ok(Math.abs(priced.cost_usd - 0.003) < 1e-12, `cost as sent: ${priced.cost_usd}`);
  assert.equal(priced.latency_ms, 20);

  const event = d.observations.find((o) => o.type === 'EVENT');
  assert.ok(event, JSON.stringify(d.observations));
  assert.equal(event.name, 'cache-hit');
  assert.equal(event.parent_observation_id, sent.spanId);

  const scores = Object.fromEntries(d.scores.map((s) => [s.name, s]));
  assert.equal(d.scores.length, 3, JSON.stringify(d.scores));
  assert.equal(scores.quality.value, 0.9);
  assert.equal(scores.quality.data_type, 'NUMERIC');
  assert.equal(scores.quality.comment, 'good answer');
  assert.equal(scores.quality.observation_id, '');
  assert.equal(scores.quality.environment, 'compat');
  assert.equal(scores.helpful.data_type, 'BOOLEAN');
  assert.equal(scores.helpful.value, 1);
  assert.equal(scores.helpful.observation_id, sent.genId);
  assert.equal(scores.tone.data_type, 'CATEGORICAL');
  assert.equal(scores.tone.value, 'friendly');
});

check('/analytics/observations and /analytics/quality-scores find them by trace', async () => {
  assert.ok(sent.traceId, 'the trace was not sent');
  const gens = await q.get('/analytics/observations', { trace_id: sent.traceId, type: 'GENERATION' });
  assert.deepEqual(gens.data.map((o) => o.id).sort(), [sent.genId, sent.pricedId].sort());
  const scores = await q.get('/analytics/quality-scores', { trace_id: sent.traceId });
  assert.deepEqual(scores.data.map((s) => s.name).sort(), ['helpful', 'quality', 'tone']);
  const quality = await q.get('/analytics/quality-scores', { trace_id: sent.traceId, name: 'quality' });
  assert.equal(quality.data.length, 1);
  assert.equal(quality.data[0].value, 0.9);
});

for (const [what, publicKey, secretKey] of [
  ['a wrong secret key', projectId, 'bk_wrong_secret_0123456789abcdef0123'],
  ['the API key under another public key', '01J00000000000000000000000', apiKey],
]) {
  check(`${what} is refused (401) and nothing is stored`, async () => {
    const bad = new Langfuse({ publicKey, secretKey, ...sdk_options });
    const badUser = unique_word('refused');
    const before = requests.length;
    const t = bad.trace({ name: 'refused', userId: badUser });
    t.generation({ name: 'refused-gen', model: 'gpt-4o-mini', usage: { input: 1, output: 1 } });
    t.score({ name: 'refused-score', value: 1 });
    await bad.shutdownAsync();
    const calls = requests.slice(before).filter((r) => r.url.endsWith('/api/public/ingestion'));
    assert.ok(calls.length >= 1, 'the SDK sent nothing');
    for (const c of calls) assert.equal(c.status, 401, c.body);
    const l = await q.get('/analytics/traces', { user_id: badUser });
    assert.equal(l.data.length, 0, JSON.stringify(l));
    const s = await q.get('/analytics/quality-scores', { trace_id: t.id });
    assert.equal(s.data.length, 0, JSON.stringify(s));
  });
}

process.exit((await run_checks()) ? 1 : 0);
