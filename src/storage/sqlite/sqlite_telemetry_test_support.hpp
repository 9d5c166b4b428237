// Shared by the SQLite telemetry tests: a migrated database with a telemetry writer on its own
// connection and the query store on the readers, plus builders for records with sensible defaults.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include "storage/sqlite/sqlite_telemetry_query_store.hpp"
#include "storage/sqlite/sqlite_telemetry_retention.hpp"
#include "storage/sqlite/sqlite_telemetry_writer.hpp"
#include "storage/sqlite/sqlite_test_support.hpp"

namespace brokle::storage::sqlite {

// A minute boundary in November 2023, in unix nanoseconds.
inline constexpr int64_t t0_ns = 28'333'333LL * 60'000'000'000LL;
inline constexpr int64_t t0_ms = t0_ns / 1'000'000;
inline constexpr int64_t ms_ns = 1'000'000;
inline constexpr int64_t minute_ns = 60'000'000'000LL;

inline std::string hex_id(uint64_t v, int digits) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%0*llx", digits, static_cast<unsigned long long>(v));
  return std::string(buf).substr(0, static_cast<size_t>(digits));
}
inline std::string trace_hex(uint64_t v) { return hex_id(0xabcdef00ULL, 16) + hex_id(v, 16); }
inline std::string span_hex(uint64_t v) { return hex_id(v, 16); }

inline span_record make_span(const std::string& project, const std::string& trace, const std::string& span,
                             const std::string& parent, const std::string& service, int64_t start_ns,
                             int64_t duration_ns, span_kind kind = span_kind::internal,
                             span_status status = span_status::ok) {
  span_record s;
  s.project_id = project;
  s.trace_id = trace;
  s.span_id = span;
  s.parent_span_id = parent;
  s.name = service + " op";
  s.kind = kind;
  s.start_ns = start_ns;
  s.end_ns = start_ns + duration_ns;
  s.status = status;
  s.service_name = service;
  return s;
}

inline log_record make_log(const std::string& project, const std::string& id, const std::string& service,
                           int64_t time_ns, const std::string& body, int severity = 9) {
  log_record l;
  l.project_id = project;
  l.id = id;
  l.service_name = service;
  l.time_ns = time_ns;
  l.observed_time_ns = time_ns;
  l.body = body;
  l.severity_number = severity;
  return l;
}

inline observation_record make_generation(const std::string& project, const std::string& id,
                                          const std::string& trace, const std::string& model, int64_t start_ms,
                                          int64_t latency_ms) {
  observation_record o;
  o.project_id = project;
  o.id = id;
  o.trace_id = trace;
  o.type = observation_type::generation;
  o.name = "chat";
  o.model = model;
  o.provider = "openai";
  o.environment = "production";
  o.key_id = "key1";
  o.start_time_ms = start_ms;
  o.end_time_ms = start_ms + latency_ms;
  o.input_tokens = 100;
  o.output_tokens = 20;
  o.cost_usd = 0.5;
  o.http_status = 200;
  return o;
}

struct sqlite_telemetry_fixture : ::testing::Test {
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("brokle-telemetry-" + std::to_string(::getpid()) + "-" +
                                                ::testing::UnitTest::GetInstance()->current_test_info()->name());
  std::shared_ptr<database> db;
  std::unique_ptr<sqlite_telemetry_writer> writer;
  std::unique_ptr<sqlite_telemetry_query_store> queries;
  project_scope alpha = scope_factory_for_tests::project("org1", "proj-alpha");
  project_scope beta = scope_factory_for_tests::project("org2", "proj-beta");
  time_range all{t0_ns - 24 * 60 * minute_ns, t0_ns + 24 * 60 * minute_ns};

  void SetUp() override {
    db = open_migrated_database(dir);
    auto w = sqlite_telemetry_writer::open(dir / "t.db");
    ASSERT_TRUE(w) << w.err().message;
    writer = std::move(*w);
    queries = std::make_unique<sqlite_telemetry_query_store>(db);
  }
  void TearDown() override {
    writer.reset();
    queries.reset();
    db.reset();
    std::filesystem::remove_all(dir);
  }

  void write(const telemetry_batch& b) {
    auto st = writer->write(b);
    ASSERT_TRUE(st) << st.err().message;
  }
  int64_t count(const std::string& sql) {
    return db->read([&](connection& c) -> int64_t {
      auto s = c.prepare(sql);
      if (!s) return -1;
      auto row = s->step();
      return row && *row ? s->column_int(0) : -1;
    });
  }
  // The same with ?1 and ?2 bound (a project id and a trace id, say).
  int64_t count(const std::string& sql, const std::string& first, const std::string& second) {
    return db->read([&](connection& c) -> int64_t {
      auto s = c.prepare(sql);
      if (!s) return -1;
      s->bind_all(first, second);
      auto row = s->step();
      return row && *row ? s->column_int(0) : -1;
    });
  }
};

}  // namespace brokle::storage::sqlite
