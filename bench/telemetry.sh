#!/usr/bin/env bash
# Telemetry ingestion end to end and query latency with a filled store, in one run:
#  1. OTLP/gRPC and OTLP/HTTP protobuf traces and logs from bench/otlp_load.cpp (8 connections,
#     512 rows per request, unique ids); each request is answered only once its rows are durable.
#  2. Optionally fills the store to FILL spans first (e.g. 10000000), then times the dashboard
#     queries (curl, 50 runs each, p50/p95) and ingest-to-queryable (a fresh trace, then poll).
# Prints a Markdown block for bench/RESULTS.md.
# Usage: bench/telemetry.sh [seconds=10] [fill_spans=0]
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_RUN=${1:-10}
FILL=${2:-0}
BIN=build/release/brokle
LOAD=build/release/bench/brokle_otlp_load
[ -x "$BIN" ] && [ -x "$LOAD" ] || { echo "build first: make build" >&2; exit 1; }

WORK=$(mktemp -d)
cleanup() { kill $BPID 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
export BROKLE_DATA_DIR=$WORK/data BROKLE_ARGON2_MEMORY=64KiB
echo 'benchmark password' | "$BIN" user create --email bench@example.com --password-stdin --admin >/dev/null
PROJECT=$("$BIN" project create --name bench | head -c 26)
KEY=$("$BIN" key create --project bench)
BROKLE_HTTP_PORT=0 BROKLE_OTLP_HTTP_PORT=0 BROKLE_OTLP_GRPC_PORT=0 BROKLE_HTTP_ADDRESS=127.0.0.1 BROKLE_ACCESS_LOG=false \
  "$BIN" serve >"$WORK/brokle.out" 2>"$WORK/brokle.log" &
BPID=$!
for _ in $(seq 100); do grep -q 'Ctrl-C' "$WORK/brokle.out" 2>/dev/null && break; sleep 0.1; done
PORT=$(grep -oE '^  http +http://[0-9.]+:[0-9]+' "$WORK/brokle.out" | sed 's/.*://')
OTLP=$(grep -oE 'otlp/http +http://[0-9.]+:[0-9]+' "$WORK/brokle.out" | sed 's/.*://')
GRPC=$(grep -oE 'otlp/grpc +[0-9.]+:[0-9]+' "$WORK/brokle.out" | sed 's/.*://')
TOKEN=$(curl -s -X POST "http://127.0.0.1:$PORT/api/v1/auth/login" -H 'Content-Type: application/json' \
  -d '{"email":"bench@example.com","password":"benchmark password"}' | sed 's/.*"access_token":"\([^"]*\)".*/\1/')

echo "### Telemetry ingestion — $(date -u +%Y-%m-%d), $(nproc) cores, load generator on the same machine"
echo
echo '```'
# The first seconds on an empty store are slower (the file grows); without a warm-up whichever
# transport ran first looked slower. Not measured: 5 s of each signal over HTTP.
"$LOAD" traces --port "$OTLP" --key "$KEY" --connections 8 --batch 512 --seconds 5 >/dev/null 2>&1
"$LOAD" logs --port "$OTLP" --key "$KEY" --connections 8 --batch 512 --seconds 5 >/dev/null 2>&1
echo "# OTLP/gRPC (after a 5 s warm-up per signal)"
"$LOAD" traces-grpc --port "$GRPC" --key "$KEY" --connections 8 --batch 512 --seconds "$SECONDS_PER_RUN" 2>/dev/null
"$LOAD" logs-grpc --port "$GRPC" --key "$KEY" --connections 8 --batch 512 --seconds "$SECONDS_PER_RUN" 2>/dev/null
echo "# OTLP/HTTP protobuf"
"$LOAD" traces --port "$OTLP" --key "$KEY" --connections 8 --batch 512 --seconds "$SECONDS_PER_RUN" 2>/dev/null
"$LOAD" logs --port "$OTLP" --key "$KEY" --connections 8 --batch 512 --seconds "$SECONDS_PER_RUN" 2>/dev/null
if [ "$FILL" -gt 0 ]; then
  echo "filling the store to $FILL spans..."
  # What the process made the kernel write while filling (WAL + checkpoints), per span: the measure
  # of write amplification, steadier than the rate on this machine.
  W0=$(awk '/^write_bytes/ {print $2}' /proc/$BPID/io)
  "$LOAD" traces-grpc --port "$GRPC" --key "$KEY" --connections 8 --batch 512 --seconds 100000 --total "$FILL" 2>/dev/null
  echo "bytes written to disk per span while filling: $(( ($(awk '/^write_bytes/ {print $2}' /proc/$BPID/io) - W0) / FILL ))"
fi
echo '```'
echo
DB_MB=$(du -sm "$WORK/data" | cut -f1)
SPANS=$(curl -s "http://127.0.0.1:$PORT/api/v1/projects/$PROJECT/metrics/dashboard?start=1" -H "Authorization: Bearer $TOKEN" \
  | sed 's/.*"spans":\([0-9]*\).*/\1/')
echo "Store: $SPANS spans, ${DB_MB} MiB on disk. Query latency (curl, 50 runs each):"
echo
echo "| query | p50 ms | p95 ms |"
echo "|---|---|---|"
A="http://127.0.0.1:$PORT/api/v1/projects/$PROJECT"
TRACE=$(curl -s "$A/traces?limit=1" -H "Authorization: Bearer $TOKEN" | sed 's/.*"trace_id":"\([0-9a-f]*\)".*/\1/')
# The dashboard API allows a signed-in user 10 requests a second (burst 10): runs are paced under
# that, and any answer other than 200 stops the benchmark rather than timing an error.
time_query() {  # label url
  for _ in $(seq 50); do
    curl -s -o /dev/null -w '%{http_code} %{time_total}\n' "$2" -H "Authorization: Bearer $TOKEN"
    sleep 0.11
  done > "$WORK/q.txt"
  if awk '$1 != 200 {bad=1} END {exit !bad}' "$WORK/q.txt"; then
    echo "query '$1' answered $(awk '$1 != 200 {print $1}' "$WORK/q.txt" | sort | uniq -c | tr '\n' ' ')" >&2
    exit 1
  fi
  awk '{print $2}' "$WORK/q.txt" | sort -n |
    awk -v label="$1" '{v[NR]=$1*1000} END {printf "| %s | %.1f | %.1f |\n", label, v[int(NR*0.5)], v[int(NR*0.95)]}'
}
time_query "trace by id" "$A/traces/$TRACE"
time_query "traces, newest 50 (last hour)" "$A/traces"
time_query "traces, errors by duration" "$A/traces?status=error&sort_by=duration"
time_query "dashboard stats" "$A/metrics/dashboard"
time_query "traffic series" "$A/metrics/traffic"
time_query "latency heatmap" "$A/metrics/latency_heatmap"
time_query "service map" "$A/metrics/service-map"
time_query "services" "$A/services"
time_query "logs full-text search, common word (~55% of logs)" "$A/logs?search=declined"
time_query "logs full-text search, rare word (one export's ids)" "$A/logs?search=4242"
time_query "logs, errors of one service" "$A/logs?severity=error&service_name=service-3"

# Ingest-to-queryable: one fresh trace, then poll the trace list until it shows (50 ms polls).
sleep 1.1  # a full request budget for the polls below (see time_query)
T0=$(date +%s%N)
"$LOAD" traces --port "$OTLP" --key "$KEY" --connections 1 --batch 8 --total 8 --seconds 5 >"$WORK/fresh.txt" 2>&1 ||
  { echo "the fresh trace was not accepted: $(cat "$WORK/fresh.txt")" >&2; exit 1; }
SEEN=""
for _ in $(seq 200); do
  curl -s "$A/traces?limit=1&start=$(( (T0 / 1000000) - 1000 ))" -H "Authorization: Bearer $TOKEN" >"$WORK/poll.json"
  grep -q trace_id "$WORK/poll.json" && { SEEN=1; break; }
  sleep 0.05
done
T1=$(date +%s%N)
[ -n "$SEEN" ] || { echo "the fresh trace never showed up; last answer: $(head -c 300 "$WORK/poll.json")" >&2; exit 1; }
echo
echo "Ingest-to-queryable (export answered, then first query that sees it): $(( (T1 - T0) / 1000000 )) ms"
echo
