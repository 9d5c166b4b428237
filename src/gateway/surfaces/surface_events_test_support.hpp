// Test support for the event-stream surfaces (Messages, Responses), used by their unit tests and
// by the integration tests (tests/support/gateway_env.hpp): SSE text split back into events, checking that every event has an `event:` line whose name matches
// its data's `type` (what the Anthropic and OpenAI SDKs both rely on), plus the chunks the relay
// feeds a translator.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>

namespace brokle::gateway::testing {

struct surface_event {
  std::string name;
  boost::json::object data;
};

inline std::vector<surface_event> events_of(const std::string& text) {
  std::vector<surface_event> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find("\n\n", pos);
    EXPECT_NE(end, std::string::npos) << "every event ends with a blank line";
    if (end == std::string::npos) break;
    std::string block = text.substr(pos, end - pos);
    pos = end + 2;
    EXPECT_EQ(block.rfind("event: ", 0), 0u) << block;
    size_t nl = block.find('\n');
    surface_event e{block.substr(7, nl - 7), {}};
    EXPECT_EQ(block.compare(nl + 1, 6, "data: "), 0) << block;
    e.data = boost::json::parse(block.substr(nl + 7)).as_object();
    EXPECT_EQ(e.data.at("type").as_string(), e.name);
    out.push_back(std::move(e));
  }
  return out;
}

inline std::vector<std::string> names_of(const std::vector<surface_event>& events) {
  std::vector<std::string> out;
  for (const auto& e : events) out.push_back(e.name);
  return out;
}

// A chat.completion.chunk with the given choices[] content.
inline std::string chunk(std::string_view choice) {
  return R"({"id":"chatcmpl-1","object":"chat.completion.chunk","model":"up","choices":[)" + std::string(choice) + "]}";
}

}  // namespace brokle::gateway::testing
