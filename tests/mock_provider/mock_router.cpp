// Request routing for the mock provider. The order of checks matches what a real provider does
// before any model work: unknown route 404, missing key 401, then the test's injected status, then
// body parsing; so a gateway sees the same precedence it would see in production.
#include "mock_router.hpp"

#include "ascii_text.hpp"
#include "fault_plan.hpp"
#include "provider_routes.hpp"

namespace brokle::mock {
namespace {

enum class endpoint {
  none,
  openai_chat,
  openai_completion,
  openai_embeddings,
  openai_models,
  openai_model,
  openai_responses,
  openai_stored_response,  // GET/DELETE /v1/responses/{id}, POST .../cancel, GET .../input_items
  anthropic_messages,
  anthropic_count_tokens,
  gemini_generate,
  gemini_stream,
  gemini_embed,
  gemini_count_tokens,
  cohere_chat,
  cohere_embed,
};

struct route_match {
  endpoint target = endpoint::none;
  provider_kind provider = provider_kind::openai;
  std::string_view method;       // the method the endpoint takes
  std::string_view path_detail;  // model id for /v1/models/{id}, Gemini routes, Azure deployments,
                                 // the rest of /v1/responses/{id}[/verb]
  bool azure = false;            // /openai/deployments/{deployment}/...: api-key + api-version
  bool azure_v1 = false;         // /openai/v1/...: Azure's OpenAI-style surface, api-key only
};

bool starts_with(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }

// The provider whose error shape a path gets, even when the path is not one the mock serves.
provider_kind provider_for_path(std::string_view path) {
  if (path == "/v1/messages" || starts_with(path, "/v1/messages/")) return provider_kind::anthropic;
  if (starts_with(path, "/v1beta/") || path.find(":generateContent") != std::string_view::npos ||
      path.find(":streamGenerateContent") != std::string_view::npos ||
      path.find(":batchEmbedContents") != std::string_view::npos) {
    return provider_kind::gemini;
  }
  if (starts_with(path, "/v2/")) return provider_kind::cohere;
  return provider_kind::openai;
}

// Gemini puts the model and the verb in the path: {prefix}/models/{model}:{verb}.
bool match_gemini(std::string_view path, route_match& match) {
  std::string_view rest;
  if (starts_with(path, "/v1beta/models/")) {
    rest = path.substr(15);
  } else if (starts_with(path, "/v1/models/")) {
    rest = path.substr(11);
  } else {
    return false;
  }
  const auto colon = rest.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  const std::string_view verb = rest.substr(colon + 1);
  if (verb == "generateContent") match.target = endpoint::gemini_generate;
  else if (verb == "streamGenerateContent") match.target = endpoint::gemini_stream;
  else if (verb == "batchEmbedContents") match.target = endpoint::gemini_embed;
  else if (verb == "countTokens") match.target = endpoint::gemini_count_tokens;
  else return false;
  match.provider = provider_kind::gemini;
  match.path_detail = rest.substr(0, colon);
  return true;
}

route_match match_route(std::string_view path) {
  route_match match;
  match.provider = provider_for_path(path);
  match.method = "POST";
  if (path == "/openai/v1/responses") {
    match.azure_v1 = true;
    match.target = endpoint::openai_responses;
    return match;
  }
  // A stored response: {id}, {id}/cancel, {id}/input_items; the method is checked by the route.
  for (std::string_view prefix : {std::string_view("/v1/responses/"), std::string_view("/openai/v1/responses/")}) {
    if (starts_with(path, prefix) && path.size() > prefix.size()) {
      match.azure_v1 = prefix.size() > 14;
      match.target = endpoint::openai_stored_response;
      match.method = "";
      match.path_detail = path.substr(prefix.size());
      return match;
    }
  }
  // Azure OpenAI addresses a deployment: /openai/deployments/{deployment}/chat/completions etc.
  if (starts_with(path, "/openai/deployments/")) {
    std::string_view rest = path.substr(20);
    const auto slash = rest.find('/');
    if (slash == std::string_view::npos || slash == 0) return match;
    match.azure = true;
    match.path_detail = rest.substr(0, slash);
    const std::string_view op = rest.substr(slash);
    if (op == "/chat/completions") match.target = endpoint::openai_chat;
    else if (op == "/completions") match.target = endpoint::openai_completion;
    else if (op == "/embeddings") match.target = endpoint::openai_embeddings;
    return match;
  }
  if (path == "/v1/chat/completions") {
    match.target = endpoint::openai_chat;
  } else if (path == "/v1/completions") {
    match.target = endpoint::openai_completion;
  } else if (path == "/v1/embeddings") {
    match.target = endpoint::openai_embeddings;
  } else if (path == "/v1/responses") {
    match.target = endpoint::openai_responses;
  } else if (path == "/v1/messages") {
    match.target = endpoint::anthropic_messages;
  } else if (path == "/v1/messages/count_tokens") {
    match.target = endpoint::anthropic_count_tokens;
  } else if (path == "/v2/chat") {
    match.target = endpoint::cohere_chat;
  } else if (path == "/v2/embed") {
    match.target = endpoint::cohere_embed;
  } else if (match_gemini(path, match)) {
    // filled in by match_gemini
  } else if (path == "/v1/models") {
    match.target = endpoint::openai_models;
    match.method = "GET";
  } else if (starts_with(path, "/v1/models/") && path.size() > 11) {
    // Fine-tuned model ids contain colons ("ft:gpt-4o-mini:org::id"), so they land here too.
    match.target = endpoint::openai_model;
    match.method = "GET";
    match.path_detail = path.substr(11);
  }
  return match;
}

std::string_view bearer_token(const http_request& request) {
  const std::string_view value = request.header("authorization");
  if (value.size() < 7 || !iequals(value.substr(0, 7), "bearer ")) return {};
  return trim_ows(value.substr(7));
}

// Returns 0 when the request carries the credential its provider expects, else the status to send
// with `message` describing what is missing.
int check_credentials(provider_kind provider, const http_request& request, std::string_view& message) {
  switch (provider) {
    case provider_kind::openai:
    case provider_kind::cohere:
      if (!bearer_token(request).empty()) return 0;
      message = "missing API key: send 'Authorization: Bearer <key>'";
      return 401;
    case provider_kind::anthropic:
      if (request.header("x-api-key").empty()) {
        message = "x-api-key header is required";
        return 401;
      }
      if (request.header("anthropic-version").empty()) {
        message = "anthropic-version: header is required";
        return 400;
      }
      return 0;
    case provider_kind::gemini:
      if (!request.header("x-goog-api-key").empty() || !request.query_param("key").empty()) return 0;
      message = "Method doesn't allow unregistered callers. Please use an API key ('x-goog-api-key' header or 'key' query parameter).";
      return 401;
  }
  return 0;
}

void answer_control(const http_request& request, mock_stats& stats, mock_response& response) {
  if (request.path == "/mock/stats" && request.method == "GET") {
    stats.append_json(response.body);
  } else if (request.path == "/mock/reset" && request.method == "POST") {
    stats.reset();
    response.body = R"({"ok":true})";
  } else {
    write_provider_error(provider_kind::openai, 404, "unknown mock control endpoint (GET /mock/stats, POST /mock/reset)", response);
  }
}

}  // namespace

void mock_router::reject(int status, std::string_view path, mock_response& response) {
  response.reset();
  std::string_view message = "malformed HTTP request";
  switch (status) {
    case 413: message = "request body exceeds the mock's 16 MiB limit"; break;
    case 431: message = "request header block too large"; break;
    case 501: message = "unsupported transfer-encoding"; break;
    case 505: message = "HTTP version not supported"; break;
    default: break;
  }
  write_provider_error(provider_for_path(path), status, message, response);
}

void mock_router::handle(const http_request& request, json_arena& arena, mock_response& response) {
  response.reset();
  // Control endpoints are invisible to the counters, so asserting on stats does not disturb them.
  if (starts_with(request.path, "/mock/")) {
    answer_control(request, stats_, response);
    return;
  }
  stats_.record(request);

  const fault_plan faults = read_fault_plan(request);
  response.delay_ms = faults.delay_ms;
  response.chunk_delay_ms = faults.chunk_delay_ms;
  response.first_event_delay_ms = faults.first_event_delay_ms;
  response.disconnect_after_events = faults.disconnect_after_chunks;

  const route_match route = match_route(request.path);
  if (route.target == endpoint::none) {
    std::string message = "Unknown request URL: ";
    message.append(request.method).append(" ").append(request.path);
    write_provider_error(route.provider, 404, message, response);
    return;
  }
  if (!route.method.empty() && request.method != route.method) {
    write_provider_error(route.provider, 405, "method not allowed for this endpoint", response);
    return;
  }
  std::string_view credential_problem;
  if (route.azure_v1) {
    if (request.header("api-key").empty()) {
      write_provider_error(route.provider, 401, "Access denied due to missing subscription key (send 'api-key')", response);
      return;
    }
  } else if (route.azure) {
    if (request.header("api-key").empty()) {
      write_provider_error(route.provider, 401, "Access denied due to missing subscription key (send 'api-key')", response);
      return;
    }
    if (request.query_param("api-version").empty()) {
      write_provider_error(route.provider, 404, "Resource not found (api-version is required)", response);
      return;
    }
  } else if (const int status = check_credentials(route.provider, request, credential_problem); status != 0) {
    write_provider_error(route.provider, status, credential_problem, response);
    return;
  }
  if (faults.status != 0) {
    write_provider_error(route.provider, faults.status, "mock: injected failure (x-mock-status)", response);
    return;
  }

  boost::json::monotonic_resource resource = arena.begin_request();
  const boost::json::storage_ptr storage(&resource);
  // Created on the arena so the parse result moves into it instead of being copied to the heap.
  boost::json::value parsed(storage);
  if (route.method == "POST" || (route.method.empty() && request.method == "POST" && !request.body.empty())) {
    boost::system::error_code ec;
    parsed = boost::json::parse(request.body, ec, storage);
    if (ec || !parsed.is_object()) {
      write_provider_error(route.provider, 400,
                           ec ? "could not parse the JSON body of the request" : "the request body must be a JSON object", response);
      return;
    }
  } else {
    parsed = boost::json::object(storage);
  }

  route_call call{request, parsed.get_object(), faults, response, storage};
  switch (route.target) {
    case endpoint::openai_chat: answer_openai_chat(call); break;
    case endpoint::openai_completion: answer_openai_completion(call); break;
    case endpoint::openai_embeddings: answer_openai_embeddings(call); break;
    case endpoint::openai_models: answer_openai_models(call, {}); break;
    case endpoint::openai_model: answer_openai_models(call, route.path_detail); break;
    case endpoint::openai_responses: answer_openai_responses(call); break;
    case endpoint::openai_stored_response: answer_openai_stored_response(call, route.path_detail); break;
    case endpoint::anthropic_messages: answer_anthropic_messages(call); break;
    case endpoint::anthropic_count_tokens: answer_anthropic_count_tokens(call); break;
    case endpoint::gemini_generate: answer_gemini_generate(call, route.path_detail, false); break;
    case endpoint::gemini_stream: answer_gemini_generate(call, route.path_detail, true); break;
    case endpoint::gemini_embed: answer_gemini_embed(call, route.path_detail); break;
    case endpoint::gemini_count_tokens: answer_gemini_count_tokens(call, route.path_detail); break;
    case endpoint::cohere_chat: answer_cohere_chat(call); break;
    case endpoint::cohere_embed: answer_cohere_embed(call); break;
    case endpoint::none: break;
  }
}

}  // namespace brokle::mock
