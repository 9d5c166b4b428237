#!/usr/bin/env bash
# Self-test for brokle_mock_provider: starts it on port 0 and checks every wire format (plain and
# streamed), auth and malformed-body errors, the fault-injection headers, /mock/stats, garbage
# input and a clean SIGTERM exit. Needs only bash and curl. Exits non-zero when any check fails.
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
