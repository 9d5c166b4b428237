#include "gateway/providers/openai_responses.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "gateway/providers/openai_shapes.hpp"
#include "gateway/providers/openai_wire.hpp"

namespace brokle::gateway {

namespace json = boost::json;

namespace {

std::optional<json::object> parse_object(std::string_view text) {
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.as_object());
}

bool has_kind(const json::object& o, std::string_view key, json::kind k) {
  auto it = o.find(key);
  return it == o.end() || it->value().kind() == k || it->value().is_null();
}

}  // namespace

bool serves_responses_api(provider_type t) { return speaks_openai_wire(t); }

status check_responses_request(const json::object& request) {
  auto model = request.find("model");
  if (model == request.end() || !model->value().is_string() || model->value().as_string().empty())
    return make_error(errc::invalid_argument, "`model` is required and must be a string");
  auto input = request.find("input");
  if (input == request.end() || input->value().is_null()) {
    if (!request.contains("previous_response_id") && !request.contains("prompt") && !request.contains("conversation"))
      return make_error(errc::invalid_argument, "`input` is required (a string or an array of input items)");
  } else if (!input->value().is_string() && !input->value().is_array()) {
    return make_error(errc::invalid_argument, "`input` must be a string or an array of input items");
  }
  if (!has_kind(request, "stream", json::kind::bool_)) return make_error(errc::invalid_argument, "`stream` must be a boolean");
  if (!has_kind(request, "background", json::kind::bool_))
    return make_error(errc::invalid_argument, "`background` must be a boolean");
  if (!has_kind(request, "instructions", json::kind::string))
    return make_error(errc::invalid_argument, "`instructions` must be a string");
  if (!has_kind(request, "tools", json::kind::array)) return make_error(errc::invalid_argument, "`tools` must be an array");
  return ok_v;
}

namespace {

// {base}/responses with the provider's credential. Azure serves the Responses API only on its
// OpenAI-style v1 surface: no deployment in the path (the deployment is named in `model`), no
// api-version; api-key authenticates as elsewhere.
net::upstream_request responses_call(const provider_config& p, net::http_method method) {
  net::upstream_request req;
  req.method = method;
  if (p.type == provider_type::azure_openai) {
    req.url = p.base_url + "/openai/v1/responses";
    if (!p.api_key.empty()) req.headers.set("api-key", p.api_key);
  } else {
    req.url = p.base_url + "/responses";
    if (!p.api_key.empty()) req.headers.set("Authorization", "Bearer " + p.api_key);
  }
  return req;
}

}  // namespace

net::upstream_request build_stored_response_request(const provider_config& p, net::http_method method,
                                                    std::string_view id, std::string_view suffix,
                                                    std::string_view query) {
  auto req = responses_call(p, method);
  req.url.append("/").append(id).append(suffix);
  if (!query.empty()) req.url.append("?").append(query);
  req.headers.set("Accept", "application/json");
  return req;
}

net::upstream_request build_responses_request(const provider_config& p, json::object request,
                                              const std::string& upstream_model, std::string_view client_bytes,
                                              std::string_view path_suffix) {
  auto req = responses_call(p, net::http_method::post);
  req.url.append(path_suffix);
  auto stream = request.find("stream");
  bool streamed = stream != request.end() && stream->value().is_bool() && stream->value().as_bool();
  auto asked = request.find("model");
  bool same_model = asked != request.end() && asked->value().is_string() && asked->value().as_string() == upstream_model;
  if (same_model && !client_bytes.empty() && key_occurrences(client_bytes, "model") == 1) {
    req.headers.set("Content-Type", "application/json");
    req.headers.set("Accept", streamed ? "text/event-stream" : "application/json");
    req.body.assign(client_bytes);
    return req;
  }
  request["model"] = upstream_model;
  req.headers.set("Content-Type", "application/json");
  req.headers.set("Accept", streamed ? "text/event-stream" : "application/json");
  req.body = json::serialize(request);
  return req;
}

std::optional<token_usage> responses_usage(const json::object& response, std::string_view object) {
  if (json_string(response, "object") != object) return std::nullopt;
  token_usage u;
  const auto* usage = json_object_at(response, "usage");
  if (!usage) return u;
  u.input_tokens = json_int(*usage, "input_tokens");
  u.output_tokens = json_int(*usage, "output_tokens");
  if (const auto* in = json_object_at(*usage, "input_tokens_details")) u.cached_input_tokens = json_int(*in, "cached_tokens");
  if (const auto* out = json_object_at(*usage, "output_tokens_details"))
    u.reasoning_tokens = json_int(*out, "reasoning_tokens");
  return u;
}

std::optional<response_facts> read_response_body(std::string_view body, std::string_view object) {
  auto o = parse_object(body);
  if (!o) return std::nullopt;
  auto usage = responses_usage(*o, object);
  if (!usage) return std::nullopt;
  return response_facts{json_string(*o, "id"), *usage, json_string(*o, "status")};
}

bool response_has_ended(std::string_view status) {
  return status == "completed" || status == "incomplete" || status == "failed" || status == "cancelled";
}

bool is_response_id(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) return false;
  return true;
}

void responses_stream_watch::on_event(std::string_view event) {
  std::string name = sse_event_name(event);
  std::string scratch;
  std::string_view data = sse_data(event, scratch);
  // Servers that omit `event:` lines name the event only in the data's "type".
  if (name.empty()) {
    bool wanted = false;
    for (std::string_view type : {"\"response.completed\"", "\"response.incomplete\"", "\"response.failed\"",
                                  "\"response.created\"", "\"error\""})
      wanted = wanted || data.find(type) != std::string_view::npos;
    if (!wanted) return;
  } else if (name != "response.completed" && name != "response.incomplete" && name != "response.failed" &&
             name != "error" && !(name == "response.created" && id_.empty())) {
    return;
  }
  auto parsed = parse_object(data);
  if (!parsed) {
    if (!name.empty() && malformed_.empty()) malformed_ = "malformed " + name + " event";
    return;
  }
  std::string type = json_string(*parsed, "type");
  if (type == "error") {
    std::string code = json_string(*parsed, "code");
    error_ = (code.empty() ? std::string("error") : code) + ": " + json_string(*parsed, "message");
    return;
  }
  const auto* response = json_object_at(*parsed, "response");
  if (response && id_.empty()) id_ = json_string(*response, "id");
  if (type != "response.completed" && type != "response.incomplete" && type != "response.failed") return;
  finished_ = true;
  if (!response) return;
  if (auto u = responses_usage(*response)) usage_ = *u;
  if (type == "response.failed") {
    const auto* e = json_object_at(*response, "error");
    error_ = e ? json_string(*e, "code") + ": " + json_string(*e, "message") : "response.failed";
  }
}

std::string responses_error_event(std::string_view code, std::string_view message) {
  json::object e{{"type", "error"}, {"code", code}, {"message", message}, {"param", nullptr}};
  return "event: error\ndata: " + json::serialize(e) + "\n\n";
}

}  // namespace brokle::gateway
