// Turns what a user typed into a log search box into an FTS5 MATCH expression that cannot be a
// syntax error and cannot use FTS5 operators: every token becomes a quoted string, all tokens must
// occur, and a token typed with a trailing `*` stays a prefix query. Tokens follow the `ascii`
// tokenizer's rule (ASCII letters and digits, and every non-ASCII byte), the same one logs_fts
// is built with, so a quoted token is always one term. Internal to storage/sqlite.
#pragma once

#include <string>
#include <string_view>

namespace brokle::storage::sqlite {

// Bound: at most 32 terms; the rest of the input is ignored. Empty when the input has no term.
inline constexpr int max_fts_terms = 32;
std::string fts5_match_expression(std::string_view user_text);

}  // namespace brokle::storage::sqlite
