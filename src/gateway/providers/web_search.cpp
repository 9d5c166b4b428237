#include "gateway/providers/web_search.hpp"

#include <set>
#include <tuple>
#include <vector>

#include "gateway/providers/openai_shapes.hpp"

namespace brokle::gateway {

namespace json = boost::json;

result<std::optional<web_search_request>> read_web_search_options(const json::object& body) {
  auto it = body.find("web_search_options");
  if (it == body.end() || it->value().is_null()) return std::optional<web_search_request>{};
  if (!it->value().is_object()) return make_error(errc::invalid_argument, "'web_search_options' must be an object");
  const auto& o = it->value().as_object();
  web_search_request r;
  if (auto size = o.find("search_context_size"); size != o.end() && !size->value().is_null()) {
    auto s = size->value().is_string() ? std::string_view(size->value().as_string()) : std::string_view();
    if (s != "low" && s != "medium" && s != "high")
      return make_error(errc::invalid_argument, "'web_search_options.search_context_size' must be low, medium or high");
  }
  if (auto loc = o.find("user_location"); loc != o.end() && !loc->value().is_null()) {
    const auto* l = loc->value().if_object();
    if (!l || json_string(*l, "type") != "approximate" || !json_object_at(*l, "approximate"))
      return make_error(errc::invalid_argument,
                        "'web_search_options.user_location' must be {\"type\": \"approximate\", \"approximate\": {...}}");
    for (const auto& [key, value] : *json_object_at(*l, "approximate")) {
      if (key != "city" && key != "region" && key != "country" && key != "timezone")
        return make_error(errc::invalid_argument, "'web_search_options.user_location.approximate." + std::string(key) + "' is not a known field");
      if (value.is_null()) continue;
      if (!value.is_string() || value.as_string().size() > 256)
        return make_error(errc::invalid_argument, "'web_search_options.user_location.approximate." + std::string(key) +
                                                      "' must be a string of at most 256 characters");
      r.approximate_location[key] = value;
    }
  }
  return std::optional<web_search_request>{std::move(r)};
}

json::object chat_user_location(const json::object& flat) {
  json::object approximate;
  for (const auto& [key, value] : flat)
    if (key != "type") approximate[key] = value;
  return {{"type", "approximate"}, {"approximate", std::move(approximate)}};
}

json::object anthropic_web_search_tool(const web_search_request& r) {
  json::object tool{{"type", "web_search_20250305"}, {"name", "web_search"}};
  if (!r.approximate_location.empty()) {
    json::object location{{"type", "approximate"}};
    for (const auto& [key, value] : r.approximate_location) location[key] = value;
    tool["user_location"] = std::move(location);
  }
  return tool;
}

json::object gemini_search_tool() { return {{"google_search", json::object{}}}; }

json::object url_citation(std::string_view url, std::string_view title, int64_t start, int64_t end) {
  return {{"type", "url_citation"},
          {"url_citation", json::object{{"start_index", start}, {"end_index", end}, {"url", url}, {"title", title}}}};
}

int64_t code_points(std::string_view utf8) {
  int64_t n = 0;
  for (unsigned char c : utf8) n += (c & 0xC0) != 0x80;
  return n;
}

size_t code_point_bytes(std::string_view utf8, int64_t points) {
  size_t i = 0;
  for (int64_t seen = 0; i < utf8.size(); ++i) {
    if ((static_cast<unsigned char>(utf8[i]) & 0xC0) != 0x80 && seen++ == points) break;
  }
  return i;
}

std::optional<json::object> anthropic_url_citation(const json::object& citation, int64_t start, int64_t end) {
  if (json_string(citation, "type") != "web_search_result_location") return std::nullopt;
  auto url = json_string(citation, "url");
  if (url.empty()) return std::nullopt;
  return url_citation(url, json_string(citation, "title"), start, end);
}

bool gemini_searched(const json::object& grounding) {
  const auto* queries = grounding.if_contains("webSearchQueries");
  return queries && queries->is_array() && !queries->as_array().empty();
}

json::array gemini_grounding_annotations(const json::object& grounding, std::string_view text,
                                         const std::vector<size_t>& part_starts) {
  json::array out;
  const auto* chunks = grounding.if_contains("groundingChunks");
  const auto* supports = grounding.if_contains("groundingSupports");
  if (!chunks || !chunks->is_array() || !supports || !supports->is_array()) return out;
  std::set<std::tuple<int64_t, int64_t, std::string>> seen;  // one annotation per span and page
  for (const auto& s : supports->as_array()) {
    const auto* support = s.if_object();
    const auto* segment = support ? json_object_at(*support, "segment") : nullptr;
    const auto* indices = support ? support->if_contains("groundingChunkIndices") : nullptr;
    if (!segment || !indices || !indices->is_array()) continue;
    size_t base = 0;
    if (auto part = json_int(*segment, "partIndex"); part > 0) {
      if (static_cast<size_t>(part) >= part_starts.size()) continue;
      base = part_starts[static_cast<size_t>(part)];
    }
    int64_t from = json_int(*segment, "startIndex"), to = json_int(*segment, "endIndex");
    if (from < 0 || to < from || base + static_cast<size_t>(to) > text.size()) continue;
    int64_t start = code_points(text.substr(0, base + static_cast<size_t>(from)));
    int64_t end = start + code_points(text.substr(base + static_cast<size_t>(from), static_cast<size_t>(to - from)));
    for (const auto& i : indices->as_array()) {
      if (!i.is_int64() || i.as_int64() < 0 || static_cast<size_t>(i.as_int64()) >= chunks->as_array().size()) continue;
      const auto* chunk = chunks->as_array()[static_cast<size_t>(i.as_int64())].if_object();
      const auto* web = chunk ? json_object_at(*chunk, "web") : nullptr;
      if (!web || json_string(*web, "uri").empty()) continue;
      auto uri = json_string(*web, "uri");
      if (!seen.emplace(start, end, uri).second) continue;
      out.push_back(url_citation(uri, json_string(*web, "title"), start, end));
    }
  }
  return out;
}

}  // namespace brokle::gateway
