// Small byte-level text helpers shared by the mock provider's HTTP parser and its reply builder:
// ASCII case folding (HTTP names are case-insensitive), UTF-8-safe truncation and validation.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace brokle::mock {

constexpr char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

constexpr bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

// True when `needle` occurs in `haystack` ignoring ASCII case.
constexpr bool icontains(std::string_view haystack, std::string_view needle) {
  if (needle.empty()) return true;
  if (needle.size() > haystack.size()) return false;
  for (std::size_t i = 0; i + needle.size() <= haystack.size(); ++i) {
    if (iequals(haystack.substr(i, needle.size()), needle)) return true;
  }
  return false;
}

inline void append_lower(std::string& out, std::string_view text) {
  for (char c : text) out.push_back(ascii_lower(c));
}

constexpr std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Prefix of `text` holding at most `max_chars` code points; never splits a UTF-8 sequence.
inline std::string_view utf8_prefix(std::string_view text, std::size_t max_chars) {
  std::size_t chars = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if ((byte & 0xC0) != 0x80) {  // a lead byte starts a new code point
      if (chars == max_chars) return text.substr(0, i);
      ++chars;
    }
  }
  return text;
}

// Moves `pos` back to the start of the code point it falls in, so a cut there keeps UTF-8 valid.
inline std::size_t utf8_boundary_at_or_before(std::string_view text, std::size_t pos) {
  if (pos >= text.size()) return text.size();
  while (pos > 0 && (static_cast<unsigned char>(text[pos]) & 0xC0) == 0x80) --pos;
  return pos;
}

// Copies `text` into `out`, replacing bytes that are not well-formed UTF-8 with U+FFFD so the copy
// can be embedded in JSON that strict parsers accept.
inline void append_utf8_lossy(std::string& out, std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    std::size_t length = 0;
    if (lead < 0x80) length = 1;
    else if (lead >= 0xC2 && lead <= 0xDF) length = 2;
    else if (lead >= 0xE0 && lead <= 0xEF) length = 3;
    else if (lead >= 0xF0 && lead <= 0xF4) length = 4;
    bool valid = length != 0 && i + length <= text.size();
    for (std::size_t k = 1; valid && k < length; ++k) {
      valid = (static_cast<unsigned char>(text[i + k]) & 0xC0) == 0x80;
    }
    if (valid && length >= 3) {
      // Reject overlong forms, UTF-16 surrogates and code points past U+10FFFF.
      const auto second = static_cast<unsigned char>(text[i + 1]);
      if (lead == 0xE0 && second < 0xA0) valid = false;
      if (lead == 0xED && second > 0x9F) valid = false;
      if (lead == 0xF0 && second < 0x90) valid = false;
      if (lead == 0xF4 && second > 0x8F) valid = false;
    }
    if (valid) {
      out.append(text.substr(i, length));
      i += length;
    } else {
      out.append("\xEF\xBF\xBD");
      ++i;
    }
  }
}

}  // namespace brokle::mock
