// Drives a running brokle with the official `@anthropic-ai/sdk` npm package, exactly as an
// application would after changing only baseURL (brokle's root) and apiKey (a brokle key), against
// a model served by an OpenAI-type provider and one served by an Anthropic-type provider.
// Usage: node anthropic_compat.mjs <baseURL> <apiKey>
import Anthropic from '@anthropic-ai/sdk';
import assert from 'node:assert/strict';

const [baseURL, apiKey] = process.argv.slice(2);
const client = new Anthropic({ baseURL, apiKey, maxRetries: 0 });
const models = ['gpt-4o-mini', 'claude-3-5-haiku'];
const tools = [{
  name: 'get_weather',
  description: 'current weather in a city',
  input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
}];
const checks = [];
const check = (name, fn) => checks.push([name, fn]);

for (const model of models) {
  check(`${model}: messages.create`, async () => {
    const m = await client.messages.create({
      model, max_tokens: 256, system: 'be brief', messages: [{ role: 'user', content: 'hello there' }],
    });
    assert.equal(m.type, 'message');
    assert.equal(m.role, 'assistant');
    assert.equal(m.model, model);
    assert.match(m.id, /^msg_/);
    assert.equal(m.content[0].type, 'text');
    assert.match(m.content[0].text, /hello there/);
    assert.equal(m.stop_reason, 'end_turn');
    assert.ok(m.usage.input_tokens > 0 && m.usage.output_tokens > 0, JSON.stringify(m.usage));
  });

  check(`${model}: max_tokens stop reason`, async () => {
    const m = await client.messages.create({
      model, max_tokens: 2, messages: [{ role: 'user', content: 'a prompt long enough to be cut short' }],
    });
    assert.equal(m.stop_reason, 'max_tokens');
  });

  check(`${model}: .stream() helper with text events and finalMessage`, async () => {
    const stream = client.messages.stream({
      model, max_tokens: 256, messages: [{ role: 'user', content: 'stream me please' }],
    });
    let text = '';
    stream.on('text', (t) => { text += t; });
    const m = await stream.finalMessage();
    assert.match(text, /stream me please/);
    assert.equal(m.content[0].text, text);
    assert.equal(m.stop_reason, 'end_turn');
    assert.equal(m.model, model);
    assert.ok(m.usage.input_tokens > 0 && m.usage.output_tokens > 0, JSON.stringify(m.usage));
  });

  check(`${model}: stream: true iteration`, async () => {
    const stream = await client.messages.create({
      model, max_tokens: 256, stream: true, messages: [{ role: 'user', content: 'iterate me' }],
    });
    const types = [];
    let text = '';
    let usage = null;
    let stop = null;
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text;
      if (event.type === 'message_delta') {
        usage = event.usage;
        stop = event.delta.stop_reason;
      }
    }
    assert.equal(types[0], 'message_start');
    assert.equal(types.at(-1), 'message_stop');
    assert.ok(types.includes('content_block_start') && types.includes('content_block_stop'), types.join(','));
    assert.match(text, /iterate me/);
    assert.equal(stop, 'end_turn');
    assert.ok(usage && usage.output_tokens > 0, JSON.stringify(usage));
  });

  check(`${model}: tool use round trip (plain and streamed)`, async () => {
    const messages = [{ role: 'user', content: 'use tool please: Paris' }];
    const m = await client.messages.create({ model, max_tokens: 256, tools, messages });
    assert.equal(m.stop_reason, 'tool_use');
    const call = m.content.find((b) => b.type === 'tool_use');
    assert.ok(call, JSON.stringify(m.content));
    assert.equal(call.name, 'get_weather');
    assert.equal(typeof call.input.city, 'string');

    const answer = await client.messages.create({
      model, max_tokens: 256, tools,
      messages: [...messages, { role: 'assistant', content: m.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: '18C and sunny' }] }],
    });
    assert.equal(answer.stop_reason, 'end_turn');
    assert.equal(answer.content[0].type, 'text');

    const streamed = await client.messages.stream({ model, max_tokens: 256, tools, messages }).finalMessage();
    assert.equal(streamed.stop_reason, 'tool_use');
    const streamedCall = streamed.content.find((b) => b.type === 'tool_use');
    assert.ok(streamedCall, JSON.stringify(streamed.content));
    assert.equal(streamedCall.name, 'get_weather');
    assert.equal(typeof streamedCall.input.city, 'string', 'input_json_delta fragments assemble into the input');
  });

  check(`${model}: an upstream failure mid-stream is an APIError`, async () => {
    const stream = client.messages.stream({
      model, max_tokens: 256, messages: [{ role: 'user', content: 'mock-fault:disconnect=2' }],
    });
    await assert.rejects(stream.finalMessage(), (e) => e instanceof Anthropic.APIError);
  });

  check(`${model}: upstream rate limit is a RateLimitError`, async () => {
    await assert.rejects(
      client.messages.create({ model, max_tokens: 16, messages: [{ role: 'user', content: 'mock-fault:status=429' }] }),
      (e) => e instanceof Anthropic.RateLimitError && e.status === 429 && e.error?.error?.type === 'rate_limit_error');
  });
}

// An Anthropic provider's request goes through unchanged: its prompt-cache usage and its own
// in-band stream errors reach the SDK as the API would deliver them.
check('claude-3-5-haiku: prompt-cache usage reaches the SDK, plain and streamed', async () => {
  const content = 'x'.repeat(400) + ' mock-fault:cached=20,cache_write=30';
  const m = await client.messages.create({
    model: 'claude-3-5-haiku', max_tokens: 64,
    system: [{ type: 'text', text: 'cached system prompt', cache_control: { type: 'ephemeral' } }],
    messages: [{ role: 'user', content }],
  });
  assert.equal(m.usage.cache_read_input_tokens, 20);
  assert.equal(m.usage.cache_creation_input_tokens, 30);
  const streamed = await client.messages.stream({
    model: 'claude-3-5-haiku', max_tokens: 64, messages: [{ role: 'user', content }],
  }).finalMessage();
  assert.equal(streamed.usage.cache_read_input_tokens, 20);
  assert.equal(streamed.usage.cache_creation_input_tokens, 30);
});

check('claude-3-5-haiku: an overloaded_error event mid-stream is an APIError', async () => {
  const stream = client.messages.stream({
    model: 'claude-3-5-haiku', max_tokens: 256,
    messages: [{ role: 'user', content: 'a long enough answer to be cut mock-fault:stream_error=1' }],
  });
  await assert.rejects(stream.finalMessage(), (e) => e instanceof Anthropic.APIError && /Overloaded/.test(e.message));
});

check('claude-3-5-haiku: messages.countTokens', async () => {
  const r = await client.messages.countTokens({
    model: 'claude-3-5-haiku', system: 'be brief', messages: [{ role: 'user', content: 'count '.repeat(50) }],
  });
  assert.equal(typeof r.input_tokens, 'number');
  assert.ok(r.input_tokens > 0, 'a positive count');
});

check('extended thinking with other providers\' reasoning models: thinking blocks, plain and streamed', async () => {
  for (const model of ['deepseek-reasoner', 'gemini-3-flash']) {
    const req = { model, max_tokens: 4000, thinking: { type: 'enabled', budget_tokens: 2000 }, messages: [{ role: 'user', content: 'think it over' }] };
    const m = await client.messages.create(req);
    assert.equal(m.content[0].type, 'thinking', model);
    assert.match(m.content[0].thinking, /mock thinking about: think it over/, model);
    assert.equal(m.content[1].type, 'text', model);
    let thought = '';
    const stream = client.messages.stream(req);
    stream.on('thinking', (delta) => { thought += delta; });
    const final = await stream.finalMessage();
    assert.equal(final.content[0].type, 'thinking', model);
    assert.equal(final.content[0].thinking, thought, `${model}: the SDK rebuilt the block from the deltas`);
    assert.equal(final.content[1].type, 'text', model);
  }
  await assert.rejects(client.messages.create({ model: 'gpt-4o-mini', max_tokens: 100, thinking: { type: 'enabled', budget_tokens: 2000 },
    messages: [{ role: 'user', content: 'x' }] }), (e) => e instanceof Anthropic.BadRequestError && /budget_tokens/.test(e.message));
});

check('web search with a Gemini model: the server tool searches, citations reach the SDK, plain and streamed', async () => {
  const req = { model: 'gemini-2.0-flash', max_tokens: 500, tools: [{ type: 'web_search_20250305', name: 'web_search' }],
    messages: [{ role: 'user', content: 'search the news' }] };
  const m = await client.messages.create(req);
  const cited = m.content.find((b) => b.type === 'text' && b.citations?.length);
  assert.equal(cited?.citations[0].url, 'https://search.mock.example/result');
  assert.equal(cited.citations[0].cited_text, cited.text);
  const cites = [];
  const stream = client.messages.stream(req);
  stream.on('citation', (c) => cites.push(c));
  const final = await stream.finalMessage();
  assert.equal(cites.length, 1);
  const block = final.content.find((b) => b.type === 'text' && b.citations?.length);
  assert.equal(block?.citations[0].url, 'https://search.mock.example/result', 'the SDK put the citation on its block');
});

check('missing max_tokens is a BadRequestError', async () => {
  await assert.rejects(
    client.messages.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] }),
    (e) => e instanceof Anthropic.BadRequestError && e.status === 400 && e.error?.type === 'error' &&
      e.error?.error?.type === 'invalid_request_error' && /max_tokens/.test(e.message));
});

check('empty messages is a BadRequestError', async () => {
  await assert.rejects(
    client.messages.create({ model: 'gpt-4o-mini', max_tokens: 16, messages: [] }),
    (e) => e instanceof Anthropic.BadRequestError && e.status === 400);
});

check('unknown model is a NotFoundError', async () => {
  await assert.rejects(
    client.messages.create({ model: 'no-such-model', max_tokens: 16, messages: [{ role: 'user', content: 'x' }] }),
    (e) => e instanceof Anthropic.NotFoundError && e.status === 404 && e.error?.error?.type === 'not_found_error');
});

check('bad key is an AuthenticationError', async () => {
  const bad = new Anthropic({ baseURL, apiKey: 'bk_proj_nope', maxRetries: 0 });
  await assert.rejects(
    bad.messages.create({ model: 'gpt-4o-mini', max_tokens: 16, messages: [{ role: 'user', content: 'x' }] }),
    (e) => e instanceof Anthropic.AuthenticationError && e.status === 401 &&
      e.error?.error?.type === 'authentication_error');
});

check('the request id reaches the client', async () => {
  const { data, request_id } = await client.messages
    .create({ model: 'gpt-4o-mini', max_tokens: 16, messages: [{ role: 'user', content: 'id please' }] })
    .withResponse();
  assert.equal(data.type, 'message');
  assert.ok(request_id, 'request-id header');
});

let failed = 0;
for (const [name, fn] of checks) {
  try {
    await fn();
    console.log(`ok   ${name}`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${name}: ${e.stack ?? e}`);
  }
}
process.exit(failed ? 1 : 0);
