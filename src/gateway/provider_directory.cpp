#include "gateway/provider_directory.hpp"

#include <map>
#include <set>

#include "core/background_thread.hpp"
#include "core/log.hpp"

namespace brokle::gateway {

provider_directory::provider_directory(const model_catalog& global, storage::project_provider_store& store,
                                       const identity::secret_box& box, std::chrono::milliseconds poll)
    : global_(global), store_(store), box_(box), poll_(poll) {}

provider_directory::~provider_directory() { stop(); }

status provider_directory::start() {
  auto s = refresh();
  thread_ = std::thread([this] { loop(); });
  return s;
}

void provider_directory::stop() {
  {
    std::lock_guard lock(loop_mu_);
    stopping_ = true;
  }
  loop_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void provider_directory::loop() {
  name_this_thread("brokle-providers");
  std::unique_lock lock(loop_mu_);
  while (!loop_cv_.wait_for(lock, poll_, [&] { return stopping_; })) {
    lock.unlock();
    auto s = refresh();
    if (!s && !refresh_failing_) log::warn("project providers: refresh failed", {{"error", s.err().message}});
    refresh_failing_ = !s;
    lock.lock();
  }
}

status provider_directory::refresh() {
  std::lock_guard guard(refresh_mu_);
  auto version = store_.version();
  if (!version) return version.err();
  if (*version == loaded_version_) return ok_v;
  auto rows = store_.all();
  if (!rows) return rows.err();

  std::map<std::string, std::vector<provider_config>> by_project;
  size_t count = 0;
  for (auto& r : *rows) {
    auto type = parse_provider_type(r.type);
    if (!type) continue;  // validated on the way in; an unknown type can only come from a newer version
    provider_config p;
    p.name = r.name;
    p.type = *type;
    p.base_url = r.base_url;
    p.api_version = r.api_version;
    p.models = std::move(r.models);
    p.aliases = std::move(r.aliases);
    auto responses = parse_responses_setting(p.type, r.responses);  // validated on the way in
    p.translate_responses = responses ? *responses : !speaks_openai_wire(p.type);
    if (!r.sealed_key.empty()) {
      auto key = box_.open(r.sealed_key);
      if (!key) {
        unseal_failures_.fetch_add(1);
        log::error("project provider key cannot be unsealed (was the master key changed?); provider skipped",
                   {{"project_id", r.project_id}, {"provider", r.name}});
        continue;
      }
      p.api_key = std::move(*key);
    }
    by_project[r.project_id].push_back(std::move(p));
    ++count;
  }
  auto next = std::make_shared<snapshot>();
  for (auto& [project, providers] : by_project)
    next->emplace(project, std::make_shared<const model_catalog>(std::move(providers)));
  {
    std::lock_guard lock(snap_mu_);
    snap_ = std::move(next);
  }
  provider_count_ = count;
  loaded_version_ = *version;
  return ok_v;
}

std::shared_ptr<const model_catalog> provider_directory::catalog_for(const std::string& project_id) const {
  std::shared_ptr<const snapshot> s;
  {
    std::lock_guard lock(snap_mu_);
    s = snap_;
  }
  auto it = s->find(project_id);
  return it == s->end() ? nullptr : it->second;
}

model_route provider_directory::resolve(const project_scope& scope, std::string_view model) const {
  if (auto own = catalog_for(scope.project_id()))
    if (auto r = own->resolve(model); r.provider) return r;
  return global_.resolve(model);
}

std::vector<model_catalog::listed> provider_directory::models(const project_scope& scope) const {
  std::vector<model_catalog::listed> out;
  std::set<std::string> seen;
  if (auto own = catalog_for(scope.project_id()))
    for (auto& m : own->models())
      if (seen.insert(m.id).second) out.push_back(std::move(m));
  for (auto& m : global_.models())
    if (seen.insert(m.id).second) out.push_back(std::move(m));
  return out;
}

}  // namespace brokle::gateway
