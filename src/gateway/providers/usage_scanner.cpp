#include "gateway/providers/usage_scanner.hpp"

#include <charconv>
#include <cstdint>

namespace brokle::gateway {

namespace {

constexpr int max_depth = 32;

// A cursor over the object's text; every reader returns false on text that is not JSON, and the
// caller then falls back to a real parser.
class scanner {
 public:
  explicit scanner(std::string_view t) : p_(t.data()), begin_(t.data()), end_(t.data() + t.size()) {}

  size_t offset() const { return static_cast<size_t>(p_ - begin_); }

  void skip_ws() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\t' || *p_ == '\n' || *p_ == '\r')) ++p_;
  }
  bool eat(char c) {
    skip_ws();
    if (p_ == end_ || *p_ != c) return false;
    ++p_;
    return true;
  }
  bool peek(char c) {
    skip_ws();
    return p_ < end_ && *p_ == c;
  }

  // A key without escapes (every key usage_of reads has none; one with an escape sends the
  // caller to the real parser, which decodes it).
  bool key(std::string_view& out) {
    if (!eat('"')) return false;
    const char* s = p_;
    while (p_ < end_ && *p_ != '"') {
      if (*p_ == '\\' || static_cast<unsigned char>(*p_) < 0x20) return false;
      ++p_;
    }
    if (p_ == end_) return false;
    out = std::string_view(s, static_cast<size_t>(p_ - s));
    ++p_;
    return eat(':');
  }

  // The value at the cursor as usage_of reads a member: an integer, a fraction cut to its whole
  // part, 0 for anything that is not a number (that value is skipped).
  bool number_or_zero(int64_t& out) {
    skip_ws();
    if (p_ == end_) return false;
    if (*p_ != '-' && (*p_ < '0' || *p_ > '9')) {
      out = 0;
      return skip_value(0);
    }
    const char* s = p_;
    bool fraction = false;
    if (*p_ == '-') ++p_;
    while (p_ < end_ && ((*p_ >= '0' && *p_ <= '9') || *p_ == '.' || *p_ == 'e' || *p_ == 'E' || *p_ == '+' ||
                         *p_ == '-')) {
      fraction = fraction || *p_ == '.' || *p_ == 'e' || *p_ == 'E';
      ++p_;
    }
    if (!fraction) {
      auto [at, ec] = std::from_chars(s, p_, out);
      if (ec == std::errc() && at == p_) return true;
      if (ec != std::errc::result_out_of_range || *s == '-') return false;
      // Above int64: usage_of takes the unsigned value's bits.
      uint64_t u = 0;
      auto [uat, uec] = std::from_chars(s, p_, u);
      if (uec == std::errc() && uat == p_) {
        out = static_cast<int64_t>(u);
        return true;
      }
      fraction = true;  // past uint64 too: JSON reads it as a double
    }
    double d = 0;
    auto [at, ec] = std::from_chars(s, p_, d);
    if (ec != std::errc() || at != p_) return false;
    // A double past int64 converts as usage_of's cast would not define; clamp it.
    if (!(d > -9.2e18 && d < 9.2e18)) d = d > 0 ? 9.2e18 : (d < 0 ? -9.2e18 : 0);
    out = static_cast<int64_t>(d);
    return true;
  }

  // Any one value: an object, array, string, number or literal.
  bool skip_value(int depth) {
    if (depth > max_depth) return false;
    skip_ws();
    if (p_ == end_) return false;
    char c = *p_;
    if (c == '{' || c == '[') {
      char close = c == '{' ? '}' : ']';
      ++p_;
      if (eat(close)) return true;
      for (;;) {
        if (c == '{' && !skip_string_key()) return false;
        if (!skip_value(depth + 1)) return false;
        if (eat(',')) continue;
        return eat(close);
      }
    }
    if (c == '"') return skip_string();
    if (c == '-' || (c >= '0' && c <= '9')) {
      while (p_ < end_ && ((*p_ >= '0' && *p_ <= '9') || *p_ == '.' || *p_ == 'e' || *p_ == 'E' || *p_ == '+' ||
                           *p_ == '-'))
        ++p_;
      return true;
    }
    for (std::string_view lit : {std::string_view("true"), std::string_view("false"), std::string_view("null")}) {
      if (static_cast<size_t>(end_ - p_) >= lit.size() && std::string_view(p_, lit.size()) == lit) {
        p_ += lit.size();
        return true;
      }
    }
    return false;
  }

 private:
  bool skip_string() {
    ++p_;  // the opening quote
    while (p_ < end_) {
      char c = *p_++;
      if (c == '"') return true;
      if (c == '\\') {
        if (p_ == end_) return false;
        ++p_;
      } else if (static_cast<unsigned char>(c) < 0x20) {
        return false;
      }
    }
    return false;
  }
  bool skip_string_key() {
    skip_ws();
    if (p_ == end_ || *p_ != '"') return false;
    return skip_string() && eat(':');
  }

  const char* p_;
  const char* begin_;
  const char* end_;
};

// The members of a details object: the one integer `wanted` names.
bool read_details(scanner& s, std::string_view wanted, int64_t& out) {
  if (!s.peek('{')) {
    out = 0;  // not an object: usage_of does not read into it
    return s.skip_value(1);
  }
  s.eat('{');
  int64_t found = 0;
  if (!s.eat('}')) {
    for (;;) {
      std::string_view k;
      if (!s.key(k)) return false;
      if (k == wanted) {
        if (!s.number_or_zero(found)) return false;
      } else if (!s.skip_value(2)) {
        return false;
      }
      if (s.eat(',')) continue;
      if (!s.eat('}')) return false;
      break;
    }
  }
  out = found;
  return true;
}

}  // namespace

std::optional<token_usage> scan_usage_object(std::string_view text, size_t* end) {
  scanner s(text);
  if (!s.eat('{')) return std::nullopt;
  token_usage u;
  if (!s.eat('}')) {
    for (;;) {
      std::string_view k;
      if (!s.key(k)) return std::nullopt;
      bool ok = true;
      if (k == "prompt_tokens") ok = s.number_or_zero(u.input_tokens);
      else if (k == "completion_tokens") ok = s.number_or_zero(u.output_tokens);
      else if (k == "cache_creation_input_tokens") ok = s.number_or_zero(u.cache_write_input_tokens);
      else if (k == "prompt_tokens_details") ok = read_details(s, "cached_tokens", u.cached_input_tokens);
      else if (k == "completion_tokens_details") ok = read_details(s, "reasoning_tokens", u.reasoning_tokens);
      else ok = s.skip_value(1);
      if (!ok) return std::nullopt;
      if (s.eat(',')) continue;
      if (!s.eat('}')) return std::nullopt;
      break;
    }
  }
  if (end) *end = s.offset();
  return u;
}

}  // namespace brokle::gateway
