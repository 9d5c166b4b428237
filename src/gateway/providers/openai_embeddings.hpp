// The OpenAI embeddings shapes on both sides of a translated provider (Gemini, Cohere): the
// request's texts, `dimensions` and `encoding_format`, and the {"object":"list","data":[...]}
// answer, with vectors as number arrays or, for "base64" (what the openai SDKs ask for by
// default), as base64 of little-endian float32 values.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "core/result.hpp"

namespace brokle::gateway {

struct embedding_request {
  std::vector<std::string> texts;
  std::optional<int64_t> dimensions;
  bool base64 = false;
};

// "input" as a string or an array of strings (at most max_texts of them; the provider's own
// batch limit). Token arrays are refused: only OpenAI's own tokenizer gives them meaning.
result<embedding_request> read_embedding_request(const boost::json::object& body, std::string_view provider,
                                                 size_t max_texts);

// One vector from a provider's JSON number array; nullopt when it holds anything else.
std::optional<std::vector<double>> embedding_values(const boost::json::value& values);

std::string embedding_base64(const std::vector<double>& vector);

boost::json::object openai_embedding_list(const std::vector<std::vector<double>>& vectors, std::string_view model,
                                          int64_t prompt_tokens, bool base64);

}  // namespace brokle::gateway
