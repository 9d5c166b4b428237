#include "core/timestamp.hpp"

#include <cmath>
#include <cstdlib>
#include <string>

namespace brokle {

namespace {

bool digits(std::string_view s, size_t pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  return true;
}

// Days from 1970-01-01 to y-m-d (proleptic Gregorian).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

}  // namespace

std::optional<int64_t> parse_rfc3339_ns(std::string_view s) {
  int y, mo, d, h = 0, mi = 0, sec = 0;
  if (!digits(s, 0, 4, y) || s.size() < 10 || s[4] != '-' || !digits(s, 5, 2, mo) || s[7] != '-' || !digits(s, 8, 2, d))
    return std::nullopt;
  static constexpr int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] + (mo == 2 && leap(y) ? 1 : 0)) return std::nullopt;
  size_t pos = 10;
  int64_t frac_ns = 0;
  int64_t offset_s = 0;
  if (pos < s.size()) {
    if (s[pos] != 'T' && s[pos] != 't' && s[pos] != ' ') return std::nullopt;
    if (!digits(s, pos + 1, 2, h) || pos + 3 >= s.size() || s[pos + 3] != ':' || !digits(s, pos + 4, 2, mi))
      return std::nullopt;
    pos += 6;
    if (pos < s.size() && s[pos] == ':') {
      if (!digits(s, pos + 1, 2, sec)) return std::nullopt;
      pos += 3;
    }
    if (h > 23 || mi > 59 || sec > 60) return std::nullopt;
    if (pos < s.size() && s[pos] == '.') {
      ++pos;
      int64_t scale = 100'000'000;
      size_t start = pos;
      while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
        if (scale > 0) frac_ns += (s[pos] - '0') * scale;
        scale /= 10;
        ++pos;
      }
      if (pos == start) return std::nullopt;
    }
    if (pos < s.size()) {
      char z = s[pos];
      if (z == 'Z' || z == 'z') {
        ++pos;
      } else if (z == '+' || z == '-') {
        int oh, om;
        if (!digits(s, pos + 1, 2, oh)) return std::nullopt;
        size_t mpos = pos + 3;
        if (mpos < s.size() && s[mpos] == ':') ++mpos;
        if (!digits(s, mpos, 2, om) || oh > 23 || om > 59) return std::nullopt;
        offset_s = (oh * 3600 + om * 60) * (z == '+' ? 1 : -1);
        pos = mpos + 2;
      }
    }
    if (pos != s.size()) return std::nullopt;
  }
  int64_t secs = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 + h * 3600 + mi * 60 +
                 sec - offset_s;
  if (secs < -9'000'000'000LL || secs > 9'000'000'000LL) return std::nullopt;
  return secs * 1'000'000'000 + frac_ns;
}

int64_t unix_number_to_ns(double v) {
  if (!std::isfinite(v) || v <= 0) return 0;
  if (v >= 9.2e18) return 0;
  int64_t scale = v < 1e11 ? 1'000'000'000 : v < 1e14 ? 1'000'000 : v < 1e17 ? 1'000 : 1;  // s, ms, µs, ns
  double whole = std::floor(v);
  // Integral part in integer arithmetic (a double cannot hold ns since 1970 exactly).
  return static_cast<int64_t>(whole) * scale + static_cast<int64_t>(std::llround((v - whole) * static_cast<double>(scale)));
}

std::optional<int64_t> parse_query_time_ns(std::string_view text) {
  if (auto ns = parse_rfc3339_ns(text)) return ns;
  // Position 10 may hold RFC 3339's own space separator; an offset's sign comes after the time.
  if (auto sp = text.find(' ', 11); sp != std::string_view::npos) {
    std::string repaired(text);
    repaired[sp] = '+';
    if (auto ns = parse_rfc3339_ns(repaired)) return ns;
  }
  std::string number(text);
  char* end = nullptr;
  double d = std::strtod(number.c_str(), &end);
  if (number.empty() || !end || *end != '\0' || !(d > 0)) return std::nullopt;
  int64_t ns = unix_number_to_ns(d);
  if (ns == 0) return std::nullopt;
  return ns;
}

}  // namespace brokle
