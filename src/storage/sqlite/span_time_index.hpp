// How spans are found by start time (migration 0013): the index holds (project_id, start_ns >> 30),
// ~1.07 s buckets whose entries follow arrival order, so writes stay at the right edges. A query
// on [start, end) selects the buckets first (the index) and the exact range on the rows. The
// expression must be written exactly as the index has it for SQLite to use the index.
// Internal to storage/sqlite.
#pragma once

#include <cstdint>

namespace brokle::storage::sqlite {

inline constexpr const char* span_start_bucket = "(start_ns >> 30)";
inline constexpr int64_t span_start_bucket_of(int64_t ns) { return ns >> 30; }

}  // namespace brokle::storage::sqlite
