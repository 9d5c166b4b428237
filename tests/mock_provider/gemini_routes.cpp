// Google Gemini endpoints of the mock: models/{model}:generateContent and :streamGenerateContent,
// the latter as SSE with ?alt=sse or, without it, as one JSON array whose elements arrive as chunks
// (the two shapes the real API serves). Function calling answers with a functionCall part.
// generationConfig.candidateCount answers that many candidates (side by side in each stream chunk),
// responseLogprobs/logprobs a logprobsResult per candidate (words as tokens, see logprobs_result).
// Thinking follows generationConfig.thinkingConfig: thought parts when includeThoughts, a
// thoughtSignature on the answer, thoughtsTokenCount in the usage, and Gemini 3's rule that the
// current turn's function calls come back signed. :batchEmbedContents answers one deterministic
// vector per request.
#include <algorithm>

#include "ascii_text.hpp"
#include "mock_reply.hpp"
#include "provider_routes.hpp"

namespace brokle::mock {
namespace {

constexpr std::int64_t max_thinking_budget = 32768;
// The value Google documents for function calls that never had a signature (e.g. history written
// by another model): Gemini 3 accepts it in place of one.
constexpr std::string_view skip_signature = "skip_thought_signature_validator";

// Gemini 3 models always think (unless thinkingBudget is 0) and require signed function calls.
bool is_gemini_3(std::string_view model) { return model.starts_with("gemini-3"); }

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
    for (const auto& tool : tools->get_array())
      if (tool.is_object() && tool.get_object().contains("google_search")) prompt.web_search = true;
    for (const auto& tool : tools->get_array()) {
      const auto* declarations = tool.is_object() ? tool.get_object().if_contains("functionDeclarations") : nullptr;
      if (declarations == nullptr || !declarations->is_array() || declarations->get_array().empty()) continue;
      if (const auto* first = declarations->get_array().front().if_object()) {
        prompt.tool_name = string_member(*first, "name");
        const auto* schema = first->if_contains("parameters");
        if (schema == nullptr) schema = first->if_contains("parametersJsonSchema");
        if (first->contains("parameters") && first->contains("parametersJsonSchema"))
          return "* GenerateContentRequest.tools[0].function_declarations[0]: parameters and parameters_json_schema are mutually exclusive";
        prompt.tool_argument = first_property_name(schema);
      }
      break;
    }
  }
  if (const auto* config = body.if_contains("toolConfig"); config != nullptr && config->is_object()) {
    const auto* calling = config->get_object().if_contains("functionCallingConfig");
    if (calling != nullptr && calling->is_object() && string_member(calling->get_object(), "mode") == "NONE") {
      prompt.tool_name = {};
    }
    if (calling != nullptr && calling->is_object() && string_member(calling->get_object(), "mode") == "ANY" &&
        !prompt.tool_name.empty()) {
      prompt.force_tool = true;
    }
  }
  if (const auto* generation = body.if_contains("generationConfig"); generation != nullptr && generation->is_object()) {
    if (const auto* limit = generation->get_object().if_contains("maxOutputTokens"); limit != nullptr && limit->is_int64()) {
      prompt.max_output_tokens = limit->get_int64();
    }
  }
  return {};
}

// Google's message for a field whose value does not parse as its proto type.
std::string invalid_value(std::string_view field, std::string_view type, const boost::json::value& value) {
  std::string message = "Invalid value at 'generation_config.thinking_config";
  message.append(field).append("' (").append(type).append("), ").append(boost::json::serialize(value));
  return message;
}

// Reads generationConfig.thinkingConfig (thinkingBudget: -1 dynamic, 0 off, 1..32768;
// thinkingLevel; includeThoughts) with the real API's checks. A model thinks when the config is
// there, or when it is a Gemini 3 model, unless thinkingBudget is 0.
std::string read_thinking(const boost::json::object& body, conversation& prompt) {
  prompt.thinking = is_gemini_3(prompt.model);
  prompt.include_thoughts = false;
  const auto* generation = body.if_contains("generationConfig");
  const auto* config = generation != nullptr && generation->is_object() ? generation->get_object().if_contains("thinkingConfig") : nullptr;
  if (config == nullptr || config->is_null()) return {};
  if (!config->is_object()) {
    return invalid_value("", "type.googleapis.com/google.ai.generativelanguage.v1beta.ThinkingConfig", *config);
  }
  const auto& fields = config->get_object();
  const auto* budget = fields.if_contains("thinkingBudget");
  if (budget != nullptr && !budget->is_int64()) return invalid_value(".thinking_budget", "TYPE_INT32", *budget);
  if (budget != nullptr && (budget->get_int64() < -1 || budget->get_int64() > max_thinking_budget)) {
    std::string message = "The thinking budget ";
    message.append(std::to_string(budget->get_int64()));
    message.append(" is invalid. Please choose a value between 1 and 32768, -1 for dynamic thinking or 0 to turn thinking off.");
    return message;
  }
  const auto* level = fields.if_contains("thinkingLevel");
  if (level != nullptr) {
    bool known = false;
    if (level->is_string()) {
      for (const std::string_view name : {"minimal", "low", "medium", "high"}) known = known || iequals(level->get_string(), name);
    }
    if (!known) {
      return invalid_value(".thinking_level", "type.googleapis.com/google.ai.generativelanguage.v1beta.ThinkingConfig.ThinkingLevel", *level);
    }
    if (budget != nullptr) return "thinking_budget and thinking_level are not supported together";
    if (prompt.model.starts_with("gemini-2")) return "Thinking level is not supported for this model";
  }
  if (const auto* include = fields.if_contains("includeThoughts"); include != nullptr) {
    if (!include->is_bool()) return invalid_value(".include_thoughts", "TYPE_BOOL", *include);
    prompt.include_thoughts = include->get_bool();
  }
  prompt.thinking = budget == nullptr || budget->get_int64() != 0;
  return {};
}

// Gemini 3's rule for the current turn (the model contents after the last user content that is
// not only function responses): the first functionCall part of each carries the thoughtSignature
// the model gave it (here: one the mock issued) or skip_signature. Other models take any history.
// `contents` has passed read_contents.
std::string check_thought_signatures(const boost::json::array& contents, std::string_view model) {
  if (!is_gemini_3(model)) return {};
  std::size_t turn_start = 0;
  for (std::size_t i = 0; i < contents.size(); ++i) {
    const auto& content = contents[i].get_object();
    const std::string_view role = string_member(content, "role");
    if (!role.empty() && role != "user") continue;
    for (const auto& part : content.at("parts").get_array()) {
      if (part.is_object() && !part.get_object().contains("functionResponse")) turn_start = i + 1;
    }
  }
  for (std::size_t i = turn_start; i < contents.size(); ++i) {
    const auto& content = contents[i].get_object();
    if (string_member(content, "role") != "model") continue;
    for (const auto& part : content.at("parts").get_array()) {
      const auto* call = part.is_object() ? part.get_object().if_contains("functionCall") : nullptr;
      if (call == nullptr) continue;
      const std::string_view signature = string_member(part.get_object(), "thoughtSignature");
      if (signature.starts_with(signature_prefix) || signature == skip_signature) break;
      std::string message =
          "Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, "
          "and missing thought_signature may lead to degraded model performance. Additional data, function call `default_api:";
      if (call->is_object()) message.append(string_member(call->get_object(), "name"));
      message.append("` , position ").append(std::to_string(i + 1));
      message.append(". Please refer to https://ai.google.dev/gemini-api/docs/thought-signatures for more details.");
      return message;
    }
  }
  return {};
}

// generationConfig.candidateCount (1..8) and the log-probability fields, with the API's rules:
// logprobs (0..20 alternatives per step) only beside responseLogprobs true.
struct sampling_config {
  std::int64_t candidates = 1;
  bool logprobs = false;
  std::int64_t top_logprobs = 0;
};

std::string read_sampling(const boost::json::object& body, sampling_config& out) {
  const auto* generation = body.if_contains("generationConfig");
  if (generation == nullptr || !generation->is_object()) return {};
  const auto& config = generation->get_object();
  if (const auto* count = config.if_contains("candidateCount"); count != nullptr) {
    if (!count->is_int64() || count->get_int64() < 1 || count->get_int64() > 8)
      return "* GenerateContentRequest.generation_config.candidate_count: must be between 1 and 8";
    out.candidates = count->get_int64();
  }
  if (const auto* asked = config.if_contains("responseLogprobs"); asked != nullptr) {
    if (!asked->is_bool()) return "Invalid value at 'generation_config.response_logprobs' (TYPE_BOOL)";
    out.logprobs = asked->get_bool();
  }
  if (const auto* top = config.if_contains("logprobs"); top != nullptr) {
    if (!top->is_int64() || top->get_int64() < 0 || top->get_int64() > 20)
      return "* GenerateContentRequest.generation_config.logprobs: must be between 0 and 20";
    if (!out.logprobs) return "logprobs is only valid when response_logprobs is true";
    out.top_logprobs = top->get_int64();
  }
  return {};
}

// The mock's tokens for log probabilities: words, each with the spaces after it. Token k of a
// text has log probability -(k % 8 + 1) / 8 (exact in binary, so tests can compare), and its
// alternatives "alt1".."altN" one and more lower.
boost::json::value logprobs_result(std::string_view text, std::int64_t top, boost::json::storage_ptr sp) {
  boost::json::array chosen(sp), tops(sp);
  std::size_t k = 0;
  for (std::size_t pos = 0; pos < text.size(); ++k) {
    std::size_t end = text.find(' ', pos);
    end = end == std::string_view::npos ? text.size() : text.find_first_not_of(' ', end);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view token = text.substr(pos, end - pos);
    const double logprob = -static_cast<double>(k % 8 + 1) / 8;
    chosen.push_back(boost::json::value({{"token", token}, {"tokenId", static_cast<std::int64_t>(k)}, {"logProbability", logprob}}, sp));
    boost::json::array alternatives(sp);
    for (std::int64_t j = 0; j < top; ++j) {
      std::string alt = j == 0 ? std::string(token) : "alt" + std::to_string(j);
      alternatives.push_back(boost::json::value({{"token", alt}, {"tokenId", 1000 + j}, {"logProbability", logprob - static_cast<double>(j)}}, sp));
    }
    tops.push_back(boost::json::value({{"candidates", std::move(alternatives)}}, sp));
    pos = end;
  }
  return boost::json::value({{"topCandidates", std::move(tops)}, {"chosenCandidates", std::move(chosen)}}, sp);
}

}  // namespace

void answer_gemini_generate(route_call& call, std::string_view model, bool stream) {
  conversation prompt;
  prompt.model = model;
  if (const auto problem = read_contents(call.body, prompt); !problem.empty()) {
    write_provider_error(provider_kind::gemini, 400, problem, call.response);
    return;
  }
  std::string problem = read_thinking(call.body, prompt);
  sampling_config sampling;
  if (problem.empty()) problem = read_sampling(call.body, sampling);
  if (problem.empty()) problem = check_thought_signatures(call.body.at("contents").get_array(), model);
  if (!problem.empty()) {
    write_provider_error(provider_kind::gemini, 400, problem, call.response);
    return;
  }
  const reply_plan plan = plan_reply(prompt, call.faults);
  const std::string id = next_id("mock-response-");
  const auto& sp = call.storage;
  const bool show_thoughts = prompt.thinking && prompt.include_thoughts;

  // Candidate 0 answers the plan's text; candidate i > 0 the same with " [candidate i]" after it.
  const auto candidate_text = [&](std::int64_t i) {
    return i == 0 ? plan.text : plan.text + " [candidate " + std::to_string(i) + "]";
  };
  std::int64_t candidate_tokens = 0;
  for (std::int64_t i = 0; i < sampling.candidates; ++i)
    candidate_tokens += plan.use_tool || i == 0 ? plan.completion_tokens : estimate_tokens(candidate_text(i).size());
  // Thoughts are reported apart from the candidates' tokens, and counted in the total.
  const auto full_usage = [&] {
    boost::json::value usage({{"promptTokenCount", plan.prompt_tokens},
                              {"candidatesTokenCount", candidate_tokens},
                              {"totalTokenCount", plan.prompt_tokens + candidate_tokens + plan.thinking_tokens}},
                             sp);
    if (plan.cached_tokens > 0) usage.as_object()["cachedContentTokenCount"] = plan.cached_tokens;
    if (prompt.thinking) usage.as_object()["thoughtsTokenCount"] = plan.thinking_tokens;
    return usage;
  };
  // One candidate: its parts, the finish reason when `finished`, and the log probabilities of
  // `text` (what these parts say) when asked.
  const auto candidate_object = [&](std::int64_t index, boost::json::array parts, bool finished, std::string_view text) {
    boost::json::value candidate({{"content", {{"parts", std::move(parts)}, {"role", "model"}}}, {"index", index}}, sp);
    if (finished) candidate.as_object()["finishReason"] = plan.truncated ? "MAX_TOKENS" : "STOP";
    if (sampling.logprobs) candidate.as_object()["logprobsResult"] = logprobs_result(text, sampling.top_logprobs, sp);
    // A grounded answer names its source for the quoted part of the reply (after reply_prefix), in
    // UTF-8 byte offsets over the whole candidate text, with the finishing chunk.
    if (prompt.web_search && finished && index == 0 && !plan.use_tool) {
      const std::size_t from = std::min(reply_prefix.size(), plan.text.size());
      candidate.as_object()["groundingMetadata"] = boost::json::value(
          {{"webSearchQueries", {prompt.last_user_text}},
           {"groundingChunks", {{{"web", {{"uri", mock_search_url}, {"title", mock_search_title}}}}}},
           {"groundingSupports", {{{"segment", {{"startIndex", static_cast<std::int64_t>(from)},
                                                {"endIndex", static_cast<std::int64_t>(plan.text.size())},
                                                {"text", std::string_view(plan.text).substr(from)}}},
                                   {"groundingChunkIndices", {0}}}}}},
          sp);
    }
    return candidate;
  };
  // One GenerateContentResponse. `finished` adds the final usage; earlier stream chunks carry only
  // the prompt count, as the real stream does.
  const auto response_object = [&](boost::json::array candidates, bool finished) {
    return boost::json::value(
        {{"candidates", std::move(candidates)},
         {"usageMetadata",
          finished ? full_usage()
                   : boost::json::value({{"promptTokenCount", plan.prompt_tokens}, {"totalTokenCount", plan.prompt_tokens}}, sp)},
         {"modelVersion", model},
         {"responseId", id}},
        sp);
  };
  const auto thought_part = [&](std::string_view text) { return boost::json::value({{"text", text}, {"thought", true}}, sp); };
  // A model that thought signs its first function call (by name and arguments) or, when it calls
  // none, its last text part (by the reply text).
  const auto tool_part = [&] {
    boost::json::value part({{"functionCall", {{"name", prompt.tool_name}, {"args", boost::json::parse(plan.tool_arguments, sp)}}}}, sp);
    if (prompt.thinking) {
      std::string signed_text(prompt.tool_name);
      signed_text.append(plan.tool_arguments);
      part.as_object()["thoughtSignature"] = mock_signature(signed_text);
    }
    return part;
  };
  const auto text_part = [&](std::string_view text, bool last, std::string_view whole) {
    boost::json::value part({{"text", text}}, sp);
    if (prompt.thinking && last) part.as_object()["thoughtSignature"] = mock_signature(whole);
    return part;
  };
  const auto one_part = [&](boost::json::value part) {
    boost::json::array parts(sp);
    parts.push_back(std::move(part));
    return parts;
  };
  const auto one_candidate = [&](boost::json::value candidate) {
    boost::json::array candidates(sp);
    candidates.push_back(std::move(candidate));
    return candidates;
  };

  if (!stream) {
    boost::json::array candidates(sp);
    for (std::int64_t i = 0; i < sampling.candidates; ++i) {
      const std::string text = candidate_text(i);
      boost::json::array parts(sp);
      if (show_thoughts) parts.push_back(thought_part(plan.thinking));
      parts.push_back(plan.use_tool ? tool_part() : text_part(text, true, text));
      candidates.push_back(candidate_object(i, std::move(parts), true, plan.use_tool ? std::string_view{} : std::string_view(text)));
    }
    write_json_body(call.response, response_object(std::move(candidates), true));
    return;
  }

  // Thoughts arrive in chunks of their own, first (candidate 0's). Gemini sends a function call
  // whole, in one chunk; text arrives in pieces, every candidate's k-th piece in the k-th chunk.
  std::vector<boost::json::value> chunks;
  if (show_thoughts) {
    for (const auto piece : split_for_stream(plan.thinking, 2))
      chunks.push_back(response_object(one_candidate(candidate_object(0, one_part(thought_part(piece)), false, {})), false));
  }
  if (plan.use_tool) {
    boost::json::array candidates(sp);
    for (std::int64_t i = 0; i < sampling.candidates; ++i) candidates.push_back(candidate_object(i, one_part(tool_part()), true, {}));
    chunks.push_back(response_object(std::move(candidates), true));
  } else {
    std::vector<std::string> texts;
    std::vector<std::vector<std::string_view>> pieces;
    for (std::int64_t i = 0; i < sampling.candidates; ++i) texts.push_back(candidate_text(i));
    std::size_t rounds = 0;
    for (const auto& text : texts) {
      pieces.push_back(split_for_stream(text));
      rounds = std::max(rounds, pieces.back().size());
    }
    for (std::size_t k = 0; k < rounds; ++k) {
      boost::json::array candidates(sp);
      for (std::size_t i = 0; i < texts.size(); ++i) {
        if (k >= pieces[i].size()) continue;
        const bool last = k + 1 == pieces[i].size();
        candidates.push_back(candidate_object(static_cast<std::int64_t>(i), one_part(text_part(pieces[i][k], last, texts[i])), last, pieces[i][k]));
      }
      chunks.push_back(response_object(std::move(candidates), k + 1 == rounds));
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

// Only the contents count: generationConfig (thinkingConfig included) is accepted and ignored.
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
