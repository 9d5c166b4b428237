// Drives a running brokle with the official `openai` npm package, exactly as an application would
// after changing only baseURL and apiKey. Usage: node openai_compat.mjs <baseURL> <apiKey>
import OpenAI from 'openai';
import assert from 'node:assert/strict';

const [baseURL, apiKey] = process.argv.slice(2);
const client = new OpenAI({ baseURL, apiKey, maxRetries: 0 });
const checks = [];
const check = (name, fn) => checks.push([name, fn]);

check('chat completion', async () => {
  const r = await client.chat.completions.create({
    model: 'gpt-4o-mini',
    messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: 'hello there' }],
  });
  assert.equal(r.object, 'chat.completion');
  assert.match(r.choices[0].message.content, /hello there/);
  assert.equal(r.choices[0].finish_reason, 'stop');
  assert.ok(r.usage.prompt_tokens > 0 && r.usage.completion_tokens > 0);
});

check('chat streaming with usage', async () => {
  const stream = await client.chat.completions.create({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: 'stream me' }],
    stream: true,
    stream_options: { include_usage: true },
  });
  let text = '';
  let usage = null;
  let finish = null;
  for await (const chunk of stream) {
    if (chunk.usage) usage = chunk.usage;
    for (const c of chunk.choices) {
      text += c.delta?.content ?? '';
      if (c.finish_reason) finish = c.finish_reason;
    }
  }
  assert.match(text, /stream me/);
  assert.equal(finish, 'stop');
  assert.ok(usage && usage.total_tokens > 0, 'usage chunk arrives when asked for');
});

check('chat streaming without usage hides the usage chunk', async () => {
  const stream = await client.chat.completions.create({
    model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'no usage please' }], stream: true,
  });
  for await (const chunk of stream) assert.ok(!chunk.usage, 'no usage chunk unless asked');
});

check('tools (non-streaming and streamed deltas)', async () => {
  const tools = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }];
  const r = await client.chat.completions.create({ model: 'gpt-4o-mini', tools, messages: [{ role: 'user', content: 'use tool please' }] });
  assert.equal(r.choices[0].finish_reason, 'tool_calls');
  assert.equal(r.choices[0].message.tool_calls[0].function.name, 'get_weather');
  JSON.parse(r.choices[0].message.tool_calls[0].function.arguments);

  const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', tools, stream: true, messages: [{ role: 'user', content: 'use tool please' }] });
  let name = '', args = '', finish = null;
  for await (const chunk of stream) {
    for (const c of chunk.choices) {
      for (const tc of c.delta?.tool_calls ?? []) {
        name += tc.function?.name ?? '';
        args += tc.function?.arguments ?? '';
      }
      if (c.finish_reason) finish = c.finish_reason;
    }
  }
  assert.equal(name, 'get_weather');
  JSON.parse(args);
  assert.equal(finish, 'tool_calls');
});

check('embeddings', async () => {
  const r = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['a', 'b'] });
  assert.equal(r.data.length, 2);
  assert.ok(r.data[0].embedding.length > 0);
});

check('models list and retrieve', async () => {
  const ids = [];
  for await (const m of client.models.list()) ids.push(m.id);
  assert.ok(ids.includes('gpt-4o-mini'), ids.join(','));
  const m = await client.models.retrieve('gpt-4o-mini');
  assert.equal(m.id, 'gpt-4o-mini');
});

check('legacy completions', async () => {
  const r = await client.completions.create({ model: 'gpt-4o-mini', prompt: 'say hi' });
  assert.ok(r.choices.length > 0);
});

check('unknown model is a NotFoundError', async () => {
  await assert.rejects(
    client.chat.completions.create({ model: 'no-such-model', messages: [{ role: 'user', content: 'x' }] }),
    (e) => e instanceof OpenAI.NotFoundError && e.status === 404);
});

check('bad key is an AuthenticationError', async () => {
  const bad = new OpenAI({ baseURL, apiKey: 'bk_proj_nope', maxRetries: 0 });
  await assert.rejects(bad.models.list(), (e) => e instanceof OpenAI.AuthenticationError && e.status === 401);
});

check('an Anthropic-served model through the same client: chat, stream, tools', async () => {
  const r = await client.chat.completions.create({ model: 'claude-3-5-haiku', messages: [{ role: 'user', content: 'hi claude' }] });
  assert.match(r.choices[0].message.content, /hi claude/);
  let text = '';
  const stream = await client.chat.completions.create({ model: 'claude-3-5-haiku', stream: true, messages: [{ role: 'user', content: 'stream claude' }] });
  for await (const chunk of stream) for (const c of chunk.choices) text += c.delta?.content ?? '';
  assert.match(text, /stream claude/);
  const tools = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }];
  const t = await client.chat.completions.create({ model: 'claude-3-5-haiku', tools, messages: [{ role: 'user', content: 'use tool please' }] });
  assert.equal(t.choices[0].finish_reason, 'tool_calls');
  assert.equal(t.choices[0].message.tool_calls[0].function.name, 'get_weather');
  JSON.parse(t.choices[0].message.tool_calls[0].function.arguments);
  let name = '', args = '';
  const ts = await client.chat.completions.create({ model: 'claude-3-5-haiku', tools, stream: true, messages: [{ role: 'user', content: 'use tool please' }] });
  for await (const chunk of ts) for (const c of chunk.choices) for (const tc of c.delta?.tool_calls ?? []) {
    name += tc.function?.name ?? '';
    args += tc.function?.arguments ?? '';
  }
  assert.equal(name, 'get_weather');
  JSON.parse(args);
});

check('a Gemini-served model through the same client: chat and stream', async () => {
  const r = await client.chat.completions.create({ model: 'gemini-2.0-flash', messages: [{ role: 'user', content: 'hi gemini' }] });
  assert.match(r.choices[0].message.content, /hi gemini/);
  let text = '';
  const stream = await client.chat.completions.create({ model: 'gemini-2.0-flash', stream: true, messages: [{ role: 'user', content: 'stream gemini' }] });
  for await (const chunk of stream) for (const c of chunk.choices) text += c.delta?.content ?? '';
  assert.match(text, /stream gemini/);
});

check('a Gemini-served model answers n choices with logprobs, streamed into the SDK accumulator', async () => {
  const ask = { model: 'gemini-2.0-flash', n: 2, logprobs: true, top_logprobs: 1, messages: [{ role: 'user', content: 'two ways' }] };
  const r = await client.chat.completions.create(ask);
  assert.equal(r.choices.length, 2);
  assert.match(r.choices[1].message.content, /two ways \[candidate 1\]/);
  assert.equal(r.choices[0].logprobs.content.map((t) => t.token).join(''), r.choices[0].message.content);
  const stream = client.chat.completions.stream(ask);
  const done = await stream.finalChatCompletion();
  assert.deepEqual(done.choices.map((c) => c.index), [0, 1]);
  assert.match(done.choices[1].message.content, /two ways \[candidate 1\]/);
  assert.equal(done.choices[1].logprobs.content.map((t) => t.token).join(''), done.choices[1].message.content);
  assert.equal(done.choices[1].finish_reason, 'stop');
});

check('web search through translation: chat annotations and Responses url citations, streamed into the SDK accumulators', async () => {
  for (const model of ['claude-3-5-haiku', 'gemini-2.0-flash']) {
    const r = await client.chat.completions.create({ model, web_search_options: {}, messages: [{ role: 'user', content: 'news please' }] });
    const cite = r.choices[0].message.annotations?.[0];
    assert.equal(cite?.type, 'url_citation', model);
    assert.equal(cite.url_citation.url, 'https://search.mock.example/result', model);
    const cited = [...r.choices[0].message.content].slice(cite.url_citation.start_index, cite.url_citation.end_index).join('');
    assert.match(cited, /news please/, model);
    const stream = client.responses.stream({ model, input: 'news please', tools: [{ type: 'web_search' }] });
    const done = await stream.finalResponse();
    const text = done.output.find((i) => i.type === 'message').content[0];
    assert.equal(text.annotations[0]?.url, 'https://search.mock.example/result', model);
    assert.match(done.output_text, /news please/, model);
  }
});

check('a Cohere-served model through the same client: chat, stream, tools', async () => {
  const r = await client.chat.completions.create({ model: 'command-r', messages: [{ role: 'user', content: 'hi cohere' }] });
  assert.match(r.choices[0].message.content, /hi cohere/);
  let text = '';
  const stream = await client.chat.completions.create({ model: 'command-r', stream: true, messages: [{ role: 'user', content: 'stream cohere' }] });
  for await (const chunk of stream) for (const c of chunk.choices) text += c.delta?.content ?? '';
  assert.match(text, /stream cohere/);
  const tools = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }];
  let name = '', args = '';
  const ts = await client.chat.completions.create({ model: 'command-r', tools, stream: true, messages: [{ role: 'user', content: 'use tool please' }] });
  for await (const chunk of ts) for (const c of chunk.choices) for (const tc of c.delta?.tool_calls ?? []) {
    name += tc.function?.name ?? '';
    args += tc.function?.arguments ?? '';
  }
  assert.equal(name, 'get_weather');
  JSON.parse(args);
});

check('embeddings served by Gemini and Cohere (the SDK asks for base64 and decodes it)', async () => {
  for (const model of ['gemini-embedding-001', 'embed-v4.0']) {
    const r = await client.embeddings.create({ model, input: ['alpha', 'beta'] });
    assert.equal(r.data.length, 2, model);
    assert.ok(r.data[0].embedding.length > 0, model);
    assert.ok(r.data[0].embedding.every((x) => typeof x === 'number' && Number.isFinite(x)), model);
    const f = await client.embeddings.create({ model, input: 'alpha', encoding_format: 'float' });
    f.data[0].embedding.forEach((x, i) => assert.ok(Math.abs(x - r.data[0].embedding[i]) < 1e-6, `${model} ${i}`));
  }
});

check('legacy completions through chat-only providers, plain and streamed', async () => {
  for (const model of ['claude-3-5-haiku', 'gemini-2.0-flash', 'command-r']) {
    const r = await client.completions.create({ model, prompt: 'hello legacy', max_tokens: 200 });
    assert.equal(r.object, 'text_completion', model);
    assert.match(r.choices[0].text, /hello legacy/, model);
    assert.ok(r.usage.total_tokens > 0, model);
    const stream = await client.completions.create({ model, prompt: 'hello streamed legacy', max_tokens: 200, stream: true });
    let text = '', finish = null;
    for await (const chunk of stream) for (const c of chunk.choices) {
      text += c.text ?? '';
      finish = c.finish_reason ?? finish;
    }
    assert.match(text, /hello streamed legacy/, model);
    assert.equal(finish, 'stop', model);
  }
});

check('responses API: plain, streamed (text deltas to response.completed), function call, errors', async () => {
  const r = await client.responses.create({ model: 'gpt-4o-mini', instructions: 'be brief', input: 'hello responses' });
  assert.equal(r.object, 'response');
  assert.equal(r.status, 'completed');
  assert.match(r.output_text, /hello responses/, 'the SDK assembles output_text from the output items');
  assert.ok(r.usage.input_tokens > 0 && r.usage.output_tokens > 0);

  const stream = await client.responses.create({
    model: 'gpt-4o-mini', stream: true,
    input: [{ role: 'user', content: [{ type: 'input_text', text: 'stream the response' }] }],
  });
  let text = '', completed = null;
  for await (const event of stream) {
    if (event.type === 'response.output_text.delta') text += event.delta;
    if (event.type === 'response.completed') completed = event.response;
  }
  assert.match(text, /stream the response/);
  assert.ok(completed && completed.usage.total_tokens > 0, 'the terminal event carries usage');

  // The SDK's own stream helper, which rebuilds the final response from the events.
  const helper = client.responses.stream({ model: 'gpt-4o-mini', input: 'helper stream' });
  const final = await helper.finalResponse();
  assert.match(final.output_text, /helper stream/);

  const tools = [{ type: 'function', name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } }];
  const called = await client.responses.create({ model: 'gpt-4o-mini', tools, input: 'use tool please' });
  const fc = called.output.find((o) => o.type === 'function_call');
  assert.ok(fc, 'a function_call output item');
  assert.equal(fc.name, 'get_weather');
  JSON.parse(fc.arguments);

  // A stored response, reached again through the gateway: retrieve, input items, cancel, delete.
  const got = await client.responses.retrieve(r.id);
  assert.equal(got.id, r.id);
  const items = await client.responses.inputItems.list(r.id, { limit: 5 });
  assert.ok(Array.isArray(items.data));
  const cancelled = await client.responses.cancel(r.id);
  assert.equal(cancelled.status, 'cancelled');
  await client.responses.delete(r.id);

  // Counting a request's input tokens, and compacting a conversation (a recorded model pass).
  const counted = await client.responses.inputTokens.count({ model: 'gpt-4o-mini', input: 'count these tokens' });
  assert.equal(counted.object, 'response.input_tokens');
  assert.ok(counted.input_tokens > 0);
  const compacted = await client.responses.compact({ model: 'gpt-4o-mini', input: [{ role: 'user', content: 'long talk' }] });
  assert.equal(compacted.object, 'response.compaction');
  assert.ok(compacted.usage.input_tokens > 0);

  // A background response: queued when created, then its stream resumed through the gateway (the
  // SDK's stream helper replays it from the start and checks every event).
  const bg = await client.responses.create({ model: 'gpt-4o-mini', input: 'in the background', background: true });
  assert.equal(bg.status, 'queued');
  const resumed = await client.responses.stream({ response_id: bg.id }).finalResponse();
  assert.equal(resumed.status, 'completed');
  assert.equal(resumed.output_text, 'mock stored response');
  const replay = await client.responses.retrieve(bg.id, { stream: true, starting_after: 2 });
  const seqs = [];
  for await (const event of replay) seqs.push(event.sequence_number);
  assert.ok(seqs.length > 0 && seqs[0] === 3, `resumed after event 2: ${seqs}`);
  await assert.rejects(client.responses.retrieve('resp_never_made'), (e) => e instanceof OpenAI.NotFoundError);

  await assert.rejects(client.responses.create({ model: 'claude-3-5-haiku', input: 'hi', previous_response_id: r.id }),
    (e) => e instanceof OpenAI.BadRequestError && /previous_response_id/.test(e.message));
  await assert.rejects(client.responses.create({ model: 'gpt-4o-mini', input: 'mock-fault:status=429' }),
    (e) => e instanceof OpenAI.RateLimitError);
  const failing = await client.responses.create({ model: 'gpt-4o-mini', stream: true, input: 'a long answer to cut mock-fault:stream_error=1' });
  await assert.rejects((async () => { for await (const _ of failing); })(), (e) => e instanceof OpenAI.APIError && /server had an error/.test(e.message), 'the in-band error event is an APIError');
});

check('responses API for providers without it (Anthropic, Gemini, Cohere), by translation', async () => {
  const tools = [{ type: 'function', name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } }];
  for (const model of ['claude-3-5-haiku', 'gemini-2.0-flash', 'command-r']) {
    const r = await client.responses.create({ model, instructions: 'be brief', input: `hello ${model}` });
    assert.equal(r.object, 'response', model);
    assert.equal(r.status, 'completed', model);
    assert.equal(r.model, model);
    assert.match(r.output_text, new RegExp(`hello ${model}`), model);
    assert.ok(r.usage.input_tokens > 0 && r.usage.output_tokens > 0, model);

    // The SDK's stream helper checks every event against the response it rebuilds.
    const helper = client.responses.stream({ model, input: `helper ${model}` });
    let deltas = '';
    helper.on('response.output_text.delta', (e) => { deltas += e.delta; });
    const final = await helper.finalResponse();
    assert.match(final.output_text, new RegExp(`helper ${model}`), model);
    assert.equal(final.output_text, deltas, model);
    assert.ok(final.usage.total_tokens > 0, model);

    // A function call, its output handed back as the next turn's input items.
    const called = await client.responses.create({ model, tools, input: 'weather in Paris? use tool' });
    const fc = called.output.find((o) => o.type === 'function_call');
    assert.ok(fc, `${model}: a function_call output item`);
    assert.equal(fc.name, 'get_weather');
    JSON.parse(fc.arguments);
    const answered = await client.responses.create({
      model, tools,
      input: [{ role: 'user', content: 'weather in Paris? use tool' }, fc, { type: 'function_call_output', call_id: fc.call_id, output: 'sunny' }],
    });
    assert.ok(answered.output_text.length > 0, `${model}: answered in text after the tool output`);

    const streamedCall = client.responses.stream({ model, tools, input: 'weather in Oslo? use tool' });
    const done = await streamedCall.finalResponse();
    const sfc = done.output.find((o) => o.type === 'function_call');
    assert.ok(sfc && JSON.parse(sfc.arguments), `${model}: a streamed function call`);
  }
  const claudeCount = await client.responses.inputTokens.count({ model: 'claude-3-5-haiku', input: 'count me' });
  assert.equal(claudeCount.object, 'response.input_tokens');
  assert.ok(claudeCount.input_tokens > 0, 'counted by Anthropic through translation');
  const geminiCount = await client.responses.inputTokens.count({ model: 'gemini-2.0-flash', input: 'count me' });
  assert.ok(geminiCount.input_tokens > 0, 'counted by Gemini through translation');
  const failing = await client.responses.create({ model: 'claude-3-5-haiku', stream: true, input: 'mock-fault:disconnect=3' });
  await assert.rejects((async () => { for await (const _ of failing); })(), (e) => e instanceof OpenAI.APIError, 'a dying stream is an APIError');
});

// What an application does with a streamed reply: put the assistant message back together,
// keeping the fields a provider needs on the next turn (thinking_blocks, tool calls' extra_content).
async function assembled(stream) {
  const message = { role: 'assistant', content: '' };
  let reasoning = '';
  const blocks = [], calls = [];
  for await (const chunk of stream) for (const c of chunk.choices) {
    const d = c.delta ?? {};
    message.content += d.content ?? '';
    reasoning += d.reasoning_content ?? '';
    if (d.thinking_blocks) blocks.push(...d.thinking_blocks);
    if (d.extra_content) message.extra_content = d.extra_content;
    for (const tc of d.tool_calls ?? []) {
      calls[tc.index] ??= { id: tc.id, type: 'function', function: { name: '', arguments: '' } };
      calls[tc.index].function.name += tc.function?.name ?? '';
      calls[tc.index].function.arguments += tc.function?.arguments ?? '';
      if (tc.extra_content) calls[tc.index].extra_content = tc.extra_content;
    }
  }
  if (reasoning) message.reasoning_content = reasoning;
  if (blocks.length) message.thinking_blocks = blocks;
  if (calls.length) message.tool_calls = calls;
  return message;
}

const weatherTools = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } }];

check('reasoning by translation: reasoning_effort, reasoning_content, and a tool loop that needs its signatures back', async () => {
  const ask = [{ role: 'user', content: 'weather in Rome? use tool' }];
  for (const model of ['claude-3-5-haiku', 'gemini-3-flash', 'command-r']) {
    const first = await client.chat.completions.create({ model, tools: weatherTools, reasoning_effort: 'low', messages: ask });
    const msg = first.choices[0].message;
    assert.match(msg.reasoning_content ?? '', /mock thinking about: weather in Rome/, model);
    assert.equal(first.choices[0].finish_reason, 'tool_calls', model);
    const reply = (m) => [...ask, m, { role: 'tool', tool_call_id: m.tool_calls[0].id, content: 'sunny' }];
    const next = await client.chat.completions.create({ model, tools: weatherTools, reasoning_effort: 'low', messages: reply(msg) });
    assert.ok(next.choices[0].message.content.length > 0, `${model}: the provider took the turn back`);

    const streamed = await assembled(await client.chat.completions.create({
      model, tools: weatherTools, reasoning_effort: 'low', messages: ask, stream: true }));
    assert.match(streamed.reasoning_content ?? '', /mock thinking about/, `${model} streamed`);
    const after = await client.chat.completions.create({ model, tools: weatherTools, reasoning_effort: 'low', messages: reply(streamed) });
    assert.ok(after.choices[0].message.content.length > 0, `${model}: the streamed turn taken back`);
    if (model === 'claude-3-5-haiku') {
      assert.equal(streamed.thinking_blocks?.[0]?.type, 'thinking');
      const { thinking_blocks, ...stripped } = msg;
      await assert.rejects(client.chat.completions.create({ model, tools: weatherTools, reasoning_effort: 'low', messages: reply(stripped) }),
        (e) => e instanceof OpenAI.BadRequestError && /thinking/.test(e.message), 'Anthropic refuses a tool turn without its thinking');
    }
    if (model === 'gemini-3-flash') assert.ok(streamed.tool_calls[0].extra_content?.google?.thought_signature, 'the call keeps its signature');
  }
  // A reasoner on an OpenAI-compatible server answers with reasoning_content itself: relayed as it is.
  const ds = await client.chat.completions.create({ model: 'deepseek-reasoner', messages: [{ role: 'user', content: 'think' }] });
  assert.match(ds.choices[0].message.reasoning_content, /mock thinking about: think/);
  await assert.rejects(client.chat.completions.create({ model: 'claude-3-5-haiku', reasoning_effort: 'huge', messages: ask }),
    (e) => e instanceof OpenAI.BadRequestError && /reasoning_effort/.test(e.message));
});

check('responses API by translation with reasoning: a reasoning item whose encrypted_content keeps the tool loop going', async () => {
  const tools = [{ type: 'function', name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } }];
  const ask = { role: 'user', content: 'weather in Oslo? use tool' };
  for (const model of ['claude-3-5-haiku', 'gemini-3-flash', 'deepseek-reasoner']) {
    for (const how of ['plain', 'streamed']) {
      const req = { model, tools, reasoning: { effort: 'low' }, input: [ask] };
      const called = how === 'plain' ? await client.responses.create(req) : await client.responses.stream(req).finalResponse();
      const rs = called.output.find((o) => o.type === 'reasoning');
      assert.ok(rs, `${model} ${how}: a reasoning item`);
      assert.match(rs.content?.[0]?.text ?? '', /mock thinking about/, `${model} ${how}`);
      if (model !== 'deepseek-reasoner') assert.ok(rs.encrypted_content, `${model} ${how}: what the provider needs back`);
      const fc = called.output.find((o) => o.type === 'function_call');
      assert.ok(fc, `${model} ${how}: a function call`);
      const answered = await client.responses.create({
        model, tools, reasoning: { effort: 'low' },
        input: [ask, ...called.output, { type: 'function_call_output', call_id: fc.call_id, output: 'cold' }],
      });
      assert.ok(answered.output_text.length > 0, `${model} ${how}: the turn was taken back`);
    }
    // Asking for summaries puts the thinking there (the SDK's helper checks the summary events).
    const summarized = await client.responses.stream({ model, reasoning: { effort: 'low', summary: 'auto' }, input: 'summarise your thinking' }).finalResponse();
    const srs = summarized.output.find((o) => o.type === 'reasoning');
    assert.match(srs?.summary?.[0]?.text ?? '', /mock thinking about: summarise your thinking/, `${model}: summary`);
    assert.equal(summarized.reasoning.summary, 'auto');
  }
});

check('JSON answers from Anthropic models: response_format and text.format through a forced tool', async () => {
  const schema = { type: 'object', properties: { verdict: { type: 'string' } }, required: ['verdict'] };
  const response_format = { type: 'json_schema', json_schema: { name: 'verdict', schema } };
  const r = await client.chat.completions.create({ model: 'claude-3-5-haiku', response_format, messages: [{ role: 'user', content: 'judge the case' }] });
  assert.deepEqual(JSON.parse(r.choices[0].message.content), { verdict: 'judge the case' });
  assert.equal(r.choices[0].finish_reason, 'stop');
  assert.equal(r.choices[0].message.tool_calls, undefined);
  const streamed = await assembled(await client.chat.completions.create({
    model: 'claude-3-5-haiku', response_format, stream: true, messages: [{ role: 'user', content: 'judge again' }] }));
  assert.deepEqual(JSON.parse(streamed.content), { verdict: 'judge again' });
  const resp = await client.responses.create({ model: 'claude-3-5-haiku', input: 'judge once more',
    text: { format: { type: 'json_schema', name: 'verdict', schema } } });
  assert.deepEqual(JSON.parse(resp.output_text), { verdict: 'judge once more' });
  await assert.rejects(client.chat.completions.create({ model: 'claude-3-5-haiku', response_format, tools: weatherTools,
    messages: [{ role: 'user', content: 'x' }] }), (e) => e instanceof OpenAI.BadRequestError && /tools/.test(e.message));
});

check('tool_choice and strict tool schemas through every translated provider', async () => {
  const strictTools = [{ type: 'function', function: { name: 'get_weather', strict: true,
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false } } }];
  for (const model of ['claude-3-5-haiku', 'gemini-2.0-flash', 'command-r']) {
    // Nothing in the prompt asks for the tool: only the forced choice makes the call.
    for (const tool_choice of ['required', { type: 'function', function: { name: 'get_weather' } }]) {
      const r = await client.chat.completions.create({ model, tools: strictTools, tool_choice, messages: [{ role: 'user', content: 'Lima' }] });
      assert.equal(r.choices[0].message.tool_calls?.[0]?.function.name, 'get_weather', `${model} ${JSON.stringify(tool_choice)}`);
      assert.deepEqual(JSON.parse(r.choices[0].message.tool_calls[0].function.arguments), { city: 'Lima' }, model);
    }
    const none = await client.chat.completions.create({ model, tools: strictTools, tool_choice: 'none', messages: [{ role: 'user', content: 'use tool please' }] });
    assert.equal(none.choices[0].message.tool_calls, undefined, `${model}: none means no call`);
  }
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
