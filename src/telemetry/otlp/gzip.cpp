#include "telemetry/otlp/gzip.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <climits>

#include <zlib.h>

namespace brokle::telemetry::otlp {
namespace {

constexpr int gzip_window = 16 + MAX_WBITS;  // gzip header and trailer
constexpr int zlib_window = MAX_WBITS;       // zlib header and trailer
constexpr int raw_window = -MAX_WBITS;       // bare deflate
constexpr size_t chunk_bytes = 64 * 1024;

class inflater {
 public:
  explicit inflater(int window_bits) { ok_ = inflateInit2(&z_, window_bits) == Z_OK; }
  ~inflater() {
    if (ok_) inflateEnd(&z_);
  }
  inflater(const inflater&) = delete;
  inflater& operator=(const inflater&) = delete;

  // Inflates all of `in` into `out`. `multi_member`: after one gzip member ends, further input must
  // be another member (RFC 1952 allows concatenation).
  status run(std::string_view in, size_t max_bytes, bool multi_member, std::string& out) {
    if (!ok_) return make_error(errc::internal, "zlib could not start");
    std::array<unsigned char, chunk_bytes> chunk;
    const auto* next = reinterpret_cast<const unsigned char*>(in.data());
    size_t left = in.size();
    while (true) {
      // zlib counts input in uInt: feed at most UINT_MAX at a time.
      if (z_.avail_in == 0 && left > 0) {
        const size_t n = std::min<size_t>(left, UINT_MAX);
        z_.next_in = const_cast<unsigned char*>(next);  // zlib's API is not const-correct
        z_.avail_in = static_cast<uInt>(n);
        next += n;
        left -= n;
      }
      z_.next_out = chunk.data();
      z_.avail_out = static_cast<uInt>(chunk.size());
      const int rc = inflate(&z_, Z_NO_FLUSH);
      const size_t produced = chunk.size() - z_.avail_out;
      if (produced > max_bytes - out.size()) {
        return make_error(errc::too_large, "decompressed body over " + std::to_string(max_bytes) + " bytes");
      }
      append_bounded(out, chunk.data(), produced, max_bytes);
      switch (rc) {
        case Z_OK: continue;
        case Z_STREAM_END:
          if (z_.avail_in == 0 && left == 0) return ok_v;
          if (!multi_member) return make_error(errc::invalid_argument, "bytes after the end of the compressed body");
          if (inflateReset(&z_) != Z_OK) return make_error(errc::internal, "zlib reset failed");
          continue;
        case Z_BUF_ERROR:
          // No progress was possible. With a fresh output chunk that means the input ran out.
          if (z_.avail_in == 0 && left == 0) return make_error(errc::invalid_argument, "compressed body is truncated");
          return make_error(errc::invalid_argument, "compressed body is corrupt");
        default: return make_error(errc::invalid_argument, "compressed body is corrupt");
      }
    }
  }

  uLong total_out() const noexcept { return z_.total_out; }

 private:
  // Grows `out` geometrically but never past max_bytes, so a bomb cannot make us allocate twice
  // the limit the way std::string's own growth would.
  static void append_bounded(std::string& out, const unsigned char* data, size_t n, size_t max_bytes) {
    if (n == 0) return;
    const size_t need = out.size() + n;
    if (need > out.capacity()) out.reserve(std::min(max_bytes, std::max(need, out.capacity() * 2)));
    out.append(reinterpret_cast<const char*>(data), n);
  }

  z_stream z_{};
  bool ok_ = false;
};

std::string lower_trimmed(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

std::optional<content_coding> parse_content_encoding(std::string_view header) {
  const std::string v = lower_trimmed(header);
  if (v.empty() || v == "identity") return content_coding::identity;
  if (v == "gzip" || v == "x-gzip") return content_coding::gzip;
  if (v == "deflate") return content_coding::deflate;
  return std::nullopt;
}

result<std::string> gunzip(std::string_view compressed, size_t max_bytes) {
  std::string out;
  inflater z(gzip_window);
  if (status s = z.run(compressed, max_bytes, /*multi_member=*/true, out); !s) return s.err();
  return out;
}

result<std::string> inflate_deflate(std::string_view compressed, size_t max_bytes) {
  std::string out;
  {
    inflater z(zlib_window);
    status s = z.run(compressed, max_bytes, /*multi_member=*/false, out);
    if (s) return out;
    // Only a bad zlib header (nothing inflated yet) suggests raw deflate; anything else is final.
    if (s.err().code != errc::invalid_argument || z.total_out() != 0) return s.err();
  }
  out.clear();
  inflater raw(raw_window);
  if (status s = raw.run(compressed, max_bytes, /*multi_member=*/false, out); !s) return s.err();
  return out;
}

result<std::string> decode_content(std::string_view body, content_coding coding, size_t max_bytes) {
  switch (coding) {
    case content_coding::gzip: return gunzip(body, max_bytes);
    case content_coding::deflate: return inflate_deflate(body, max_bytes);
    case content_coding::identity: break;
  }
  if (body.size() > max_bytes) return make_error(errc::too_large, "body over " + std::to_string(max_bytes) + " bytes");
  return std::string(body);
}

}  // namespace brokle::telemetry::otlp
