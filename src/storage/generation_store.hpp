// Every model call through the gateway, as recorded for cost, latency and audit. Appends come in
// batches from the recorder's writer thread; reads are scoped to a project.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "core/tenant_scope.hpp"

namespace brokle::storage {

struct generation_record {
  std::string id;
  std::string request_id;
  std::string org_id;
  std::string project_id;
  std::string key_id;
  std::string environment;
  std::string endpoint;  // chat.completions | completions | embeddings
  std::string model_requested;
  std::string model_used;
  std::string provider;
  int status = 0;  // HTTP status answered to the caller
  std::string error;
  int64_t input_tokens = 0;
  int64_t output_tokens = 0;
  int64_t cached_input_tokens = 0;
  int64_t cache_write_input_tokens = 0;  // written to a prompt cache (Anthropic), part of input
  int64_t reasoning_tokens = 0;
  double cost_usd = 0;
  int64_t latency_ms = 0;
  int64_t time_to_first_token_ms = 0;  // streams only
  bool streamed = false;
  int64_t started_at = 0;  // unix ms
  // The provider's id for what the call created, when the provider keeps it for later calls (a
  // Responses API response id); empty otherwise.
  std::string upstream_id;
};

class generation_store {
 public:
  virtual ~generation_store() = default;
  virtual status append_batch(const std::vector<generation_record>& batch) = 0;
  virtual result<std::vector<generation_record>> recent(const project_scope& s, int limit) = 0;
  // The project's most recent call that created `upstream_id` (its model_requested resolves to the
  // same provider); nullopt when no call of this project created it.
  virtual result<std::optional<generation_record>> find_by_upstream_id(const project_scope& s,
                                                                       std::string_view upstream_id) = 0;
  // Usage learnt after the call was recorded (a background response that has since ended): sets
  // the tokens and cost of the project's call `id` when it has none yet. True when it did; false
  // when the call is unknown or already has tokens (so a usage is never counted twice).
  struct late_usage {
    int64_t input_tokens = 0, output_tokens = 0, cached_input_tokens = 0, reasoning_tokens = 0;
    double cost_usd = 0;
  };
  virtual result<bool> record_late_usage(const project_scope& s, std::string_view id, const late_usage& u) = 0;
};

}  // namespace brokle::storage
