#include "gateway/providers/anthropic_json_mode.hpp"

#include <optional>
#include <string>

#include <boost/json/array.hpp>

#include "gateway/providers/openai_shapes.hpp"

namespace brokle::gateway {

namespace json = boost::json;

namespace {

// The schema response_format asks for: nullopt for text (or none), invalid_argument for others.
result<std::optional<json::object>> json_response_schema(const json::object& in) {
  auto it = in.find("response_format");
  if (it == in.end() || it->value().is_null()) return std::optional<json::object>{};
  if (!it->value().is_object()) return make_error(errc::invalid_argument, "'response_format' must be an object");
  const auto& rf = it->value().as_object();
  std::string type = json_string(rf, "type");
  if (type == "text") return std::optional<json::object>{};
  if (type == "json_object") return std::optional<json::object>{json::object{{"type", "object"}}};
  if (type == "json_schema") {
    const auto* spec = json_object_at(rf, "json_schema");
    const auto* schema = spec ? json_object_at(*spec, "schema") : nullptr;
    if (!schema) return make_error(errc::invalid_argument, "'response_format.json_schema.schema' must be an object");
    if (json_string(*schema, "type") != "object")
      return make_error(errc::invalid_argument,
                        "Anthropic models answer JSON as an object: 'response_format.json_schema.schema' must have type object");
    return std::optional<json::object>{*schema};
  }
  return make_error(errc::invalid_argument, "'response_format.type' must be text, json_object or json_schema");
}

}  // namespace

status add_json_mode(const json::object& in, json::object& out) {
  auto schema = json_response_schema(in);
  if (!schema) return schema.err();
  if (!*schema) return {};
  if (out.contains("tools"))
    return make_error(errc::invalid_argument,
                      "response_format with tools is not supported for Anthropic models (their JSON answers come "
                      "through a tool of this gateway's own)");
  if (out.contains("thinking"))
    return make_error(errc::invalid_argument,
                      "response_format cannot be combined with reasoning for Anthropic models (their JSON answers come "
                      "through a forced tool, which thinking does not allow)");
  std::string description = "Give your answer as this tool's input: a JSON object";
  if (const auto* spec = json_object_at(in.at("response_format").as_object(), "json_schema"))
    if (auto d = json_string(*spec, "description"); !d.empty()) description += ". " + d;
  out["tools"] = json::array{json::object{{"name", anthropic_json_tool}, {"description", description}, {"input_schema", std::move(**schema)}}};
  out["tool_choice"] = json::object{{"type", "tool"}, {"name", anthropic_json_tool}};
  return {};
}

}  // namespace brokle::gateway
