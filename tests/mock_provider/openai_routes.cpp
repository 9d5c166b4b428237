// OpenAI-compatible endpoints of the mock: chat completions (plain, streamed, tool calls), legacy
// completions, embeddings (float or base64) and the model list. Field names and event order follow
// OpenAI's public API reference; gateways in front of it rely on exactly these shapes. A model
// whose name says "reasoner" answers as DeepSeek's reasoning models do on the same API:
// reasoning_content before the content, counted as reasoning tokens.
#include <ctime>

#include "mock_reply.hpp"
#include "provider_routes.hpp"

namespace brokle::mock {
namespace {

std::optional<std::int64_t> integer_member(const boost::json::object& object, std::string_view key) {
  if (const auto* value = object.if_contains(key); value != nullptr && value->is_int64()) return value->get_int64();
  if (const auto* value = object.if_contains(key); value != nullptr && value->is_uint64()) {
    return static_cast<std::int64_t>(value->get_uint64());
  }
  return std::nullopt;
}

bool bool_member(const boost::json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  return value != nullptr && value->is_bool() && value->get_bool();
}

bool include_usage(const boost::json::object& body) {
  const auto* options = body.if_contains("stream_options");
  return options != nullptr && options->is_object() && bool_member(options->get_object(), "include_usage");
}

// Reasoning is part of the completion, and itemised as its reasoning tokens.
boost::json::value chat_usage(const reply_plan& plan, const boost::json::storage_ptr& storage) {
  const std::int64_t completion_tokens = plan.completion_tokens + plan.thinking_tokens;
  return boost::json::value(
      {
          {"prompt_tokens", plan.prompt_tokens},
          {"completion_tokens", completion_tokens},
          {"total_tokens", plan.prompt_tokens + completion_tokens},
          {"prompt_tokens_details", {{"cached_tokens", plan.cached_tokens}, {"audio_tokens", 0}}},
          {"completion_tokens_details", {{"reasoning_tokens", plan.thinking_tokens}, {"audio_tokens", 0}}},
      },
      storage);
}

// The values OpenAI takes for reasoning_effort (null means the model's default).
constexpr std::string_view reasoning_efforts[] = {"none", "minimal", "low", "medium", "high", "xhigh"};

// Checks reasoning_effort and decides whether the model reasons (a DeepSeek-style "reasoner"
// always does); an error message when reasoning_effort is not one of reasoning_efforts.
std::string read_reasoning(const boost::json::object& body, conversation& prompt) {
  if (const auto* effort = body.if_contains("reasoning_effort"); effort != nullptr && !effort->is_null()) {
    bool known = false;
    for (const auto name : reasoning_efforts) known = known || (effort->is_string() && effort->get_string() == name);
    if (!known) {
      std::string message = "Invalid value for 'reasoning_effort': ";
      if (effort->is_string()) {
        message.append("'").append(effort->get_string().data(), effort->get_string().size()).append("'");
      } else {
        message.append(boost::json::serialize(*effort));
      }
      message.append(". Supported values are: 'none', 'minimal', 'low', 'medium', 'high', and 'xhigh'.");
      return message;
    }
  }
  prompt.thinking = prompt.model.find("reasoner") != std::string_view::npos;
  return {};
}

std::string_view chat_finish_reason(const reply_plan& plan) {
  if (plan.use_tool) return "tool_calls";
  return plan.truncated ? "length" : "stop";
}

// Reads the chat request into a conversation; returns an error message when the request is not one.
std::string_view read_chat(const boost::json::object& body, conversation& prompt) {
  prompt.model = string_member(body, "model");
  if (prompt.model.empty()) return "you must provide a model parameter";
  const auto* messages = body.if_contains("messages");
  if (messages == nullptr || !messages->is_array() || messages->get_array().empty()) {
    return "'messages' must be a non-empty array";
  }
  const boost::json::object* last_user = nullptr;
  for (const auto& entry : messages->get_array()) {
    const auto* message = entry.if_object();
    if (message == nullptr || string_member(*message, "role").empty()) return "each message needs a 'role'";
    prompt.prompt_chars += content_text_size(message->if_contains("content"));
    if (string_member(*message, "role") == "user") last_user = message;
  }
  if (last_user != nullptr) append_content_text(prompt.last_user_text, last_user->if_contains("content"));
  prompt.ends_with_user_turn = string_member(messages->get_array().back().get_object(), "role") == "user";

  if (const auto* tools = body.if_contains("tools"); tools != nullptr && tools->is_array() && !tools->get_array().empty()) {
    const auto* tool = tools->get_array().front().if_object();
    const auto* function = tool != nullptr ? tool->if_contains("function") : nullptr;
    if (function != nullptr && function->is_object()) {
      prompt.tool_name = string_member(function->get_object(), "name");
      prompt.tool_argument = first_property_name(function->get_object().if_contains("parameters"));
    }
  }
  if (string_member(body, "tool_choice") == "none") prompt.tool_name = {};
  if (const auto* stop = body.if_contains("stop"); stop != nullptr && stop->is_string()) {
    prompt.stop_sequences.push_back(stop->get_string());
  } else if (stop != nullptr && stop->is_array()) {
    for (const auto& s : stop->get_array())
      if (s.is_string()) prompt.stop_sequences.push_back(s.get_string());
  }
  prompt.max_output_tokens = integer_member(body, "max_completion_tokens");
  if (!prompt.max_output_tokens) prompt.max_output_tokens = integer_member(body, "max_tokens");
  return {};
}

}  // namespace

void answer_openai_chat(route_call& call) {
  conversation prompt;
  if (const auto problem = read_chat(call.body, prompt); !problem.empty()) {
    write_provider_error(provider_kind::openai, 400, problem, call.response);
    return;
  }
  if (const auto problem = read_reasoning(call.body, prompt); !problem.empty()) {
    write_provider_error(provider_kind::openai, 400, problem, call.response, "reasoning_effort");
    return;
  }
  const reply_plan plan = plan_reply(prompt, call.faults);
  const std::string id = next_id("chatcmpl-mock-");
  const std::string call_id = plan.use_tool ? next_id("call_mock_") : std::string();
  const auto created = static_cast<std::int64_t>(std::time(nullptr));
  const auto& sp = call.storage;

  if (!bool_member(call.body, "stream")) {
    if (call.faults.malformed_answer) {
      write_json_body(call.response, boost::json::value({{"object", "mock.not_a_completion"}, {"usage", chat_usage(plan, sp)}}, sp));
      return;
    }
    boost::json::value message({{"role", "assistant"}, {"content", nullptr}, {"refusal", nullptr}}, sp);
    if (plan.use_tool) {
      message.as_object()["tool_calls"] = boost::json::value(
          {{{"id", call_id}, {"type", "function"}, {"function", {{"name", prompt.tool_name}, {"arguments", plan.tool_arguments}}}}},
          sp);
    } else {
      message.as_object()["content"] = plan.text;
    }
    if (prompt.thinking) message.as_object()["reasoning_content"] = plan.thinking;
    const boost::json::value completion(
        {
            {"id", id},
            {"object", "chat.completion"},
            {"created", created},
            {"model", prompt.model},
            {"choices", {{{"index", 0}, {"message", std::move(message)}, {"logprobs", nullptr}, {"finish_reason", chat_finish_reason(plan)}}}},
            {"usage", chat_usage(plan, sp)},
        },
        sp);
    write_json_body(call.response, completion);
    return;
  }

  const bool with_usage = include_usage(call.body);
  begin_sse(call.response);
  // Every chunk repeats id/created/model; with include_usage each carries "usage": null until the last.
  const auto add_chunk = [&](boost::json::value delta, boost::json::value finish_reason) {
    boost::json::value chunk(
        {
            {"id", id},
            {"object", "chat.completion.chunk"},
            {"created", created},
            {"model", prompt.model},
            {"choices", {{{"index", 0}, {"delta", std::move(delta)}, {"logprobs", nullptr}, {"finish_reason", std::move(finish_reason)}}}},
        },
        sp);
    if (with_usage) chunk.as_object()["usage"] = nullptr;
    add_sse_event(call.response, {}, chunk);
  };

  // Reasoning streams first, in deltas without a content key; the first of them opens the
  // assistant message, so the text that follows needs no role chunk of its own.
  if (prompt.thinking) {
    bool first = true;
    for (const auto piece : split_for_stream(plan.thinking)) {
      boost::json::object delta(sp);
      if (first) delta["role"] = "assistant";
      delta["reasoning_content"] = piece;
      first = false;
      add_chunk(boost::json::value(std::move(delta)), nullptr);
    }
  }
  if (plan.use_tool) {
    // The first tool chunk names the call; the arguments follow as string fragments.
    add_chunk(boost::json::value({{"role", "assistant"},
                                  {"content", nullptr},
                                  {"tool_calls",
                                   {{{"index", 0}, {"id", call_id}, {"type", "function"}, {"function", {{"name", prompt.tool_name}, {"arguments", ""}}}}}}},
                                 sp),
              nullptr);
    for (const auto fragment : split_for_stream(plan.tool_arguments, 2)) {
      add_chunk(boost::json::value({{"tool_calls", {{{"index", 0}, {"function", {{"arguments", fragment}}}}}}}, sp), nullptr);
    }
  } else {
    if (!prompt.thinking) add_chunk(boost::json::value({{"role", "assistant"}, {"content", ""}, {"refusal", nullptr}}, sp), nullptr);
    for (const auto piece : split_for_stream(plan.text)) {
      add_chunk(boost::json::value({{"content", piece}}, sp), nullptr);
    }
  }
  add_chunk(boost::json::value(boost::json::object(sp)), boost::json::value(chat_finish_reason(plan), sp));
  if (with_usage) {
    const boost::json::value usage_chunk(
        {
            {"id", id},
            {"object", "chat.completion.chunk"},
            {"created", created},
            {"model", prompt.model},
            {"choices", boost::json::array(sp)},
            {"usage", chat_usage(plan, sp)},
        },
        sp);
    add_sse_event(call.response, {}, usage_chunk);
  }
  add_sse_data(call.response, "[DONE]");
}

void answer_openai_completion(route_call& call) {
  const std::string_view model = string_member(call.body, "model");
  if (model.empty()) {
    write_provider_error(provider_kind::openai, 400, "you must provide a model parameter", call.response);
    return;
  }
  // "prompt" is a string or an array of strings; each prompt gets its own choice.
  std::vector<std::string_view> prompts;
  if (const auto* prompt = call.body.if_contains("prompt"); prompt != nullptr && prompt->is_string()) {
    prompts.push_back(prompt->get_string());
  } else if (prompt != nullptr && prompt->is_array()) {
    for (const auto& entry : prompt->get_array()) {
      if (!entry.is_string()) break;
      prompts.push_back(entry.get_string());
    }
  }
  if (prompts.empty()) {
    write_provider_error(provider_kind::openai, 400, "'prompt' must be a string or an array of strings", call.response);
    return;
  }
  const auto max_tokens = integer_member(call.body, "max_tokens");
  std::vector<reply_plan> plans;
  reply_plan total;
  total.prompt_tokens = total.completion_tokens = 0;
  for (const auto text : prompts) {
    conversation prompt;
    prompt.model = model;
    prompt.last_user_text.assign(text);
    prompt.prompt_chars = text.size();
    prompt.ends_with_user_turn = true;
    prompt.max_output_tokens = max_tokens;
    plans.push_back(plan_reply(prompt, call.faults));
    total.prompt_tokens += plans.back().prompt_tokens;
    total.completion_tokens += plans.back().completion_tokens;
  }
  const auto& sp = call.storage;
  const boost::json::value usage({{"prompt_tokens", total.prompt_tokens},
                                  {"completion_tokens", total.completion_tokens},
                                  {"total_tokens", total.prompt_tokens + total.completion_tokens}},
                                 sp);
  const std::string id = next_id("cmpl-mock-");
  const auto created = static_cast<std::int64_t>(std::time(nullptr));
  const auto finish = [](const reply_plan& plan) { return plan.truncated ? "length" : "stop"; };

  const auto completion_object = [&](boost::json::array choices) {
    return boost::json::value(
        {{"id", id}, {"object", "text_completion"}, {"created", created}, {"model", model}, {"choices", std::move(choices)}}, sp);
  };
  if (!bool_member(call.body, "stream")) {
    boost::json::array choices(sp);
    for (std::size_t i = 0; i < plans.size(); ++i) {
      choices.push_back(boost::json::value(
          {{"text", plans[i].text}, {"index", i}, {"logprobs", nullptr}, {"finish_reason", finish(plans[i])}}, sp));
    }
    boost::json::value body = completion_object(std::move(choices));
    body.as_object()["usage"] = usage;
    write_json_body(call.response, body);
    return;
  }

  begin_sse(call.response);
  for (std::size_t i = 0; i < plans.size(); ++i) {
    const auto pieces = split_for_stream(plans[i].text);
    for (std::size_t p = 0; p <= pieces.size(); ++p) {
      // After the text pieces, one empty-text chunk carries the finish reason.
      const bool last = p == pieces.size();
      boost::json::array choices(sp);
      choices.push_back(boost::json::value({{"text", last ? std::string_view() : pieces[p]},
                                            {"index", i},
                                            {"logprobs", nullptr},
                                            {"finish_reason", last ? boost::json::value(finish(plans[i])) : nullptr}},
                                           sp));
      add_sse_event(call.response, {}, completion_object(std::move(choices)));
    }
  }
  if (include_usage(call.body)) {
    boost::json::value usage_chunk = completion_object(boost::json::array(sp));
    usage_chunk.as_object()["usage"] = usage;
    add_sse_event(call.response, {}, usage_chunk);
  }
  add_sse_data(call.response, "[DONE]");
}

void answer_openai_embeddings(route_call& call) {
  const std::string_view model = string_member(call.body, "model");
  if (model.empty()) {
    write_provider_error(provider_kind::openai, 400, "you must provide a model parameter", call.response);
    return;
  }
  // "input": a string, an array of strings, one token array, or an array of token arrays.
  // Token arrays are embedded by their JSON text, which is just as deterministic.
  std::vector<std::string> inputs;
  const auto* input = call.body.if_contains("input");
  const auto token_text = [](const boost::json::value& tokens) { return boost::json::serialize(tokens); };
  if (input != nullptr && input->is_string()) {
    inputs.emplace_back(input->get_string());
  } else if (input != nullptr && input->is_array() && !input->get_array().empty()) {
    const auto& items = input->get_array();
    if (items.front().is_number()) {
      inputs.push_back(token_text(*input));
    } else {
      for (const auto& item : items) {
        if (item.is_string()) {
          inputs.emplace_back(item.get_string());
        } else if (item.is_array()) {
          inputs.push_back(token_text(item));
        } else {
          inputs.clear();
          break;
        }
      }
    }
  }
  if (inputs.empty()) {
    write_provider_error(provider_kind::openai, 400, "'input' must be a string or an array of strings or tokens", call.response);
    return;
  }
  const bool as_base64 = string_member(call.body, "encoding_format") == "base64";
  const auto& sp = call.storage;
  boost::json::array data(sp);
  std::size_t chars = 0;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    chars += inputs[i].size();
    const auto vector = embed_text(inputs[i]);
    boost::json::value embedding;
    if (as_base64) {
      embedding = boost::json::value(embedding_base64(vector), sp);
    } else {
      boost::json::array values(sp);
      for (const float v : vector) values.push_back(static_cast<double>(v));
      embedding = std::move(values);
    }
    data.push_back(boost::json::value({{"object", "embedding"}, {"index", i}, {"embedding", std::move(embedding)}}, sp));
  }
  const std::int64_t tokens = estimate_tokens(chars);
  const boost::json::value body({{"object", "list"},
                                 {"data", std::move(data)},
                                 {"model", model},
                                 {"usage", {{"prompt_tokens", tokens}, {"total_tokens", tokens}}}},
                                sp);
  write_json_body(call.response, body);
}

void answer_openai_models(route_call& call, std::string_view model_id) {
  // A fixed creation time keeps the listing byte-for-byte stable across runs.
  constexpr std::int64_t created = 1700000000;
  const auto& sp = call.storage;
  const auto model_object = [&](std::string_view id) {
    return boost::json::value({{"id", id}, {"object", "model"}, {"created", created}, {"owned_by", "brokle-mock"}}, sp);
  };
  if (!model_id.empty()) {
    write_json_body(call.response, model_object(model_id));  // the mock serves any model it is asked for
    return;
  }
  boost::json::array data(sp);
  for (const std::string_view id : {"gpt-4o", "gpt-4o-mini", "gpt-3.5-turbo-instruct", "text-embedding-3-small"}) {
    data.push_back(model_object(id));
  }
  write_json_body(call.response, boost::json::value({{"object", "list"}, {"data", std::move(data)}}, sp));
}

}  // namespace brokle::mock
