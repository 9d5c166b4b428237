// Reading JSON request bodies with clear 4xx errors: wrong content type (415), malformed JSON,
// a non-object body, missing fields, wrong types and overlong strings (400). Each failure aborts
// the request with a net::request_error naming the field, so handlers read as the happy path.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "net/http_message.hpp"

namespace brokle::api {

// `sp` is the storage the parsed object lives in (default: the heap, one allocation per string,
// array and object).
boost::json::object parse_json_object(const net::http_request& req, boost::json::storage_ptr sp = {});

std::string required_string(const boost::json::object& o, std::string_view key, size_t max_len = 256);
std::optional<std::string> optional_string(const boost::json::object& o, std::string_view key, size_t max_len = 256);
std::optional<int64_t> optional_int(const boost::json::object& o, std::string_view key, int64_t min, int64_t max);
std::optional<bool> optional_bool(const boost::json::object& o, std::string_view key);

// Lower-cased, trimmed, and shaped like local@domain.tld (<= 254 chars); 400 otherwise.
std::string required_email(const boost::json::object& o, std::string_view key = "email");
bool looks_like_email(std::string_view s);

[[noreturn]] void fail(unsigned status, std::string code, std::string message);

}  // namespace brokle::api
