// Google Gemini endpoints of the mock: models/{model}:generateContent and :streamGenerateContent,
// the latter as SSE with ?alt=sse or, without it, as one JSON array whose elements arrive as chunks
// (the two shapes the real API serves). Function calling answers with a functionCall part.
// :batchEmbedContents answers one deterministic vector per request.
#include <algorithm>

#include "mock_reply.hpp"
#include "provider_routes.hpp"

namespace brokle::mock {
namespace {

bool has_part(const boost::json::object& content, std::string_view key) {
  const auto* parts = content.if_contains("parts");
  if (parts == nullptr || !parts->is_array()) return false;
  for (const auto& part : parts->get_array()) {
    if (part.is_object() && part.get_object().contains(key)) return true;
  }
  return false;
}

std::string_view read_contents(const boost::json::object& body, conversation& prompt) {
  const auto* contents = body.if_contains("contents");
  if (contents == nullptr || !contents->is_array() || contents->get_array().empty()) {
    return "* GenerateContentRequest.contents: contents is not specified";
  }
  const boost::json::object* last_user = nullptr;
  for (const auto& entry : contents->get_array()) {
    const auto* content = entry.if_object();
    if (content == nullptr || content->if_contains("parts") == nullptr || !content->at("parts").is_array()) {
      return "* GenerateContentRequest.contents: each content needs a 'parts' array";
    }
    const std::string_view role = string_member(*content, "role");
    if (!role.empty() && role != "user" && role != "model" && role != "function") {
      return "* GenerateContentRequest.contents.role: role must be 'user' or 'model'";
    }
    prompt.prompt_chars += content_text_size(content->if_contains("parts"));
    if (role.empty() || role == "user") last_user = content;
  }
  if (const auto* system = body.if_contains("systemInstruction"); system != nullptr && system->is_object()) {
    prompt.prompt_chars += content_text_size(system->get_object().if_contains("parts"));
  }
  const auto& last = contents->get_array().back().get_object();
  const std::string_view last_role = string_member(last, "role");
  prompt.ends_with_user_turn = (last_role.empty() || last_role == "user") && !has_part(last, "functionResponse");
  if (last_user != nullptr) append_content_text(prompt.last_user_text, last_user->if_contains("parts"));

  if (const auto* tools = body.if_contains("tools"); tools != nullptr && tools->is_array()) {
    for (const auto& tool : tools->get_array()) {
      const auto* declarations = tool.is_object() ? tool.get_object().if_contains("functionDeclarations") : nullptr;
      if (declarations == nullptr || !declarations->is_array() || declarations->get_array().empty()) continue;
      if (const auto* first = declarations->get_array().front().if_object()) {
        prompt.tool_name = string_member(*first, "name");
        prompt.tool_argument = first_property_name(first->if_contains("parameters"));
      }
      break;
    }
  }
  if (const auto* config = body.if_contains("toolConfig"); config != nullptr && config->is_object()) {
    const auto* calling = config->get_object().if_contains("functionCallingConfig");
    if (calling != nullptr && calling->is_object() && string_member(calling->get_object(), "mode") == "NONE") {
      prompt.tool_name = {};
    }
  }
  if (const auto* generation = body.if_contains("generationConfig"); generation != nullptr && generation->is_object()) {
    if (const auto* limit = generation->get_object().if_contains("maxOutputTokens"); limit != nullptr && limit->is_int64()) {
      prompt.max_output_tokens = limit->get_int64();
    }
  }
  return {};
}

}  // namespace

void answer_gemini_generate(route_call& call, std::string_view model, bool stream) {
  conversation prompt;
  prompt.model = model;
  if (const auto problem = read_contents(call.body, prompt); !problem.empty()) {
    write_provider_error(provider_kind::gemini, 400, problem, call.response);
    return;
  }
  const reply_plan plan = plan_reply(prompt, call.faults);
  const std::string id = next_id("mock-response-");
  const auto& sp = call.storage;

  const auto full_usage = [&] {
    boost::json::value usage({{"promptTokenCount", plan.prompt_tokens},
                              {"candidatesTokenCount", plan.completion_tokens},
                              {"totalTokenCount", plan.prompt_tokens + plan.completion_tokens}},
                             sp);
    if (plan.cached_tokens > 0) usage.as_object()["cachedContentTokenCount"] = plan.cached_tokens;
    return usage;
  };
  // One GenerateContentResponse. `finished` adds the finish reason and the final usage; earlier
  // stream chunks carry only the prompt count, as the real stream does.
  const auto response_object = [&](boost::json::value part, bool finished) {
    boost::json::value candidate({{"content", {{"parts", {std::move(part)}}, {"role", "model"}}}, {"index", 0}}, sp);
    if (finished) candidate.as_object()["finishReason"] = plan.truncated ? "MAX_TOKENS" : "STOP";
    return boost::json::value(
        {{"candidates", {std::move(candidate)}},
         {"usageMetadata",
          finished ? full_usage()
                   : boost::json::value({{"promptTokenCount", plan.prompt_tokens}, {"totalTokenCount", plan.prompt_tokens}}, sp)},
         {"modelVersion", model},
         {"responseId", id}},
        sp);
  };
  const auto tool_part = [&] {
    return boost::json::value({{"functionCall", {{"name", prompt.tool_name}, {"args", boost::json::parse(plan.tool_arguments, sp)}}}}, sp);
  };

  if (!stream) {
    write_json_body(call.response, response_object(plan.use_tool ? tool_part() : boost::json::value({{"text", plan.text}}, sp), true));
    return;
  }

  // Gemini sends a function call whole, in one chunk; text arrives in pieces.
  std::vector<boost::json::value> chunks;
  if (plan.use_tool) {
    chunks.push_back(response_object(tool_part(), true));
  } else {
    const auto pieces = split_for_stream(plan.text);
    for (std::size_t i = 0; i < pieces.size(); ++i) {
      chunks.push_back(response_object(boost::json::value({{"text", pieces[i]}}, sp), i + 1 == pieces.size()));
    }
  }
  begin_sse(call.response);
  if (call.request.query_param("alt") == "sse") {
    for (const auto& chunk : chunks) add_sse_event(call.response, {}, chunk);
    return;
  }
  // Without alt=sse the stream is a single JSON array, delivered element by element.
  call.response.content_type = "application/json";
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    std::string& element = call.response.events.emplace_back(i == 0 ? "[" : ",\r\n");
    element.append(boost::json::serialize(chunks[i]));
    if (i + 1 == chunks.size()) element.append("]");
  }
}

void answer_gemini_embed(route_call& call, std::string_view model) {
  const auto* requests = call.body.if_contains("requests");
  if (requests == nullptr || !requests->is_array() || requests->get_array().empty()) {
    write_provider_error(provider_kind::gemini, 400, "* BatchEmbedContentsRequest.requests: requests is not specified", call.response);
    return;
  }
  if (requests->get_array().size() > 100) {
    write_provider_error(provider_kind::gemini, 400, "* BatchEmbedContentsRequest.requests: at most 100 requests can be in one batch", call.response);
    return;
  }
  const auto& sp = call.storage;
  boost::json::array embeddings(sp);
  const std::string expected_model = "models/" + std::string(model);
  for (const auto& entry : requests->get_array()) {
    const auto* request = entry.if_object();
    if (request == nullptr || string_member(*request, "model") != expected_model) {
      write_provider_error(provider_kind::gemini, 400, "* BatchEmbedContentsRequest.requests[].model: the model of each request must match the model of the batch", call.response);
      return;
    }
    const auto* content = request->if_contains("content");
    std::string text;
    if (content != nullptr && content->is_object()) append_content_text(text, content->get_object().if_contains("parts"));
    if (text.empty()) {
      write_provider_error(provider_kind::gemini, 400, "* BatchEmbedContentsRequest.requests[].content: content must have text parts", call.response);
      return;
    }
    std::size_t dimensions = embedding_dimensions;
    if (const auto* d = request->if_contains("outputDimensionality"); d != nullptr) {
      if (!d->is_int64() || d->get_int64() < 1) {
        write_provider_error(provider_kind::gemini, 400, "* outputDimensionality must be a positive integer", call.response);
        return;
      }
      dimensions = std::min<std::size_t>(dimensions, static_cast<std::size_t>(d->get_int64()));
    }
    const auto vector = embed_text(text);
    boost::json::array values(sp);
    for (std::size_t i = 0; i < dimensions; ++i) values.push_back(static_cast<double>(vector[i]));
    embeddings.push_back(boost::json::value({{"values", std::move(values)}}, sp));
  }
  write_json_body(call.response, boost::json::value({{"embeddings", std::move(embeddings)}}, sp));
}

void answer_gemini_count_tokens(route_call& call, std::string_view model) {
  conversation prompt;
  prompt.model = model;
  const boost::json::object* request = &call.body;
  if (const auto* inner = call.body.if_contains("generateContentRequest"); inner != nullptr && inner->is_object())
    request = &inner->get_object();
  if (const auto problem = read_contents(*request, prompt); !problem.empty()) {
    write_provider_error(provider_kind::gemini, 400, problem, call.response);
    return;
  }
  const reply_plan plan = plan_reply(prompt, call.faults);
  write_json_body(call.response, boost::json::value({{"totalTokens", plan.prompt_tokens}}, call.storage));
}

}  // namespace brokle::mock
