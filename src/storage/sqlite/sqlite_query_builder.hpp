// A WHERE clause assembled from optional filters, with its arguments kept beside it so every user
// value is bound, never spliced into SQL. Internal to storage/sqlite.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/result.hpp"
#include "storage/sqlite/sqlite_connection.hpp"

namespace brokle::storage::sqlite {

class query_builder {
 public:
  using value = std::variant<int64_t, double, std::string>;

  explicit query_builder(std::string head) : sql_(std::move(head)) {}

  // Appends SQL text; each `?` in it takes the next argument given with arg().
  query_builder& sql(std::string_view s) {
    sql_ += s;
    return *this;
  }
  query_builder& arg(int64_t v) {
    args_.emplace_back(v);
    return *this;
  }
  query_builder& arg(double v) {
    args_.emplace_back(v);
    return *this;
  }
  query_builder& arg(std::string v) {
    args_.emplace_back(std::move(v));
    return *this;
  }
  // " AND column IN (?,?,...)" over `values`; nothing when empty.
  query_builder& in_list(std::string_view column, const std::vector<std::string>& values) {
    if (values.empty()) return *this;
    sql_ += " AND ";
    sql_ += column;
    sql_ += " IN ";
    return list(values);
  }
  // "(?,?,...)" over `values` (which must not be empty).
  query_builder& list(const std::vector<std::string>& values) {
    sql_ += "(";
    for (size_t i = 0; i < values.size(); ++i) {
      sql_ += i ? ",?" : "?";
      args_.emplace_back(values[i]);
    }
    sql_ += ")";
    return *this;
  }

  const std::string& text() const noexcept { return sql_; }

  result<statement> prepare(connection& c) const {
    auto s = c.prepare(sql_);
    if (!s) return s.err();
    int i = 1;
    for (const auto& a : args_) {
      std::visit([&](const auto& v) { s->bind(i, v); }, a);
      ++i;
    }
    return s;
  }

 private:
  std::string sql_;
  std::vector<value> args_;
};

// `$."key"`: a JSON path naming one member, dots included; invalid_argument for a key SQLite's
// path syntax cannot quote.
inline result<std::string> json_member_path(std::string_view key) {
  if (key.empty() || key.find('"') != std::string_view::npos)
    return make_error(errc::invalid_argument, "attribute key must be non-empty and contain no '\"'");
  return "$.\"" + std::string(key) + "\"";
}

// A LIKE pattern matching `text` anywhere, with the wildcards in it escaped (ESCAPE '\').
inline std::string like_contains(std::string_view text) {
  std::string p = "%";
  for (char ch : text) {
    if (ch == '%' || ch == '_' || ch == '\\') p.push_back('\\');
    p.push_back(ch);
  }
  p.push_back('%');
  return p;
}

}  // namespace brokle::storage::sqlite
