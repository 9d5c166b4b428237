#!/usr/bin/env bash
# Self-test for brokle_mock_provider: starts it on port 0 and checks every wire format (plain and
# streamed), thinking / reasoning in each of them (blocks, signatures, usage, validation, history
# rules), auth and malformed-body errors, the fault-injection headers, /mock/stats, garbage input
# and a clean SIGTERM exit. Needs only bash and curl. Exits non-zero when any check fails.
# Usage: tests/mock_provider/mock_provider_selftest.sh [path/to/brokle_mock_provider]
set -uo pipefail

BIN=${1:-${BROKLE_MOCK_PROVIDER:-}}
if [ -z "$BIN" ]; then
  for candidate in build/tests/mock_provider/brokle_mock_provider build/tests/brokle_mock_provider \
                   build/release/tests/mock_provider/brokle_mock_provider; do
    [ -x "$candidate" ] && BIN=$candidate && break
  done
fi
[ -n "$BIN" ] && [ -x "$BIN" ] || { echo "usage: $0 path/to/brokle_mock_provider" >&2; exit 2; }
command -v curl >/dev/null || { echo "curl is required" >&2; exit 2; }

WORK=$(mktemp -d)
PID=
cleanup() {
  if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; then kill -TERM "$PID"; wait "$PID" 2>/dev/null; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

"$BIN" --port 0 >"$WORK/stdout" 2>"$WORK/stderr" &
PID=$!
for _ in $(seq 100); do grep -q 'listening on' "$WORK/stdout" 2>/dev/null && break; sleep 0.05; done
LINE=$(head -1 "$WORK/stdout")
if ! [[ $LINE =~ ^mock\ provider\ listening\ on\ 127\.0\.0\.1:([0-9]+)$ ]]; then
  echo "FAIL: startup line was '$LINE'"; cat "$WORK/stderr"; exit 1
fi
PORT=${BASH_REMATCH[1]}
BASE="http://127.0.0.1:$PORT"

FAILURES=0
CHECKS=0
pass() { CHECKS=$((CHECKS + 1)); }
fail() { CHECKS=$((CHECKS + 1)); FAILURES=$((FAILURES + 1)); echo "FAIL: $1"; [ -n "${2:-}" ] && echo "  got: ${2:0:600}"; }
# expect_has DESCRIPTION TEXT NEEDLE... : every needle must occur in TEXT (fixed strings).
expect_has() {
  local what=$1 text=$2; shift 2
  for needle in "$@"; do
    if grep -qF -- "$needle" <<<"$text"; then pass; else fail "$what: missing '$needle'" "$text"; fi
  done
}
expect_equal() { if [ "$2" == "$3" ]; then pass; else fail "$1: expected '$3'" "$2"; fi; }

OPENAI=(-H 'Authorization: Bearer sk-test-openai' -H 'Content-Type: application/json')
ANTHROPIC=(-H 'x-api-key: sk-ant-test' -H 'anthropic-version: 2023-06-01' -H 'Content-Type: application/json')
GEMINI=(-H 'x-goog-api-key: gm-test' -H 'Content-Type: application/json')
COHERE=(-H 'Authorization: Bearer co-test' -H 'Content-Type: application/json')
post() { curl -sS --max-time 10 "$@"; }
# Event names of an SSE body, one line, in order.
event_names() { grep '^event: ' | sed 's/^event: //' | tr '\n' ' '; }

CHAT='{"model":"gpt-4o-mini","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hello mock provider"}]}'
TOOLS='"tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}]'

# --- OpenAI ---------------------------------------------------------------------------------------
out=$(post "${OPENAI[@]}" "$BASE/v1/chat/completions" -d "$CHAT")
expect_has "openai chat" "$out" '"object":"chat.completion"' '"model":"gpt-4o-mini"' \
  '"content":"mock reply to: Hello mock provider"' '"finish_reason":"stop"' '"prompt_tokens":7' \
  '"completion_tokens":8' '"total_tokens":15' '"cached_tokens":0' '"reasoning_tokens":0'

out=$(post -N "${OPENAI[@]}" "$BASE/v1/chat/completions" \
  -d '{"model":"gpt-4o-mini","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Hello mock provider"}]}')
expect_has "openai chat stream" "$out" '"object":"chat.completion.chunk"' '"delta":{"role":"assistant"' \
  '"finish_reason":"stop"' '"choices":[],"usage":{"prompt_tokens":4' 'data: [DONE]'
expect_equal "openai chat stream content deltas" "$(grep -c '"delta":{"content":' <<<"$out")" 4
expect_equal "openai chat stream reassembled" \
  "$(grep -o '"delta":{"content":"[^"]*"' <<<"$out" | sed 's/.*"content":"//; s/"$//' | tr -d '\n')" \
  "mock reply to: Hello mock provider"

out=$(post "${OPENAI[@]}" "$BASE/v1/chat/completions" \
  -d "{\"model\":\"gpt-4o\",$TOOLS,\"messages\":[{\"role\":\"user\",\"content\":\"Please use tool for Paris\"}]}")
expect_has "openai tool call" "$out" '"finish_reason":"tool_calls"' '"name":"get_weather"' \
  '"arguments":"{\"city\":\"Please use tool for Paris\"}"' '"content":null'

out=$(post -N "${OPENAI[@]}" "$BASE/v1/chat/completions" \
  -d "{\"model\":\"gpt-4o\",\"stream\":true,$TOOLS,\"messages\":[{\"role\":\"user\",\"content\":\"use tool\"}]}")
expect_has "openai tool stream" "$out" '"tool_calls":[{"index":0,"id":"call_mock_' '"name":"get_weather","arguments":""' \
  '"finish_reason":"tool_calls"' 'data: [DONE]'
expect_equal "openai tool stream argument fragments" "$(grep -c '"tool_calls":\[{"index":0,"function":{"arguments"' <<<"$out")" 2

out=$(post "${OPENAI[@]}" "$BASE/v1/completions" -d '{"model":"gpt-3.5-turbo-instruct","prompt":"Once upon"}')
expect_has "openai completions" "$out" '"object":"text_completion"' '"text":"mock reply to: Once upon"'

out=$(post "${OPENAI[@]}" "$BASE/v1/embeddings" -d '{"model":"text-embedding-3-small","input":["alpha","beta"]}')
expect_has "openai embeddings" "$out" '"object":"list"' '"object":"embedding","index":1' '"usage":{"prompt_tokens":'
expect_equal "openai embedding dimensions" "$(grep -o '"embedding":\[[^]]*\]' <<<"$out" | head -1 | tr ',' '\n' | wc -l)" 8
again=$(post "${OPENAI[@]}" "$BASE/v1/embeddings" -d '{"model":"text-embedding-3-small","input":["alpha","beta"]}')
expect_equal "openai embeddings deterministic" "$again" "$out"

out=$(post "${OPENAI[@]}" "$BASE/v1/models")
expect_has "openai models" "$out" '"object":"list"' '"id":"gpt-4o-mini"'
out=$(post "${OPENAI[@]}" "$BASE/v1/models/gpt-4o")
expect_has "openai model" "$out" '"id":"gpt-4o","object":"model"'

# --- Anthropic ------------------------------------------------------------------------------------
out=$(post "${ANTHROPIC[@]}" "$BASE/v1/messages" \
  -d '{"model":"claude-3-5-haiku-latest","max_tokens":256,"system":"Be brief.","messages":[{"role":"user","content":"Hello Claude"}]}')
expect_has "anthropic message" "$out" '"type":"message"' '"role":"assistant"' '"model":"claude-3-5-haiku-latest"' \
  '"content":[{"type":"text","text":"mock reply to: Hello Claude"}]' '"stop_reason":"end_turn"' \
  '"input_tokens":5' '"output_tokens":6' '"cache_read_input_tokens":0'

out=$(post -N "${ANTHROPIC[@]}" "$BASE/v1/messages" \
  -d '{"model":"claude-3-5-haiku-latest","max_tokens":256,"stream":true,"messages":[{"role":"user","content":"Hello Claude"}]}')
expect_equal "anthropic stream events" "$(event_names <<<"$out")" \
  "message_start content_block_start ping content_block_delta content_block_delta content_block_delta content_block_delta content_block_stop message_delta message_stop "
expect_has "anthropic stream" "$out" '"type":"text_delta"' '"stop_reason":"end_turn"' '"usage":{"output_tokens":6}'

out=$(post -N "${ANTHROPIC[@]}" "$BASE/v1/messages" \
  -d '{"model":"claude-3-5-haiku-latest","max_tokens":256,"stream":true,"tools":[{"name":"get_weather","input_schema":{"type":"object","properties":{"city":{"type":"string"}}}}],"messages":[{"role":"user","content":"use tool: Paris"}]}')
expect_has "anthropic tool stream" "$out" '"type":"tool_use","id":"toolu_mock_' '"name":"get_weather"' \
  '"type":"input_json_delta"' '"stop_reason":"tool_use"'

A_SEARCH='{"model":"claude-3-5-haiku-latest","max_tokens":256,"tools":[{"type":"web_search_20250305","name":"web_search"}],"messages":[{"role":"user","content":"Hello Claude"}]'
out=$(post "${ANTHROPIC[@]}" "$BASE/v1/messages" -d "$A_SEARCH}")
expect_has "anthropic web search" "$out" '"type":"server_tool_use","id":"srvtoolu_mock_' '"type":"web_search_tool_result"' \
  '{"type":"text","text":"Searched. "}' '"citations":[{"type":"web_search_result_location","url":"https://search.mock.example/result"' \
  '"server_tool_use":{"web_search_requests":1}'
out=$(post -N "${ANTHROPIC[@]}" "$BASE/v1/messages" -d "$A_SEARCH,\"stream\":true}")
expect_has "anthropic web search stream" "$out" '"type":"citations_delta"' '"content_block":{"type":"web_search_tool_result"' \
  '"server_tool_use":{"web_search_requests":1}'
code=$(post -o /dev/null -w '%{http_code}' "${ANTHROPIC[@]}" "$BASE/v1/messages" -d '{"model":"claude-3-5-haiku-latest","max_tokens":256,"tools":[{"type":"web_search_20250305","name":"search"}],"messages":[{"role":"user","content":"x"}]}')
expect_equal "anthropic web search tool must be named web_search" "$code" 400

# --- Gemini ---------------------------------------------------------------------------------------
GEMINI_BODY='{"contents":[{"role":"user","parts":[{"text":"Hello Gemini"}]}]}'
out=$(post -H 'Content-Type: application/json' "$BASE/v1beta/models/gemini-2.0-flash:generateContent?key=gm-test" -d "$GEMINI_BODY")
expect_has "gemini generate" "$out" '"candidates":[{"content":{"parts":[{"text":"mock reply to: Hello Gemini"}],"role":"model"}' \
  '"finishReason":"STOP"' '"usageMetadata":{"promptTokenCount":3,"candidatesTokenCount":6,"totalTokenCount":9}'

out=$(post -N "${GEMINI[@]}" "$BASE/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse" -d "$GEMINI_BODY")
expect_equal "gemini sse chunks" "$(grep -c '^data: {"candidates"' <<<"$out")" 4
expect_has "gemini sse" "$out" '"finishReason":"STOP"' '"candidatesTokenCount":6'

# --- Cohere ---------------------------------------------------------------------------------------
out=$(post "${COHERE[@]}" "$BASE/v2/chat" -d '{"model":"command-r-plus","messages":[{"role":"user","content":"Hello Cohere"}]}')
expect_has "cohere chat" "$out" '"message":{"role":"assistant","content":[{"type":"text","text":"mock reply to: Hello Cohere"}]}' \
  '"finish_reason":"COMPLETE"' '"tokens":{"input_tokens":3,"output_tokens":6}'

out=$(post -N "${COHERE[@]}" "$BASE/v2/chat" \
  -d '{"model":"command-r-plus","stream":true,"messages":[{"role":"user","content":"Hello Cohere"}]}')
expect_equal "cohere stream events" "$(event_names <<<"$out")" \
  "message-start content-start content-delta content-delta content-delta content-delta content-end message-end "
expect_has "cohere stream" "$out" '"finish_reason":"COMPLETE"' '"usage":{'

# --- Auth and malformed bodies --------------------------------------------------------------------
status_of() { curl -sS --max-time 10 -o "$WORK/body" -w '%{http_code}' "$@"; }

# A forced tool is called whatever the prompt says; forced with thinking on is the real API's 400.
FORCED='"tools":[{"name":"answer","input_schema":{"type":"object","properties":{"verdict":{"type":"string"}}}}],"tool_choice":{"type":"tool","name":"answer"}'
out=$(post "${ANTHROPIC[@]}" "$BASE/v1/messages" \
  -d '{"model":"claude-3-5-haiku-latest","max_tokens":256,'"$FORCED"',"messages":[{"role":"user","content":"Judge this"}]}')
expect_has "anthropic forced tool" "$out" '"type":"tool_use"' '"name":"answer"' '"input":{"verdict":"Judge this"}' '"stop_reason":"tool_use"'
code=$(status_of "${ANTHROPIC[@]}" "$BASE/v1/messages" \
  -d '{"model":"claude-3-5-haiku-latest","max_tokens":256,"tools":[{"name":"answer","input_schema":{"type":"object"}}],"tool_choice":{"type":"tool","name":"other"},"messages":[{"role":"user","content":"x"}]}')
expect_equal "anthropic tool_choice naming an undeclared tool" "$code" 400
code=$(status_of "${ANTHROPIC[@]}" "$BASE/v1/messages" \
  -d '{"model":"claude-3-5-haiku-latest","max_tokens":4096,"thinking":{"type":"enabled","budget_tokens":1024},'"$FORCED"',"messages":[{"role":"user","content":"x"}]}')
expect_equal "anthropic forced tool with thinking" "$code" 400
expect_has "anthropic forced tool with thinking" "$(cat "$WORK/body")" 'Thinking may not be enabled when tool_choice forces tool use'
# Gemini's functionCallingConfig ANY and Cohere's REQUIRED force a call too; a JSON-schema tool
# (parametersJsonSchema) is read like a parameters one.
out=$(post "${GEMINI[@]}" "$BASE/v1beta/models/gemini-2.0-flash:generateContent" \
  -d '{"contents":[{"role":"user","parts":[{"text":"Rome"}]}],"tools":[{"functionDeclarations":[{"name":"get_weather","parametersJsonSchema":{"type":"object","properties":{"city":{"type":"string"}},"additionalProperties":false}}]}],"toolConfig":{"functionCallingConfig":{"mode":"ANY"}}}')
expect_has "gemini forced call (ANY, parametersJsonSchema)" "$out" '"functionCall":{"name":"get_weather","args":{"city":"Rome"}}'
code=$(status_of "${GEMINI[@]}" "$BASE/v1beta/models/gemini-2.0-flash:generateContent" \
  -d '{"contents":[{"role":"user","parts":[{"text":"x"}]}],"tools":[{"functionDeclarations":[{"name":"f","parameters":{"type":"object"},"parametersJsonSchema":{"type":"object"}}]}]}')
expect_equal "gemini parameters with parametersJsonSchema" "$code" 400
out=$(post "${COHERE[@]}" "$BASE/v2/chat" \
  -d '{"model":"command-r","tool_choice":"REQUIRED","tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}],"messages":[{"role":"user","content":"Oslo"}]}')
expect_has "cohere forced call (REQUIRED)" "$out" '"name":"get_weather"' '"finish_reason":"TOOL_CALL"'

code=$(status_of "$BASE/v1/chat/completions" -d "$CHAT")
expect_equal "openai 401 status" "$code" 401
expect_has "openai 401 body" "$(cat "$WORK/body")" '"error":{"message":' '"code":"invalid_api_key"'
code=$(status_of -H 'anthropic-version: 2023-06-01' "$BASE/v1/messages" -d '{}')
expect_equal "anthropic 401 status" "$code" 401
expect_has "anthropic 401 body" "$(cat "$WORK/body")" '"type":"error","error":{"type":"authentication_error"'
code=$(status_of "$BASE/v1beta/models/gemini-2.0-flash:generateContent" -d "$GEMINI_BODY")
expect_equal "gemini 401 status" "$code" 401
expect_has "gemini 401 body" "$(cat "$WORK/body")" '"code":401' '"status":"UNAUTHENTICATED"'
code=$(status_of "$BASE/v2/chat" -d '{}')
expect_equal "cohere 401 status" "$code" 401
expect_has "cohere 401 body" "$(cat "$WORK/body")" '{"message":'
code=$(status_of "${OPENAI[@]}" "$BASE/v1/chat/completions" -d '{"model": oops')
expect_equal "openai malformed json status" "$code" 400
expect_has "openai malformed json body" "$(cat "$WORK/body")" '"type":"invalid_request_error"'
code=$(status_of "${ANTHROPIC[@]}" "$BASE/v1/messages" -d '[1,')
expect_equal "anthropic malformed json status" "$code" 400
expect_has "anthropic malformed json body" "$(cat "$WORK/body")" '"type":"invalid_request_error"'

# --- Thinking and reasoning -----------------------------------------------------------------------
# Signatures are recomputed here: "mocksig-" + the 64-bit FNV-1a of the signed text, in hex.
fnv1a_hex() {
  local LC_ALL=C text=$1 h=$((0xcbf29ce484222325)) i byte
  for ((i = 0; i < ${#text}; i++)); do
    printf -v byte '%d' "'${text:i:1}"
    h=$(( (h ^ (byte & 255)) * 0x100000001b3 ))
  done
  printf '%016x' "$h"
}
mock_signature() { printf 'mocksig-%s' "$(fnv1a_hex "$1")"; }
expect_equal "fnv1a test vector" "$(fnv1a_hex a)" af63dc4c8601ec8c
# joined KEY: the string values of every "KEY":"..." in stdin, concatenated (a stream's deltas).
joined() { grep -o "\"$1\":\"[^\"]*\"" | sed "s/^\"$1\":\"//; s/\"\$//" | tr -d '\n'; }
# expect_400 DESCRIPTION MESSAGE curl-args... : the request is refused with a 400 whose body says MESSAGE.
expect_400() {
  local what=$1 message=$2; shift 2
  expect_equal "$what status" "$(status_of "$@")" 400
  expect_has "$what message" "$(cat "$WORK/body")" "$message"
}

# Anthropic: a signed thinking block first, counted in output_tokens (6 text + 8 thinking).
THINK='"thinking":{"type":"enabled","budget_tokens":1024}'
A_TOOL='"tools":[{"name":"get_weather","input_schema":{"type":"object","properties":{"city":{"type":"string"}}}}]'
SIG_CLAUDE=$(mock_signature "mock thinking about: Hello Claude")
out=$(post "${ANTHROPIC[@]}" "$BASE/v1/messages" \
  -d "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":2048,$THINK,\"messages\":[{\"role\":\"user\",\"content\":\"Hello Claude\"}]}")
expect_has "anthropic thinking" "$out" \
  "\"content\":[{\"type\":\"thinking\",\"thinking\":\"mock thinking about: Hello Claude\",\"signature\":\"$SIG_CLAUDE\"},{\"type\":\"text\",\"text\":\"mock reply to: Hello Claude\"}]" \
  '"output_tokens":14'

out=$(post -N "${ANTHROPIC[@]}" "$BASE/v1/messages" \
  -d "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":2048,\"stream\":true,$THINK,\"messages\":[{\"role\":\"user\",\"content\":\"Hello Claude\"}]}")
expect_equal "anthropic thinking stream events" "$(event_names <<<"$out")" \
  "message_start content_block_start ping content_block_delta content_block_delta content_block_delta content_block_delta content_block_delta content_block_stop content_block_start content_block_delta content_block_delta content_block_delta content_block_delta content_block_stop message_delta message_stop "
expect_has "anthropic thinking stream" "$out" \
  '"index":0,"content_block":{"type":"thinking","thinking":"","signature":""}' \
  "\"index\":0,\"delta\":{\"type\":\"signature_delta\",\"signature\":\"$SIG_CLAUDE\"}" \
  '"type":"content_block_stop","index":0' '"index":1,"content_block":{"type":"text","text":""}' \
  '"index":1,"delta":{"type":"text_delta"' '"type":"content_block_stop","index":1' '"usage":{"output_tokens":14}'
expect_equal "anthropic thinking deltas reassembled" "$(grep '"thinking_delta"' <<<"$out" | joined thinking)" \
  "mock thinking about: Hello Claude"
expect_equal "anthropic text deltas after thinking" "$(grep '"text_delta"' <<<"$out" | joined text)" "mock reply to: Hello Claude"

out=$(post "${ANTHROPIC[@]}" "$BASE/v1/messages" \
  -d "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":2048,$THINK,\"messages\":[{\"role\":\"user\",\"content\":\"Please REDACT this\"}]}")
REDACTED="mockredacted-$(fnv1a_hex "mock thinking about: Please REDACT this")"
expect_has "anthropic redacted thinking" "$out" \
  "\"content\":[{\"type\":\"redacted_thinking\",\"data\":\"$REDACTED\"},{\"type\":\"text\","
out=$(post -N "${ANTHROPIC[@]}" "$BASE/v1/messages" \
  -d "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":2048,\"stream\":true,$THINK,\"messages\":[{\"role\":\"user\",\"content\":\"Please REDACT this\"}]}")
expect_equal "anthropic redacted thinking stream events" "$(event_names <<<"$out")" \
  "message_start content_block_start ping content_block_stop content_block_start content_block_delta content_block_delta content_block_delta content_block_delta content_block_stop message_delta message_stop "
expect_has "anthropic redacted thinking stream" "$out" \
  "\"index\":0,\"content_block\":{\"type\":\"redacted_thinking\",\"data\":\"$REDACTED\"}"

# A tool call with thinking: thinking block, then tool_use; the stream shifts tool_use to index 1.
TOOL_TURN=$(post "${ANTHROPIC[@]}" "$BASE/v1/messages" \
  -d "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":2048,$THINK,$A_TOOL,\"messages\":[{\"role\":\"user\",\"content\":\"use tool: Paris\"}]}")
expect_has "anthropic thinking tool call" "$TOOL_TURN" \
  "\"content\":[{\"type\":\"thinking\",\"thinking\":\"mock thinking about: use tool: Paris\",\"signature\":\"$(mock_signature "mock thinking about: use tool: Paris")\"},{\"type\":\"tool_use\"" \
  '"stop_reason":"tool_use"'
out=$(post -N "${ANTHROPIC[@]}" "$BASE/v1/messages" \
  -d "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":2048,\"stream\":true,$THINK,$A_TOOL,\"messages\":[{\"role\":\"user\",\"content\":\"use tool: Paris\"}]}")
expect_has "anthropic thinking tool stream" "$out" '"index":0,"content_block":{"type":"thinking"' \
  '"index":1,"content_block":{"type":"tool_use"' '"index":1,"delta":{"type":"input_json_delta"'
# The injected mid-stream error still counts text deltas only.
out=$(post -N "${ANTHROPIC[@]}" -H 'x-mock-stream-error-after: 1' "$BASE/v1/messages" \
  -d "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":2048,\"stream\":true,$THINK,\"messages\":[{\"role\":\"user\",\"content\":\"Hello Claude\"}]}")
expect_equal "anthropic thinking stream error" "$(event_names <<<"$out")" \
  "message_start content_block_start ping content_block_delta content_block_delta content_block_delta content_block_delta content_block_delta content_block_stop content_block_start content_block_delta error "

# The thinking parameter's own rules.
expect_400 "anthropic thinking budget below 1024" \
  'thinking.enabled.budget_tokens: Input should be greater than or equal to 1024' "${ANTHROPIC[@]}" "$BASE/v1/messages" \
  -d '{"model":"claude-sonnet-4-5","max_tokens":2048,"thinking":{"type":"enabled","budget_tokens":512},"messages":[{"role":"user","content":"Hi"}]}'
expect_400 "anthropic max_tokens not above the budget" \
  '"message":"`max_tokens` must be greater than `thinking.budget_tokens`"' "${ANTHROPIC[@]}" "$BASE/v1/messages" \
  -d '{"model":"claude-sonnet-4-5","max_tokens":1024,"thinking":{"type":"enabled","budget_tokens":1024},"messages":[{"role":"user","content":"Hi"}]}'
expect_400 "anthropic unknown thinking type" "\"type\":\"invalid_request_error\",\"message\":\"thinking: Input tag 'sometimes'" \
  "${ANTHROPIC[@]}" "$BASE/v1/messages" \
  -d '{"model":"claude-sonnet-4-5","max_tokens":2048,"thinking":{"type":"sometimes"},"messages":[{"role":"user","content":"Hi"}]}'
code=$(status_of "${ANTHROPIC[@]}" "$BASE/v1/messages" \
  -d '{"model":"claude-sonnet-4-5","max_tokens":256,"thinking":{"type":"disabled"},"messages":[{"role":"user","content":"Hi"}]}')
expect_equal "anthropic thinking disabled" "$code" 200
expect_has "anthropic thinking disabled body" "$(cat "$WORK/body")" '"content":[{"type":"text"'

# History: the mock's own tool turn sent back (signature intact) is accepted; a changed signature,
# foreign redacted data, or a final tool_use turn that lost its thinking block is a 400 while
# thinking is on, and fine when it is off.
history() {  # ASSISTANT_CONTENT_JSON: a user question, that assistant turn, the tool's result
  printf '[{"role":"user","content":"use tool: Paris"},{"role":"assistant","content":%s},{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"sunny"}]}]' "$1"
}
OWN_CONTENT=$(sed 's/.*"content":\(\[.*\]\),"stop_reason".*/\1/' <<<"$TOOL_TURN")
TOOL_USE='{"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"Paris"}}'
code=$(status_of "${ANTHROPIC[@]}" "$BASE/v1/messages" \
  -d "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":2048,$THINK,$A_TOOL,\"messages\":$(history "$OWN_CONTENT")}")
expect_equal "anthropic history with the mock's signature" "$code" 200
expect_has "anthropic history with the mock's signature body" "$(cat "$WORK/body")" '"type":"thinking"' '"stop_reason":"end_turn"'
expect_400 "anthropic history with a wrong signature" 'messages.1.content.0: Invalid `signature` in `thinking` block' \
  "${ANTHROPIC[@]}" "$BASE/v1/messages" \
  -d "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":2048,$THINK,$A_TOOL,\"messages\":$(history "[{\"type\":\"thinking\",\"thinking\":\"mock thinking about: use tool: Paris\",\"signature\":\"mocksig-0000000000000000\"},$TOOL_USE]")}"
expect_400 "anthropic history with foreign redacted data" 'messages.1.content.0: Invalid `data` in `redacted_thinking` block' \
  "${ANTHROPIC[@]}" "$BASE/v1/messages" \
  -d "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":2048,$THINK,$A_TOOL,\"messages\":$(history "[{\"type\":\"redacted_thinking\",\"data\":\"EqQBCgIYAh\"},$TOOL_USE]")}"
code=$(status_of "${ANTHROPIC[@]}" "$BASE/v1/messages" \
  -d "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":2048,$THINK,$A_TOOL,\"messages\":$(history "[{\"type\":\"redacted_thinking\",\"data\":\"$REDACTED\"},$TOOL_USE]")}")
expect_equal "anthropic history with the mock's redacted data" "$code" 200
expect_400 "anthropic final tool turn without thinking" \
  'messages.1.content.0.type: Expected `thinking` or `redacted_thinking`, but found `tool_use`. When `thinking` is enabled, a final `assistant` message must start with a thinking block' \
  "${ANTHROPIC[@]}" "$BASE/v1/messages" \
  -d "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":2048,$THINK,$A_TOOL,\"messages\":$(history "[$TOOL_USE]")}"
code=$(status_of "${ANTHROPIC[@]}" "$BASE/v1/messages" \
  -d "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":2048,$A_TOOL,\"messages\":$(history "[$TOOL_USE]")}")
expect_equal "anthropic final tool turn without thinking, thinking off" "$code" 200
code=$(status_of "${ANTHROPIC[@]}" "$BASE/v1/messages" \
  -d "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":2048,$A_TOOL,\"messages\":$(history "[{\"type\":\"thinking\",\"thinking\":\"x\",\"signature\":\"forged\"},$TOOL_USE]")}")
expect_equal "anthropic thinking history ignored when thinking is off" "$code" 200
out=$(post "${ANTHROPIC[@]}" "$BASE/v1/messages/count_tokens" \
  -d "{\"model\":\"claude-sonnet-4-5\",$THINK,\"messages\":[{\"role\":\"user\",\"content\":\"Hello Claude\"}]}")
expect_equal "anthropic count_tokens with thinking" "$out" '{"input_tokens":3}'

# Gemini: thought parts when includeThoughts; the answer signed; thoughts counted apart (6 + 8).
G_TOOL='"tools":[{"functionDeclarations":[{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}]}]'
G_HELLO='"contents":[{"role":"user","parts":[{"text":"Hello Gemini"}]}]'
G_ASK='"contents":[{"role":"user","parts":[{"text":"use tool Paris"}]}]'
SIG_GEMINI=$(mock_signature "mock reply to: Hello Gemini")
SIG_CALL=$(mock_signature 'get_weather{"city":"use tool Paris"}')
gemini() { post "${GEMINI[@]}" "$BASE/v1beta/models/$1" -d "$2"; }
out=$(gemini gemini-2.5-flash:generateContent "{$G_HELLO,\"generationConfig\":{\"thinkingConfig\":{\"thinkingBudget\":1024,\"includeThoughts\":true}}}")
expect_has "gemini thinking" "$out" \
  "\"parts\":[{\"text\":\"mock thinking about: Hello Gemini\",\"thought\":true},{\"text\":\"mock reply to: Hello Gemini\",\"thoughtSignature\":\"$SIG_GEMINI\"}]" \
  '"usageMetadata":{"promptTokenCount":3,"candidatesTokenCount":6,"totalTokenCount":17,"thoughtsTokenCount":8}'
out=$(gemini gemini-2.5-flash:generateContent "{$G_HELLO,\"generationConfig\":{\"thinkingConfig\":{\"thinkingBudget\":-1}}}")
expect_has "gemini thinking without thoughts" "$out" \
  "\"parts\":[{\"text\":\"mock reply to: Hello Gemini\",\"thoughtSignature\":\"$SIG_GEMINI\"}]" '"thoughtsTokenCount":8'
out=$(gemini gemini-2.5-flash:generateContent "{$G_HELLO,\"generationConfig\":{\"thinkingConfig\":{\"thinkingBudget\":0,\"includeThoughts\":true}}}")
expect_has "gemini thinking budget 0" "$out" '"parts":[{"text":"mock reply to: Hello Gemini"}]' \
  '"usageMetadata":{"promptTokenCount":3,"candidatesTokenCount":6,"totalTokenCount":9}'
out=$(gemini gemini-3-pro-preview:generateContent "{$G_HELLO}")
expect_has "gemini 3 thinks by default" "$out" "\"thoughtSignature\":\"$SIG_GEMINI\"" '"thoughtsTokenCount":8'

out=$(post -N "${GEMINI[@]}" "$BASE/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse" \
  -d "{$G_HELLO,\"generationConfig\":{\"thinkingConfig\":{\"includeThoughts\":true}}}")
expect_equal "gemini thinking sse chunks" "$(grep -c '^data: {"candidates"' <<<"$out")" 6
expect_equal "gemini thinking sse thought chunks first" "$(grep '^data: ' <<<"$out" | head -2 | grep -c '"thought":true')" 2
expect_equal "gemini thinking sse thoughts reassembled" "$(grep '"thought":true' <<<"$out" | joined text)" "mock thinking about: Hello Gemini"
expect_equal "gemini thinking sse text reassembled" "$(grep -v '"thought":true' <<<"$out" | joined text)" "mock reply to: Hello Gemini"
expect_has "gemini thinking sse signature on the last text chunk" "$(grep '^data: ' <<<"$out" | tail -1)" \
  "{\"text\":\"Gemini\",\"thoughtSignature\":\"$SIG_GEMINI\"}" '"finishReason":"STOP"' '"thoughtsTokenCount":8'
expect_equal "gemini thinking sse one signature" "$(grep -c thoughtSignature <<<"$out")" 1

# Web search: Gemini's grounding metadata, in UTF-8 byte offsets.
out=$(gemini gemini-2.0-flash:generateContent "{$G_HELLO,\"tools\":[{\"google_search\":{}}]}")
expect_has "gemini grounding" "$out" '"groundingChunks":[{"web":{"uri":"https://search.mock.example/result","title":"Mock search result"}}]' \
  '"groundingSupports":[{"segment":{"startIndex":15,"endIndex":27,"text":"Hello Gemini"},"groundingChunkIndices":[0]}]'

# Several candidates and log probabilities.
out=$(gemini gemini-2.0-flash:generateContent "{$G_HELLO,\"generationConfig\":{\"candidateCount\":2,\"responseLogprobs\":true,\"logprobs\":2}}")
expect_has "gemini two candidates" "$out" '"text":"mock reply to: Hello Gemini"' '"text":"mock reply to: Hello Gemini [candidate 1]"' \
  '"index":1' '"chosenCandidates":[{"token":"mock ","tokenId":0,"logProbability":-1.25E-1}' \
  '"topCandidates":[{"candidates":[{"token":"mock ","tokenId":1000,"logProbability":-1.25E-1},{"token":"alt1","tokenId":1001,"logProbability":-1.125E0}]}'
out=$(post -N "${GEMINI[@]}" "$BASE/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse" \
  -d "{$G_HELLO,\"generationConfig\":{\"candidateCount\":3}}")
expect_equal "gemini three candidates side by side" "$(grep '^data: ' <<<"$out" | head -1 | grep -o '"index":[0-9]' | tr '\n' ' ')" '"index":0 "index":1 "index":2 '
expect_has "gemini three candidates' tokens" "$(grep '^data: ' <<<"$out" | tail -1)" '"candidatesTokenCount":26'
for bad in '"candidateCount":9' '"candidateCount":0' '"logprobs":2' '"responseLogprobs":true,"logprobs":21'; do
  code=$(status_of "${GEMINI[@]}" "$BASE/v1beta/models/gemini-2.0-flash:generateContent" -d "{$G_HELLO,\"generationConfig\":{$bad}}")
  expect_equal "gemini refuses $bad" "$code" 400
done

out=$(gemini gemini-2.5-flash:generateContent "{$G_ASK,$G_TOOL,\"generationConfig\":{\"thinkingConfig\":{\"includeThoughts\":true}}}")
expect_has "gemini thinking function call" "$out" \
  "[{\"text\":\"mock thinking about: use tool Paris\",\"thought\":true},{\"functionCall\":{\"name\":\"get_weather\",\"args\":{\"city\":\"use tool Paris\"}},\"thoughtSignature\":\"$SIG_CALL\"}]"
out=$(post -N "${GEMINI[@]}" "$BASE/v1beta/models/gemini-3-flash-preview:streamGenerateContent?alt=sse" \
  -d "{$G_ASK,$G_TOOL,\"generationConfig\":{\"thinkingConfig\":{\"thinkingLevel\":\"low\",\"includeThoughts\":true}}}")
expect_equal "gemini thinking function call stream chunks" "$(grep -c '^data: ' <<<"$out")" 3
expect_has "gemini thinking function call stream" "$(grep '^data: ' <<<"$out" | tail -1)" \
  "\"functionCall\":{\"name\":\"get_weather\",\"args\":{\"city\":\"use tool Paris\"}},\"thoughtSignature\":\"$SIG_CALL\""

expect_400 "gemini thinking budget out of range" 'The thinking budget 40000 is invalid' "${GEMINI[@]}" \
  "$BASE/v1beta/models/gemini-2.5-flash:generateContent" -d "{$G_HELLO,\"generationConfig\":{\"thinkingConfig\":{\"thinkingBudget\":40000}}}"
expect_has "gemini thinking budget error status" "$(cat "$WORK/body")" '"status":"INVALID_ARGUMENT"'
expect_400 "gemini thinking budget not an integer" "thinking_budget' (TYPE_INT32)" "${GEMINI[@]}" \
  "$BASE/v1beta/models/gemini-2.5-flash:generateContent" -d "{$G_HELLO,\"generationConfig\":{\"thinkingConfig\":{\"thinkingBudget\":\"lots\"}}}"
expect_400 "gemini unknown thinking level" "thinking_level' (type.googleapis.com" "${GEMINI[@]}" \
  "$BASE/v1beta/models/gemini-3-pro-preview:generateContent" -d "{$G_HELLO,\"generationConfig\":{\"thinkingConfig\":{\"thinkingLevel\":\"extreme\"}}}"
expect_400 "gemini thinking budget and level together" '"message":"thinking_budget and thinking_level are not supported together"' \
  "${GEMINI[@]}" "$BASE/v1beta/models/gemini-3-pro-preview:generateContent" \
  -d "{$G_HELLO,\"generationConfig\":{\"thinkingConfig\":{\"thinkingBudget\":1024,\"thinkingLevel\":\"high\"}}}"
expect_400 "gemini thinking level on gemini 2" '"message":"Thinking level is not supported for this model"' \
  "${GEMINI[@]}" "$BASE/v1beta/models/gemini-2.5-pro:generateContent" -d "{$G_HELLO,\"generationConfig\":{\"thinkingConfig\":{\"thinkingLevel\":\"high\"}}}"
out=$(gemini gemini-2.5-flash:countTokens "{\"generateContentRequest\":{$G_HELLO,\"generationConfig\":{\"thinkingConfig\":{\"thinkingBudget\":99999}}}}")
expect_equal "gemini countTokens ignores thinkingConfig" "$out" '{"totalTokens":3}'
out=$(gemini gemini-2.5-flash:countTokens '{"contents":[{"role":"user","parts":[{"text":"Hello Gemini"}]},{"role":"model","parts":[{"text":"a long thought that is not prompt text","thought":true},{"text":"Hi"}]}]}')
expect_equal "gemini thought parts are not prompt text" "$out" '{"totalTokens":3}'

# Gemini 3: the current turn's function calls must come back signed (the mock's own, or the
# documented skip value); gemini-2.5 and earlier turns take unsigned calls.
g_history() {  # SIGNATURE_FIELD: user question, model call (+ field), function response
  printf '"contents":[{"role":"user","parts":[{"text":"use tool Paris"}]},{"role":"model","parts":[{"functionCall":{"name":"get_weather","args":{"city":"Paris"}}%s}]},{"role":"user","parts":[{"functionResponse":{"name":"get_weather","response":{"sky":"clear"}}}]}]' "$1"
}
expect_400 "gemini 3 unsigned function call" \
  'Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, and missing thought_signature may lead to degraded model performance. Additional data, function call `default_api:get_weather` , position 2. Please refer to https://ai.google.dev/gemini-api/docs/thought-signatures for more details.' \
  "${GEMINI[@]}" "$BASE/v1beta/models/gemini-3-pro-preview:generateContent" -d "{$(g_history ''),$G_TOOL}"
expect_has "gemini 3 unsigned function call status" "$(cat "$WORK/body")" '"code":400' '"status":"INVALID_ARGUMENT"'
code=$(status_of "${GEMINI[@]}" "$BASE/v1beta/models/gemini-3-pro-preview:generateContent" \
  -d "{$(g_history ',"thoughtSignature":"skip_thought_signature_validator"'),$G_TOOL}")
expect_equal "gemini 3 skip_thought_signature_validator" "$code" 200
code=$(status_of "${GEMINI[@]}" "$BASE/v1beta/models/gemini-3-pro-preview:generateContent" \
  -d "{$(g_history ",\"thoughtSignature\":\"$SIG_CALL\""),$G_TOOL}")
expect_equal "gemini 3 the mock's signature" "$code" 200
code=$(status_of "${GEMINI[@]}" "$BASE/v1beta/models/gemini-2.5-flash:generateContent" -d "{$(g_history ''),$G_TOOL}")
expect_equal "gemini 2.5 unsigned function call" "$code" 200
code=$(status_of "${GEMINI[@]}" "$BASE/v1beta/models/gemini-3-pro-preview:generateContent" \
  -d "{$(g_history '' | sed 's/]$/,{"role":"model","parts":[{"text":"Clear."}]},{"role":"user","parts":[{"text":"thanks"}]}]/'),$G_TOOL}")
expect_equal "gemini 3 unsigned call in an earlier turn" "$code" 200

# Cohere: a thinking content block first (reasoning models by default), billed as output (6 + 8).
C_TOOL='"tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}]'
out=$(post "${COHERE[@]}" "$BASE/v2/chat" -d '{"model":"command-a-reasoning-08-2025","messages":[{"role":"user","content":"Hello Cohere"}]}')
expect_has "cohere reasoning" "$out" \
  '"content":[{"type":"thinking","thinking":"mock thinking about: Hello Cohere"},{"type":"text","text":"mock reply to: Hello Cohere"}]' \
  '"billed_units":{"input_tokens":3,"output_tokens":14}' '"tokens":{"input_tokens":3,"output_tokens":14}'
out=$(post "${COHERE[@]}" "$BASE/v2/chat" \
  -d '{"model":"command-a-reasoning-08-2025","thinking":{"type":"disabled"},"messages":[{"role":"user","content":"Hello Cohere"}]}')
expect_has "cohere reasoning disabled" "$out" '"content":[{"type":"text","text":"mock reply to: Hello Cohere"}]' '"output_tokens":6'
out=$(post "${COHERE[@]}" "$BASE/v2/chat" \
  -d "{\"model\":\"command-r-plus\",\"thinking\":{\"type\":\"enabled\",\"token_budget\":2000},$C_TOOL,\"messages\":[{\"role\":\"user\",\"content\":\"use tool\"}]}")
expect_has "cohere thinking tool call" "$out" '"content":[{"type":"thinking","thinking":"mock thinking about: use tool"}]' \
  '"tool_calls":[{"id":"call_mock_' '"finish_reason":"TOOL_CALL"'
out=$(post -N "${COHERE[@]}" "$BASE/v2/chat" \
  -d '{"model":"command-r-plus","stream":true,"thinking":{"type":"enabled"},"messages":[{"role":"user","content":"Hello Cohere"}]}')
expect_equal "cohere thinking stream events" "$(event_names <<<"$out")" \
  "message-start content-start content-delta content-delta content-delta content-delta content-end content-start content-delta content-delta content-delta content-delta content-end message-end "
expect_has "cohere thinking stream" "$out" '{"index":0,"delta":{"message":{"content":{"type":"thinking","thinking":""}}}' \
  '{"index":0,"type":"content-end"}' '{"index":1,"delta":{"message":{"content":{"type":"text","text":""}}}' \
  '{"index":1,"type":"content-end"}' '"tokens":{"input_tokens":3,"output_tokens":14}'
expect_equal "cohere thinking stream reassembled" "$(joined thinking <<<"$out")" "mock thinking about: Hello Cohere"
expect_400 "cohere unknown thinking type" 'thinking.type must be one of enabled, disabled' "${COHERE[@]}" "$BASE/v2/chat" \
  -d '{"model":"command-r-plus","thinking":{"type":"on"},"messages":[{"role":"user","content":"Hi"}]}'
expect_400 "cohere thinking token_budget" 'thinking.token_budget must be a positive integer' "${COHERE[@]}" "$BASE/v2/chat" \
  -d '{"model":"command-r-plus","thinking":{"type":"enabled","token_budget":0},"messages":[{"role":"user","content":"Hi"}]}'
out=$(post "${COHERE[@]}" "$BASE/v2/chat" -d '{"model":"command-a-reasoning-08-2025","messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":[{"type":"thinking","thinking":"They greet me."},{"type":"text","text":"Hello!"}]},{"role":"user","content":"Hello Cohere"}]}')
expect_has "cohere thinking in history" "$out" '{"type":"text","text":"mock reply to: Hello Cohere"}'

# OpenAI-compatible "reasoner" models answer DeepSeek style: reasoning_content, reasoning tokens
# inside completion_tokens (8 text + 10 reasoning).
out=$(post "${OPENAI[@]}" "$BASE/v1/chat/completions" \
  -d '{"model":"deepseek-reasoner","messages":[{"role":"user","content":"Hello mock provider"}]}')
expect_has "deepseek reasoner" "$out" '"content":"mock reply to: Hello mock provider"' \
  '"reasoning_content":"mock thinking about: Hello mock provider"' '"completion_tokens":18' '"total_tokens":22' \
  '"completion_tokens_details":{"reasoning_tokens":10'
out=$(post -N "${OPENAI[@]}" "$BASE/v1/chat/completions" \
  -d '{"model":"deepseek-reasoner","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Hello mock provider"}]}')
expect_equal "deepseek reasoner stream reasoning deltas" "$(grep -c '"reasoning_content":' <<<"$out")" 4
expect_equal "deepseek reasoner stream reasoning deltas carry no content" "$(grep '"reasoning_content":' <<<"$out" | grep -c '"content":')" 0
expect_equal "deepseek reasoner stream reasoning first" \
  "$(grep '^data: {' <<<"$out" | head -4 | grep -c '"reasoning_content":')" 4
expect_has "deepseek reasoner stream" "$out" '"delta":{"role":"assistant","reasoning_content":"' \
  '"completion_tokens":18' '"reasoning_tokens":10' 'data: [DONE]'
expect_equal "deepseek reasoner stream reasoning reassembled" "$(joined reasoning_content <<<"$out")" \
  "mock thinking about: Hello mock provider"
expect_equal "deepseek reasoner stream content reassembled" "$(grep -o '"delta":{"content":"[^"]*"' <<<"$out" | joined content)" \
  "mock reply to: Hello mock provider"
out=$(post "${OPENAI[@]}" "$BASE/v1/chat/completions" \
  -d "{\"model\":\"deepseek-reasoner\",$TOOLS,\"messages\":[{\"role\":\"user\",\"content\":\"use tool\"}]}")
expect_has "deepseek reasoner tool call" "$out" '"reasoning_content":"mock thinking about: use tool"' \
  '"name":"get_weather"' '"finish_reason":"tool_calls"'
expect_400 "openai reasoning_effort" "\"message\":\"Invalid value for 'reasoning_effort': 'extreme'" "${OPENAI[@]}" \
  "$BASE/v1/chat/completions" -d '{"model":"o3","reasoning_effort":"extreme","messages":[{"role":"user","content":"Hi"}]}'
expect_has "openai reasoning_effort param" "$(cat "$WORK/body")" '"type":"invalid_request_error","param":"reasoning_effort"'
code=$(status_of "${OPENAI[@]}" "$BASE/v1/chat/completions" -d '{"model":"o3","reasoning_effort":"xhigh","messages":[{"role":"user","content":"Hi"}]}')
expect_equal "openai reasoning_effort xhigh" "$code" 200

# --- Fault injection ------------------------------------------------------------------------------
headers=$(curl -sS --max-time 10 -D - -o "$WORK/body" "${OPENAI[@]}" -H 'x-mock-status: 429' "$BASE/v1/chat/completions" -d "$CHAT")
expect_has "x-mock-status 429" "$headers" 'HTTP/1.1 429' 'retry-after: 1'
expect_has "x-mock-status 429 body" "$(cat "$WORK/body")" '"code":"rate_limit_exceeded"'
code=$(status_of "${ANTHROPIC[@]}" -H 'x-mock-status: 529' "$BASE/v1/messages" -d '{}')
expect_equal "x-mock-status 529 anthropic" "$code" 529
expect_has "x-mock-status 529 body" "$(cat "$WORK/body")" '"type":"overloaded_error"'

elapsed=$(curl -sS --max-time 10 -o /dev/null -w '%{time_starttransfer}' "${OPENAI[@]}" -H 'x-mock-delay-ms: 300' \
  "$BASE/v1/chat/completions" -d "$CHAT")
if awk -v t="$elapsed" 'BEGIN { exit !(t >= 0.29) }'; then pass; else fail "x-mock-delay-ms: first byte after ${elapsed}s"; fi

elapsed=$(curl -sS --max-time 10 -N -o /dev/null -w '%{time_total}' "${OPENAI[@]}" -H 'x-mock-chunk-delay-ms: 50' \
  "$BASE/v1/chat/completions" -d '{"model":"m","stream":true,"messages":[{"role":"user","content":"slow"}]}')
# 7 events (role, 4 content, finish, [DONE]) have 6 gaps of 50 ms.
if awk -v t="$elapsed" 'BEGIN { exit !(t >= 0.29) }'; then pass; else fail "x-mock-chunk-delay-ms: stream took ${elapsed}s"; fi

out=$(curl -sS --max-time 10 -N "${OPENAI[@]}" -H 'x-mock-disconnect-after-chunks: 2' "$BASE/v1/chat/completions" \
  -d '{"model":"m","stream":true,"messages":[{"role":"user","content":"cut me off"}]}' 2>"$WORK/curl_err")
rc=$?
expect_equal "x-mock-disconnect-after-chunks events before the cut" "$(grep -c '^data: ' <<<"$out")" 2
if [ "$rc" -ne 0 ] && ! grep -qF '[DONE]' <<<"$out"; then pass; else fail "x-mock-disconnect-after-chunks: curl exit $rc (want a transfer error)"; fi

out=$(post "${OPENAI[@]}" -H 'x-mock-reply: Bonjour, monde' "$BASE/v1/chat/completions" -d "$CHAT")
expect_has "x-mock-reply" "$out" '"content":"Bonjour, monde"'

# --- HTTP handling --------------------------------------------------------------------------------
out=$(curl -sS --max-time 10 -v "${OPENAI[@]}" "$BASE/v1/models" "$BASE/v1/models/gpt-4o" 2>&1)
expect_has "keep-alive reuses the connection" "$out" 'Re-using existing connection'
out=$(post "${OPENAI[@]}" -H 'Transfer-Encoding: chunked' "$BASE/v1/chat/completions" -d "$CHAT")
expect_has "chunked request body" "$out" '"content":"mock reply to: Hello mock provider"'

# Raw garbage over /dev/tcp: the server must answer 400 and keep serving.
raw_exchange() {  # bytes-to-send (printf format)
  exec 3<>"/dev/tcp/127.0.0.1/$PORT" || return 1
  printf "$1" >&3
  timeout 5 cat <&3
  exec 3<&- 3>&-
}
out=$(raw_exchange 'GARBAGE \001\002\003\r\n\r\n')
expect_has "garbage request" "$out" 'HTTP/1.1 400' 'Connection: close'
out=$(raw_exchange 'POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 999999999\r\n\r\n')
expect_has "oversized body" "$out" 'HTTP/1.1 413'
out=$(raw_exchange 'GET /v1/models HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k\r\nConnection: close\r\n\r\n')
expect_has "connection close" "$out" 'HTTP/1.1 200' 'Connection: close' '"object":"list"'

# --- /mock/stats ----------------------------------------------------------------------------------
post -X POST "$BASE/mock/reset" >/dev/null
post "${OPENAI[@]}" -H 'X-Trace-Marker: abc123' "$BASE/v1/chat/completions" -d "$CHAT" >/dev/null
post "${OPENAI[@]}" "$BASE/v1/models" >/dev/null
post "${OPENAI[@]}" -H 'X-Trace-Marker: abc123' "$BASE/v1/chat/completions" -d "$CHAT" >/dev/null
out=$(post "$BASE/mock/stats")
expect_has "stats" "$out" '"requests":3' '"/v1/chat/completions":2' '"/v1/models":1' \
  '"authorization":"Bearer sk-test-openai"' '"x-trace-marker":"abc123"' '"path":"/v1/chat/completions"' \
  '"body":"{\"model\":\"gpt-4o-mini\"' '"open_connections":1'
post -X POST "$BASE/mock/reset" >/dev/null
expect_has "stats after reset" "$(post "$BASE/mock/stats")" '"requests":0' '"by_path":{}' '"last_request":null'

# --- Shutdown -------------------------------------------------------------------------------------
kill -TERM "$PID"
for _ in $(seq 50); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$PID" 2>/dev/null; then
  fail "still running 5s after SIGTERM"
else
  wait "$PID"
  expect_equal "exit status after SIGTERM" "$?" 0
fi
PID=

echo "mock provider selftest: $((CHECKS - FAILURES))/$CHECKS checks passed"
[ "$FAILURES" -eq 0 ]
