#include "gateway/providers/openai_wire.hpp"

#include "gateway/providers/openai_shapes.hpp"
#include "gateway/providers/usage_scanner.hpp"

#include <cstring>

#include <boost/json/parse.hpp>
#include <boost/json/parser.hpp>
#include <boost/json/monotonic_resource.hpp>
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

namespace {

// Positions just past each `"key"` that is followed by ':' (after optional whitespace). memmem,
// not string_view::find: find restarts at every '"', of which JSON has many; this is on the path
// of every relayed answer (measured: ~16k instructions per call before, for a 500-byte body).
template <class Fn>
void for_each_key(std::string_view json, std::string_view key, Fn&& fn) {
  std::string needle;
  needle.reserve(key.size() + 2);
  needle.append("\"").append(key).append("\"");
  const char* base = json.data();
  size_t pos = 0;
  while (pos < json.size()) {
    const void* hit = memmem(base + pos, json.size() - pos, needle.data(), needle.size());
    if (!hit) break;
    pos = static_cast<size_t>(static_cast<const char*>(hit) - base) + needle.size();
    size_t v = json.find_first_not_of(" \t\r\n", pos);
    if (v == std::string_view::npos || json[v] != ':') continue;
    fn(v + 1);
  }
}

// How often `"key":` occurs as a key, how many of those hold an object, and where the last such
// object starts.
struct key_scan {
  size_t keys = 0, objects = 0, object_at = 0;
};
key_scan scan_key(std::string_view json, std::string_view key) {
  key_scan k;
  for_each_key(json, key, [&](size_t after_colon) {
    ++k.keys;
    size_t v = json.find_first_not_of(" \t\r\n", after_colon);
    if (v != std::string_view::npos && json[v] == '{') ++k.objects, k.object_at = v;
  });
  return k;
}

}  // namespace

std::vector<size_t> object_values_of_key(std::string_view json, std::string_view key) {
  std::vector<size_t> out;
  for_each_key(json, key, [&](size_t after_colon) {
    size_t v = json.find_first_not_of(" \t\r\n", after_colon);
    if (v != std::string_view::npos && json[v] == '{') out.push_back(v);
  });
  return out;
}

size_t key_occurrences(std::string_view json, std::string_view key) {
  size_t n = 0;
  for_each_key(json, key, [&](size_t) { ++n; });
  return n;
}

std::optional<token_usage> usage_in_body(std::string_view body) {
  // One scan: how many "usage" keys, and where the value of the one that holds an object starts.
  auto usage = scan_key(body, "usage");
  size_t start = usage.object_at;
  // Nested "usage" keys (a provider's extension) make the top-level one ambiguous: parse it all.
  if (usage.objects != 1 || usage.keys != 1) {
    boost::system::error_code ec;
    auto v = boost::json::parse(body, ec);
    if (ec || !v.is_object()) return std::nullopt;
    return usage_of(v.as_object());
  }
  // Just the one object, read in place (no JSON tree); text the scanner does not take (an escaped
  // key, deep nesting, malformed) gets the real parser's verdict.
  if (auto u = scan_usage_object(body.substr(start))) return u;
  unsigned char buffer[2048], stack[512];
  boost::json::monotonic_resource arena(buffer, sizeof buffer);
  boost::json::parser parser(&arena, {}, stack, sizeof stack);
  boost::system::error_code ec;
  parser.write_some(body.data() + start, body.size() - start, ec);
  if (ec) return std::nullopt;  // no error: one whole value was read
  boost::json::object holder(&arena);
  holder["usage"] = parser.release();
  return usage_of(holder);
}

std::optional<usage_chunk> read_usage_chunk(std::string_view data) {
  auto usage = scan_key(data, "usage");
  size_t choices_keys = 0;
  bool choices_empty = false;
  for_each_key(data, "choices", [&](size_t after_colon) {
    ++choices_keys;
    size_t v = data.find_first_not_of(" \t\r\n", after_colon);
    if (v == std::string_view::npos || data[v] != '[') return;
    size_t close = data.find_first_not_of(" \t\r\n", v + 1);
    choices_empty = close != std::string_view::npos && data[close] == ']';
  });
  // One of each at most (a nested "usage" or "choices" is some extension's): read in place.
  if (usage.keys <= 1 && usage.objects == usage.keys && choices_keys <= 1 && data.starts_with('{')) {
    usage_chunk c;
    c.has_usage = usage.keys == 1;
    c.usage_only = c.has_usage && choices_keys == 1 && choices_empty;
    if (!c.has_usage) return c;
    if (auto u = scan_usage_object(data.substr(usage.object_at))) {
      c.usage = *u;
      return c;
    }
  }
  // Anything else: the whole chunk parsed, in a stack arena for a chunk of ordinary size.
  unsigned char arena[4096];
  boost::json::monotonic_resource mr(arena, sizeof arena);
  boost::system::error_code ec;
  auto v = boost::json::parse(data, ec, &mr);
  if (ec || !v.is_object()) return std::nullopt;
  const auto& o = v.as_object();
  usage_chunk c;
  c.usage = usage_of(o);
  c.has_usage = o.contains("usage");
  auto choices = o.find("choices");
  c.usage_only = c.has_usage && choices != o.end() && choices->value().is_array() && choices->value().as_array().empty();
  return c;
}

net::upstream_request build_openai_request(const provider_config& p, openai_endpoint e, boost::json::object body,
                                           const std::string& upstream_model, std::string_view client_bytes) {
  net::upstream_request req;
  req.method = net::http_method::post;
  auto asked = body.find("model");
  bool same_model = asked != body.end() && asked->value().is_string() && asked->value().as_string() == upstream_model;
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
  bool streaming = stream != body.end() && stream->value().is_bool() && stream->value().as_bool();
  if (!client_bytes.empty() && same_model && !streaming && key_occurrences(client_bytes, "model") == 1)
    req.body.assign(client_bytes);
  else
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
  out.cache_write_input_tokens = json_int(*u, "cache_creation_input_tokens");  // ours from Anthropic, some gateways'
  return out;
}

namespace {

// Appends the events of `text` that end at a blank line ("\n\n" or "\r\n\r\n", whichever comes
// first) to `events`, looking for separators from `pos` on, the first event starting at `start`.
// Returns where the incomplete rest starts.
size_t split_events(std::string_view text, size_t pos, size_t start, std::vector<std::string_view>& events) {
  const size_t n = text.size();
  for (;;) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos || nl + 1 >= n) break;
    size_t end = std::string_view::npos, sep = 0;
    if (text[nl + 1] == '\n') {
      end = nl;
      sep = 2;
    } else if (nl >= start + 1 && nl + 2 < n && text[nl - 1] == '\r' && text[nl + 1] == '\r' && text[nl + 2] == '\n') {
      end = nl - 1;
      sep = 4;
    }
    if (end == std::string_view::npos) {
      pos = nl + 1;
      continue;
    }
    events.push_back(text.substr(start, end - start));
    start = end + sep;
    pos = start;
  }
  return start;
}

}  // namespace

bool sse_splitter::feed(std::string_view bytes, std::vector<std::string_view>& events) {
  if (consumed_ > 0) {
    buf_.erase(0, consumed_);
    consumed_ = 0;
  }
  if (buf_.empty()) {
    // Nothing carried over: the events are views into `bytes`, and only an incomplete tail is kept.
    buf_.assign(bytes.substr(split_events(bytes, 0, 0, events)));
    return buf_.size() <= max_event_;
  }
  // A separator may straddle the bytes already scanned and the new ones: rescan the last three.
  size_t pos = buf_.size() > 3 ? buf_.size() - 3 : 0;
  buf_.append(bytes);
  consumed_ = split_events(buf_, pos, 0, events);
  return buf_.size() - consumed_ <= max_event_;
}

std::string sse_event_name(std::string_view event) {
  size_t pos = 0;
  while (pos < event.size()) {
    size_t e = event.find('\n', pos);
    std::string_view line = event.substr(pos, e == std::string_view::npos ? std::string_view::npos : e - pos);
    pos = e == std::string_view::npos ? event.size() : e + 1;
    if (line.rfind("event:", 0) == 0) {
      line.remove_prefix(6);
      while (!line.empty() && (line.front() == ' ')) line.remove_prefix(1);
      while (!line.empty() && (line.back() == '\r')) line.remove_suffix(1);
      return std::string(line);
    }
  }
  return {};
}

std::string_view sse_data(std::string_view event, std::string& scratch) {
  std::string_view first;
  int lines = 0;
  size_t pos = 0;
  while (pos < event.size()) {
    size_t e = event.find('\n', pos);
    std::string_view line = event.substr(pos, e == std::string_view::npos ? std::string_view::npos : e - pos);
    pos = e == std::string_view::npos ? event.size() : e + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.rfind("data:", 0) != 0) continue;
    line.remove_prefix(5);
    if (!line.empty() && line.front() == ' ') line.remove_prefix(1);
    if (++lines == 1) {
      first = line;
      continue;
    }
    if (lines == 2) scratch.assign(first);
    scratch += '\n';
    scratch += line;
  }
  return lines <= 1 ? first : std::string_view(scratch);
}

std::string sse_data(std::string_view event) {
  std::string scratch;
  return std::string(sse_data(event, scratch));
}

}  // namespace brokle::gateway
