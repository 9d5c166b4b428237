#include "storage/sqlite/fts5_query.hpp"

namespace brokle::storage::sqlite {

namespace {
bool is_token_byte(unsigned char c) noexcept {
  return c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
}  // namespace

std::string fts5_match_expression(std::string_view text) {
  std::string out;
  int terms = 0;
  size_t i = 0;
  while (i < text.size() && terms < max_fts_terms) {
    if (!is_token_byte(static_cast<unsigned char>(text[i]))) {
      ++i;
      continue;
    }
    size_t start = i;
    while (i < text.size() && is_token_byte(static_cast<unsigned char>(text[i]))) ++i;
    if (!out.empty()) out.push_back(' ');
    // A token has no quote in it, so wrapping it in quotes is the whole escape.
    out.push_back('"');
    out.append(text.substr(start, i - start));
    out.push_back('"');
    if (i < text.size() && text[i] == '*') out.push_back('*');
    ++terms;
  }
  return out;
}

}  // namespace brokle::storage::sqlite
