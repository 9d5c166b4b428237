#include "telemetry/otlp/gzip.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

namespace brokle::telemetry::otlp {
namespace {

// window_bits: 16+15 gzip, 15 zlib, -15 raw deflate.
std::string compress(std::string_view in, int window_bits) {
  z_stream z{};
  EXPECT_EQ(deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, window_bits, 9, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&z, in.size()), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

std::string gzip(std::string_view in) { return compress(in, 16 + MAX_WBITS); }

TEST(gzip, round_trips_a_body) {
  std::string body;
  for (int i = 0; i < 20000; ++i) body += "span " + std::to_string(i) + ";";
  auto r = gunzip(gzip(body), 1 << 20);
  ASSERT_TRUE(r.ok()) << r.err().message;
  EXPECT_EQ(*r, body);
}

TEST(gzip, the_limit_is_inclusive) {
  const std::string body(100000, 'a');
  EXPECT_TRUE(gunzip(gzip(body), body.size()).ok());
  auto r = gunzip(gzip(body), body.size() - 1);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.err().code, errc::too_large);
}

TEST(gzip, a_bomb_fails_with_too_large_without_inflating_it_all) {
  const std::string zeros(64u << 20, '\0');  // 64 MiB of zeros: ~64 KiB gzipped
  const std::string bomb = gzip(zeros);
  ASSERT_LT(bomb.size(), 100u * 1024);
  auto r = gunzip(bomb, 1u << 20);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.err().code, errc::too_large);
}

TEST(gzip, a_bomb_made_of_many_members_is_caught_too) {
  const std::string member = gzip(std::string(1u << 20, 'x'));
  std::string bomb;
  for (int i = 0; i < 64; ++i) bomb += member;
  auto r = gunzip(bomb, 8u << 20);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.err().code, errc::too_large);
}

TEST(gzip, concatenated_members_are_one_body) {
  auto r = gunzip(gzip("hello ") + gzip("world"), 1024);
  ASSERT_TRUE(r.ok()) << r.err().message;
  EXPECT_EQ(*r, "hello world");
}

TEST(gzip, truncated_corrupt_and_trailing_garbage_are_invalid) {
  const std::string z = gzip(std::string(5000, 'q') + "tail");
  for (const std::string& bad : {z.substr(0, z.size() - 1), z.substr(0, z.size() / 2), z.substr(0, 5), std::string(),
                                 std::string("plain text, not gzip"), z + "junk"}) {
    auto r = gunzip(bad, 1 << 20);
    ASSERT_FALSE(r.ok()) << bad.size();
    EXPECT_EQ(r.err().code, errc::invalid_argument);
  }
  std::string flipped = z;
  flipped[flipped.size() - 6] ^= 0x55;  // the CRC no longer matches
  auto r = gunzip(flipped, 1 << 20);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.err().code, errc::invalid_argument);
}

TEST(gzip, deflate_accepts_zlib_and_raw_streams) {
  const std::string body = "deflated body";
  auto zlib = inflate_deflate(compress(body, MAX_WBITS), 1024);
  ASSERT_TRUE(zlib.ok()) << zlib.err().message;
  EXPECT_EQ(*zlib, body);
  auto raw = inflate_deflate(compress(body, -MAX_WBITS), 1024);
  ASSERT_TRUE(raw.ok()) << raw.err().message;
  EXPECT_EQ(*raw, body);
  auto big = inflate_deflate(compress(std::string(10000, 'z'), MAX_WBITS), 100);
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.err().code, errc::too_large);
}

TEST(gzip, content_encoding_names) {
  EXPECT_EQ(parse_content_encoding(""), content_coding::identity);
  EXPECT_EQ(parse_content_encoding(" GZIP "), content_coding::gzip);
  EXPECT_EQ(parse_content_encoding("x-gzip"), content_coding::gzip);
  EXPECT_EQ(parse_content_encoding("Deflate"), content_coding::deflate);
  EXPECT_EQ(parse_content_encoding("identity"), content_coding::identity);
  EXPECT_FALSE(parse_content_encoding("br"));
  EXPECT_FALSE(parse_content_encoding("gzip, br"));
}

TEST(gzip, identity_is_bounded_too) {
  EXPECT_EQ(*decode_content("abc", content_coding::identity, 3), "abc");
  auto r = decode_content("abcd", content_coding::identity, 3);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.err().code, errc::too_large);
  EXPECT_EQ(*decode_content(gzip("abc"), content_coding::gzip, 3), "abc");
}

}  // namespace
}  // namespace brokle::telemetry::otlp
