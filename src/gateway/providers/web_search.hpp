// Web search through translation: OpenAI's chat `web_search_options` asks the provider to search
// (Anthropic's server tool web_search_20250305, Gemini's google_search grounding tool), and what
// the answer cites comes back as OpenAI's `message.annotations` (url_citation with the cited
// span's start and end as Unicode code point offsets into the message content) — in a stream as
// `delta.annotations`, once the cited text has gone out. Cohere's chat v2 has no web search: the
// option is refused there. Field names are facts of the public APIs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "core/result.hpp"

namespace brokle::gateway {

struct web_search_request {
  // user_location.approximate as given (city, region, country, timezone), empty when none.
  boost::json::object approximate_location;
};

// The body's web_search_options: nullopt when absent or null; a 400 for a malformed one
// (search_context_size low|medium|high, user_location {type: "approximate", approximate: {...}}).
result<std::optional<web_search_request>> read_web_search_options(const boost::json::object& chat_body);

// A flat user location ({type: "approximate", city, region, country, timezone}, as the Responses
// API's web_search tool and Anthropic's server tool give it) as chat's nested one
// ({type: "approximate", approximate: {...}}).
boost::json::object chat_user_location(const boost::json::object& flat);

// Anthropic's web search server tool for the request (its user_location from the approximate one).
boost::json::object anthropic_web_search_tool(const web_search_request& r);
// Gemini's grounding tool.
boost::json::object gemini_search_tool();

// One OpenAI url_citation annotation.
boost::json::object url_citation(std::string_view url, std::string_view title, int64_t start, int64_t end);

// Unicode code points in UTF-8 text (bytes that are not continuation bytes).
int64_t code_points(std::string_view utf8);
// The bytes of `utf8` that its first `points` code points take (all of it when it has fewer).
size_t code_point_bytes(std::string_view utf8, int64_t points);

// An Anthropic citation (a text block's citations[i]) that names a web page: its url_citation
// over [start, end); nullopt for citations of documents the client sent (no URL to give).
std::optional<boost::json::object> anthropic_url_citation(const boost::json::object& citation, int64_t start, int64_t end);

// Gemini's candidate.groundingMetadata as url_citation annotations over `text` (the candidate's
// text as the client gets it). `part_starts[i]` is where text part i begins in `text` (byte
// offset), for segments that name a partIndex; segment offsets are UTF-8 byte offsets, turned into
// code points here. Supports whose span falls outside the text are left out.
// Whether Gemini ran a search for this answer (groundingMetadata.webSearchQueries not empty).
bool gemini_searched(const boost::json::object& grounding);

boost::json::array gemini_grounding_annotations(const boost::json::object& grounding, std::string_view text,
                                                const std::vector<size_t>& part_starts = {});

}  // namespace brokle::gateway
