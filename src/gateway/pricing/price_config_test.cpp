#include "gateway/pricing/price_config.hpp"

#include <gtest/gtest.h>

namespace brokle::gateway {
namespace {

TEST(price_config, overrides_replace_and_add_prices) {
  auto r = parse_price_overrides(R"(
[[price]]
model = "gpt-4o"
input = 2
output = 8.5
cached_input = 0.5

[[price]]
model = "my-local-llama"
input = 0
output = 0

[[price]]
model = "claude-sonnet-4"
input = 3
output = 15
cached_input = 0.3
cache_write = 3.75
)",
                                 "test.toml");
  ASSERT_TRUE(r) << r.err().message;
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[0].first, "gpt-4o");
  EXPECT_DOUBLE_EQ((*r)[0].second.input_per_million, 2.0) << "integers are prices too";
  EXPECT_DOUBLE_EQ((*r)[0].second.output_per_million, 8.5);
  EXPECT_DOUBLE_EQ((*r)[0].second.cached_input_per_million, 0.5);
  EXPECT_DOUBLE_EQ((*r)[2].second.cache_write_per_million, 3.75);

  price_table prices;
  for (const auto& [m, p] : *r) prices.set(m, p);
  token_usage u{1'000'000, 1'000'000, 0, 0, 0};
  EXPECT_DOUBLE_EQ(prices.cost("gpt-4o", u), 10.5);
  EXPECT_DOUBLE_EQ(prices.cost("gpt-4o-2024-08-06", u), 10.5) << "dated snapshots follow the override";
  EXPECT_DOUBLE_EQ(prices.cost("my-local-llama", u), 0.0);
  EXPECT_TRUE(prices.find("my-local-llama"));
  EXPECT_TRUE(parse_price_overrides("[gateway]\n", "t")->empty());
}

TEST(price_config, bad_entries_name_the_table_and_field) {
  struct bad {
    const char* toml;
    const char* says;
  };
  for (const auto& b : {bad{"[[price]]\ninput = 1\noutput = 1\n", "'model'"},
                        bad{"[[price]]\nmodel = \"m\"\noutput = 1\n", "'input' is required"},
                        bad{"[[price]]\nmodel = \"m\"\ninput = -1\noutput = 1\n", "'input' must be a price"},
                        bad{"[[price]]\nmodel = \"m\"\ninput = \"cheap\"\noutput = 1\n", "'input' must be a price"},
                        bad{"[[price]]\nmodel = \"m\"\ninput = 1\noutput = 1\ncached = 1\n", "unknown key 'cached'"},
                        bad{"[[price]]\nmodel = \"m\"\ninput = 1\noutput = 1\n[[price]]\nmodel = \"m\"\ninput = 1\noutput = 1\n",
                            "declared twice"},
                        bad{"price = 3\n", "array of tables"},
                        bad{"[[price]\n", "line"}}) {
    auto r = parse_price_overrides(b.toml, "brokle.toml");
    ASSERT_FALSE(r) << b.toml;
    EXPECT_NE(r.err().message.find(b.says), std::string::npos) << r.err().message;
    EXPECT_NE(r.err().message.find("brokle.toml"), std::string::npos) << r.err().message;
  }
}

TEST(price_table, cache_writes_and_reads_are_priced_apart) {
  price_table prices;
  // claude-3-5-haiku: input 0.80, output 4.00, cache read 0.08, cache write 1.00 per 1M
  token_usage u;
  u.input_tokens = 3'000'000;  // 1M uncached + 1M read + 1M written
  u.cached_input_tokens = 1'000'000;
  u.cache_write_input_tokens = 1'000'000;
  u.output_tokens = 0;
  EXPECT_NEAR(prices.cost("claude-3-5-haiku", u), 0.80 + 0.08 + 1.00, 1e-9);
  // A model without a cache-write price charges writes as input.
  EXPECT_NEAR(prices.cost("gpt-4o-mini", u), 0.15 + 0.075 + 0.15, 1e-9);
  // Counts that exceed the input are clamped, never negative.
  u.cache_write_input_tokens = 9'000'000;
  EXPECT_NEAR(prices.cost("claude-3-5-haiku", u), 0.08 + 2 * 1.00, 1e-9);
}

TEST(price_table, web_searches_are_priced_per_thousand) {
  price_table prices;
  token_usage u;
  u.web_searches = 2;
  EXPECT_NEAR(prices.cost("claude-3-5-haiku-20241022", u), 2 * 10.0 / 1000, 1e-12);
  EXPECT_NEAR(prices.cost("gemini-2.5-flash", u), 2 * 35.0 / 1000, 1e-12);
  EXPECT_DOUBLE_EQ(prices.cost("gpt-4o-mini", u), 0.0) << "no search price: no fee";
  u.web_searches = -3;
  EXPECT_DOUBLE_EQ(prices.cost("claude-3-5-haiku", u), 0.0);
  auto r = parse_price_overrides("[[price]]\nmodel = \"house\"\ninput = 1\noutput = 1\nweb_search = 5\n", "t.toml");
  ASSERT_TRUE(r) << r.err().message;
  EXPECT_DOUBLE_EQ((*r)[0].second.web_search_per_thousand, 5.0);
  EXPECT_FALSE(parse_price_overrides("[[price]]\nmodel = \"house\"\ninput = 1\noutput = 1\nweb_search = -1\n", "t.toml"));
}

}  // namespace
}  // namespace brokle::gateway
