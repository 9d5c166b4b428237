// Anthropic Messages API endpoint of the mock: POST /v1/messages, plain or streamed, with tool_use
// blocks. Validation mirrors the real API's required fields (model, max_tokens, messages, roles) so
// a gateway that translates badly gets the 400 it would get in production.
#include "mock_reply.hpp"
#include "provider_routes.hpp"

namespace brokle::mock {
namespace {

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
  if (const auto* tools = body.if_contains("tools"); tools != nullptr && tools->is_array() && !tools->get_array().empty()) {
    if (const auto* tool = tools->get_array().front().if_object()) {
      prompt.tool_name = string_member(*tool, "name");
      prompt.tool_argument = first_property_name(tool->if_contains("input_schema"));
    }
  }
  if (const auto* choice = body.if_contains("tool_choice"); choice != nullptr && choice->is_object() &&
                                                          string_member(choice->get_object(), "type") == "none") {
    prompt.tool_name = {};
  }
  return {};
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
  const reply_plan plan = plan_reply(prompt, call.faults);
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

  const auto* stream = call.body.if_contains("stream");
  if (stream == nullptr || !stream->is_bool() || !stream->get_bool()) {
    boost::json::array content(sp);
    if (plan.use_tool) {
      content.push_back(boost::json::value(
          {{"type", "tool_use"}, {"id", tool_id}, {"name", prompt.tool_name}, {"input", boost::json::parse(plan.tool_arguments, sp)}}, sp));
    } else {
      content.push_back(boost::json::value({{"type", "text"}, {"text", plan.text}}, sp));
    }
    write_json_body(call.response,
                    message_object(std::move(content), boost::json::value(stop_reason(plan), sp), usage_object(plan, plan.completion_tokens, sp)));
    return;
  }

  begin_sse(call.response);
  auto& response = call.response;
  add_sse_event(response, "message_start",
                boost::json::value({{"type", "message_start"},
                                    {"message", message_object(boost::json::array(sp), nullptr, usage_object(plan, 1, sp))}},
                                   sp));
  const boost::json::value block =
      plan.use_tool ? boost::json::value({{"type", "tool_use"}, {"id", tool_id}, {"name", prompt.tool_name}, {"input", boost::json::object(sp)}}, sp)
                    : boost::json::value({{"type", "text"}, {"text", ""}}, sp);
  add_sse_event(response, "content_block_start", boost::json::value({{"type", "content_block_start"}, {"index", 0}, {"content_block", block}}, sp));
  // The real API interleaves pings; clients must skip them, so the mock sends one too.
  add_sse_event(response, "ping", boost::json::value({{"type", "ping"}}, sp));
  if (plan.use_tool) {
    for (const auto fragment : split_for_stream(plan.tool_arguments, 2)) {
      add_sse_event(response, "content_block_delta",
                    boost::json::value({{"type", "content_block_delta"},
                                        {"index", 0},
                                        {"delta", {{"type", "input_json_delta"}, {"partial_json", fragment}}}},
                                       sp));
    }
  } else {
    int sent = 0;
    for (const auto piece : split_for_stream(plan.text)) {
      if (sent++ == call.faults.stream_error_after) {
        add_sse_event(response, "error",
                      boost::json::value({{"type", "error"}, {"error", {{"type", "overloaded_error"}, {"message", "Overloaded"}}}}, sp));
        return;
      }
      add_sse_event(response, "content_block_delta",
                    boost::json::value({{"type", "content_block_delta"}, {"index", 0}, {"delta", {{"type", "text_delta"}, {"text", piece}}}}, sp));
    }
  }
  add_sse_event(response, "content_block_stop", boost::json::value({{"type", "content_block_stop"}, {"index", 0}}, sp));
  add_sse_event(response, "message_delta",
                boost::json::value({{"type", "message_delta"},
                                    {"delta", {{"stop_reason", stop_reason(plan)}, {"stop_sequence", matched_stop(plan, sp)}}},
                                    {"usage", {{"output_tokens", plan.completion_tokens}}}},
                                   sp));
  add_sse_event(response, "message_stop", boost::json::value({{"type", "message_stop"}}, sp));
}

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
