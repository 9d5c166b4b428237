#!/usr/bin/env bash
# Throughput of brokle_mock_provider alone (the "direct to mock" baseline of the gateway benchmark):
# wrk -t1 -c64 POSTing a small chat completion in OpenAI and Anthropic shape, plain and streamed.
# Prints a Markdown block for bench/RESULTS.md.
# Usage: bench/mock_provider.sh path/to/brokle_mock_provider [duration_seconds=5] [threads=1]
set -euo pipefail
BIN=${1:?usage: $0 path/to/brokle_mock_provider [duration_seconds] [threads]}
DURATION=${2:-5}
THREADS=${3:-1}
command -v wrk >/dev/null || { echo "wrk is required" >&2; exit 1; }

WORK=$(mktemp -d)
PID=
trap '[ -n "$PID" ] && kill -TERM $PID 2>/dev/null && wait $PID 2>/dev/null; rm -rf "$WORK"' EXIT
"$BIN" --port 0 --threads "$THREADS" >"$WORK/out" &
PID=$!
for _ in $(seq 100); do grep -q 'listening on' "$WORK/out" 2>/dev/null && break; sleep 0.05; done
PORT=$(sed -n 's/.*:\([0-9]*\)$/\1/p' "$WORK/out")

# write_script NAME BODY HEADER... : a wrk Lua script that POSTs BODY with the given headers.
write_script() {
  local name=$1 body=$2; shift 2
  {
    echo 'wrk.method = "POST"'
    echo "wrk.body = '$body'"
    echo 'wrk.headers["Content-Type"] = "application/json"'
    for header in "$@"; do echo "wrk.headers[\"${header%%:*}\"] = \"${header#*: }\""; done
  } >"$WORK/$name.lua"
}
MESSAGES='"messages":[{"role":"system","content":"You are a helpful assistant."},{"role":"user","content":"Say hello to the benchmark, please."}]'
write_script openai "{\"model\":\"gpt-4o-mini\",\"max_tokens\":64,$MESSAGES}" 'Authorization: Bearer sk-bench'
write_script openai_stream "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"stream_options\":{\"include_usage\":true},$MESSAGES}" \
  'Authorization: Bearer sk-bench'
ANTHROPIC_MESSAGES='"system":"You are a helpful assistant.","messages":[{"role":"user","content":"Say hello to the benchmark, please."}]'
write_script anthropic "{\"model\":\"claude-3-5-haiku-latest\",\"max_tokens\":256,$ANTHROPIC_MESSAGES}" \
  'x-api-key: sk-ant-bench' 'anthropic-version: 2023-06-01'

run() {  # label script path
  wrk -t1 -c64 -d"${DURATION}s" --latency -s "$WORK/$2.lua" "http://127.0.0.1:$PORT$3" >"$WORK/wrk.txt"
  local rps p50 p99 errors
  rps=$(awk '/Requests\/sec/ {print $2}' "$WORK/wrk.txt")
  p50=$(awk '$1=="50%" {print $2}' "$WORK/wrk.txt")
  p99=$(awk '$1=="99%" {print $2}' "$WORK/wrk.txt")
  errors=$(grep -E 'Non-2xx|Socket errors' "$WORK/wrk.txt" | tr -s ' ' | paste -sd ';' - || true)
  echo "| $1 | $rps | $p50 | $p99 | ${errors:-none} |"
}

echo "### brokle_mock_provider alone — $(date -u +%Y-%m-%d), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo
echo "mock threads: $THREADS; wrk -t1 -c64 on the same machine; ${DURATION}s per row"
echo
echo "| request | req/s | p50 | p99 | errors |"
echo "|---|---|---|---|---|"
run "OpenAI chat, plain" openai /v1/chat/completions
run "OpenAI chat, stream (7 events)" openai_stream /v1/chat/completions
run "Anthropic messages, plain" anthropic /v1/messages
