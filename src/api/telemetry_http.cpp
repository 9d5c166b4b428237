#include "api/telemetry_http.hpp"

#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "api/identity_http.hpp"

namespace brokle::api {

namespace asio = boost::asio;

asio::awaitable<result<telemetry::ingest_counts>> try_ingest_durably(telemetry::ingest_service& svc,
                                                                     const project_scope& scope,
                                                                     storage::telemetry_batch batch) {
  result<telemetry::ingest_counts> counts = telemetry::ingest_counts{};
  auto initiate = [&](auto handler) {
    auto h = std::make_shared<decltype(handler)>(std::move(handler));
    auto ex = asio::get_associated_executor(*h);
    counts = svc.submit(scope, std::move(batch), [h, ex](const status& s) {
      asio::post(ex, [h, s]() mutable { (*h)(s); });
    });
    if (!counts) asio::post(ex, [h, e = counts.err()]() mutable { (*h)(status(e)); });
  };
  status acked = co_await asio::async_initiate<const asio::use_awaitable_t<>&, void(status)>(initiate, asio::use_awaitable);
  if (!counts) co_return counts.err();
  if (!acked) co_return acked.err();
  co_return counts;
}

asio::awaitable<telemetry::ingest_counts> ingest_durably(telemetry::ingest_service& svc, const project_scope& scope,
                                                         storage::telemetry_batch batch) {
  auto r = co_await try_ingest_durably(svc, scope, std::move(batch));
  if (!r) fail_with(r.err());
  co_return *r;
}


}  // namespace brokle::api
