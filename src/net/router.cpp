#include "net/router.hpp"

#include <map>
#include <stdexcept>

namespace brokle::net {

struct router::node {
  std::map<std::string, std::unique_ptr<node>, std::less<>> children;
  std::unique_ptr<node> param_child;
  std::string param_name;
  std::vector<route*> routes;  // by method
};

router::router() : root_(std::make_unique<node>()) {}
router::~router() = default;

namespace {

// Splits "/a/b/c" into {"a","b","c"}; a trailing slash is not significant.
template <class F>
void for_each_segment(std::string_view path, F&& f) {
  size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    if (!f(path.substr(i, j - i))) return;
    i = j;
  }
}

}  // namespace

void router::add(http_method m, std::string pattern, handler fn) {
  node* n = root_.get();
  for_each_segment(pattern, [&](std::string_view seg) {
    if (seg.size() >= 2 && seg.front() == '{' && seg.back() == '}') {
      std::string name(seg.substr(1, seg.size() - 2));
      if (!n->param_child) {
        n->param_child = std::make_unique<node>();
        n->param_child->param_name = name;
      } else if (n->param_child->param_name != name) {
        throw std::logic_error("route " + pattern + ": conflicting parameter name {" + name + "}");
      }
      n = n->param_child.get();
    } else {
      auto it = n->children.find(seg);
      if (it == n->children.end()) it = n->children.emplace(std::string(seg), std::make_unique<node>()).first;
      n = it->second.get();
    }
    return true;
  });
  for (auto* r : n->routes)
    if (r->method == m) throw std::logic_error("duplicate route " + std::string(method_name(m)) + " " + pattern);
  auto r = std::make_unique<route>(route{m, std::move(pattern), std::move(fn), route_kind::http, routes_.size()});
  n->routes.push_back(r.get());
  routes_.push_back(std::move(r));
}

void router::add_websocket(std::string pattern, handler fn) {
  add(http_method::get, std::move(pattern), std::move(fn));
  routes_.back()->kind = route_kind::websocket;
}

route_match router::match(http_method m, std::string_view path) const {
  route_match out;
  const node* n = root_.get();
  bool ok = true;
  std::vector<std::pair<std::string_view, std::string>> params;
  // Depth-first with backtracking would allow /a/{x} and /a/b/c style overlaps; static-first
  // greedy matching is enough for our route table and keeps a miss allocation-free.
  for_each_segment(path, [&](std::string_view seg) {
    auto it = n->children.find(seg);
    if (it != n->children.end()) {
      n = it->second.get();
      return true;
    }
    if (n->param_child) {
      n = n->param_child.get();
      params.emplace_back(n->param_name, std::string(seg));
      return true;
    }
    ok = false;
    return false;
  });
  if (!ok || n->routes.empty()) return out;
  out.path_known = true;
  for (auto* r : n->routes) {
    out.allow.push_back(r->method);
    if (r->method == m) out.matched = r;
  }
  // HEAD is served by the GET route (the server drops the body).
  if (!out.matched && m == http_method::head) {
    for (auto* r : n->routes)
      if (r->method == http_method::get) out.matched = r;
  }
  if (out.matched) out.params = std::move(params);
  return out;
}

}  // namespace brokle::net
