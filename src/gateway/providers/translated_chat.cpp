#include "gateway/providers/translated_chat.hpp"

#include <optional>
#include <string>

namespace brokle::gateway {

namespace json = boost::json;

namespace {

// An integer field: absent or null -> nullopt; a non-integer -> `bad`.
std::optional<int64_t> integer_field(const json::object& body, std::string_view key, bool& bad) {
  auto it = body.find(key);
  if (it == body.end() || it->value().is_null()) return std::nullopt;
  if (it->value().is_int64()) return it->value().as_int64();
  if (it->value().is_uint64()) {
    bad = it->value().as_uint64() > static_cast<uint64_t>(INT64_MAX);
    return bad ? std::nullopt : std::optional<int64_t>(static_cast<int64_t>(it->value().as_uint64()));
  }
  bad = true;
  return std::nullopt;
}

}  // namespace

status check_translatable_chat(const json::object& body, translatable_chat provider) {
  bool bad = false;
  auto n = integer_field(body, "n", bad);
  if (bad || (n && *n < 1)) return make_error(errc::invalid_argument, "'n' must be a positive integer");
  if (n && *n > provider.max_choices) {
    if (provider.max_choices == 1)
      return make_error(errc::invalid_argument, "'n' other than 1 is not supported for this model (its provider answers one choice)");
    return make_error(errc::invalid_argument, "'n' is at most " + std::to_string(provider.max_choices) + " for this model");
  }
  bool logprobs = chat_logprobs(body);
  if (auto it = body.find("logprobs"); it != body.end() && !it->value().is_null() && !it->value().is_bool())
    return make_error(errc::invalid_argument, "'logprobs' must be a boolean");
  if (logprobs && !provider.logprobs) return make_error(errc::invalid_argument, "'logprobs' is not supported for this model");
  auto top = integer_field(body, "top_logprobs", bad);
  if (bad || (top && (*top < 0 || *top > max_top_logprobs)))
    return make_error(errc::invalid_argument, "'top_logprobs' must be an integer from 0 to 20");
  if (top && !provider.logprobs) return make_error(errc::invalid_argument, "'top_logprobs' is not supported for this model");
  if (top && !logprobs) return make_error(errc::invalid_argument, "'top_logprobs' needs 'logprobs' set to true");
  if (auto it = body.find("web_search_options"); it != body.end() && !it->value().is_null() && !provider.web_search)
    return make_error(errc::invalid_argument, "'web_search_options' is not supported for this model (its provider cannot search the web)");
  return {};
}

int64_t chat_choices(const json::object& body) {
  bool bad = false;
  return integer_field(body, "n", bad).value_or(1);
}

int64_t chat_top_logprobs(const json::object& body) {
  bool bad = false;
  return integer_field(body, "top_logprobs", bad).value_or(0);
}

bool chat_logprobs(const json::object& body) {
  auto it = body.find("logprobs");
  return it != body.end() && it->value().is_bool() && it->value().as_bool();
}

}  // namespace brokle::gateway
