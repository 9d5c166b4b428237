#include "gateway/providers/translated_chat.hpp"

namespace brokle::gateway {

namespace json = boost::json;

status check_translatable_chat(const json::object& body) {
  if (auto it = body.find("n"); it != body.end() && !it->value().is_null()) {
    bool one = (it->value().is_int64() && it->value().as_int64() == 1) || (it->value().is_uint64() && it->value().as_uint64() == 1);
    if (!one) return make_error(errc::invalid_argument, "'n' other than 1 is not supported for this model (its provider answers one choice)");
  }
  if (auto it = body.find("logprobs"); it != body.end() && it->value().is_bool() && it->value().as_bool())
    return make_error(errc::invalid_argument, "'logprobs' is not supported for this model");
  if (auto it = body.find("top_logprobs"); it != body.end() && !it->value().is_null())
    return make_error(errc::invalid_argument, "'top_logprobs' is not supported for this model");
  return {};
}

}  // namespace brokle::gateway
