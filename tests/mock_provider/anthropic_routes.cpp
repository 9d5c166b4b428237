// Anthropic Messages API endpoint of the mock: POST /v1/messages, plain or streamed, with tool_use
// blocks, extended thinking (a thinking or redacted_thinking block before the answer) and the
// web_search server tool (server_tool_use, web_search_tool_result, then text cited with
// web_search_result_location citations; citations_delta when streamed).
// Validation mirrors the real API's required fields (model, max_tokens, messages, roles), its
// thinking budget rules and its rules for thinking blocks in history, so a gateway that translates
// badly or loses signatures gets the 400 it would get in production.
#include "ascii_text.hpp"
#include "mock_reply.hpp"
#include "provider_routes.hpp"

namespace brokle::mock {
namespace {

// The smallest thinking budget the real API takes.
constexpr std::int64_t min_thinking_budget = 1024;
// A last user turn saying this (any case) gets its thinking as a redacted_thinking block, whose
// opaque data is this prefix and fnv1a_hex of the thinking text.
constexpr std::string_view redact_trigger = "redact";
constexpr std::string_view redacted_prefix = "mockredacted-";

std::string_view read_messages(const boost::json::object& body, conversation& prompt) {
  prompt.model = string_member(body, "model");
  if (prompt.model.empty()) return "model: Field required";
  const auto* max_tokens = body.if_contains("max_tokens");
  if (max_tokens == nullptr || !(max_tokens->is_int64() || max_tokens->is_uint64())) return "max_tokens: Field required";
  prompt.max_output_tokens = max_tokens->is_int64() ? max_tokens->get_int64() : static_cast<std::int64_t>(max_tokens->get_uint64());
  const auto* messages = body.if_contains("messages");
  if (messages == nullptr || !messages->is_array() || messages->get_array().empty()) return "messages: Field required";

  const boost::json::object* last_user = nullptr;
  for (const auto& entry : messages->get_array()) {
    const auto* message = entry.if_object();
    if (message == nullptr) return "messages: each entry must be an object";
    const std::string_view role = string_member(*message, "role");
    if (role != "user" && role != "assistant") {
      return "messages: roles must be 'user' or 'assistant' (system prompts go in the top-level 'system')";
    }
    if (message->if_contains("content") == nullptr) return "messages: content: Field required";
    prompt.prompt_chars += content_text_size(message->if_contains("content"));
    if (role == "user") last_user = message;
  }
  prompt.prompt_chars += content_text_size(body.if_contains("system"));

  // A user turn made only of tool_result blocks answers a tool call; it is not a fresh request.
  const auto& last = messages->get_array().back().get_object();
  bool has_tool_result = false;
  if (const auto* content = last.if_contains("content"); content != nullptr && content->is_array()) {
    for (const auto& block : content->get_array()) {
      if (block.is_object() && string_member(block.get_object(), "type") == "tool_result") has_tool_result = true;
    }
  }
  prompt.ends_with_user_turn = string_member(last, "role") == "user" && !has_tool_result;
  if (last_user != nullptr) append_content_text(prompt.last_user_text, last_user->if_contains("content"));

  if (const auto* stops = body.if_contains("stop_sequences"); stops != nullptr && stops->is_array()) {
    for (const auto& stop : stops->get_array())
      if (stop.is_string()) prompt.stop_sequences.push_back(stop.get_string());
  }
  if (const auto* tools = body.if_contains("tools"); tools != nullptr && tools->is_array()) {
    // Server tools (web search) are the provider's own; the first other tool is the client's.
    bool first = true;
    for (const auto& t : tools->get_array()) {
      const auto* tool = t.if_object();
      if (tool == nullptr) continue;
      if (string_member(*tool, "type").starts_with("web_search_")) {
        if (string_member(*tool, "name") != "web_search") return "tools: the web search tool must be named \"web_search\"";
        prompt.web_search = true;
        continue;
      }
      if (!first) continue;
      first = false;
      prompt.tool_name = string_member(*tool, "name");
      prompt.tool_argument = first_property_name(tool->if_contains("input_schema"));
    }
  }
  if (const auto* choice = body.if_contains("tool_choice"); choice != nullptr && choice->is_object()) {
    const auto& c = choice->get_object();
    const std::string_view type = string_member(c, "type");
    if (type == "none") prompt.tool_name = {};
    // A forced tool ("tool" names one, "any" takes the first) is called whatever the prompt says.
    if (type == "any" && !prompt.tool_name.empty()) prompt.force_tool = true;
    if (type == "tool") {
      const std::string_view name = string_member(c, "name");
      const boost::json::object* named = nullptr;
      if (const auto* tools = body.if_contains("tools"); tools != nullptr && tools->is_array())
        for (const auto& t : tools->get_array())
          if (t.is_object() && string_member(t.get_object(), "name") == name) named = &t.get_object();
      if (named == nullptr) return "tool_choice.name: the named tool is not among `tools`";
      prompt.tool_name = name;
      prompt.tool_argument = first_property_name(named->if_contains("input_schema"));
      prompt.force_tool = true;
    }
  }
  return {};
}

// Reads `thinking`: {"type":"enabled","budget_tokens":N} or {"type":"disabled"}; absent or null is
// disabled. Returns the real API's message when the field is invalid. Needs max_output_tokens.
std::string read_thinking(const boost::json::object& body, conversation& prompt) {
  const auto* thinking = body.if_contains("thinking");
  if (thinking == nullptr || thinking->is_null()) return {};
  const auto* config = thinking->if_object();
  if (config == nullptr) return "thinking: Input should be a valid dictionary or object to extract fields from";
  const auto* type = config->if_contains("type");
  if (type == nullptr) return "thinking: Unable to extract tag using discriminator 'type'";
  if (type->is_string() && type->get_string() == "disabled") return {};
  if (!type->is_string() || type->get_string() != "enabled") {
    std::string message = "thinking: Input tag '";
    if (type->is_string()) {
      message.append(type->get_string().data(), type->get_string().size());
    } else {
      message.append(boost::json::serialize(*type));
    }
    message.append("' found using 'type' does not match any of the expected tags: 'disabled', 'enabled'");
    return message;
  }
  const auto* budget = config->if_contains("budget_tokens");
  if (budget == nullptr) return "thinking.enabled.budget_tokens: Field required";
  if (!budget->is_int64() && !budget->is_uint64()) return "thinking.enabled.budget_tokens: Input should be a valid integer";
  if (budget->is_int64() && budget->get_int64() < min_thinking_budget) {
    return "thinking.enabled.budget_tokens: Input should be greater than or equal to 1024";
  }
  // A uint64 budget is above any int64 max_tokens.
  if (budget->is_uint64() || *prompt.max_output_tokens <= budget->get_int64()) {
    return "`max_tokens` must be greater than `thinking.budget_tokens`";
  }
  prompt.thinking = true;
  return {};
}

// Where a content block sits, as the real API's messages name it: "messages.1.content.0".
std::string block_location(std::size_t message, std::size_t block) {
  std::string location = "messages.";
  location.append(std::to_string(message)).append(".content.").append(std::to_string(block));
  return location;
}

// The real API's rules for thinking blocks in history, applied when thinking is on: (a) a thinking
// block keeps the signature issued with it and a redacted_thinking block its opaque data (here:
// what the mock issues), (b) a final assistant turn that calls a tool starts with one of them.
// `messages` has passed read_messages, so every entry is an object.
std::string check_thinking_history(const boost::json::array& messages) {
  std::size_t last_assistant = messages.size();
  for (std::size_t i = 0; i < messages.size(); ++i) {
    const auto& message = messages[i].get_object();
    if (string_member(message, "role") != "assistant") continue;
    last_assistant = i;
    const auto* content = message.if_contains("content");
    if (content == nullptr || !content->is_array()) continue;
    const auto& blocks = content->get_array();
    for (std::size_t j = 0; j < blocks.size(); ++j) {
      const auto* block = blocks[j].if_object();
      if (block == nullptr) continue;
      const std::string_view type = string_member(*block, "type");
      if (type == "thinking" && string_member(*block, "signature") != mock_signature(string_member(*block, "thinking"))) {
        return block_location(i, j) + ": Invalid `signature` in `thinking` block";
      }
      if (type == "redacted_thinking" && !string_member(*block, "data").starts_with(redacted_prefix)) {
        return block_location(i, j) + ": Invalid `data` in `redacted_thinking` block";
      }
    }
  }
  if (last_assistant == messages.size()) return {};
  const auto* content = messages[last_assistant].get_object().if_contains("content");
  if (content == nullptr || !content->is_array() || content->get_array().empty()) return {};
  const auto& blocks = content->get_array();
  bool calls_tool = false;
  for (const auto& block : blocks) {
    if (block.is_object() && string_member(block.get_object(), "type") == "tool_use") calls_tool = true;
  }
  if (!calls_tool) return {};
  const std::string_view first = blocks.front().is_object() ? string_member(blocks.front().get_object(), "type") : std::string_view();
  if (first == "thinking" || first == "redacted_thinking") return {};
  std::string message = block_location(last_assistant, 0);
  message.append(".type: Expected `thinking` or `redacted_thinking`, but found `").append(first);
  message.append(
      "`. When `thinking` is enabled, a final `assistant` message must start with a thinking block (preceding the "
      "lastmost set of `tool_use` and `tool_result` blocks). To avoid this requirement, disable `thinking`.");
  return message;
}

// The reply's thinking block, whole: a signed thinking block, or a redacted one when asked for.
boost::json::value thinking_block(const reply_plan& plan, bool redacted, const boost::json::storage_ptr& sp) {
  if (redacted) {
    std::string data(redacted_prefix);
    data.append(fnv1a_hex(plan.thinking));
    return boost::json::value({{"type", "redacted_thinking"}, {"data", data}}, sp);
  }
  return boost::json::value({{"type", "thinking"}, {"thinking", plan.thinking}, {"signature", mock_signature(plan.thinking)}}, sp);
}

std::string_view stop_reason(const reply_plan& plan) {
  if (plan.use_tool) return "tool_use";
  if (plan.truncated) return "max_tokens";
  return plan.stop_sequence.empty() ? "end_turn" : "stop_sequence";
}

boost::json::value matched_stop(const reply_plan& plan, const boost::json::storage_ptr& sp) {
  if (plan.stop_sequence.empty() || plan.truncated || plan.use_tool) return nullptr;
  return boost::json::value(plan.stop_sequence, sp);
}

// Anthropic reports cache reads and writes separately: input_tokens counts only the rest.
boost::json::value usage_object(const reply_plan& plan, std::int64_t output_tokens, const boost::json::storage_ptr& sp) {
  return boost::json::value({{"input_tokens", plan.prompt_tokens - plan.cached_tokens - plan.cache_write_tokens},
                             {"output_tokens", output_tokens},
                             {"cache_creation_input_tokens", plan.cache_write_tokens},
                             {"cache_read_input_tokens", plan.cached_tokens}},
                            sp);
}

}  // namespace

void answer_anthropic_messages(route_call& call) {
  conversation prompt;
  if (const auto problem = read_messages(call.body, prompt); !problem.empty()) {
    write_provider_error(provider_kind::anthropic, 400, problem, call.response);
    return;
  }
  if (const auto problem = read_thinking(call.body, prompt); !problem.empty()) {
    write_provider_error(provider_kind::anthropic, 400, problem, call.response);
    return;
  }
  if (prompt.thinking && prompt.force_tool) {
    write_provider_error(provider_kind::anthropic, 400, "Thinking may not be enabled when tool_choice forces tool use.",
                         call.response);
    return;
  }
  // With thinking off, thinking blocks in history are accepted and ignored, as the real API does.
  if (prompt.thinking) {
    if (const auto problem = check_thinking_history(call.body.at("messages").get_array()); !problem.empty()) {
      write_provider_error(provider_kind::anthropic, 400, problem, call.response);
      return;
    }
  }
  const reply_plan plan = plan_reply(prompt, call.faults);
  const bool redacted = prompt.thinking && icontains(prompt.last_user_text, redact_trigger);
  // The real API counts thinking as output.
  const std::int64_t output_tokens = plan.completion_tokens + plan.thinking_tokens;
  const std::string id = next_id("msg_mock_");
  const std::string tool_id = plan.use_tool ? next_id("toolu_mock_") : std::string();
  const auto& sp = call.storage;
  const auto message_object = [&](boost::json::value content, boost::json::value reason, boost::json::value usage) {
    boost::json::value stop_sequence = reason.is_null() ? boost::json::value(nullptr) : matched_stop(plan, sp);
    return boost::json::value({{"id", id},
                               {"type", "message"},
                               {"role", "assistant"},
                               {"model", prompt.model},
                               {"content", std::move(content)},
                               {"stop_reason", std::move(reason)},
                               {"stop_sequence", std::move(stop_sequence)},
                               {"usage", std::move(usage)}},
                              sp);
  };

  // A web search, as the real API answers one: the server_tool_use block, its result block, then
  // the reply in text blocks whose citations name the result.
  const bool searches = prompt.web_search && !plan.use_tool;
  const std::string search_id = searches ? next_id("srvtoolu_mock_") : std::string();
  const auto search_call_block = [&](boost::json::value input) {
    return boost::json::value({{"type", "server_tool_use"}, {"id", search_id}, {"name", "web_search"}, {"input", std::move(input)}}, sp);
  };
  const auto search_result_block = [&] {
    return boost::json::value({{"type", "web_search_tool_result"},
                               {"tool_use_id", search_id},
                               {"content", {{{"type", "web_search_result"}, {"url", mock_search_url}, {"title", mock_search_title},
                                             {"encrypted_content", "mock-encrypted-page"}, {"page_age", nullptr}}}}},
                              sp);
  };
  const auto search_citation = [&] {
    return boost::json::value({{"type", "web_search_result_location"}, {"url", mock_search_url}, {"title", mock_search_title},
                               {"encrypted_index", "mock-encrypted-index"}, {"cited_text", plan.text}},
                              sp);
  };

  const auto* stream = call.body.if_contains("stream");
  if (stream == nullptr || !stream->is_bool() || !stream->get_bool()) {
    boost::json::array content(sp);
    if (prompt.thinking) content.push_back(thinking_block(plan, redacted, sp));
    if (plan.use_tool) {
      content.push_back(boost::json::value(
          {{"type", "tool_use"}, {"id", tool_id}, {"name", prompt.tool_name}, {"input", boost::json::parse(plan.tool_arguments, sp)}}, sp));
    } else if (searches) {
      content.push_back(search_call_block(boost::json::value({{"query", prompt.last_user_text}}, sp)));
      content.push_back(search_result_block());
      content.push_back(boost::json::value({{"type", "text"}, {"text", search_preamble}}, sp));
      boost::json::value cited({{"type", "text"}, {"text", plan.text}}, sp);
      cited.as_object()["citations"] = boost::json::array({search_citation()}, sp);
      content.push_back(std::move(cited));
    } else {
      content.push_back(boost::json::value({{"type", "text"}, {"text", plan.text}}, sp));
    }
    auto usage = usage_object(plan, output_tokens, sp);
    if (searches) usage.as_object()["server_tool_use"] = boost::json::value({{"web_search_requests", 1}}, sp);
    write_json_body(call.response, message_object(std::move(content), boost::json::value(stop_reason(plan), sp), std::move(usage)));
    return;
  }

  begin_sse(call.response);
  auto& response = call.response;
  add_sse_event(response, "message_start",
                boost::json::value({{"type", "message_start"},
                                    {"message", message_object(boost::json::array(sp), nullptr, usage_object(plan, 1, sp))}},
                                   sp));
  // The real API interleaves pings; clients must skip them, so the mock sends one too, after the
  // first content_block_start.
  bool pinged = false;
  const auto start_block = [&](int index, const boost::json::value& block) {
    add_sse_event(response, "content_block_start",
                  boost::json::value({{"type", "content_block_start"}, {"index", index}, {"content_block", block}}, sp));
    if (!pinged) add_sse_event(response, "ping", boost::json::value({{"type", "ping"}}, sp));
    pinged = true;
  };
  const auto delta = [&](int index, boost::json::value body) {
    add_sse_event(response, "content_block_delta",
                  boost::json::value({{"type", "content_block_delta"}, {"index", index}, {"delta", std::move(body)}}, sp));
  };
  const auto stop_block = [&](int index) {
    add_sse_event(response, "content_block_stop", boost::json::value({{"type", "content_block_stop"}, {"index", index}}, sp));
  };

  // Thinking comes first, as block 0: a redacted block whole in its start event; a thinking block
  // as thinking deltas, then its signature in one signature_delta.
  int index = 0;
  if (prompt.thinking) {
    if (redacted) {
      start_block(index, thinking_block(plan, true, sp));
    } else {
      start_block(index, boost::json::value({{"type", "thinking"}, {"thinking", ""}, {"signature", ""}}, sp));
      for (const auto piece : split_for_stream(plan.thinking)) {
        delta(index, boost::json::value({{"type", "thinking_delta"}, {"thinking", piece}}, sp));
      }
      delta(index, boost::json::value({{"type", "signature_delta"}, {"signature", mock_signature(plan.thinking)}}, sp));
    }
    stop_block(index++);
  }

  if (plan.use_tool) {
    start_block(index, boost::json::value(
                           {{"type", "tool_use"}, {"id", tool_id}, {"name", prompt.tool_name}, {"input", boost::json::object(sp)}}, sp));
    for (const auto fragment : split_for_stream(plan.tool_arguments, 2)) {
      delta(index, boost::json::value({{"type", "input_json_delta"}, {"partial_json", fragment}}, sp));
    }
  } else {
    if (searches) {
      start_block(index, search_call_block(boost::json::object(sp)));
      std::string query = boost::json::serialize(boost::json::value({{"query", prompt.last_user_text}}, sp));
      for (const auto fragment : split_for_stream(query, 2))
        delta(index, boost::json::value({{"type", "input_json_delta"}, {"partial_json", fragment}}, sp));
      stop_block(index++);
      start_block(index, search_result_block());
      stop_block(index++);
      start_block(index, boost::json::value({{"type", "text"}, {"text", ""}}, sp));
      delta(index, boost::json::value({{"type", "text_delta"}, {"text", search_preamble}}, sp));
      stop_block(index++);
      start_block(index, boost::json::value({{"type", "text"}, {"text", ""}, {"citations", boost::json::array(sp)}}, sp));
      delta(index, boost::json::value({{"type", "citations_delta"}, {"citation", search_citation()}}, sp));
    } else {
      start_block(index, boost::json::value({{"type", "text"}, {"text", ""}}, sp));
    }
    int sent = 0;
    for (const auto piece : split_for_stream(plan.text)) {
      if (sent++ == call.faults.stream_error_after) {
        add_sse_event(response, "error",
                      boost::json::value({{"type", "error"}, {"error", {{"type", "overloaded_error"}, {"message", "Overloaded"}}}}, sp));
        return;
      }
      delta(index, boost::json::value({{"type", "text_delta"}, {"text", piece}}, sp));
    }
  }
  stop_block(index);
  add_sse_event(response, "message_delta",
                boost::json::value({{"type", "message_delta"},
                                    {"delta", {{"stop_reason", stop_reason(plan)}, {"stop_sequence", matched_stop(plan, sp)}}},
                                    {"usage", searches ? boost::json::value({{"output_tokens", output_tokens},
                                                                             {"server_tool_use", {{"web_search_requests", 1}}}}, sp)
                                                       : boost::json::value({{"output_tokens", output_tokens}}, sp)}},
                                   sp));
  add_sse_event(response, "message_stop", boost::json::value({{"type", "message_stop"}}, sp));
}

// Fields the count does not depend on (thinking, tools, tool_choice) are accepted and ignored;
// thinking blocks in history hold no text, so they do not count either.
void answer_anthropic_count_tokens(route_call& call) {
  if (string_member(call.body, "model").empty()) {
    write_provider_error(provider_kind::anthropic, 400, "model: Field required", call.response);
    return;
  }
  const auto* messages = call.body.if_contains("messages");
  if (messages == nullptr || !messages->is_array() || messages->get_array().empty()) {
    write_provider_error(provider_kind::anthropic, 400, "messages: Field required", call.response);
    return;
  }
  std::size_t chars = content_text_size(call.body.if_contains("system"));
  for (const auto& entry : messages->get_array())
    if (const auto* message = entry.if_object()) chars += content_text_size(message->if_contains("content"));
  write_json_body(call.response, boost::json::value({{"input_tokens", estimate_tokens(chars)}}, call.storage));
}

}  // namespace brokle::mock
