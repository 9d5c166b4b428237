#include "gateway/providers/anthropic_passthrough.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "gateway/providers/anthropic_wire.hpp"
#include "gateway/providers/openai_shapes.hpp"
#include "gateway/providers/openai_wire.hpp"

namespace brokle::gateway {

namespace json = boost::json;

namespace {

bool is_version_date(std::string_view v) {
  if (v.size() != 10 || v[4] != '-' || v[7] != '-') return false;
  for (size_t i = 0; i < v.size(); ++i)
    if (i != 4 && i != 7 && (v[i] < '0' || v[i] > '9')) return false;
  return true;
}

bool is_beta_list(std::string_view v) {
  if (v.size() > 1024) return false;
  for (char c : v)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
          c == '.' || c == ',' || c == ' '))
      return false;
  return true;
}

std::optional<json::object> parse_object(std::string_view text) {
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.as_object());
}

const json::object* object_at(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  return it != o.end() && it->value().is_object() ? &it->value().as_object() : nullptr;
}

}  // namespace

result<net::upstream_request> build_anthropic_passthrough(const provider_config& p, json::object request,
                                                          const std::string& upstream_model,
                                                          const anthropic_client_headers& headers) {
  if (!headers.version.empty() && !is_version_date(headers.version))
    return make_error(errc::invalid_argument, "anthropic-version: expected a date such as 2023-06-01");
  if (!is_beta_list(headers.beta))
    return make_error(errc::invalid_argument, "anthropic-beta: expected comma-separated feature names");
  auto stream = request.find("stream");
  bool streamed = stream != request.end() && stream->value().is_bool() && stream->value().as_bool();
  auto req = anthropic_messages_post(p, streamed, headers.version);
  if (!headers.beta.empty()) req.headers.set("anthropic-beta", std::string(headers.beta));
  request["model"] = upstream_model;
  req.body = json::serialize(request);
  return req;
}

result<net::upstream_request> build_anthropic_count_tokens(const provider_config& p, json::object request,
                                                           const std::string& upstream_model,
                                                           const anthropic_client_headers& headers) {
  request.erase("stream");  // counting has no stream; the answer is always one JSON body
  auto req = build_anthropic_passthrough(p, std::move(request), upstream_model, headers);
  if (req) req->url += "/count_tokens";
  return req;
}

std::optional<token_usage> anthropic_message_usage(std::string_view body) {
  auto message = parse_object(body);
  if (!message || json_string(*message, "type") != "message") return std::nullopt;
  token_usage u;
  if (const auto* usage = object_at(*message, "usage")) read_anthropic_usage(*usage, u);
  return u;
}

bool is_anthropic_error(std::string_view body) {
  auto o = parse_object(body);
  if (!o || json_string(*o, "type") != "error") return false;
  const auto* e = object_at(*o, "error");
  return e && !json_string(*e, "type").empty();
}

void anthropic_stream_watch::on_event(std::string_view event) {
  std::string name = sse_event_name(event);
  if (name == "message_stop") {
    finished_ = true;
    return;
  }
  if (name != "message_start" && name != "message_delta" && name != "error") return;
  auto data = parse_object(sse_data(event));
  if (!data) {
    // Relayed all the same (the client judges it), but the usage it carried is lost: say so.
    if (malformed_.empty()) malformed_ = "malformed " + name + " event";
    return;
  }
  if (name == "error") {
    const auto* e = object_at(*data, "error");
    error_ = e ? json_string(*e, "type") + ": " + json_string(*e, "message") : "error event";
    return;
  }
  const json::object* holder = name == "message_start" ? object_at(*data, "message") : &*data;
  if (!holder) return;
  if (const auto* usage = object_at(*holder, "usage")) read_anthropic_usage(*usage, usage_);
}

}  // namespace brokle::gateway
