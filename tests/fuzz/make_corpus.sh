#!/usr/bin/env bash
# Regenerates the binary seeds in tests/fuzz/corpus/ from readable sources: protobuf seeds from the
# text-format files in seed_text/<target>/ (protoc --encode with our .proto files), gzip/deflate
# seeds from small bodies. JSON seeds are written by hand directly in corpus/otlp_json_fuzz/.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
protos="$here/../../src/telemetry/otlp/proto"
encode() {  # <message type> <proto file> <text file> <out file>
  protoc -I "$protos" --encode="$1" "$2" < "$3" > "$4"
}
for target in otlp_trace_fuzz otlp_logs_fuzz otlp_metrics_fuzz; do
  case $target in
    otlp_trace_fuzz) msg=opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest
                     file=opentelemetry/proto/collector/trace/v1/trace_service.proto ;;
    otlp_logs_fuzz) msg=opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest
                    file=opentelemetry/proto/collector/logs/v1/logs_service.proto ;;
    otlp_metrics_fuzz) msg=opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest
                       file=opentelemetry/proto/collector/metrics/v1/metrics_service.proto ;;
  esac
  mkdir -p "$here/corpus/$target"
  for src in "$here/seed_text/$target"/*.txtpb; do
    out="$here/corpus/$target/$(basename "${src%.txtpb}").pb"
    encode "$msg" "$file" "$src" "$out"
    # A truncated copy: must be refused as a whole.
    head -c $(( $(stat -c %s "$out") * 2 / 3 )) "$out" > "${out%.pb}_truncated.pb"
  done
done
printf '\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01' > "$here/corpus/otlp_trace_fuzz/garbage_varint.pb"
printf '\x0a\x05\x12\x03\x0c' > "$here/corpus/otlp_logs_fuzz/end_group_tag.pb"

# gzip_fuzz: the first byte picks the coding (even: gzip, odd: deflate), the rest is the body.
g="$here/corpus/gzip_fuzz"
mkdir -p "$g"
body="$here/corpus/otlp_trace_fuzz/genai_spans.pb"
{ printf '\x00'; gzip -9n -c "$body"; } > "$g/gzip_trace.bin"
{ printf '\x00'; gzip -9n -c "$body"; gzip -9n -c "$body"; } > "$g/gzip_two_members.bin"
{ printf '\x00'; head -c 1048576 /dev/zero | gzip -9n -c; } > "$g/gzip_bomb_1mib.bin"
{ printf '\x00'; gzip -9n -c "$body" | head -c 40; } > "$g/gzip_truncated.bin"
{ printf '\x01'; python3 -c 'import sys,zlib; sys.stdout.buffer.write(zlib.compress(open(sys.argv[1],"rb").read(), 9))' "$body"; } > "$g/deflate_zlib.bin"
{ printf '\x01'; python3 -c 'import sys,zlib; c=zlib.compressobj(9, zlib.DEFLATED, -15); sys.stdout.buffer.write(c.compress(open(sys.argv[1],"rb").read()) + c.flush())' "$body"; } > "$g/deflate_raw.bin"
echo "corpus regenerated under $here/corpus"
