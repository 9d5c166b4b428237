#include "gateway/providers/openai_embeddings.hpp"

#include <bit>

#include <boost/json/array.hpp>

#include "core/base64.hpp"

namespace brokle::gateway {

namespace json = boost::json;

result<embedding_request> read_embedding_request(const json::object& body, std::string_view provider,
                                                 size_t max_texts) {
  embedding_request r;
  const auto& input = body.at("input");
  if (input.is_string()) {
    r.texts.emplace_back(input.as_string());
  } else {
    for (const auto& item : input.as_array()) {
      if (!item.is_string())
        return make_error(errc::invalid_argument, "'input' must be a string or an array of strings for " +
                                                      std::string(provider) + " models (token arrays are OpenAI's own)");
      r.texts.emplace_back(item.as_string());
    }
  }
  if (r.texts.empty()) return make_error(errc::invalid_argument, "'input' must not be empty");
  if (r.texts.size() > max_texts)
    return make_error(errc::invalid_argument, "'input' holds " + std::to_string(r.texts.size()) + " texts; " +
                                                  std::string(provider) + " embeds at most " +
                                                  std::to_string(max_texts) + " per request");
  for (const auto& t : r.texts)
    if (t.empty()) return make_error(errc::invalid_argument, "'input' must not contain empty strings");
  if (auto it = body.find("dimensions"); it != body.end() && !it->value().is_null()) {
    if (!it->value().is_int64() || it->value().as_int64() < 1)
      return make_error(errc::invalid_argument, "'dimensions' must be a positive integer");
    r.dimensions = it->value().as_int64();
  }
  if (auto it = body.find("encoding_format"); it != body.end() && !it->value().is_null()) {
    if (it->value() != "float" && it->value() != "base64")
      return make_error(errc::invalid_argument, "'encoding_format' must be \"float\" or \"base64\"");
    r.base64 = it->value() == "base64";
  }
  return r;
}

std::optional<std::vector<double>> embedding_values(const json::value& values) {
  if (!values.is_array()) return std::nullopt;
  std::vector<double> v;
  v.reserve(values.as_array().size());
  for (const auto& x : values.as_array()) {
    if (!x.is_number()) return std::nullopt;
    v.push_back(x.to_number<double>());
  }
  return v;
}

std::string embedding_base64(const std::vector<double>& vector) {
  std::string bytes;
  bytes.reserve(vector.size() * 4);
  for (double d : vector) {
    auto bits = std::bit_cast<uint32_t>(static_cast<float>(d));
    for (int i = 0; i < 4; ++i) bytes.push_back(static_cast<char>((bits >> (8 * i)) & 0xff));  // little-endian
  }
  return base64_encode(bytes);
}

json::object openai_embedding_list(const std::vector<std::vector<double>>& vectors, std::string_view model,
                                   int64_t prompt_tokens, bool base64) {
  json::array data;
  data.reserve(vectors.size());
  for (size_t i = 0; i < vectors.size(); ++i) {
    json::value embedding;
    if (base64) {
      embedding = embedding_base64(vectors[i]);
    } else {
      json::array values;
      values.reserve(vectors[i].size());
      for (double d : vectors[i]) values.push_back(d);
      embedding = std::move(values);
    }
    data.push_back(json::object{{"object", "embedding"}, {"index", static_cast<int64_t>(i)}, {"embedding", std::move(embedding)}});
  }
  return {{"object", "list"},
          {"data", std::move(data)},
          {"model", model},
          {"usage", json::object{{"prompt_tokens", prompt_tokens}, {"total_tokens", prompt_tokens}}}};
}

}  // namespace brokle::gateway
