#!/usr/bin/env bash
# Instructions per gateway call, by thread: brokle runs under valgrind's callgrind (one I/O thread,
# busy polling off), gets one warm-up request, then N requests on one keep-alive connection (one
# curl), and the counts since the warm-up are divided by N per thread. Instruction counts do not
# depend on how busy the machine is, so two builds compare to a fraction of a percent where timing
# here swings ±20%: the I/O thread's count is stable to ~0.1%; the telemetry writer's and call
# recorder's vary with how their batches fall.
# Usage: bench/gateway_instructions.sh [requests=100] [model=gpt-4o-mini] [stream=0]
#        BIN=path/to/other/brokle to count another build.
#        CONNS=64 to send the calls from wrk over that many connections instead (for about
#        requests/50 seconds; the count is what wrk completed): the per-call cost under load,
#        where the telemetry writer's batches hold many calls.
# Needs valgrind (Debian: apt-get install valgrind); nothing else beyond `make build`.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-100}
MODEL=${2:-gpt-4o-mini}
STREAM=${3:-0}
BIN=${BIN:-build/release/brokle}
MOCK=build/release/tests/brokle_mock_provider
command -v valgrind >/dev/null && command -v callgrind_control >/dev/null ||
  { echo "needs valgrind (apt-get install valgrind)" >&2; exit 1; }
[ -x "$BIN" ] && [ -x "$MOCK" ] || { echo "build first: make build" >&2; exit 1; }

WORK=$(mktemp -d)
cleanup() { kill ${VPID:-} $MPID 2>/dev/null || true; wait 2>/dev/null || true; [ -n "${KEEP:-}" ] || rm -rf "$WORK"; }
trap cleanup EXIT

. bench/bench_setup.sh
bench_start_mock "$MOCK" "$WORK"
bench_provider_toml "$MPORT" translated >"$WORK/brokle.toml"
export BROKLE_DATA_DIR=$WORK/data BROKLE_ARGON2_MEMORY=64KiB
KEY=$(bench_project_key "$BIN")

echo "starting brokle under callgrind (slow: about a minute)..." >&2
BROKLE_CONFIG=$WORK/brokle.toml BROKLE_OTLP_ENABLED=false BROKLE_HTTP_PORT=0 BROKLE_HTTP_ADDRESS=127.0.0.1 \
  BROKLE_HTTP_THREADS=1 BROKLE_HTTP_BUSY_POLL_US=0 \
  valgrind --tool=callgrind --separate-threads=yes --callgrind-out-file="$WORK/cg.%p" "$BIN" serve \
  >"$WORK/brokle.out" 2>"$WORK/brokle.log" &
VPID=$!
for _ in $(seq 600); do grep -q 'http://' "$WORK/brokle.out" 2>/dev/null && break; sleep 0.2; done
BPORT=$(grep -oE 'http://[0-9.]+:[0-9]+' "$WORK/brokle.out" | head -1 | sed 's/.*://')
[ -n "$BPORT" ] || { echo "brokle did not start under valgrind; its log: $WORK/brokle.log" >&2; exit 1; }

BODY="{\"model\":\"$MODEL\",$( if [ "$STREAM" = 1 ]; then echo '"stream":true,'; fi )\"messages\":[{\"role\":\"user\",\"content\":\"hello there\"}]}"
URL=http://127.0.0.1:$BPORT/v1/chat/completions
ask() { curl -sS -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' -d "$BODY" "$@"; }
ask -o /dev/null "$URL"
sleep 1
callgrind_control -z $VPID >/dev/null
if [ -n "${CONNS:-}" ]; then
  command -v wrk >/dev/null || { echo "CONNS= needs wrk (apt-get install wrk)" >&2; exit 1; }
  echo "wrk: $CONNS connections for $(( N / 50 + 1 ))s..." >&2
  MODEL=$MODEL STREAM=$STREAM wrk -t1 -c"$CONNS" -d"$(( N / 50 + 1 ))s" -s bench/gateway_chat.lua \
    -H "Authorization: Bearer $KEY" "$URL" >"$WORK/wrk.txt"
  N=$(awk '/requests in/ {print $1}' "$WORK/wrk.txt")
  [ "${N:-0}" -gt 0 ] || { echo "wrk completed no requests: $(cat "$WORK/wrk.txt")" >&2; exit 1; }
else
  echo "sending $N requests on one connection..." >&2
  urls=() outs=()
  for _ in $(seq "$N"); do urls+=("$URL"); outs+=(-o /dev/null); done
  ask "${outs[@]}" "${urls[@]}"
fi
sleep 1
callgrind_control -d $VPID >/dev/null
sleep 1

echo "### Instructions per call — $(date -u +%Y-%m-%d), $MODEL, stream=$STREAM, $N keep-alive requests${CONNS:+ over $CONNS connections}, $BIN"
echo
echo "| thread | instructions per call |"
echo "|---|---|"
for f in "$WORK"/cg.$VPID.1-*; do
  total=$(awk '/^totals:/ {print $2}' "$f")
  [ "${total:-0}" -ge "$N" ] || continue
  # A thread is named by the entry function it runs (the first of these its profile holds).
  name=other
  for entry in "io_runtime::start=I/O thread" "ingest_pipeline::start=telemetry writer" \
               "call_recorder::start=call recorder" "api_key_index::start=API key refresh" "line_queue=log writer"; do
    if grep -q "${entry%%=*}" "$f"; then name=${entry#*=}; break; fi
  done
  echo "| $name | $(( total / N )) |"
done
