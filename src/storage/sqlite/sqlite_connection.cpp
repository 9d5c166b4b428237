#include "storage/sqlite/sqlite_connection.hpp"

#include <sqlite3.h>

namespace brokle::storage::sqlite {

namespace {
error sqlite_error(sqlite3* db, std::string_view what) {
  int code = db ? sqlite3_extended_errcode(db) : SQLITE_ERROR;
  std::string msg = std::string(what) + ": " + (db ? sqlite3_errmsg(db) : "no connection");
  errc kind = errc::internal;
  int primary = code & 0xff;
  if (primary == SQLITE_CONSTRAINT) kind = errc::conflict;
  else if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED || primary == SQLITE_FULL ||
           primary == SQLITE_READONLY || primary == SQLITE_IOERR || primary == SQLITE_CANTOPEN)
    kind = errc::unavailable;
  return make_error(kind, std::move(msg));
}
}  // namespace

statement::~statement() {
  if (stmt_) sqlite3_finalize(stmt_);
}

statement& statement::operator=(statement&& o) noexcept {
  if (this != &o) {
    if (stmt_) sqlite3_finalize(stmt_);
    db_ = o.db_;
    stmt_ = o.stmt_;
    o.stmt_ = nullptr;
  }
  return *this;
}

statement& statement::bind(int idx, std::string_view v) {
  sqlite3_bind_text(stmt_, idx, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  return *this;
}
statement& statement::bind_borrowed(int idx, std::string_view v) {
  sqlite3_bind_text(stmt_, idx, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
  return *this;
}
statement& statement::bind(int idx, int64_t v) {
  sqlite3_bind_int64(stmt_, idx, v);
  return *this;
}
statement& statement::bind(int idx, double v) {
  sqlite3_bind_double(stmt_, idx, v);
  return *this;
}
statement& statement::bind_null(int idx) {
  sqlite3_bind_null(stmt_, idx);
  return *this;
}
statement& statement::bind_blob(int idx, const void* data, size_t n) {
  sqlite3_bind_blob(stmt_, idx, data, static_cast<int>(n), SQLITE_TRANSIENT);
  return *this;
}

statement& statement::bind_blob_borrowed(int idx, const void* data, size_t n) {
  sqlite3_bind_blob(stmt_, idx, data, static_cast<int>(n), SQLITE_STATIC);
  return *this;
}

result<bool> statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return sqlite_error(db_, "sqlite step");
}

status statement::run() {
  for (;;) {
    auto r = step();
    if (!r) return r.err();
    if (!*r) return ok_v;
  }
}

void statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

int64_t statement::vm_steps() const { return sqlite3_stmt_status(stmt_, SQLITE_STMTSTATUS_VM_STEP, 0); }

bool statement::is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
int64_t statement::column_int(int col) const { return sqlite3_column_int64(stmt_, col); }
double statement::column_double(int col) const { return sqlite3_column_double(stmt_, col); }
std::string statement::column_text(int col) const {
  auto* p = sqlite3_column_text(stmt_, col);
  int n = sqlite3_column_bytes(stmt_, col);
  return p ? std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(n)) : std::string();
}
std::optional<std::string> statement::column_text_opt(int col) const {
  if (is_null(col)) return std::nullopt;
  return column_text(col);
}

namespace {
// Process-wide settings that must precede SQLite's initialization (the first open does it).
// Memory statistics off: with them on, every sqlite3_malloc and sqlite3_free takes a global
// mutex, ~7% of the telemetry writer's time; nothing reads those statistics.
void configure_sqlite_once() {
  static const bool done = [] {
    (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);  // SQLITE_MISUSE if already initialized: harmless
    return sqlite3_initialize() == SQLITE_OK;
  }();
  (void)done;
}
}  // namespace

result<connection> connection::open(const std::string& path, bool read_only) {
  configure_sqlite_once();
  sqlite3* db = nullptr;
  int flags = read_only ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  flags |= SQLITE_OPEN_NOMUTEX;  // each connection is used by one thread at a time (we lock above it)
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    auto e = sqlite_error(db, "cannot open " + path);
    sqlite3_close(db);
    return e;
  }
  connection c(db);
  sqlite3_busy_timeout(db, 5000);
  sqlite3_extended_result_codes(db, 1);
  std::string pragmas = "PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL; PRAGMA temp_store=MEMORY;";
  // The page size only takes effect when the file is created (before WAL mode is set); an existing
  // database keeps the one it has. 16 KiB: SQLite writes every WAL frame with two system calls, so
  // 4x fewer frames for the same rows (OTLP spans 70-85k -> 89-99k/s in 10 s, 66k -> 74k/s over
  // 150 s); 64 KiB was faster still in short runs but rewrote so much of the random-key indexes
  // per commit that it fell behind 4 KiB once the store held millions of spans.
  // docs/telemetry-storage.md, bench/RESULTS.md (2026-12-06).
  if (!read_only) pragmas = "PRAGMA page_size=" + std::to_string(new_database_page_size) + "; PRAGMA journal_mode=WAL; " + pragmas;
  if (auto st = c.exec(pragmas); !st) return st.err();
  return c;
}

connection::~connection() {
  if (db_) sqlite3_close_v2(db_);
}

connection& connection::operator=(connection&& o) noexcept {
  if (this != &o) {
    if (db_) sqlite3_close_v2(db_);
    db_ = o.db_;
    o.db_ = nullptr;
  }
  return *this;
}

status connection::exec(std::string_view sql) {
  std::string s(sql);
  char* err = nullptr;
  int rc = sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    auto e = sqlite_error(db_, "sqlite exec");
    if (err) sqlite3_free(err);
    return e;
  }
  return ok_v;
}

result<statement> connection::prepare(std::string_view sql) {
  sqlite3_stmt* s = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &s, nullptr);
  if (rc != SQLITE_OK) return sqlite_error(db_, "sqlite prepare");
  return statement(db_, s);
}

int64_t connection::changes() const { return sqlite3_changes64(db_); }
int64_t connection::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }
std::string connection::last_error() const { return sqlite3_errmsg(db_); }

transaction::transaction(connection& c) : c_(c) {}
transaction::~transaction() {
  if (open_) (void)c_.exec("ROLLBACK");
}
status transaction::begin() {
  auto st = c_.exec("BEGIN IMMEDIATE");
  if (st) open_ = true;
  return st;
}
status transaction::commit() {
  auto st = c_.exec("COMMIT");
  if (st) open_ = false;
  return st;
}

status run_changing_one(connection& c, statement& s, std::string_view what) {
  if (auto st = s.run(); !st) return st;
  if (c.changes() == 0) return make_error(errc::not_found, std::string(what));
  return ok_v;
}

}  // namespace brokle::storage::sqlite
