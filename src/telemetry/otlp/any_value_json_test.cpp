#include "telemetry/otlp/any_value_json.hpp"

#include <cmath>
#include <limits>

#include <gtest/gtest.h>

#include "telemetry/otlp/otlp_ids.hpp"

namespace brokle::telemetry::otlp {
namespace {

using opentelemetry::proto::common::v1::AnyValue;
using opentelemetry::proto::common::v1::KeyValueList;

AnyValue* add(KeyValueList& list, const std::string& key) {
  auto* kv = list.add_values();
  kv->set_key(key);
  return kv->mutable_value();
}

TEST(otlp_any_value_json, writes_every_value_type) {
  KeyValueList attrs;
  add(attrs, "s")->set_string_value("quote \" and \n newline");
  add(attrs, "b")->set_bool_value(false);
  add(attrs, "i")->set_int_value(std::numeric_limits<int64_t>::min());
  add(attrs, "d")->set_double_value(0.5);
  add(attrs, "whole")->set_double_value(2.0);
  add(attrs, "nan")->set_double_value(std::nan(""));
  add(attrs, "inf")->set_double_value(-INFINITY);
  add(attrs, "bytes")->set_bytes_value(std::string("\x00\x01\xfe", 3));
  auto* arr = add(attrs, "arr")->mutable_array_value();
  arr->add_values()->set_int_value(1);
  arr->add_values()->set_string_value("x");
  arr->add_values();  // no value: null
  auto* map = add(attrs, "map")->mutable_kvlist_value();
  add(*map, "inner")->set_bool_value(true);
  add(attrs, "empty");
  add(attrs, "strindex")->set_string_value_strindex(3);
  EXPECT_EQ(key_values_json_text(attrs.values()),
            R"({"s":"quote \" and \n newline","b":false,"i":-9223372036854775808,"d":0.5,"whole":2.0,"nan":"NaN",)"
            R"("inf":"-Infinity","bytes":"AAH+","arr":[1,"x",null],"map":{"inner":true},"empty":null,"strindex":null})");
}

TEST(otlp_any_value_json, last_duplicate_key_wins_and_empty_lists_are_an_empty_object) {
  KeyValueList attrs;
  EXPECT_EQ(key_values_json_text(attrs.values()), "{}");
  add(attrs, "k")->set_string_value("first");
  add(attrs, "k")->set_string_value("second");
  EXPECT_EQ(key_values_json_text(attrs.values()), R"({"k":"second"})");
  EXPECT_EQ(string_attribute(attrs.values(), "k"), "second");
  EXPECT_EQ(string_attribute(attrs.values(), "missing"), "");
}

TEST(otlp_any_value_json, control_characters_are_escaped) {
  AnyValue v;
  v.set_string_value(std::string("a\x01z", 3));
  KeyValueList attrs;
  *add(attrs, "c") = v;
  EXPECT_EQ(key_values_json_text(attrs.values()), R"({"c":"a\u0001z"})");
  EXPECT_EQ(any_value_text(v), std::string("a\x01z", 3));  // a string log body stays as sent
}

TEST(otlp_ids, hex_round_trip_and_validity) {
  EXPECT_EQ(to_hex(std::string("\x00\xab\xff", 3)), "00abff");
  EXPECT_EQ(from_hex("00ABff"), std::string("\x00\xab\xff", 3));
  EXPECT_FALSE(from_hex("abc"));
  EXPECT_FALSE(from_hex("zz"));
  EXPECT_EQ(from_hex(""), std::string());
  EXPECT_TRUE(is_valid_id(std::string(7, '\0') + "\x01", span_id_bytes));
  EXPECT_FALSE(is_valid_id(std::string(8, '\0'), span_id_bytes));
  EXPECT_FALSE(is_valid_id(std::string(9, '\x01'), span_id_bytes));
  EXPECT_TRUE(is_zero_id(""));
}

}  // namespace
}  // namespace brokle::telemetry::otlp
