#include "gateway/providers/openai_wire.hpp"

#include "gateway/providers/openai_shapes.hpp"

#include <boost/json/serialize.hpp>

namespace brokle::gateway {

std::string_view endpoint_name(openai_endpoint e) {
  switch (e) {
    case openai_endpoint::chat_completions: return "chat.completions";
    case openai_endpoint::completions: return "completions";
    case openai_endpoint::embeddings: return "embeddings";
  }
  return "chat.completions";
}

namespace {
std::string_view path_of(openai_endpoint e) {
  switch (e) {
    case openai_endpoint::chat_completions: return "/chat/completions";
    case openai_endpoint::completions: return "/completions";
    case openai_endpoint::embeddings: return "/embeddings";
  }
  return "/chat/completions";
}

}  // namespace

net::upstream_request build_openai_request(const provider_config& p, openai_endpoint e, boost::json::object body,
                                           const std::string& upstream_model) {
  net::upstream_request req;
  req.method = net::http_method::post;
  body["model"] = upstream_model;
  auto stream = body.find("stream");
  if (stream != body.end() && stream->value().is_bool() && stream->value().as_bool() &&
      e != openai_endpoint::embeddings) {
    boost::json::object opts;
    if (auto* existing = json_object_at(body, "stream_options")) opts = *existing;
    opts["include_usage"] = true;
    body["stream_options"] = std::move(opts);
  }
  if (p.type == provider_type::azure_openai) {
    // Azure addresses a deployment (named like the model) and authenticates with api-key.
    req.url = p.base_url + "/openai/deployments/" + upstream_model + std::string(path_of(e)) +
              "?api-version=" + p.api_version;
    if (!p.api_key.empty()) req.headers.set("api-key", p.api_key);
  } else {
    req.url = p.base_url + std::string(path_of(e));
    if (!p.api_key.empty()) req.headers.set("Authorization", "Bearer " + p.api_key);
  }
  req.headers.set("Content-Type", "application/json");
  req.headers.set("Accept", stream != body.end() && stream->value().is_bool() && stream->value().as_bool()
                                ? "text/event-stream"
                                : "application/json");
  req.body = boost::json::serialize(body);
  return req;
}

std::optional<token_usage> usage_of(const boost::json::object& o) {
  const auto* u = json_object_at(o, "usage");
  if (!u) return std::nullopt;
  token_usage out;
  out.input_tokens = json_int(*u, "prompt_tokens");
  out.output_tokens = json_int(*u, "completion_tokens");
  if (const auto* d = json_object_at(*u, "prompt_tokens_details")) out.cached_input_tokens = json_int(*d, "cached_tokens");
  if (const auto* d = json_object_at(*u, "completion_tokens_details")) out.reasoning_tokens = json_int(*d, "reasoning_tokens");
  return out;
}

bool sse_splitter::feed(std::string_view bytes, std::vector<std::string>& events) {
  buf_.append(bytes);
  for (;;) {
    // Events end at a blank line; accept \n\n and \r\n\r\n.
    size_t lf = buf_.find("\n\n");
    size_t crlf = buf_.find("\r\n\r\n");
    size_t end = std::min(lf, crlf);
    if (end == std::string::npos) break;
    size_t sep = end == crlf ? 4 : 2;
    events.emplace_back(buf_.substr(0, end));
    buf_.erase(0, end + sep);
  }
  return buf_.size() <= max_event_;
}

std::string sse_data(std::string_view event) {
  std::string out;
  size_t pos = 0;
  while (pos < event.size()) {
    size_t e = event.find('\n', pos);
    std::string_view line = event.substr(pos, e == std::string_view::npos ? std::string_view::npos : e - pos);
    pos = e == std::string_view::npos ? event.size() : e + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.rfind("data:", 0) == 0) {
      line.remove_prefix(5);
      if (!line.empty() && line.front() == ' ') line.remove_prefix(1);
      if (!out.empty()) out += '\n';
      out += line;
    }
  }
  return out;
}

}  // namespace brokle::gateway
