#include "gateway/pricing/price_config.hpp"

#include <set>
#include <sstream>

#include <toml++/toml.h>

namespace brokle::gateway {

namespace {

// A price field: a non-negative number (integer or float); `required` fields must be present.
result<double> price_field(const toml::table& t, std::string_view key, bool required, const std::string& where) {
  const auto* node = t.get(key);
  if (!node) {
    if (required) return make_error(errc::invalid_argument, where + ": '" + std::string(key) + "' is required");
    return 0.0;
  }
  std::optional<double> v;
  if (auto f = node->value<double>()) v = *f;  // toml++ converts integers too
  if (!v || *v < 0 || *v > 1'000'000)
    return make_error(errc::invalid_argument,
                      where + ": '" + std::string(key) + "' must be a price in USD per 1M tokens (0 to 1000000)");
  return *v;
}

result<std::vector<price_override>> from_table(const toml::table& doc, std::string_view origin) {
  std::vector<price_override> out;
  const auto* arr = doc["price"].as_array();
  if (!arr) {
    if (doc.contains("price"))
      return make_error(errc::invalid_argument, std::string(origin) + ": 'price' must be an array of tables ([[price]])");
    return out;
  }
  std::set<std::string> models;
  int index = 0;
  for (const auto& node : *arr) {
    ++index;
    std::string where = std::string(origin) + ": [[price]] #" + std::to_string(index);
    const auto* t = node.as_table();
    if (!t) return make_error(errc::invalid_argument, where + " is not a table");
    for (const auto& [k, v] : *t) {
      auto key = k.str();
      if (key != "model" && key != "input" && key != "output" && key != "cached_input" && key != "cache_write" &&
          key != "web_search")
        return make_error(errc::invalid_argument, where + ": unknown key '" + std::string(key) +
                                                      "' (model, input, output, cached_input, cache_write, web_search)");
    }
    std::string model = (*t)["model"].value_or(std::string());
    if (model.empty() || model.size() > 256)
      return make_error(errc::invalid_argument, where + ": 'model' must name a model");
    where = std::string(origin) + ": price of '" + model + "'";
    if (!models.insert(model).second) return make_error(errc::invalid_argument, where + " is declared twice");
    model_price p;
    auto input = price_field(*t, "input", true, where);
    if (!input) return input.err();
    auto output = price_field(*t, "output", true, where);
    if (!output) return output.err();
    auto cached = price_field(*t, "cached_input", false, where);
    if (!cached) return cached.err();
    auto write = price_field(*t, "cache_write", false, where);
    if (!write) return write.err();
    auto search = price_field(*t, "web_search", false, where);
    if (!search) return search.err();
    p.input_per_million = *input;
    p.output_per_million = *output;
    p.cached_input_per_million = *cached;
    p.cache_write_per_million = *write;
    p.web_search_per_thousand = *search;
    out.emplace_back(std::move(model), p);
  }
  return out;
}

std::string parse_failure(std::string_view origin, const toml::parse_error& e) {
  std::ostringstream msg;
  msg << origin << ": " << e.description() << " (line " << e.source().begin.line << ")";
  return msg.str();
}

}  // namespace

result<std::vector<price_override>> parse_price_overrides(std::string_view toml_text, std::string_view origin) {
  try {
    return from_table(toml::parse(toml_text, origin), origin);
  } catch (const toml::parse_error& e) {
    return make_error(errc::invalid_argument, parse_failure(origin, e));
  }
}

result<std::vector<price_override>> load_price_overrides(const std::string& toml_path) {
  if (toml_path.empty()) return std::vector<price_override>{};
  try {
    return from_table(toml::parse_file(toml_path), toml_path);
  } catch (const toml::parse_error& e) {
    return make_error(errc::invalid_argument, parse_failure(toml_path, e));
  }
}

}  // namespace brokle::gateway
