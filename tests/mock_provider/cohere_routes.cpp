// Cohere Chat v2 endpoint of the mock: POST /v2/chat, plain or streamed (message-start,
// content-*/tool-*, message-end events), with tool calls when tools are declared and a thinking
// content block before the answer when the model reasons; POST /v2/embed with float embeddings
// and billed input tokens.
#include <algorithm>

#include "mock_reply.hpp"
#include "provider_routes.hpp"

namespace brokle::mock {
namespace {

std::string_view read_chat(const boost::json::object& body, conversation& prompt) {
  prompt.model = string_member(body, "model");
  if (prompt.model.empty()) return "invalid request: model must be specified";
  const auto* messages = body.if_contains("messages");
  if (messages == nullptr || !messages->is_array() || messages->get_array().empty()) {
    return "invalid request: messages must be a non-empty list";
  }
  const boost::json::object* last_user = nullptr;
  for (const auto& entry : messages->get_array()) {
    const auto* message = entry.if_object();
    if (message == nullptr) return "invalid request: each message must be an object";
    const std::string_view role = string_member(*message, "role");
    if (role != "user" && role != "assistant" && role != "system" && role != "tool") {
      return "invalid request: message role must be one of user, assistant, system, tool";
    }
    prompt.prompt_chars += content_text_size(message->if_contains("content"));
    if (role == "user") last_user = message;
  }
  prompt.ends_with_user_turn = string_member(messages->get_array().back().get_object(), "role") == "user";
  if (last_user != nullptr) append_content_text(prompt.last_user_text, last_user->if_contains("content"));

  if (const auto* tools = body.if_contains("tools"); tools != nullptr && tools->is_array() && !tools->get_array().empty()) {
    const auto* tool = tools->get_array().front().if_object();
    const auto* function = tool != nullptr ? tool->if_contains("function") : nullptr;
    if (function != nullptr && function->is_object()) {
      prompt.tool_name = string_member(function->get_object(), "name");
      prompt.tool_argument = first_property_name(function->get_object().if_contains("parameters"));
    }
  }
  if (string_member(body, "tool_choice") == "NONE") prompt.tool_name = {};
  if (string_member(body, "tool_choice") == "REQUIRED" && !prompt.tool_name.empty()) prompt.force_tool = true;
  if (const auto* limit = body.if_contains("max_tokens"); limit != nullptr && limit->is_int64()) {
    prompt.max_output_tokens = limit->get_int64();
  }
  return {};
}

// Reads `thinking`: {"type":"enabled"|"disabled","token_budget":N?}. A model thinks when told
// "enabled", or when it is a reasoning model (its name says so) not told "disabled".
std::string_view read_thinking(const boost::json::object& body, conversation& prompt) {
  std::string_view type;
  if (const auto* thinking = body.if_contains("thinking"); thinking != nullptr && !thinking->is_null()) {
    if (!thinking->is_object()) return "invalid request: thinking must be an object";
    const auto& config = thinking->get_object();
    type = string_member(config, "type");
    if (type != "enabled" && type != "disabled") return "invalid request: thinking.type must be one of enabled, disabled";
    if (const auto* budget = config.if_contains("token_budget"); budget != nullptr && !budget->is_null()) {
      const bool positive = (budget->is_int64() && budget->get_int64() > 0) || budget->is_uint64();
      if (!positive) return "invalid request: thinking.token_budget must be a positive integer";
    }
  }
  prompt.thinking = type == "enabled" || (prompt.model.find("reasoning") != std::string_view::npos && type != "disabled");
  return {};
}

std::string_view finish_reason(const reply_plan& plan) {
  if (plan.use_tool) return "TOOL_CALL";
  return plan.truncated ? "MAX_TOKENS" : "COMPLETE";
}

}  // namespace

void answer_cohere_chat(route_call& call) {
  conversation prompt;
  if (const auto problem = read_chat(call.body, prompt); !problem.empty()) {
    write_provider_error(provider_kind::cohere, 400, problem, call.response);
    return;
  }
  if (const auto problem = read_thinking(call.body, prompt); !problem.empty()) {
    write_provider_error(provider_kind::cohere, 400, problem, call.response);
    return;
  }
  const reply_plan plan = plan_reply(prompt, call.faults);
  const std::string id = next_id("mock-chat-");
  const std::string call_id = plan.use_tool ? next_id("call_mock_") : std::string();
  const std::string tool_plan = plan.use_tool ? "I will call " + std::string(prompt.tool_name) + "." : std::string();
  const auto& sp = call.storage;
  // Thinking is billed as output.
  const std::int64_t output_tokens = plan.completion_tokens + plan.thinking_tokens;
  const boost::json::value usage({{"billed_units", {{"input_tokens", plan.prompt_tokens}, {"output_tokens", output_tokens}}},
                                  {"tokens", {{"input_tokens", plan.prompt_tokens}, {"output_tokens", output_tokens}}}},
                                 sp);

  const auto* stream = call.body.if_contains("stream");
  if (stream == nullptr || !stream->is_bool() || !stream->get_bool()) {
    boost::json::value message({{"role", "assistant"}}, sp);
    // The thinking block leads the content; a tool call's message has content only for it.
    boost::json::array content(sp);
    if (prompt.thinking) content.push_back(boost::json::value({{"type", "thinking"}, {"thinking", plan.thinking}}, sp));
    if (!plan.use_tool) content.push_back(boost::json::value({{"type", "text"}, {"text", plan.text}}, sp));
    if (!content.empty()) message.as_object()["content"] = std::move(content);
    if (plan.use_tool) {
      message.as_object()["tool_plan"] = tool_plan;
      message.as_object()["tool_calls"] = boost::json::value(
          {{{"id", call_id}, {"type", "function"}, {"function", {{"name", prompt.tool_name}, {"arguments", plan.tool_arguments}}}}}, sp);
    }
    write_json_body(call.response,
                    boost::json::value({{"id", id}, {"message", std::move(message)}, {"finish_reason", finish_reason(plan)}, {"usage", usage}}, sp));
    return;
  }

  begin_sse(call.response);
  auto& response = call.response;
  // Cohere names each event by its "type"; the SSE event line repeats it for clients that route on it.
  const auto event = [&](std::string_view type, boost::json::value data) {
    data.as_object()["type"] = type;
    add_sse_event(response, type, data);
  };
  event("message-start",
        boost::json::value({{"id", id},
                            {"delta",
                             {{"message",
                               {{"role", "assistant"},
                                {"content", boost::json::array(sp)},
                                {"tool_plan", ""},
                                {"tool_calls", boost::json::array(sp)},
                                {"citations", boost::json::array(sp)}}}}}},
                           sp));
  // Thinking streams as content block 0; the text, if any, follows as block 1.
  int content_index = 0;
  if (prompt.thinking) {
    event("content-start",
          boost::json::value({{"index", 0}, {"delta", {{"message", {{"content", {{"type", "thinking"}, {"thinking", ""}}}}}}}}, sp));
    for (const auto piece : split_for_stream(plan.thinking)) {
      event("content-delta", boost::json::value({{"index", 0}, {"delta", {{"message", {{"content", {{"thinking", piece}}}}}}}}, sp));
    }
    event("content-end", boost::json::value({{"index", 0}}, sp));
    content_index = 1;
  }
  if (plan.use_tool) {
    event("tool-plan-delta", boost::json::value({{"delta", {{"message", {{"tool_plan", tool_plan}}}}}}, sp));
    event("tool-call-start",
          boost::json::value({{"index", 0},
                              {"delta",
                               {{"message",
                                 {{"tool_calls",
                                   {{"id", call_id}, {"type", "function"}, {"function", {{"name", prompt.tool_name}, {"arguments", ""}}}}}}}}}},
                             sp));
    for (const auto fragment : split_for_stream(plan.tool_arguments, 2)) {
      event("tool-call-delta",
            boost::json::value({{"index", 0}, {"delta", {{"message", {{"tool_calls", {{"function", {{"arguments", fragment}}}}}}}}}}, sp));
    }
    event("tool-call-end", boost::json::value({{"index", 0}}, sp));
  } else {
    event("content-start",
          boost::json::value({{"index", content_index}, {"delta", {{"message", {{"content", {{"type", "text"}, {"text", ""}}}}}}}}, sp));
    for (const auto piece : split_for_stream(plan.text)) {
      event("content-delta", boost::json::value({{"index", content_index}, {"delta", {{"message", {{"content", {{"text", piece}}}}}}}}, sp));
    }
    event("content-end", boost::json::value({{"index", content_index}}, sp));
  }
  event("message-end", boost::json::value({{"delta", {{"finish_reason", finish_reason(plan)}, {"usage", usage}}}}, sp));
}

void answer_cohere_embed(route_call& call) {
  const auto fail = [&](std::string_view message) { write_provider_error(provider_kind::cohere, 400, message, call.response); };
  const std::string_view model = string_member(call.body, "model");
  if (model.empty()) return fail("invalid request: model must be specified");
  const auto* texts = call.body.if_contains("texts");
  if (texts == nullptr || !texts->is_array() || texts->get_array().empty()) return fail("invalid request: texts must be a non-empty list");
  if (texts->get_array().size() > 96) return fail("invalid request: texts can contain at most 96 items");
  const std::string_view input_type = string_member(call.body, "input_type");
  if (input_type != "search_document" && input_type != "search_query" && input_type != "classification" &&
      input_type != "clustering" && input_type != "image") {
    return fail("invalid request: input_type must be one of search_document, search_query, classification, clustering, image");
  }
  bool wants_float = false;
  if (const auto* types = call.body.if_contains("embedding_types"); types != nullptr && types->is_array()) {
    for (const auto& t : types->get_array()) wants_float = wants_float || (t.is_string() && t.get_string() == "float");
  }
  if (!wants_float) return fail("invalid request: this mock serves embedding_types [\"float\"] only");
  std::size_t dimensions = embedding_dimensions;
  if (const auto* d = call.body.if_contains("output_dimension"); d != nullptr) {
    if (!d->is_int64() || d->get_int64() < 1) return fail("invalid request: output_dimension must be a positive integer");
    dimensions = std::min<std::size_t>(dimensions, static_cast<std::size_t>(d->get_int64()));
  }
  const auto& sp = call.storage;
  boost::json::array floats(sp);
  std::size_t chars = 0;
  for (const auto& t : texts->get_array()) {
    if (!t.is_string() || t.get_string().empty()) return fail("invalid request: texts must be non-empty strings");
    chars += t.get_string().size();
    const auto vector = embed_text(t.get_string());
    boost::json::array values(sp);
    for (std::size_t i = 0; i < dimensions; ++i) values.push_back(static_cast<double>(vector[i]));
    floats.push_back(std::move(values));
  }
  const boost::json::value body({{"id", next_id("mock-embed-")},
                                 {"embeddings", {{"float", std::move(floats)}}},
                                 {"texts", *texts},
                                 {"meta", {{"api_version", {{"version", "2"}}}, {"billed_units", {{"input_tokens", estimate_tokens(chars)}}}}},
                                 {"response_type", "embeddings_by_type"}},
                                sp);
  write_json_body(call.response, body);
}

}  // namespace brokle::mock
