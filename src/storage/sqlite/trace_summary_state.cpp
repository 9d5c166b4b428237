#include "storage/sqlite/trace_summary_state.hpp"

#include <cstring>

namespace brokle::storage::sqlite {

namespace {

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

void put_u64(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

uint64_t get_u64(const unsigned char* p) noexcept {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= static_cast<uint64_t>(p[i]) << (8 * i);
  return v;
}

void put_string(std::string& out, std::string_view s) {
  uint16_t n = static_cast<uint16_t>(std::min<size_t>(s.size(), 0xffff));
  out.push_back(static_cast<char>(n & 0xff));
  out.push_back(static_cast<char>(n >> 8));
  out.append(s.substr(0, n));
}

// Reads from a blob, failing (and staying failed) once it runs past the end.
struct reader {
  const unsigned char* p;
  size_t left;
  bool ok = true;

  bool take(size_t n) {
    if (!ok || left < n) return ok = false;
    return true;
  }
  uint64_t u64() {
    if (!take(8)) return 0;
    uint64_t v = get_u64(p);
    p += 8;
    left -= 8;
    return v;
  }
  unsigned u8() {
    if (!take(1)) return 0;
    unsigned v = *p;
    p += 1;
    left -= 1;
    return v;
  }
  std::string str() {
    unsigned lo = u8();
    unsigned hi = u8();
    size_t n = lo | (hi << 8);
    if (!take(n)) return {};
    std::string s(reinterpret_cast<const char*>(p), n);
    p += n;
    left -= n;
    return s;
  }
};

}  // namespace

span_key span_key_of(std::string_view span_id) noexcept {
  if (span_id.size() == 16) {
    uint64_t v = 0;
    bool hex = true;
    for (char c : span_id) {
      int h = hex_value(c);
      if (h < 0) {
        hex = false;
        break;
      }
      v = (v << 4) | static_cast<uint64_t>(h);
    }
    if (hex) return {v, true};
  }
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : span_id) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return {h, false};
}

std::string encode_span_refs(const std::vector<span_ref>& refs) {
  std::string out;
  out.reserve(refs.size() * 16);
  for (const auto& r : refs) {
    put_u64(out, r.key);
    put_u64(out, static_cast<uint64_t>(r.seq));
  }
  return out;
}

std::vector<span_ref> decode_span_refs(std::string_view blob) {
  std::vector<span_ref> out;
  out.reserve(blob.size() / 16);
  const auto* p = reinterpret_cast<const unsigned char*>(blob.data());
  for (size_t i = 0; i + 16 <= blob.size(); i += 16) {
    out.push_back({get_u64(p + i), static_cast<int64_t>(get_u64(p + i + 8))});
  }
  return out;
}

std::string encode_edge_halves(const std::vector<edge_half>& halves) {
  std::string out;
  for (const auto& h : halves) {
    out.push_back(static_cast<char>(h.kind));
    out.push_back(static_cast<char>(h.error ? 1 : 0));
    put_u64(out, static_cast<uint64_t>(h.start_ns));
    put_u64(out, static_cast<uint64_t>(h.duration_ns));
    put_string(out, h.span_id);
    put_string(out, h.parent_span_id);
    put_string(out, h.service);
  }
  return out;
}

std::vector<edge_half> decode_edge_halves(std::string_view blob) {
  std::vector<edge_half> out;
  reader r{reinterpret_cast<const unsigned char*>(blob.data()), blob.size()};
  while (r.ok && r.left > 0) {
    edge_half h;
    h.kind = static_cast<int>(r.u8());
    h.error = r.u8() != 0;
    h.start_ns = static_cast<int64_t>(r.u64());
    h.duration_ns = static_cast<int64_t>(r.u64());
    h.span_id = r.str();
    h.parent_span_id = r.str();
    h.service = r.str();
    if (r.ok) out.push_back(std::move(h));
  }
  return out;
}

}  // namespace brokle::storage::sqlite
