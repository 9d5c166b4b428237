#!/usr/bin/env bash
# Gateway overhead, side by side in one run: wrk straight at the mock provider vs wrk through
# brokle (API-key auth, routing, relay, call recording on), at 1 and 64 connections, non-streaming
# and streaming; then latency at fixed offered rates over 64 connections (brokle_gateway_rate, an
# open-loop generator: latency counted from each request's intended send time, so a stall is not
# hidden by the generator waiting for it). Every table also has a "floor relay" row: the same
# traffic through brokle_relay_floor (bench/relay_floor.cpp), an epoll byte relay that does no
# work but the proxy's own reads and writes (one system call each), i.e. the most an epoll proxy
# can reach on this machine.
# The last column of the brokle rows is brokle_gateway_overhead_seconds over that row: its own time
# per call, request read to answer written, less the wait on the mock.
# Prints a Markdown block for bench/RESULTS.md.
# Usage: bench/gateway.sh [duration_seconds=10]   (RATES="1000 5000" by default)
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-10}
BIN=build/release/brokle
MOCK=build/release/tests/brokle_mock_provider
RATEGEN=build/release/bench/brokle_gateway_rate
FLOOR=build/release/bench/brokle_relay_floor
RATES=${RATES:-"1000 5000"}
[ -x "$BIN" ] && [ -x "$MOCK" ] && [ -x "$RATEGEN" ] && [ -x "$FLOOR" ] || { echo "build first: make build" >&2; exit 1; }

WORK=$(mktemp -d)
cleanup() { kill $BPID $MPID $FPID 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

. bench/bench_setup.sh
bench_start_mock "$MOCK" "$WORK"
"$FLOOR" --listen 0 --upstream "$MPORT" >"$WORK/floor.out" 2>&1 &
FPID=$!
for _ in $(seq 100); do grep -q listening "$WORK/floor.out" 2>/dev/null && break; sleep 0.05; done
FPORT=$(grep -oE '[0-9]+$' "$WORK/floor.out" | head -1)

bench_provider_toml "$MPORT" >"$WORK/brokle.toml"
export BROKLE_DATA_DIR=$WORK/data BROKLE_ARGON2_MEMORY=64KiB
KEY=$(bench_project_key "$BIN")
BROKLE_CONFIG=$WORK/brokle.toml BROKLE_OTLP_ENABLED=false BROKLE_HTTP_PORT=0 BROKLE_HTTP_ADDRESS=127.0.0.1 BROKLE_HTTP_THREADS=1 \
  "$BIN" serve >"$WORK/brokle.out" 2>"$WORK/brokle.log" &
BPID=$!
for _ in $(seq 100); do grep -q 'http://' "$WORK/brokle.out" 2>/dev/null && break; sleep 0.1; done
BPORT=$(grep -oE 'http://[0-9.]+:[0-9]+' "$WORK/brokle.out" | head -1 | sed 's/.*://')

# Brokle's own time so far (brokle_gateway_overhead_seconds): "sum count" for stream=false|true.
own_time() {
  curl -s "http://127.0.0.1:$BPORT/metrics" |
    awk -v s="$1" '$1 == "brokle_gateway_overhead_seconds_sum{stream=\"" s "\"}" { sum = $2 }
      $1 == "brokle_gateway_overhead_seconds_count{stream=\"" s "\"}" { n = $2 } END { print sum + 0, n + 0 }'
}

row() {  # label url connections stream auth
  local flag=false own="" before after
  [ "$4" = 1 ] && flag=true
  [ "$1" = "through brokle" ] && before=$(own_time $flag)
  STREAM=$4 wrk -t1 -c"$3" -d"${DURATION}s" --latency -s bench/gateway_chat.lua -H "Authorization: Bearer $5" "$2" >"$WORK/wrk.txt"
  local rps p50 p99 errs
  rps=$(awk '/Requests\/sec/ {print $2}' "$WORK/wrk.txt")
  p50=$(awk '$1=="50%" {print $2}' "$WORK/wrk.txt")
  p99=$(awk '$1=="99%" {print $2}' "$WORK/wrk.txt")
  errs=$(awk '/Non-2xx/ {print $5}' "$WORK/wrk.txt")
  if [ "$1" = "through brokle" ]; then
    after=$(own_time $flag)
    own=$(echo "$before $after" | awk '$4 > $2 { printf "%.1f µs", ($3 - $1) / ($4 - $2) * 1e6 }')
  fi
  echo "| $1 | $3 | $( [ "$4" = 1 ] && echo stream || echo json ) | $rps | $p50 | $p99 | ${errs:-0} | $own |"
  echo "$1 $3 $4 $rps" >>"$WORK/rps.txt"
}

echo "### Gateway overhead — $(date -u +%Y-%m-%d), $(nproc) cores; mock: 1 thread, brokle: 1 I/O thread, wrk: 1 thread; ${DURATION}s per row"
echo
echo "| path | connections | body | req/s | p50 | p99 | non-2xx | brokle's own time per call (mean) |"
echo "|---|---|---|---|---|---|---|---|"
for c in 1 64; do
  for s in 0 1; do
    row "direct to mock" "http://127.0.0.1:$MPORT/v1/chat/completions" $c $s sk-bench
    row "floor relay" "http://127.0.0.1:$FPORT/v1/chat/completions" $c $s sk-bench
    row "through brokle" "http://127.0.0.1:$BPORT/v1/chat/completions" $c $s "$KEY"
  done
done
echo
ratio() {  # connections stream
  awk -v c="$1" -v s="$2" '$(NF-2)==c && $(NF-1)==s { v[$1] = $NF }
    END { printf "%s connections %s: floor relay %.2fx direct, brokle %.2fx direct = %.2fx the floor\n",
          c, (s == 1 ? "stream" : "json"), v["floor"] / v["direct"], v["through"] / v["direct"], v["through"] / v["floor"] }' "$WORK/rps.txt"
}
for c in 1 64; do for s in 0 1; do echo "- $(ratio $c $s)"; done; done

rate_row() {  # label url rate stream auth
  local out
  out=$("$RATEGEN" --url "$2" --rate "$3" --connections 64 --duration "$DURATION" --header "Authorization: Bearer $5" \
    $( [ "$4" = 1 ] && echo --stream ))
  field() { echo "$out" | tr ' ' '\n' | awk -F= -v k="$1" '$1==k {print $2}'; }
  echo "| $1 | $3 | $( [ "$4" = 1 ] && echo stream || echo json ) | $(field achieved) | $(field p50_us) µs | $(field p99_us) µs |" \
    "$(field p999_us) µs | $(field non2xx) / $(field errors) |"
}

echo
echo "Fixed offered rate, 64 connections (latency from the intended send time; the generator's own"
echo "timer wake-up, ~30-50 µs here, is in every row):"
echo
echo "| path | offered req/s | body | achieved | p50 | p99 | p99.9 | non-2xx / errors |"
echo "|---|---|---|---|---|---|---|---|"
for r in $RATES; do
  for s in 0 1; do
    rate_row "direct to mock" "http://127.0.0.1:$MPORT/v1/chat/completions" "$r" $s sk-bench
    rate_row "floor relay" "http://127.0.0.1:$FPORT/v1/chat/completions" "$r" $s sk-bench
    rate_row "through brokle" "http://127.0.0.1:$BPORT/v1/chat/completions" "$r" $s "$KEY"
  done
done
echo
echo "brokle RSS after the run: $(( $(awk '/VmRSS/ {print $2}' /proc/$BPID/status) / 1024 )) MiB;" \
  "calls recorded: $(curl -s "http://127.0.0.1:$BPORT/metrics" | awk '/^brokle_gateway_records_written_total/ {print $2}')," \
  "dropped: $(curl -s "http://127.0.0.1:$BPORT/metrics" | awk '/^brokle_gateway_records_dropped_total/ {print $2}')"
