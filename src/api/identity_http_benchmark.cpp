// Cost of authenticating one SDK request: key parse + BLAKE2b + index lookup (api_key_index),
// the whole header-to-principal path (require_api_key), with and without a per-key RPM limit,
// and the dashboard login's Argon2id verify at the default parameters.
#include <benchmark/benchmark.h>

#include <filesystem>

#include "api/identity_http.hpp"
#include "app/config.hpp"
#include "app/identity_module.hpp"
#include "core/ulid.hpp"
#include "identity/password_hasher.hpp"
#include "storage/store_set.hpp"

namespace {

using namespace brokle;

struct fixture {
  std::filesystem::path dir = std::filesystem::temp_directory_path() / ("brokle-bench-" + new_ulid());
  storage::store_set stores;
  std::unique_ptr<app::identity_module> id;
  std::vector<std::string> keys;
  std::string limited_key;

  fixture() {
    app::config cfg;
    cfg.data_dir = dir;
    cfg.argon2_memory = 64 * 1024;
    cfg.argon2_ops = 1;
    stores = storage::open_sqlite_stores({dir, 2}).value();
    storage::migration_runner(*stores.migrations, storage::embedded_migration_files()).up().value();
    id = app::make_identity_module(cfg, stores).value();
    auto user = id->auth->create_user("bench@example.com", "benchmark password", "", true).value();
    auto org = id->orgs->create({user.id, ""}, "bench").value();
    // 10,000 keys in the index, spread over 100 projects.
    for (int p = 0; p < 100; ++p) {
      auto project = id->projects->create({user.id, ""}, org.id, "p" + std::to_string(p), "").value();
      for (int k = 0; k < 100; ++k) {
        identity::new_key_request req;
        req.name = "k";
        if (p == 0 && k == 0) req.rpm_limit = 1'000'000'000;
        auto key = id->projects->create_key({user.id, ""}, project.id, req).value();
        if (p == 0 && k == 0) limited_key = key.full_key;
        else keys.push_back(key.full_key);
      }
    }
  }
  ~fixture() {
    id.reset();
    stores = {};
    std::filesystem::remove_all(dir);
  }
};

fixture& shared() {
  static fixture f;
  return f;
}

void BM_key_index_validate(benchmark::State& state) {
  auto& f = shared();
  size_t i = 0;
  for (auto _ : state) {
    auto r = f.id->keys->validate(f.keys[i++ % f.keys.size()]);
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_key_index_validate)->ThreadRange(1, 2);

void run_require_api_key(benchmark::State& state, const std::string& key) {
  auto& f = shared();
  net::blocking_pool pool(1, 1, "bench");
  api::identity_http http{*f.id->auth, *f.id->keys, *f.id->limiter, pool, {}};
  net::http_request req;
  req.remote_address = "127.0.0.1";
  req.headers.add("Authorization", "Bearer " + key);
  for (auto _ : state) {
    net::request_context ctx{req, "rid", "/v1/chat/completions", {}, {}};
    auto caller = api::require_api_key(ctx, http);
    benchmark::DoNotOptimize(caller);
  }
}
void BM_require_api_key(benchmark::State& state) { run_require_api_key(state, shared().keys[42]); }
void BM_require_api_key_with_rpm_limit(benchmark::State& state) { run_require_api_key(state, shared().limited_key); }
BENCHMARK(BM_require_api_key);
BENCHMARK(BM_require_api_key_with_rpm_limit);

void BM_argon2id_verify_default_params(benchmark::State& state) {
  identity::password_hasher hasher;  // the shipped defaults
  auto stored = hasher.hash("correct horse battery staple").value();
  for (auto _ : state) benchmark::DoNotOptimize(hasher.verify(stored, "correct horse battery staple"));
}
BENCHMARK(BM_argon2id_verify_default_params)->Unit(benchmark::kMillisecond)->ThreadRange(1, 2)->UseRealTime();

}  // namespace
