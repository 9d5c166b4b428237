#!/usr/bin/env bash
# HTTP core benchmark: wrk against GET /health on the Release build, access logging ON (to a file),
# at 1 and 64 connections, plus idle RSS. Prints a Markdown block to paste into bench/RESULTS.md.
# Usage: bench/http_core.sh [duration_seconds=10] [io_threads=2]
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-10}
THREADS=${2:-2}
BIN=build/release/brokle
[ -x "$BIN" ] || { echo "build first: make build" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk missing: scripts/bootstrap.sh installs it" >&2; exit 1; }

WORK=$(mktemp -d)
trap 'kill $PID 2>/dev/null || true; wait $PID 2>/dev/null || true; rm -rf "$WORK"' EXIT
BROKLE_DATA_DIR=$WORK/data BROKLE_HTTP_PORT=0 BROKLE_HTTP_ADDRESS=127.0.0.1 BROKLE_HTTP_THREADS=$THREADS \
  "$BIN" serve >"$WORK/out" 2>"$WORK/access.log" &
PID=$!
for _ in $(seq 100); do grep -q 'http://' "$WORK/out" 2>/dev/null && break; sleep 0.1; done
PORT=$(grep -oE 'http://[0-9.]+:[0-9]+' "$WORK/out" | head -1 | sed 's/.*://')
URL="http://127.0.0.1:$PORT/health"
sleep 1
IDLE_RSS_KB=$(awk '/VmRSS/ {print $2}' /proc/$PID/status)

run() {  # connections
  wrk -t1 -c"$1" -d"${DURATION}s" --latency "$URL" >"$WORK/wrk.txt"
  local rps p50 p99
  rps=$(awk '/Requests\/sec/ {print $2}' "$WORK/wrk.txt")
  p50=$(awk '$1=="50%" {print $2}' "$WORK/wrk.txt")
  p99=$(awk '$1=="99%" {print $2}' "$WORK/wrk.txt")
  echo "| $1 | $rps | $p50 | $p99 |"
}

echo "### HTTP core: GET /health, access log on — $(date -u +%Y-%m-%d), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo
echo "brokle io threads: $THREADS; wrk: 1 thread on the same machine; ${DURATION}s per row"
echo
echo "| connections | req/s | p50 | p99 |"
echo "|---|---|---|---|"
run 1
run 64
LOADED_RSS_KB=$(awk '/VmRSS/ {print $2}' /proc/$PID/status)
LINES=$(wc -l <"$WORK/access.log")
echo
echo "idle RSS: $((IDLE_RSS_KB / 1024)) MiB; RSS after load: $((LOADED_RSS_KB / 1024)) MiB; access-log lines written: $LINES"
