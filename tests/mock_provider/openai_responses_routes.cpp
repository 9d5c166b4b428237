// OpenAI Responses API endpoint of the mock: POST /v1/responses, plain or streamed, with
// function_call output items. Shapes and event order follow OpenAI's API reference: a `response`
// object; when streamed, response.created ... output_text deltas ... response.completed (or
// response.incomplete when max_output_tokens cut the reply), each event with a sequence_number and
// no [DONE]. The stream_error fault ends the stream with an in-band `error` event. A `background`
// request is answered `queued`, with no output or usage yet; retrieving a stored response finds it
// completed, with usage (what a background response reports once it has run); with stream=true
// its events are replayed (after starting_after). POST /v1/responses/input_tokens counts a
// request's input; POST /v1/responses/compact answers a response.compaction with usage.
#include <cstdlib>
#include <ctime>

#include "mock_reply.hpp"
#include "provider_routes.hpp"

namespace brokle::mock {
namespace {

// Reads `input` (a string, or input items: messages with string or part content, tool outputs)
// and `instructions` into a conversation; an error message when the request is not one.
std::string_view read_responses_request(const boost::json::object& body, conversation& prompt) {
  prompt.model = string_member(body, "model");
  if (prompt.model.empty()) return "Missing required parameter: 'model'.";
  const auto* input = body.if_contains("input");
  if (input == nullptr) return "Missing required parameter: 'input'.";
  if (input->is_string()) {
    prompt.last_user_text = std::string(input->get_string());
    prompt.prompt_chars += input->get_string().size();
    prompt.ends_with_user_turn = true;
  } else if (input->is_array() && !input->get_array().empty()) {
    const boost::json::object* last_user = nullptr;
    for (const auto& entry : input->get_array()) {
      const auto* item = entry.if_object();
      if (item == nullptr) return "Invalid 'input': each input item must be an object.";
      prompt.prompt_chars += content_text_size(item->if_contains("content"));
      if (const auto* output = item->if_contains("output"); output != nullptr && output->is_string())
        prompt.prompt_chars += output->get_string().size();
      if (string_member(*item, "role") == "user") last_user = item;
    }
    if (last_user != nullptr) append_content_text(prompt.last_user_text, last_user->if_contains("content"));
    const auto& last = input->get_array().back().get_object();
    prompt.ends_with_user_turn = string_member(last, "role") == "user";
  } else {
    return "Invalid type for 'input': expected a string or an array of input items.";
  }
  prompt.prompt_chars += content_text_size(body.if_contains("instructions"));
  if (const auto* tools = body.if_contains("tools"); tools != nullptr && tools->is_array() && !tools->get_array().empty()) {
    if (const auto* tool = tools->get_array().front().if_object(); tool != nullptr && string_member(*tool, "type") == "function") {
      prompt.tool_name = string_member(*tool, "name");
      prompt.tool_argument = first_property_name(tool->if_contains("parameters"));
    }
  }
  if (string_member(body, "tool_choice") == "none") prompt.tool_name = {};
  if (const auto* max = body.if_contains("max_output_tokens"); max != nullptr && max->is_int64()) {
    prompt.max_output_tokens = max->get_int64();
  }
  return {};
}

boost::json::value usage_object(const reply_plan& plan, const boost::json::storage_ptr& sp) {
  return boost::json::value({{"input_tokens", plan.prompt_tokens},
                             {"input_tokens_details", {{"cached_tokens", plan.cached_tokens}}},
                             {"output_tokens", plan.completion_tokens},
                             {"output_tokens_details", {{"reasoning_tokens", 0}}},
                             {"total_tokens", plan.prompt_tokens + plan.completion_tokens}},
                            sp);
}

// What a stored response reports having used (fixed, so tests can check it was recorded).
boost::json::value stored_usage(const boost::json::storage_ptr& sp) {
  return boost::json::value({{"input_tokens", 12},
                             {"input_tokens_details", {{"cached_tokens", 0}}},
                             {"output_tokens", 5},
                             {"output_tokens_details", {{"reasoning_tokens", 0}}},
                             {"total_tokens", 17}},
                            sp);
}

}  // namespace

void answer_openai_responses(route_call& call) {
  conversation prompt;
  if (const auto problem = read_responses_request(call.body, prompt); !problem.empty()) {
    write_provider_error(provider_kind::openai, 400, problem, call.response);
    return;
  }
  const reply_plan plan = plan_reply(prompt, call.faults);
  const auto& sp = call.storage;
  const std::string id = next_id("resp_mock_");
  const std::string item_id = next_id(plan.use_tool ? "fc_mock_" : "msg_mock_");
  const std::string call_id = plan.use_tool ? next_id("call_mock_") : std::string();
  const auto created = static_cast<std::int64_t>(std::time(nullptr));
  const bool incomplete = plan.truncated && !plan.use_tool;

  const auto text_part = [&](std::string_view text) {
    return boost::json::value({{"type", "output_text"}, {"text", text}, {"annotations", boost::json::array(sp)}}, sp);
  };
  const auto output_item = [&](bool done) {
    if (plan.use_tool) {
      return boost::json::value({{"type", "function_call"},
                                 {"id", item_id},
                                 {"call_id", call_id},
                                 {"name", prompt.tool_name},
                                 {"arguments", done ? std::string_view(plan.tool_arguments) : std::string_view()},
                                 {"status", done ? "completed" : "in_progress"}},
                                sp);
    }
    boost::json::array content(sp);
    if (done) content.push_back(text_part(plan.text));
    return boost::json::value({{"type", "message"},
                               {"id", item_id},
                               {"status", done ? (incomplete ? "incomplete" : "completed") : "in_progress"},
                               {"role", "assistant"},
                               {"content", std::move(content)}},
                              sp);
  };
  const auto response_object = [&](std::string_view status, bool done) {
    boost::json::array output(sp);
    if (done) output.push_back(output_item(true));
    boost::json::value incomplete_details = nullptr;
    if (done && incomplete) incomplete_details = boost::json::value({{"reason", "max_output_tokens"}}, sp);
    return boost::json::value({{"id", id},
                               {"object", "response"},
                               {"created_at", created},
                               {"status", status},
                               {"error", nullptr},
                               {"incomplete_details", std::move(incomplete_details)},
                               {"model", prompt.model},
                               {"output", std::move(output)},
                               {"parallel_tool_calls", true},
                               {"usage", done ? usage_object(plan, sp) : boost::json::value(nullptr)}},
                              sp);
  };
  const std::string_view final_status = incomplete ? "incomplete" : "completed";

  const auto* stream = call.body.if_contains("stream");
  if (stream == nullptr || !stream->is_bool() || !stream->get_bool()) {
    if (call.faults.malformed_answer) {
      write_json_body(call.response, boost::json::value({{"object", "mock.not_a_response"}}, sp));
      return;
    }
    if (const auto* background = call.body.if_contains("background"); background != nullptr && background->is_bool() &&
                                                                        background->get_bool()) {
      write_json_body(call.response, response_object("queued", false));
      return;
    }
    write_json_body(call.response, response_object(final_status, true));
    return;
  }

  begin_sse(call.response);
  std::int64_t sequence = 0;
  const auto event = [&](std::string_view type, boost::json::object fields) {
    fields["type"] = type;
    fields["sequence_number"] = sequence++;
    add_sse_event(call.response, type, boost::json::value(std::move(fields), sp));
  };
  event("response.created", boost::json::object({{"response", response_object("in_progress", false)}}, sp));
  event("response.in_progress", boost::json::object({{"response", response_object("in_progress", false)}}, sp));
  event("response.output_item.added", boost::json::object({{"output_index", 0}, {"item", output_item(false)}}, sp));
  if (plan.use_tool) {
    for (const auto fragment : split_for_stream(plan.tool_arguments, 2)) {
      event("response.function_call_arguments.delta",
            boost::json::object({{"item_id", item_id}, {"output_index", 0}, {"delta", fragment}}, sp));
    }
    event("response.function_call_arguments.done",
          boost::json::object({{"item_id", item_id}, {"output_index", 0}, {"arguments", plan.tool_arguments}}, sp));
  } else {
    event("response.content_part.added",
          boost::json::object({{"item_id", item_id}, {"output_index", 0}, {"content_index", 0}, {"part", text_part("")}}, sp));
    int sent = 0;
    for (const auto piece : split_for_stream(plan.text)) {
      if (sent++ == call.faults.stream_error_after) {
        event("error", boost::json::object({{"code", "server_error"}, {"message", "The server had an error while processing your request."}, {"param", nullptr}}, sp));
        return;
      }
      event("response.output_text.delta",
            boost::json::object({{"item_id", item_id}, {"output_index", 0}, {"content_index", 0}, {"delta", piece}}, sp));
    }
    event("response.output_text.done",
          boost::json::object({{"item_id", item_id}, {"output_index", 0}, {"content_index", 0}, {"text", plan.text}}, sp));
    event("response.content_part.done",
          boost::json::object({{"item_id", item_id}, {"output_index", 0}, {"content_index", 0}, {"part", text_part(plan.text)}}, sp));
  }
  event("response.output_item.done", boost::json::object({{"output_index", 0}, {"item", output_item(true)}}, sp));
  event(incomplete ? "response.incomplete" : "response.completed",
        boost::json::object({{"response", response_object(final_status, true)}}, sp));
}

namespace {

constexpr std::string_view stored_text = "mock stored response";
constexpr std::string_view stored_item_id = "msg_mock_stored";

boost::json::value stored_text_part(std::string_view text, const boost::json::storage_ptr& sp) {
  return boost::json::value({{"type", "output_text"}, {"text", text}, {"annotations", boost::json::array(sp)}}, sp);
}

// Every stored response is the same one message: its item, finished or still empty.
boost::json::value stored_item(bool done, const boost::json::storage_ptr& sp) {
  boost::json::array content(sp);
  if (done) content.push_back(stored_text_part(stored_text, sp));
  return boost::json::value({{"type", "message"},
                             {"id", stored_item_id},
                             {"status", done ? "completed" : "in_progress"},
                             {"role", "assistant"},
                             {"content", std::move(content)}},
                            sp);
}

// The stored response `id` with `status`; its output and usage once it has run (done).
boost::json::value stored_response(std::string_view id, std::string_view status, bool done, bool with_usage,
                                   const boost::json::storage_ptr& sp) {
  boost::json::array output(sp);
  if (done) output.push_back(stored_item(true, sp));
  return boost::json::value({{"id", id},
                             {"object", "response"},
                             {"created_at", static_cast<std::int64_t>(std::time(nullptr))},
                             {"status", status},
                             {"error", nullptr},
                             {"incomplete_details", nullptr},
                             {"model", "gpt-4o-mini"},
                             {"output", std::move(output)},
                             {"parallel_tool_calls", true},
                             {"usage", with_usage ? stored_usage(sp) : boost::json::value(nullptr)}},
                            sp);
}

// GET /v1/responses/{id}?stream=true[&starting_after=N]: the stored response's events again, from
// the one after sequence number N (a background response's stream, resumed).
void replay_stored_stream(route_call& call, std::string_view id) {
  const auto& sp = call.storage;
  std::int64_t after = -1;
  if (auto n = call.request.query_param("starting_after"); !n.empty()) after = std::atoll(std::string(n).c_str());
  const std::string_view text = stored_text;
  const std::string_view item_id = stored_item_id;
  const auto part = [&](std::string_view t) { return stored_text_part(t, sp); };
  const auto item = [&](bool done) { return stored_item(done, sp); };
  const auto response = [&](bool done) { return stored_response(id, done ? "completed" : "in_progress", done, done, sp); };
  begin_sse(call.response);
  std::int64_t sequence = 0;
  const auto event = [&](std::string_view type, boost::json::object fields) {
    fields["type"] = type;
    fields["sequence_number"] = sequence;
    if (sequence++ > after) add_sse_event(call.response, type, boost::json::value(std::move(fields), sp));
  };
  event("response.created", boost::json::object({{"response", response(false)}}, sp));
  event("response.output_item.added", boost::json::object({{"output_index", 0}, {"item", item(false)}}, sp));
  event("response.content_part.added",
        boost::json::object({{"item_id", item_id}, {"output_index", 0}, {"content_index", 0}, {"part", part("")}}, sp));
  for (std::string_view piece : {text.substr(0, 5), text.substr(5)})
    event("response.output_text.delta",
          boost::json::object({{"item_id", item_id}, {"output_index", 0}, {"content_index", 0}, {"delta", piece}}, sp));
  event("response.output_text.done",
        boost::json::object({{"item_id", item_id}, {"output_index", 0}, {"content_index", 0}, {"text", text}}, sp));
  event("response.content_part.done",
        boost::json::object({{"item_id", item_id}, {"output_index", 0}, {"content_index", 0}, {"part", part(text)}}, sp));
  event("response.output_item.done", boost::json::object({{"output_index", 0}, {"item", item(true)}}, sp));
  event("response.completed", boost::json::object({{"response", response(true)}}, sp));
}

}  // namespace

namespace {

// POST /v1/responses/input_tokens: {"object":"response.input_tokens","input_tokens":N} for the
// request's input and instructions; POST /v1/responses/compact: a response.compaction whose output
// is one compaction item, with the pass's usage.
void answer_responses_utility(route_call& call, std::string_view what) {
  conversation prompt;
  if (const auto problem = read_responses_request(call.body, prompt); !problem.empty()) {
    write_provider_error(provider_kind::openai, 400, problem, call.response);
    return;
  }
  const reply_plan plan = plan_reply(prompt, call.faults);
  const auto& sp = call.storage;
  if (what == "input_tokens") {
    write_json_body(call.response, boost::json::value({{"object", "response.input_tokens"}, {"input_tokens", plan.prompt_tokens}}, sp));
    return;
  }
  boost::json::array output(sp);
  output.push_back(boost::json::value({{"type", "compaction"}, {"id", next_id("cmp_mock_")}, {"encrypted_content", "mock-compacted"}}, sp));
  write_json_body(call.response, boost::json::value({{"id", next_id("resp_mock_cmp_")},
                                                     {"object", "response.compaction"},
                                                     {"created_at", static_cast<std::int64_t>(std::time(nullptr))},
                                                     {"output", std::move(output)},
                                                     {"usage", usage_object(plan, sp)}},
                                                    sp));
}

}  // namespace

void answer_openai_stored_response(route_call& call, std::string_view rest) {
  const auto slash = rest.find('/');
  const std::string_view id = rest.substr(0, slash);
  const std::string_view verb = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
  const std::string_view method = call.request.method;
  if ((id == "input_tokens" || id == "compact") && verb.empty() && method == "POST") {
    answer_responses_utility(call, id);
    return;
  }
  const bool known_verb = (verb.empty() && (method == "GET" || method == "DELETE")) ||
                          (verb == "/cancel" && method == "POST") || (verb == "/input_items" && method == "GET");
  if (!known_verb) {
    write_provider_error(provider_kind::openai, 405, "method not allowed for this endpoint", call.response);
    return;
  }
  if (id.substr(0, 10) != "resp_mock_") {
    std::string message = "No response found with id '";
    message.append(id).append("'.");
    write_provider_error(provider_kind::openai, 404, message, call.response);
    return;
  }
  const auto& sp = call.storage;
  if (verb == "/input_items") {
    write_json_body(call.response, boost::json::value({{"object", "list"},
                                                       {"data", boost::json::array(sp)},
                                                       {"first_id", nullptr},
                                                       {"last_id", nullptr},
                                                       {"has_more", false}},
                                                      sp));
    return;
  }
  if (method == "DELETE") {
    write_json_body(call.response, boost::json::value({{"id", id}, {"object", "response"}, {"deleted", true}}, sp));
    return;
  }
  if (verb.empty() && method == "GET" && call.request.query_param("stream") == "true") {
    replay_stored_stream(call, id);
    return;
  }
  const bool cancel = verb == "/cancel";
  write_json_body(call.response, stored_response(id, cancel ? "cancelled" : "completed", true, !cancel, sp));
}

}  // namespace brokle::mock
