// Error bodies and stream framing shared by the provider routes. Each provider documents its own
// error envelope; gateways parse them to decide on retries and to translate errors, so the shapes
// (and the status-to-type mapping) follow the providers' public API references.
#include "provider_routes.hpp"

#include "json_text.hpp"

namespace brokle::mock {
namespace {

struct openai_error_kind {
  std::string_view type;
  std::string_view code;  // empty: null
};

openai_error_kind openai_kind(int status) {
  switch (status) {
    case 400: return {"invalid_request_error", ""};
    case 401: return {"invalid_request_error", "invalid_api_key"};
    case 403: return {"invalid_request_error", "permission_denied"};
    case 404: return {"invalid_request_error", "not_found"};
    case 413: return {"invalid_request_error", "request_too_large"};
    case 429: return {"requests", "rate_limit_exceeded"};
    default: return {status >= 500 ? "server_error" : "invalid_request_error", ""};
  }
}

std::string_view anthropic_type(int status) {
  switch (status) {
    case 400: return "invalid_request_error";
    case 401: return "authentication_error";
    case 403: return "permission_error";
    case 404: return "not_found_error";
    case 413: return "request_too_large";
    case 429: return "rate_limit_error";
    case 529: return "overloaded_error";
    default: return status >= 500 ? "api_error" : "invalid_request_error";
  }
}

// google.rpc.Code names, as Gemini reports them in error.status.
std::string_view gemini_status(int status) {
  switch (status) {
    case 400: return "INVALID_ARGUMENT";
    case 401: return "UNAUTHENTICATED";
    case 403: return "PERMISSION_DENIED";
    case 404: return "NOT_FOUND";
    case 409: return "ABORTED";
    case 413: return "INVALID_ARGUMENT";
    case 429: return "RESOURCE_EXHAUSTED";
    case 499: return "CANCELLED";
    case 500: return "INTERNAL";
    case 501: return "UNIMPLEMENTED";
    case 503: return "UNAVAILABLE";
    case 504: return "DEADLINE_EXCEEDED";
    default: return status >= 500 ? "INTERNAL" : "FAILED_PRECONDITION";
  }
}

}  // namespace

void write_json_body(mock_response& response, const boost::json::value& body) {
  response.body.clear();
  append_json_text(response.body, body);
}

void write_provider_error(provider_kind provider, int status, std::string_view message, mock_response& response,
                          std::string_view param) {
  // An error replaces whatever a route may have started (a stream included).
  response.streaming = false;
  response.events.clear();
  response.content_type = "application/json";
  response.status = status;
  response.retry_after = status == 429;
  boost::json::object body;
  switch (provider) {
    case provider_kind::openai: {
      const auto kind = openai_kind(status);
      auto& error = body["error"].emplace_object();
      error["message"] = message;
      error["type"] = kind.type;
      if (param.empty()) {
        error["param"] = nullptr;
      } else {
        error["param"] = param;
      }
      if (kind.code.empty()) {
        error["code"] = nullptr;
      } else {
        error["code"] = kind.code;
      }
      break;
    }
    case provider_kind::anthropic: {
      body["type"] = "error";
      auto& error = body["error"].emplace_object();
      error["type"] = anthropic_type(status);
      error["message"] = message;
      break;
    }
    case provider_kind::gemini: {
      auto& error = body["error"].emplace_object();
      error["code"] = status;
      error["message"] = message;
      error["status"] = gemini_status(status);
      break;
    }
    case provider_kind::cohere:
      body["message"] = message;
      break;
  }
  write_json_body(response, body);
}

void begin_sse(mock_response& response) {
  response.streaming = true;
  response.content_type = "text/event-stream";
  response.body.clear();
  response.events.clear();
}

void add_sse_event(mock_response& response, std::string_view event, const boost::json::value& data) {
  std::string& text = response.events.emplace_back();
  if (!event.empty()) text.append("event: ").append(event).append("\n");
  text.append("data: ");
  append_json_text(text, data);
  text.append("\n\n");
}

void add_sse_data(mock_response& response, std::string_view raw_data) {
  std::string& text = response.events.emplace_back("data: ");
  text.append(raw_data).append("\n\n");
}

}  // namespace brokle::mock
