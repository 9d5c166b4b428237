#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz) with clang in build/fuzz and runs each for N seconds.
# Usage: scripts/fuzz.sh [seconds per target, default 30] [target...]
# Each target starts from its checked-in seeds (tests/fuzz/corpus/<target>) and grows a working
# corpus in build/fuzz/corpus/<target> (not checked in); crashes land in build/fuzz/crashes/.
# Add a crash input to tests/fuzz/corpus/<target>/ once fixed so every ctest run replays it.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
seconds="${1:-30}"
shift || true
targets=("$@")
((${#targets[@]})) || targets=(otlp_trace_fuzz otlp_logs_fuzz otlp_metrics_fuzz otlp_json_fuzz gzip_fuzz)
build="$root/build/fuzz"
jobs="${FUZZ_BUILD_JOBS:-2}"

CXX="${CXX:-clang++-14}" cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_COMPILER="${CXX:-clang++-14}" -DBROKLE_FUZZ=ON >/dev/null
cmake --build "$build" -j"$jobs" --target "${targets[@]}"

mkdir -p "$build/crashes"
status=0
for t in "${targets[@]}"; do
  mkdir -p "$build/corpus/$t"
  dict=()
  [[ -f "$root/tests/fuzz/$t.dict" ]] && dict=(-dict="$root/tests/fuzz/$t.dict")
  echo "== $t: ${seconds}s"
  # -rss_limit_mb: the decoders' memory is bounded by the input; 2 GB means something is wrong.
  if ! "$build/tests/fuzz/$t" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 "${dict[@]}" \
       -artifact_prefix="$build/crashes/$t-" "$build/corpus/$t" "$root/tests/fuzz/corpus/$t"; then
    echo "!! $t found a failure; see $build/crashes/" >&2
    status=1
  fi
done
exit $status
