// Pieces the SQLite telemetry query files share: page clamping, paging over a statement, time-unit
// conversions and the minute grid the rollups live on. Internal to storage/sqlite.
#pragma once

#include <algorithm>
#include <cstdint>

#include "storage/sqlite/sqlite_query_builder.hpp"
#include "storage/telemetry_query_store.hpp"

namespace brokle::storage::sqlite {

inline constexpr int64_t ns_per_ms = 1'000'000;
inline constexpr int64_t ns_per_min = 60'000'000'000;

inline int64_t floor_div(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }
inline int64_t ceil_div(int64_t a, int64_t b) { return -floor_div(-a, b); }

inline page_request clamp_page(page_request p) {
  p.limit = std::clamp(p.limit, 1, max_page_size);
  p.offset = std::clamp(p.offset, 0, max_page_offset);
  return p;
}

inline status check_range(const time_range& r) {
  if (r.end_ns < r.start_ns) return make_error(errc::invalid_argument, "time range ends before it starts");
  return ok_v;
}

// Appends ORDER-independent " LIMIT ? OFFSET ?" asking one row past the page, runs the query and
// reads rows through `read`; has_more says whether that extra row existed.
template <class T, class Read>
result<page<T>> run_page(connection& c, query_builder& q, page_request p, Read read) {
  p = clamp_page(p);
  q.sql(" LIMIT ? OFFSET ?").arg(int64_t{p.limit + 1}).arg(int64_t{p.offset});
  auto s = q.prepare(c);
  if (!s) return s.err();
  page<T> out;
  for (;;) {
    auto row = s->step();
    if (!row) return row.err();
    if (!*row) break;
    if (static_cast<int>(out.items.size()) == p.limit) {
      out.has_more = true;
      out.next_offset = p.offset + p.limit;
      break;
    }
    out.items.push_back(read(*s));
  }
  return out;
}

// The rollup minutes covering a range: [first, last) widened outward to whole minutes.
struct minute_span {
  int64_t first = 0;
  int64_t last = 0;
};
inline minute_span minutes_of(const time_range& r) {
  return {floor_div(r.start_ns, ns_per_min), std::max(floor_div(r.start_ns, ns_per_min), ceil_div(r.end_ns, ns_per_min))};
}

// Bucket width in minutes for a series over `m`: what was asked (rounded up to a minute), widened
// so the series has at most max_series_points points.
inline int64_t bucket_minutes(const minute_span& m, int64_t bucket_seconds) {
  int64_t b = std::max<int64_t>(1, ceil_div(std::max<int64_t>(bucket_seconds, 1), 60));
  int64_t span = m.last - m.first;
  if (span / b > max_series_points) b = ceil_div(span, max_series_points);
  return b;
}

}  // namespace brokle::storage::sqlite
