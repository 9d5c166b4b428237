#!/usr/bin/env bash
# Where the gateway's CPU goes, per request: wrk through brokle to the mock provider (brokle: one
# I/O thread, as in gateway.sh), then CPU microseconds per request for the mock and for each
# brokle thread (/proc/<pid>/task/*/stat). Steadier than req/s on a noisy machine; compare two
# builds or settings by running this for each, alternately.
# Usage: bench/gateway_cpu.sh [connections=64] [stream=0|1] [seconds=5]   (extra brokle settings via env)
set -euo pipefail
cd "$(dirname "$0")/.."
CONNS=${1:-64}; STREAM=${2:-0}; DURATION=${3:-5}
BIN=${BIN:-build/release/brokle}
MOCK=build/release/tests/brokle_mock_provider
[ -x "$BIN" ] && [ -x "$MOCK" ] || { echo "build first: make build" >&2; exit 1; }
WORK=$(mktemp -d)
cleanup() { kill $BPID $MPID 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
. bench/bench_setup.sh
bench_start_mock "$MOCK" "$WORK"
bench_provider_toml "$MPORT" >"$WORK/brokle.toml"
export BROKLE_DATA_DIR=$WORK/data BROKLE_ARGON2_MEMORY=64KiB
KEY=$(bench_project_key "$BIN")
BROKLE_CONFIG=$WORK/brokle.toml BROKLE_OTLP_ENABLED=false BROKLE_HTTP_PORT=0 BROKLE_HTTP_ADDRESS=127.0.0.1 \
  BROKLE_HTTP_THREADS=${BROKLE_HTTP_THREADS:-1} "$BIN" serve >"$WORK/brokle.out" 2>"$WORK/brokle.log" &
BPID=$!
for _ in $(seq 100); do grep -q 'http://' "$WORK/brokle.out" 2>/dev/null && break; sleep 0.1; done
BPORT=$(grep -oE 'http://[0-9.]+:[0-9]+' "$WORK/brokle.out" | head -1 | sed 's/.*://')

# Per thread: user and system clock ticks.
ticks() { for t in /proc/$BPID/task/*; do echo "$(basename "$t") $(awk '{print $14, $15}' "$t/stat")"; done; }
ticks >"$WORK/t0"
M0=$(awk '{print $14+$15}' /proc/$MPID/stat)
STREAM=$STREAM wrk -t1 -c"$CONNS" -d"${DURATION}s" --latency -s bench/gateway_chat.lua \
  -H "Authorization: Bearer $KEY" "http://127.0.0.1:$BPORT/v1/chat/completions" >"$WORK/wrk.txt"
M1=$(awk '{print $14+$15}' /proc/$MPID/stat)
ticks >"$WORK/t1"
N=$(awk '/requests in/ {print $1}' "$WORK/wrk.txt")
HZ=$(getconf CLK_TCK)
echo "connections=$CONNS stream=$STREAM: $(awk '/Requests\/sec/ {print $2}' "$WORK/wrk.txt") req/s," \
  "p50 $(awk '$1=="50%" {print $2}' "$WORK/wrk.txt"), p99 $(awk '$1=="99%" {print $2}' "$WORK/wrk.txt")"
awk -v n="$N" -v hz="$HZ" -v m=$((M1 - M0)) 'BEGIN {printf "mock: %.1f us/request\n", m * 1e6 / hz / n}'
join "$WORK/t0" "$WORK/t1" | while read -r tid ua sa ub sb; do
  [ $((ub + sb)) -gt $((ua + sa)) ] || continue
  awk -v n="$N" -v hz="$HZ" -v u=$((ub - ua)) -v s=$((sb - sa)) -v tid="$tid" -v name="$(cat /proc/$BPID/task/$tid/comm 2>/dev/null)" -v nice="$(awk '{print $19}' /proc/$BPID/task/$tid/stat 2>/dev/null)" \
    'BEGIN {printf "brokle thread %s %s (nice %s): %.1f us/request (user %.1f, system %.1f)\n", tid, name, nice, (u + s) * 1e6 / hz / n, u * 1e6 / hz / n, s * 1e6 / hz / n}'
done
