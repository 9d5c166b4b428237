// Telemetry ingestion and queries against the real binary: OTLP/HTTP (JSON, protobuf, gzip, partial
// success, bad input), the SDK routes, Langfuse-compatible ingestion, the gateway's own calls,
// the query API, and durability: acknowledged data survives kill -9, and a store that refuses
// writes sends batches to the dead-letter queue, from which they arrive exactly once.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <zlib.h>

#include <thread>

#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"
#include "support/api_client.hpp"
#include "support/gateway_env.hpp"

namespace brokle::testing {

namespace {

using obj = boost::json::object;
using arr = boost::json::array;
namespace otlp_trace = opentelemetry::proto::collector::trace::v1;

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string hex_id(uint64_t seed, size_t chars) {
  static const char* digits = "0123456789abcdef";
  std::string s(chars, '0');
  uint64_t x = seed * 0x9E3779B97F4A7C15ull + 1;
  for (size_t i = 0; i < chars; ++i) {
    x ^= x >> 27;
    x *= 0x94D049BB133111EBull;
    s[i] = digits[(x >> 60) & 15];
  }
  return s;
}

obj kv(std::string k, std::string v) { return obj{{"key", k}, {"value", obj{{"stringValue", v}}}}; }
obj kv_int(std::string k, int64_t v) { return obj{{"key", k}, {"value", obj{{"intValue", std::to_string(v)}}}}; }

// An OTLP/JSON trace export: spans as (trace, span, parent, name, service, kind, attributes).
struct json_span {
  std::string trace_id, span_id, parent, name, service;
  int kind = 1;
  arr attributes = {};
  int status = 0;
};
std::string otlp_json(const std::vector<json_span>& spans) {
  arr resource_spans;
  int64_t t = now_ns() - 1'000'000'000;
  for (const auto& s : spans) {
    obj span{{"traceId", s.trace_id},
             {"spanId", s.span_id},
             {"name", s.name},
             {"kind", s.kind},
             {"startTimeUnixNano", std::to_string(t)},
             {"endTimeUnixNano", std::to_string(t + 25'000'000)},
             {"attributes", s.attributes}};
    if (!s.parent.empty()) span["parentSpanId"] = s.parent;
    if (s.status) span["status"] = obj{{"code", s.status}, {"message", "boom"}};
    resource_spans.push_back(obj{{"resource", obj{{"attributes", arr{kv("service.name", s.service)}}}},
                                 {"scopeSpans", arr{obj{{"scope", obj{{"name", "test"}}}, {"spans", arr{span}}}}}});
  }
  return boost::json::serialize(obj{{"resourceSpans", resource_spans}});
}

http_reply post(uint16_t port, std::string_view path, std::string_view body, std::string content_type,
                std::vector<std::pair<std::string, std::string>> headers) {
  headers.emplace_back("Content-Type", std::move(content_type));
  return request(port, "POST", path, body, headers);
}

std::string gzip(std::string_view in) {
  z_stream z{};
  deflateInit2(&z, Z_BEST_SPEED, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&z, in.size()) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

std::string protobuf_trace(const std::string& service, const std::vector<std::pair<std::string, std::string>>& ids) {
  otlp_trace::ExportTraceServiceRequest req;
  auto* rs = req.add_resource_spans();
  auto* attr = rs->mutable_resource()->add_attributes();
  attr->set_key("service.name");
  attr->mutable_value()->set_string_value(service);
  auto* ss = rs->add_scope_spans();
  uint64_t t = static_cast<uint64_t>(now_ns() - 2'000'000'000);
  for (const auto& [trace, span] : ids) {
    auto* sp = ss->add_spans();
    sp->set_trace_id(trace);
    sp->set_span_id(span);
    sp->set_name("op");
    sp->set_kind(opentelemetry::proto::trace::v1::Span::SPAN_KIND_SERVER);
    sp->set_start_time_unix_nano(t);
    sp->set_end_time_unix_nano(t + 1'000'000);
  }
  return req.SerializeAsString();
}

std::string bytes_of_hex(const std::string& hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return out;
}

// Polls a query until `pred` holds (ingestion is acknowledged after commit, so this is immediate
// in practice; the poll only absorbs scheduling noise).
template <class Pred>
api_reply poll(uint16_t port, const std::string& path, const std::string& token, Pred pred) {
  api_reply r;
  for (int i = 0; i < 40; ++i) {
    r = call(port, "GET", path, nullptr, token);
    if (r.status() == 200 && pred(r)) return r;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return r;
}

size_t data_size(const api_reply& r) { return r.json.at("data").as_array().size(); }

int64_t count_spans(uint16_t port, const std::string& project, const std::string& token) {
  auto r = call(port, "GET", "/api/v1/projects/" + project + "/metrics/dashboard?start=1&end=" + std::to_string(now_ns() + 1), nullptr, token);
  return r.status() == 200 ? r.json.at("spans").as_int64() : -1;
}

}  // namespace

TEST(telemetry, otlp_json_traces_are_queryable_as_span_trees_with_genai_generations_and_a_service_map) {
  gateway_env g;
  auto token = g.login();
  std::string trace = hex_id(1, 32), root = hex_id(2, 16), client = hex_id(3, 16), server = hex_id(4, 16),
              llm = hex_id(5, 16);
  auto body = otlp_json({{trace, root, "", "GET /checkout", "frontend", 2, arr{kv("http.route", "/checkout")}},
                         {trace, client, root, "POST /pay", "frontend", 3},
                         {trace, server, client, "POST /pay", "payments", 2, arr{}, 2},
                         {trace, llm, root, "chat gpt-4o-mini", "frontend", 3,
                          arr{kv("gen_ai.system", "openai"), kv("gen_ai.request.model", "gpt-4o-mini"),
                              kv_int("gen_ai.usage.input_tokens", 1000), kv_int("gen_ai.usage.output_tokens", 500)}}});
  auto r = post(g.port(), "/v1/traces", body, "application/json", {{"X-API-Key", g.key}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, "{}");
  EXPECT_EQ(r.header("Content-Type"), "application/json");

  std::string base = "/api/v1/projects/" + g.project_id;
  auto list = poll(g.port(), base + "/traces", token, [](auto& r) { return data_size(r) == 1; });
  ASSERT_EQ(data_size(list), 1u) << list.raw.body;
  auto t = list.json.at("data").as_array()[0].as_object();
  EXPECT_EQ(t.at("trace_id").as_string(), trace);
  EXPECT_EQ(t.at("root_name").as_string(), "GET /checkout");
  EXPECT_EQ(t.at("span_count").as_int64(), 4);
  EXPECT_EQ(t.at("status").as_string(), "error");

  auto detail = call(g.port(), "GET", base + "/traces/" + trace, nullptr, token);
  ASSERT_EQ(detail.status(), 200) << detail.raw.body;
  auto spans = detail.json.at("spans").as_array();
  ASSERT_EQ(spans.size(), 4u);
  EXPECT_EQ(spans[0].at("span_id").as_string(), root);
  EXPECT_EQ(spans[0].at("depth").as_int64(), 0);
  EXPECT_EQ(spans[0].at("attributes").at("http.route").as_string(), "/checkout");
  auto obs = detail.json.at("observations").as_array();
  ASSERT_EQ(obs.size(), 1u);
  EXPECT_EQ(obs[0].at("type").as_string(), "GENERATION");
  EXPECT_EQ(obs[0].at("model").as_string(), "gpt-4o-mini");
  EXPECT_EQ(obs[0].at("usage").at("input_tokens").as_int64(), 1000);
  EXPECT_GT(obs[0].at("cost_usd").as_double(), 0.0);  // priced from the model table

  // Filters: by service, by status, by attribute, by text; other filters exclude it.
  EXPECT_EQ(data_size(call(g.port(), "GET", base + "/traces?service_name=payments", nullptr, token)), 1u);
  EXPECT_EQ(data_size(call(g.port(), "GET", base + "/traces?service_name=nope", nullptr, token)), 0u);
  EXPECT_EQ(data_size(call(g.port(), "GET", base + "/traces?status=ok", nullptr, token)), 0u);
  EXPECT_EQ(data_size(call(g.port(), "GET", base + "/traces?attr=http.route:/checkout", nullptr, token)), 1u);
  EXPECT_EQ(data_size(call(g.port(), "GET", base + "/traces?search=checkout", nullptr, token)), 1u);
  EXPECT_EQ(call(g.port(), "GET", base + "/traces?status=maybe", nullptr, token).status(), 400);
  EXPECT_EQ(call(g.port(), "GET", base + "/traces?start=yesterday", nullptr, token).status(), 400);

  auto map = call(g.port(), "GET", base + "/metrics/service-map", nullptr, token);
  ASSERT_EQ(map.status(), 200) << map.raw.body;
  ASSERT_EQ(map.json.at("edges").as_array().size(), 1u) << map.raw.body;
  EXPECT_EQ(map.json.at("edges").as_array()[0].at("source").as_string(), "frontend");
  EXPECT_EQ(map.json.at("edges").as_array()[0].at("target").as_string(), "payments");
  auto services = call(g.port(), "GET", base + "/services", nullptr, token);
  EXPECT_EQ(data_size(services), 2u) << services.raw.body;
  auto llm_stats = call(g.port(), "GET", base + "/analytics/llm?group_by=model", nullptr, token);
  ASSERT_EQ(data_size(llm_stats), 1u) << llm_stats.raw.body;
  EXPECT_EQ(llm_stats.json.at("data").as_array()[0].at("input_tokens").as_int64(), 1000);

  // Re-sending the same export stores nothing twice.
  ASSERT_EQ(post(g.port(), "/v1/traces", body, "application/json", {{"X-API-Key", g.key}}).status, 200);
  EXPECT_EQ(count_spans(g.port(), g.project_id, token), 4);
}

TEST(telemetry, otlp_protobuf_with_gzip_on_the_otlp_port_and_partial_success_for_bad_ids) {
  gateway_env g;
  auto token = g.login();
  ASSERT_NE(g.server->otlp_http_port(), 0);
  std::string trace = bytes_of_hex(hex_id(10, 32));
  auto body = protobuf_trace("billing", {{trace, bytes_of_hex(hex_id(11, 16))},
                                         {trace, bytes_of_hex(hex_id(12, 16))},
                                         {trace, std::string(3, 'x')}});  // a span id that is not 8 bytes
  auto r = post(g.server->otlp_http_port(), "/v1/traces", gzip(body), "application/x-protobuf",
                {{"Authorization", "Bearer " + g.key}, {"Content-Encoding", "gzip"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("Content-Type"), "application/x-protobuf");
  otlp_trace::ExportTraceServiceResponse resp;
  ASSERT_TRUE(resp.ParseFromString(r.body));
  EXPECT_EQ(resp.partial_success().rejected_spans(), 1);
  EXPECT_FALSE(resp.partial_success().error_message().empty());
  EXPECT_EQ(count_spans(g.port(), g.project_id, token), 2);
}

TEST(telemetry, bad_otlp_input_gets_the_right_status_stores_nothing_and_the_server_keeps_serving) {
  gateway_env g("", {{"BROKLE_OTLP_MAX_DECOMPRESSED", "1MiB"}});
  auto token = g.login();
  auto key = std::vector<std::pair<std::string, std::string>>{{"X-API-Key", g.key}};
  auto good = protobuf_trace("svc", {{bytes_of_hex(hex_id(20, 32)), bytes_of_hex(hex_id(21, 16))}});
  struct bad_case {
    std::string name, body, content_type;
    std::vector<std::pair<std::string, std::string>> headers;
    int status;
  };
  std::string bomb_src(64 << 20, '\0');  // 64 MiB of zeros gzip to ~64 KiB: past the 1 MiB limit below
  std::vector<bad_case> cases = {
      {"truncated protobuf", good.substr(0, good.size() - 3), "application/x-protobuf", key, 400},
      {"garbage protobuf", std::string("\xff\xff\xff\xff\x0f garbage", 14), "application/x-protobuf", key, 400},
      {"invalid json", "{\"resourceSpans\": [", "application/json", key, 400},
      {"wrong id shape in json", otlp_json({{"xyz", "abc", "", "n", "s"}}), "application/json", key, 200},
      {"text content type", "hello", "text/plain", key, 415},
      {"unknown content encoding", good, "application/x-protobuf",
       {{"X-API-Key", g.key}, {"Content-Encoding", "br"}}, 415},
      {"corrupt gzip", "\x1f\x8b garbage", "application/x-protobuf", {{"X-API-Key", g.key}, {"Content-Encoding", "gzip"}}, 400},
      {"gzip bomb", gzip(bomb_src), "application/x-protobuf", {{"X-API-Key", g.key}, {"Content-Encoding", "gzip"}}, 413},
      {"no key", good, "application/x-protobuf", {}, 401},
      {"bad key", good, "application/x-protobuf", {{"X-API-Key", "bk_proj_nope"}}, 401},
      {"empty request", "", "application/x-protobuf", key, 200},
  };
  for (const auto& c : cases) {
    auto r = post(g.port(), "/v1/traces", c.body, c.content_type, c.headers);
    EXPECT_EQ(r.status, c.status) << c.name << ": " << r.body;
    if (c.status == 400 && c.content_type == "application/json") {
      auto v = boost::json::parse(r.body);
      EXPECT_EQ(v.at("code").as_int64(), 3) << c.name;  // google.rpc.Status INVALID_ARGUMENT
    }
  }
  EXPECT_EQ(count_spans(g.port(), g.project_id, token), 0);
  ASSERT_EQ(post(g.port(), "/v1/traces", good, "application/x-protobuf", key).status, 200);
  EXPECT_EQ(count_spans(g.port(), g.project_id, token), 1);
  EXPECT_EQ(request(g.port(), "GET", "/health").status, 200);
}

TEST(telemetry, otlp_logs_are_searchable_with_context_and_filters) {
  gateway_env g;
  auto token = g.login();
  int64_t t = now_ns() - 5'000'000'000;
  arr records;
  const char* bodies[] = {"user signed in", "payment declined by issuer", "cart updated", "zebra crossing"};
  int sev[] = {9, 17, 9, 5};
  for (int i = 0; i < 4; ++i)
    records.push_back(obj{{"timeUnixNano", std::to_string(t + i * 1'000'000)},
                          {"severityNumber", sev[i]},
                          {"severityText", sev[i] >= 17 ? "ERROR" : "INFO"},
                          {"body", obj{{"stringValue", bodies[i]}}},
                          {"traceId", hex_id(30, 32)},
                          {"spanId", hex_id(31, 16)},
                          {"attributes", arr{kv("user.id", "u" + std::to_string(i))}}});
  auto body = boost::json::serialize(obj{{"resourceLogs", arr{obj{
      {"resource", obj{{"attributes", arr{kv("service.name", "shop")}}}},
      {"scopeLogs", arr{obj{{"logRecords", records}}}}}}}});
  auto r = post(g.port(), "/v1/logs", body, "application/json", {{"X-API-Key", g.key}});
  ASSERT_EQ(r.status, 200) << r.body;
  std::string base = "/api/v1/projects/" + g.project_id + "/logs";
  auto found = poll(g.port(), base + "?search=declined", token, [](auto& r) { return data_size(r) == 1; });
  ASSERT_EQ(data_size(found), 1u) << found.raw.body;
  auto log = found.json.at("data").as_array()[0];
  EXPECT_EQ(log.at("body").as_string(), "payment declined by issuer");
  EXPECT_EQ(log.at("trace_id").as_string(), hex_id(30, 32));
  EXPECT_EQ(data_size(call(g.port(), "GET", base + "?severity=error", nullptr, token)), 1u);
  EXPECT_EQ(data_size(call(g.port(), "GET", base + "?search=zeb*", nullptr, token)), 1u);
  EXPECT_EQ(data_size(call(g.port(), "GET", base + "?search=%22NEAR(%20*", nullptr, token)), 0u);  // hostile FTS
  EXPECT_EQ(data_size(call(g.port(), "GET", base + "?attr=user.id:u2", nullptr, token)), 1u);
  auto ctx = call(g.port(), "GET", base + "/" + std::string(log.at("id").as_string()) + "/context", nullptr, token);
  ASSERT_EQ(ctx.status(), 200) << ctx.raw.body;
  EXPECT_EQ(data_size(ctx), 4u);
  // The same export again: logs are identified by content, nothing doubles.
  ASSERT_EQ(post(g.port(), "/v1/logs", body, "application/json", {{"X-API-Key", g.key}}).status, 200);
  EXPECT_EQ(data_size(call(g.port(), "GET", base, nullptr, token)), 4u);
}

TEST(telemetry, sdk_routes_create_update_complete_score_and_delete) {
  gateway_env g;
  auto token = g.login();
  auto sdk = [&](std::string method, std::string path, boost::json::value body) {
    return call(g.port(), method, path, body, g.key, {{"X-Environment", "staging"}});
  };
  auto t = sdk("POST", "/v1/traces", obj{{"id", "trace-1"}, {"name", "support chat"}, {"user_id", "u1"}, {"input", "hi"}});
  ASSERT_EQ(t.status(), 201) << t.raw.body;
  EXPECT_EQ(t.str("id"), "trace-1");
  ASSERT_EQ(sdk("PUT", "/v1/traces/trace-1", obj{{"output", "bye"}}).status(), 200);
  auto o = sdk("POST", "/v1/observations",
               obj{{"id", "gen-1"}, {"trace_id", "trace-1"}, {"type", "GENERATION"}, {"model", "gpt-4o-mini"},
                   {"usage", obj{{"input_tokens", 200}, {"output_tokens", 100}}}});
  ASSERT_EQ(o.status(), 201) << o.raw.body;
  ASSERT_EQ(sdk("POST", "/v1/observations/gen-1/complete", obj{{"output", obj{{"text", "done"}}}}).status(), 200);
  ASSERT_EQ(sdk("POST", "/v1/quality-scores", obj{{"trace_id", "trace-1"}, {"name", "helpful"}, {"value", 0.8}}).status(), 201);
  ASSERT_EQ(sdk("POST", "/v1/events", obj{{"trace_id", "trace-1"}, {"name", "cache_miss"}}).status(), 201);
  ASSERT_EQ(sdk("POST", "/v1/route", obj{{"selected_model", "gpt-4o-mini"}, {"provider", "openai"}, {"reason", "cheapest"}}).status(), 201);
  auto batch = sdk("POST", "/v1/observations/batch",
                   obj{{"observations", arr{obj{{"id", "s-1"}, {"trace_id", "trace-1"}, {"name", "retrieve"}},
                                            obj{{"trace_id", "trace-1"}, {"type", "BANANA"}}}}});
  EXPECT_EQ(batch.status(), 207) << batch.raw.body;
  EXPECT_EQ(batch.json.at("accepted").as_int64(), 1);
  // Bad input: a clear 400, nothing stored.
  EXPECT_EQ(sdk("POST", "/v1/observations", obj{{"start_time", "not a time"}}).status(), 400);
  EXPECT_EQ(sdk("POST", "/v1/quality-scores", obj{{"trace_id", "trace-1"}, {"value", 1}}).status(), 400);
  EXPECT_EQ(call_raw(g.port(), "POST", "/v1/observations", "{", g.key).status(), 400);
  EXPECT_EQ(call(g.port(), "POST", "/v1/traces", obj{{"name", "x"}}).status(), 401);

  std::string base = "/api/v1/projects/" + g.project_id;
  auto d = call(g.port(), "GET", base + "/analytics/traces/trace-1", nullptr, token);
  ASSERT_EQ(d.status(), 200) << d.raw.body;
  EXPECT_EQ(d.json.at("llm_trace").at("output").as_string(), "bye");
  EXPECT_EQ(d.json.at("llm_trace").at("input").as_string(), "hi");  // the update kept the input
  EXPECT_EQ(d.json.at("llm_trace").at("environment").as_string(), "staging");
  auto obs = d.json.at("observations").as_array();
  ASSERT_EQ(obs.size(), 2u) << d.raw.body;
  bool completed = false;
  for (const auto& ob : obs)
    if (ob.at("id").as_string() == "gen-1") {
      completed = !ob.at("end_time").as_string().empty();
      EXPECT_GT(ob.at("cost_usd").as_double(), 0.0);
      EXPECT_EQ(ob.at("output").at("text").as_string(), "done");
    }
  EXPECT_TRUE(completed);
  EXPECT_EQ(d.json.at("scores").as_array().size(), 1u);
  EXPECT_EQ(data_size(call(g.port(), "GET", base + "/analytics/quality-scores?trace_id=trace-1", nullptr, token)), 1u);

  ASSERT_EQ(call(g.port(), "DELETE", "/v1/traces/trace-1", nullptr, g.key).status(), 200);
  EXPECT_EQ(call(g.port(), "GET", base + "/analytics/traces/trace-1", nullptr, token).status(), 404);
  EXPECT_EQ(call(g.port(), "DELETE", "/v1/traces/trace-1", nullptr, g.key).status(), 404);
}

TEST(telemetry, langfuse_ingestion_answers_multi_status_and_needs_the_project_key_pair) {
  gateway_env g;
  auto token = g.login();
  auto batch = boost::json::serialize(obj{{"batch", arr{
      obj{{"id", "ev1"}, {"type", "trace-create"}, {"timestamp", "2026-01-01T00:00:00Z"}, {"body", obj{{"id", "lf-trace"}, {"name", "rag"}}}},
      obj{{"id", "ev2"}, {"type", "generation-create"}, {"timestamp", "2026-01-01T00:00:01Z"},
          {"body", obj{{"id", "lf-gen"}, {"traceId", "lf-trace"}, {"model", "gpt-4o-mini"},
                       {"usage", obj{{"input", 10}, {"output", 20}}}}}},
      obj{{"id", "ev3"}, {"type", "score-create"}, {"body", obj{{"traceId", "lf-trace"}, {"name", "q"}, {"value", 1}}}},
      obj{{"id", "ev4"}, {"type", "not-a-type"}, {"body", obj{}}}}}});
  auto basic = [](const std::string& user, const std::string& pass) {
    static const char* tbl = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string in = user + ":" + pass, out;
    int val = 0, bits = -6;
    for (unsigned char c : in) {
      val = (val << 8) + c;
      bits += 8;
      while (bits >= 0) {
        out.push_back(tbl[(val >> bits) & 0x3F]);
        bits -= 6;
      }
    }
    if (bits > -6) out.push_back(tbl[((val << 8) >> (bits + 8)) & 0x3F]);
    while (out.size() % 4) out.push_back('=');
    return "Basic " + out;
  };
  auto r = post(g.port(), "/api/public/ingestion", batch, "application/json",
                {{"Authorization", basic(g.project_id, g.key)}});
  ASSERT_EQ(r.status, 207) << r.body;
  auto v = boost::json::parse(r.body);
  EXPECT_EQ(v.at("successes").as_array().size(), 3u);
  ASSERT_EQ(v.at("errors").as_array().size(), 1u);
  EXPECT_EQ(v.at("errors").as_array()[0].at("id").as_string(), "ev4");
  // Wrong pairings are refused.
  EXPECT_EQ(post(g.port(), "/api/public/ingestion", batch, "application/json",
                 {{"Authorization", basic("01ARZ3NDEKTSV4RRFFQ69G5FAV", g.key)}}).status, 401);
  EXPECT_EQ(post(g.port(), "/api/public/ingestion", batch, "application/json",
                 {{"Authorization", basic(g.project_id, "sk-lf-wrong")}}).status, 401);
  EXPECT_EQ(post(g.port(), "/api/public/ingestion", "{", "application/json",
                 {{"Authorization", basic(g.project_id, g.key)}}).status, 400);
  // The SDK re-sends whole batches: nothing doubles.
  ASSERT_EQ(post(g.port(), "/api/public/ingestion", batch, "application/json",
                 {{"Authorization", basic(g.project_id, g.key)}}).status, 207);
  std::string base = "/api/v1/projects/" + g.project_id;
  auto d = call(g.port(), "GET", base + "/analytics/traces/lf-trace", nullptr, token);
  ASSERT_EQ(d.status(), 200) << d.raw.body;
  EXPECT_EQ(d.json.at("observations").as_array().size(), 1u) << d.raw.body;
  EXPECT_EQ(d.json.at("scores").as_array().size(), 1u);
  EXPECT_EQ(d.json.at("llm_trace").at("timestamp").as_string(), "2026-01-01T00:00:00.000Z");
}

TEST(telemetry, gateway_calls_become_generations_joined_to_the_callers_trace) {
  gateway_env g;
  auto token = g.login();
  std::string trace = hex_id(40, 32), parent = hex_id(41, 16);
  auto r = g.chat(obj{{"model", "gpt-4o-mini"}, {"messages", arr{obj{{"role", "user"}, {"content", "hello"}}}}},
                  {{"traceparent", "00-" + trace + "-" + parent + "-01"}});
  ASSERT_EQ(r.status(), 200) << r.raw.body;
  std::string base = "/api/v1/projects/" + g.project_id;
  auto obs = poll(g.port(), base + "/analytics/observations?trace_id=" + trace, token,
                  [](auto& r) { return data_size(r) == 1; });
  ASSERT_EQ(data_size(obs), 1u) << obs.raw.body;
  auto o = obs.json.at("data").as_array()[0];
  EXPECT_EQ(o.at("type").as_string(), "GENERATION");
  EXPECT_EQ(o.at("parent_observation_id").as_string(), parent);
  EXPECT_EQ(o.at("provider").as_string(), "mock");
  EXPECT_EQ(o.at("http_status").as_int64(), 200);
  EXPECT_GT(o.at("usage").at("input_tokens").as_int64(), 0);
  EXPECT_GT(o.at("cost_usd").as_double(), 0.0);
  auto by_key = call(g.port(), "GET", base + "/analytics/llm?group_by=key", nullptr, token);
  ASSERT_EQ(data_size(by_key), 1u) << by_key.raw.body;
  EXPECT_EQ(by_key.json.at("data").as_array()[0].at("calls").as_int64(), 1);
}

TEST(telemetry, a_gateway_call_without_a_callers_trace_gets_its_own_named_after_the_endpoint) {
  gateway_env g;
  auto token = g.login();
  auto r = g.chat(obj{{"model", "gpt-4o-mini"}, {"messages", arr{obj{{"role", "user"}, {"content", "hello"}}}}},
                  {{"X-Request-Id", "req-own-trace.1"}});
  ASSERT_EQ(r.status(), 200) << r.raw.body;
  std::string base = "/api/v1/projects/" + g.project_id;
  auto obs = poll(g.port(), base + "/analytics/observations?type=GENERATION", token,
                  [](auto& r) { return data_size(r) == 1; });
  ASSERT_EQ(data_size(obs), 1u) << obs.raw.body;
  auto o = obs.json.at("data").as_array()[0].as_object();
  EXPECT_TRUE(o.at("parent_observation_id").is_null() || o.at("parent_observation_id").as_string().empty());
  std::string trace_id(o.at("trace_id").as_string());
  auto t = call(g.port(), "GET", base + "/analytics/traces/" + trace_id, nullptr, token);
  ASSERT_EQ(t.status(), 200) << t.raw.body;
  EXPECT_EQ(t.json.at("llm_trace").at("name").as_string(), "gateway chat.completions");
  EXPECT_EQ(t.json.at("llm_trace").at("metadata").at("request_id").as_string(), "req-own-trace.1");
  EXPECT_EQ(t.json.at("llm_trace").at("metadata").at("gateway").as_bool(), true);
}

TEST(telemetry, a_configured_default_project_takes_otlp_without_a_key) {
  gateway_env g;
  g.stop();
  g.env["BROKLE_OTLP_DEFAULT_PROJECT"] = g.project_id;
  g.start();
  auto token = g.login();
  auto body = protobuf_trace("open", {{bytes_of_hex(hex_id(50, 32)), bytes_of_hex(hex_id(51, 16))}});
  ASSERT_EQ(post(g.server->otlp_http_port(), "/v1/traces", body, "application/x-protobuf", {}).status, 200);
  EXPECT_EQ(count_spans(g.port(), g.project_id, token), 1);
  // A key still selects its own project, and a bad key is still refused.
  EXPECT_EQ(post(g.port(), "/v1/traces", body, "application/x-protobuf", {{"X-API-Key", "bk_proj_bad"}}).status, 401);
  // A default project that does not exist stops start-up with a clear error.
  g.stop();
  g.env["BROKLE_OTLP_DEFAULT_PROJECT"] = "01ARZ3NDEKTSV4RRFFQ69G5FAV";
  try {
    g.start();
    ADD_FAILURE() << "brokle started with a default project that does not exist";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("otlp.default_project"), std::string::npos) << e.what();
  }
}

TEST(telemetry, acknowledged_spans_survive_kill_9) {
  gateway_env g;
  std::vector<std::string> traces;
  for (int i = 0; i < 20; ++i) {
    auto body = protobuf_trace("durable", {{bytes_of_hex(hex_id(100 + i, 32)), bytes_of_hex(hex_id(200 + i, 16))},
                                           {bytes_of_hex(hex_id(100 + i, 32)), bytes_of_hex(hex_id(300 + i, 16))}});
    ASSERT_EQ(post(g.port(), "/v1/traces", body, "application/x-protobuf", {{"X-API-Key", g.key}}).status, 200);
  }
  ASSERT_EQ(g.server->stop(SIGKILL), 128 + SIGKILL);
  g.start();
  auto token = g.login();
  EXPECT_EQ(count_spans(g.port(), g.project_id, token), 40);
}

TEST(telemetry, a_store_that_refuses_writes_sends_batches_to_the_dead_letter_queue_and_they_arrive_exactly_once) {
  gateway_env g("", {{"BROKLE_TELEMETRY_STORE_BUSY_TIMEOUT", "50ms"}, {"BROKLE_TELEMETRY_DLQ_REPLAY_INTERVAL", "300ms"}});
  auto token = g.login();
  auto db_path = (g.dir.path() / "data" / "brokle.db").string();
  sqlite3* blocker = nullptr;
  ASSERT_EQ(sqlite3_open(db_path.c_str(), &blocker), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(blocker, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr), SQLITE_OK);  // the store refuses writes
  for (int i = 0; i < 5; ++i) {
    auto body = protobuf_trace("dlq", {{bytes_of_hex(hex_id(500 + i, 32)), bytes_of_hex(hex_id(600 + i, 16))}});
    auto r = post(g.port(), "/v1/traces", body, "application/x-protobuf", {{"X-API-Key", g.key}});
    ASSERT_EQ(r.status, 200) << r.body;  // acknowledged: written to data/dlq
  }
  auto metrics = request(g.port(), "GET", "/metrics").body;
  EXPECT_NE(metrics.find("brokle_dlq_size "), std::string::npos);
  EXPECT_EQ(metrics.find("brokle_dlq_size 0\n"), std::string::npos) << "the dead-letter queue should hold batches";
  size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(g.dir.path() / "data" / "dlq"))
    files += e.path().string().ends_with(".batch.json");
  EXPECT_GE(files, 1u);
  EXPECT_EQ(count_spans(g.port(), g.project_id, token), 0);

  ASSERT_EQ(sqlite3_exec(blocker, "ROLLBACK", nullptr, nullptr, nullptr), SQLITE_OK);  // the store heals
  sqlite3_close(blocker);
  int64_t spans = -1;
  for (int i = 0; i < 100 && spans != 5; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    spans = count_spans(g.port(), g.project_id, token);
  }
  EXPECT_EQ(spans, 5);
  metrics = request(g.port(), "GET", "/metrics").body;
  EXPECT_NE(metrics.find("brokle_dlq_size 0\n"), std::string::npos);
  // The replayed rows went through the store's WAL, which the metrics show.
  EXPECT_NE(metrics.find("\nbrokle_store_wal_bytes "), std::string::npos);
  EXPECT_EQ(metrics.find("\nbrokle_store_wal_bytes 0\n"), std::string::npos);
  EXPECT_NE(metrics.find("\nbrokle_store_checkpoints_background_total "), std::string::npos);
  // Replays are idempotent: the same spans sent again change nothing.
  auto again = protobuf_trace("dlq", {{bytes_of_hex(hex_id(500, 32)), bytes_of_hex(hex_id(600, 16))}});
  ASSERT_EQ(post(g.port(), "/v1/traces", again, "application/x-protobuf", {{"X-API-Key", g.key}}).status, 200);
  EXPECT_EQ(count_spans(g.port(), g.project_id, token), 5);
}

}  // namespace brokle::testing
