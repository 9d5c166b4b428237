#include "telemetry/ingest/langfuse_batch.hpp"

#include <boost/json/parse.hpp>

#include "core/timestamp.hpp"
#include "telemetry/ingest/llm_payloads.hpp"

namespace brokle::telemetry {

namespace {

using storage::observation_type;

// Adds one event's records to the batch, or says why it cannot.
status add_event(std::string_view type, const boost::json::object& body, const decode_context& ctx,
                 storage::telemetry_batch& out) {
  auto observation = [&](std::optional<observation_type> hint, bool update) -> status {
    decode_context c = ctx;
    c.require_id = update;
    auto r = decode_observation(body, c, hint);
    if (!r) return r.err();
    out.observations.push_back(std::move(*r));
    return ok_v;
  };
  if (type == "trace-create") {
    auto t = decode_trace(body, ctx);
    if (!t) return t.err();
    out.traces.push_back(std::move(*t));
    return ok_v;
  }
  if (type == "span-create") return observation(observation_type::span, false);
  if (type == "span-update") return observation(observation_type::span, true);
  if (type == "generation-create") return observation(observation_type::generation, false);
  if (type == "generation-update") return observation(observation_type::generation, true);
  if (type == "event-create") return observation(observation_type::event, false);
  if (type == "observation-create") return observation(std::nullopt, false);
  if (type == "observation-update") return observation(std::nullopt, true);
  if (type == "score-create") {
    auto s = decode_score(body, ctx);
    if (!s) return s.err();
    out.scores.push_back(std::move(*s));
    return ok_v;
  }
  if (type == "sdk-log") return ok_v;  // the SDK's own diagnostics: acknowledged, not stored
  return make_error(errc::invalid_argument, "unknown event type '" + std::string(type) + "'");
}

}  // namespace

result<langfuse_decoded> decode_langfuse_batch(std::string_view text, int64_t now_ms, const std::string& environment,
                                               const langfuse_limits& limits) {
  boost::system::error_code ec;
  auto v = boost::json::parse(text, ec);
  if (ec) return make_error(errc::invalid_argument, "the body is not valid JSON");
  if (!v.is_object()) return make_error(errc::invalid_argument, "the body must be an object with a 'batch' array");
  auto* batch = v.as_object().if_contains("batch");
  if (!batch || !batch->is_array()) return make_error(errc::invalid_argument, "the body must hold a 'batch' array");
  if (batch->as_array().size() > limits.max_events)
    return make_error(errc::too_large, "a batch holds at most " + std::to_string(limits.max_events) + " events");

  langfuse_decoded out;
  for (const auto& ev : batch->as_array()) {
    if (!ev.is_object()) {
      out.errors.push_back({"", 400, "an event must be an object"});
      continue;
    }
    const auto& e = ev.as_object();
    std::string id;
    if (auto* i = e.if_contains("id"); i && i->is_string() && !i->as_string().empty() && i->as_string().size() <= 128)
      id = std::string(i->as_string());
    if (id.empty()) {
      out.errors.push_back({"", 400, "an event needs an 'id' (1-128 bytes)"});
      continue;
    }
    auto* type = e.if_contains("type");
    auto* body = e.if_contains("body");
    if (!type || !type->is_string() || !body || !body->is_object()) {
      out.errors.push_back({id, 400, "an event needs a 'type' string and a 'body' object"});
      continue;
    }
    decode_context ctx{now_ms, environment, false};
    // The envelope's timestamp stands in for a body without one.
    if (auto* ts = e.if_contains("timestamp"); ts && ts->is_string())
      if (auto ns = parse_rfc3339_ns(ts->as_string())) ctx.now_ms = *ns / 1'000'000;
    // A create without a body id takes the envelope's: the SDK re-sends a batch with the same
    // envelope ids, so the record keeps one identity and is never stored twice.
    const boost::json::object* b = &body->as_object();
    boost::json::object with_id;
    if (!b->contains("id") && type->as_string().ends_with("-create")) {
      with_id = *b;
      with_id["id"] = id;
      b = &with_id;
    }
    if (auto s = add_event(type->as_string(), *b, ctx, out.batch); !s) {
      out.errors.push_back({id, 400, s.err().message});
      continue;
    }
    out.successes.push_back({id, 201, {}});
  }
  return out;
}

}  // namespace brokle::telemetry
