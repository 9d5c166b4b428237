#!/usr/bin/env bash
# Installs what Brokle needs to build, run and test, from Debian 12 packages only.
# Idempotent: installs only what is missing. Runs as root, or through sudo.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config git
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libssl-dev zlib1g-dev
  libsqlite3-dev sqlite3 libjemalloc-dev
  libsodium-dev libjwt-dev liboath-dev
  libprotobuf-dev protobuf-compiler libgrpc++-dev protobuf-compiler-grpc
  libspdlog-dev libfmt-dev libcli11-dev libtomlplusplus-dev
  protobuf-compiler protobuf-compiler-grpc libprotobuf-dev libgrpc++-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  clang-14 libclang-rt-14-dev
  wrk prometheus curl procps
)

missing=()
for p in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done

# Node.js runs the compatibility tests with the real client SDKs (the image ships Node 20; a bare
# Debian 12 gets its own nodejs + npm).
command -v node >/dev/null || missing+=(nodejs npm)

install_compat_clients() {
  # The npm packages users run (openai, ...), pinned by tests/compat/package-lock.json.
  local dir
  dir="$(cd "$(dirname "$0")/.." && pwd)/tests/compat"
  if [[ ! -d "$dir/node_modules" || "$dir/package-lock.json" -nt "$dir/node_modules" ]]; then
    echo "bootstrap: installing compatibility-test clients (npm ci in tests/compat)"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null && touch node_modules)
  fi
}

if ((${#missing[@]} == 0)); then
  echo "bootstrap: all ${#PACKAGES[@]} Debian packages present"
  install_compat_clients
  exit 0
fi

SUDO=""
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null; then SUDO="sudo"; else
    echo "bootstrap: missing packages (${missing[*]}) and not root; install them or run with sudo" >&2
    exit 1
  fi
fi

echo "bootstrap: installing ${#missing[@]} Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# prometheus is wanted only for promtool; keep its service from being started where a service manager exists.
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
install_compat_clients
echo "bootstrap: done"
