// Thin RAII over one sqlite3 connection and its prepared statements. Internal to storage/.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "core/result.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace brokle::storage::sqlite {

class statement {
 public:
  statement() = default;
  statement(sqlite3* db, sqlite3_stmt* s) : db_(db), stmt_(s) {}
  ~statement();
  statement(statement&& o) noexcept : db_(o.db_), stmt_(o.stmt_) { o.stmt_ = nullptr; }
  statement& operator=(statement&& o) noexcept;
  statement(const statement&) = delete;

  statement& bind(int idx, std::string_view v);
  statement& bind(int idx, int64_t v);
  statement& bind(int idx, double v);
  statement& bind_null(int idx);
  statement& bind_blob(int idx, const void* data, size_t n);
  // Binds 1..N in order.
  template <class... Ts>
  statement& bind_all(const Ts&... vs) {
    int i = 1;
    (bind(i++, vs), ...);
    return *this;
  }
  // As bind_all, but text is not copied: SQLite reads the caller's bytes when the statement runs,
  // so every string must outlive run(). A temporary string argument does not compile. The writer's
  // per-row inserts use it; copying each bound column cost ~8% of the writer's time.
  template <class... Ts>
  statement& bind_all_borrowed(Ts&&... vs) {
    static_assert(((!std::is_rvalue_reference_v<Ts&&> ||
                    !std::is_same_v<std::remove_cvref_t<Ts>, std::string>)&&...),
                  "a borrowed binding must not be a temporary string");
    int i = 1;
    (bind_borrowed_value(i++, vs), ...);
    return *this;
  }
  statement& bind_borrowed(int idx, std::string_view v);
  statement& bind_blob_borrowed(int idx, const void* data, size_t n);

  // Returns true when a row is available, false when done; error on failure.
  result<bool> step();
  status run();  // step to completion, expecting no rows
  void reset();
  // Virtual-machine steps the statement has run since it was prepared: a count of the work a
  // query did (rows visited), deterministic where time is not; tests check plans with it.
  int64_t vm_steps() const;

  bool is_null(int col) const;
  int64_t column_int(int col) const;
  double column_double(int col) const;
  std::string column_text(int col) const;
  std::optional<std::string> column_text_opt(int col) const;

 private:
  statement& bind_borrowed_value(int idx, const std::string& v) { return bind_borrowed(idx, v); }
  template <class T>
  statement& bind_borrowed_value(int idx, const T& v) {
    return bind(idx, v);
  }

  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
};

class connection {
 public:
  // The page size a database file gets when open() creates it (bytes).
  static constexpr int new_database_page_size = 16384;
  // Opens (creating if asked) with WAL, synchronous=NORMAL, foreign keys on, a busy timeout.
  static result<connection> open(const std::string& path, bool read_only);
  connection() = default;
  ~connection();
  connection(connection&& o) noexcept : db_(o.db_) { o.db_ = nullptr; }
  connection& operator=(connection&& o) noexcept;
  connection(const connection&) = delete;

  status exec(std::string_view sql);  // one or more statements, no results
  result<statement> prepare(std::string_view sql);
  int64_t changes() const;
  int64_t last_insert_rowid() const;
  std::string last_error() const;
  sqlite3* handle() const noexcept { return db_; }

 private:
  explicit connection(sqlite3* db) : db_(db) {}
  sqlite3* db_ = nullptr;
};

// A transaction that rolls back unless committed.
class transaction {
 public:
  explicit transaction(connection& c);
  ~transaction();
  status begin();  // BEGIN IMMEDIATE
  status commit();

 private:
  connection& c_;
  bool open_ = false;
};

// Prepares `sql`, binds `keys` in order and reads every row through `read`.
template <class T, class... Keys>
result<std::vector<T>> query_all(connection& c, std::string_view sql, T (*read)(const statement&), const Keys&... keys) {
  auto s = c.prepare(sql);
  if (!s) return s.err();
  s->bind_all(keys...);
  std::vector<T> out;
  for (;;) {
    auto row = s->step();
    if (!row) return row.err();
    if (!*row) return out;
    out.push_back(read(*s));
  }
}

// Runs `s` and turns "no row changed" into errc::not_found(what): a scoped update or delete of a
// row that is not in the scope.
status run_changing_one(connection& c, statement& s, std::string_view what);

}  // namespace brokle::storage::sqlite
