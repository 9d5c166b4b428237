// The small pure pieces under the SQLite telemetry store: trace-summary blobs, FTS5 escaping.
#include <gtest/gtest.h>

#include "storage/sqlite/fts5_query.hpp"
#include "storage/sqlite/trace_summary_state.hpp"

namespace brokle::storage::sqlite {

namespace {

TEST(sqlite_telemetry_codec, span_keys_are_exact_for_otlp_ids_and_hashed_otherwise) {
  auto k = span_key_of("00f067aa0ba902b7");
  EXPECT_TRUE(k.exact);
  EXPECT_EQ(k.value, 0x00f067aa0ba902b7ull);
  EXPECT_FALSE(span_key_of("00F067AA0BA902B7").exact);  // not the canonical lower case
  EXPECT_FALSE(span_key_of("step-1").exact);
  EXPECT_NE(span_key_of("step-1").value, span_key_of("step-2").value);
}

TEST(sqlite_telemetry_codec, span_refs_round_trip_and_tolerate_a_torn_tail) {
  std::vector<span_ref> refs = {{1, 10}, {0xffffffffffffffffull, 1ll << 40}, {42, 0}};
  auto blob = encode_span_refs(refs);
  EXPECT_EQ(blob.size(), 48u);
  auto back = decode_span_refs(blob);
  ASSERT_EQ(back.size(), 3u);
  EXPECT_EQ(back[1].key, 0xffffffffffffffffull);
  EXPECT_EQ(back[1].seq, 1ll << 40);
  EXPECT_EQ(decode_span_refs(blob.substr(0, 40)).size(), 2u);
  EXPECT_TRUE(decode_span_refs("").empty());
}

TEST(sqlite_telemetry_codec, edge_halves_round_trip_and_stop_at_corruption) {
  std::vector<edge_half> halves = {{"a1", "", "checkout", 3, 123, 456, true},
                                   {"b2", "a1", std::string(300, 's'), 2, -5, 0, false}};
  auto blob = encode_edge_halves(halves);
  auto back = decode_edge_halves(blob);
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[0].service, "checkout");
  EXPECT_TRUE(back[0].error);
  EXPECT_EQ(back[0].duration_ns, 456);
  EXPECT_EQ(back[1].parent_span_id, "a1");
  EXPECT_EQ(back[1].service.size(), 300u);
  EXPECT_EQ(back[1].start_ns, -5);
  EXPECT_EQ(decode_edge_halves(blob.substr(0, blob.size() - 1)).size(), 1u);
}

TEST(sqlite_telemetry_codec, fts_expression_quotes_terms_and_keeps_prefixes) {
  EXPECT_EQ(fts5_match_expression("connection refused"), "\"connection\" \"refused\"");
  EXPECT_EQ(fts5_match_expression("pay* now"), "\"pay\"* \"now\"");
  EXPECT_EQ(fts5_match_expression("NEAR(a b)"), "\"NEAR\" \"a\" \"b\"");
  EXPECT_EQ(fts5_match_expression("\"quoted\" AND (x OR y"), "\"quoted\" \"AND\" \"x\" \"OR\" \"y\"");
  EXPECT_EQ(fts5_match_expression("col:value ^start"), "\"col\" \"value\" \"start\"");
  EXPECT_EQ(fts5_match_expression("* ** ()\" -"), "");
  EXPECT_EQ(fts5_match_expression("caf\xc3\xa9!"), "\"caf\xc3\xa9\"");
  std::string many;
  for (int i = 0; i < 100; ++i) many += "w ";
  auto capped = fts5_match_expression(many);
  EXPECT_EQ(std::count(capped.begin(), capped.end(), '"'), 2 * max_fts_terms);
}

}  // namespace

}  // namespace brokle::storage::sqlite
