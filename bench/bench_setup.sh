# Sourced by the gateway benchmarks (gateway.sh, gateway_cpu.sh, gateway_instructions.sh): the
# mock provider, the provider tables pointing at it, and a fresh brokle store with one project key.

# bench_start_mock MOCK WORK: starts the mock provider (one thread); sets MPID and MPORT.
bench_start_mock() {
  "$1" --port 0 --threads 1 >"$2/mock.out" 2>&1 &
  MPID=$!
  for _ in $(seq 100); do grep -q listening "$2/mock.out" 2>/dev/null && break; sleep 0.05; done
  MPORT=$(grep -oE '[0-9]+$' "$2/mock.out" | head -1)
}

# bench_provider_toml MPORT [translated]: the mock as an OpenAI provider serving gpt-4o-mini;
# with "translated", also as Anthropic (claude-3-5-haiku) and Gemini (gemini-2.0-flash).
bench_provider_toml() {
  printf '[[provider]]\nname = "mock"\ntype = "openai"\nbase_url = "http://127.0.0.1:%s/v1"\napi_key = "sk-bench"\nmodels = ["gpt-4o-mini"]\n' "$1"
  if [ "${2:-}" = translated ]; then
    printf '[[provider]]\nname = "claude"\ntype = "anthropic"\nbase_url = "http://127.0.0.1:%s"\napi_key = "sk-ant-bench"\nmodels = ["claude-3-5-haiku"]\n' "$1"
    printf '[[provider]]\nname = "google"\ntype = "gemini"\nbase_url = "http://127.0.0.1:%s"\napi_key = "g-bench"\nmodels = ["gemini-2.0-flash"]\n' "$1"
  fi
}

# bench_project_key BIN: an admin user, a project and its key in the store at $BROKLE_DATA_DIR;
# prints the key.
bench_project_key() {
  echo 'benchmark password' | "$1" user create --email bench@example.com --password-stdin --admin >/dev/null
  "$1" project create --name bench >/dev/null
  "$1" key create --project bench
}
